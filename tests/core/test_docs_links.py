"""The README is the front door and docs/ holds the guides (issue 15): every relative Markdown link in
them points at a file that exists, and the README stays short enough to read in five minutes."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 250

# [text](target) or [text](target "title"); images too. Inline code is removed first.
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def relative_links(path: Path) -> list[str]:
    """The relative link targets of a Markdown file, outside fenced code blocks and inline code."""
    targets: list[str] = []
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for target in LINK.findall(INLINE_CODE.sub("", line)):
            if not EXTERNAL.match(target):
                targets.append(target)
    return targets


def broken_links(path: Path) -> list[str]:
    """Each relative link whose file (or, for a Markdown file, heading anchor) does not exist."""
    broken = []
    for target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve()
        if not resolved.exists():
            broken.append(f"{path.name}: {target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors_of(resolved):
            broken.append(f"{path.name}: {target} (no such heading)")
    return broken


def anchors_of(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces made hyphens."""
    anchors = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            anchors.add(text.replace(" ", "-"))
    return anchors


def test_the_readme_and_every_guide_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in markdown_files()}
    assert {"README.md", "docs/README.md", "docs/strategy.md"} <= names


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_points_at_an_existing_file(path):
    assert broken_links(path) == []


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# There\n", encoding="utf-8")
    page.write_text(
        "[ok](there.md) [missing](nowhere.md) [web](https://example.org) `[code](x.md)`\n```\n[fenced](y.md)\n```\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["there.md", "nowhere.md"]
    assert broken_links(page) == ["page.md: nowhere.md (no such file)"]


def test_a_link_to_a_missing_heading_is_found(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# There\n\n## Known limits\n", encoding="utf-8")
    page.write_text("[ok](there.md#known-limits) [bad](there.md#nothing)\n", encoding="utf-8")
    assert broken_links(page) == ["page.md: there.md#nothing (no such heading)"]


def test_the_readme_stays_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, f"README.md has {len(lines)} lines: move detail into docs/"


def test_the_readme_links_the_docs_index_and_the_strategy_map_and_the_index_every_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/README.md)" in readme
    assert "(docs/strategy.md)" in readme
    index = docs_index()
    for guide in sorted((ROOT / "docs").glob("*.md")):
        if guide.name != "README.md":
            assert f"({guide.name})" in index, guide.name


def docs_index() -> str:
    return (ROOT / "docs" / "README.md").read_text(encoding="utf-8")


def test_every_decision_record_is_listed_in_the_readme_and_the_docs_index():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index = docs_index()
    for record in sorted((ROOT / "docs" / "adr").glob("*.md")):
        assert f"(docs/adr/{record.name})" in readme, record.name
        assert f"(adr/{record.name})" in index, record.name
