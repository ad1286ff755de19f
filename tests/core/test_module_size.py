"""No Python module outside migrations, tests and bench is over about 400 lines (issue 15): a module
that grows past it is split by sub-domain (as visits' views and forms were: views_visits,
views_actions, ..., forms_msp).

The modules over the limit when the check came in are listed below, so that the list can only
shrink: a new module, or one not listed, fails the check past the limit; a listed module that is
split (or shrinks to the limit) fails it until its line here is removed."""

import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400
SKIPPED_DIRS = {".git", ".venv", "node_modules", "migrations", "tests", "bench"}

# Today's large modules, each to be split by sub-domain. Remove a line when its module is split.
TOO_LARGE_TODAY = {
    "config/settings.py",  # settings: one file by convention
}


def _modules() -> dict[str, int]:
    sizes = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            if name.endswith(".py"):
                path = Path(folder) / name
                with path.open(encoding="utf-8") as text:
                    sizes[path.relative_to(ROOT).as_posix()] = sum(1 for _ in text)
    return sizes


@pytest.fixture(scope="module")
def sizes() -> dict[str, int]:
    return _modules()


def test_no_module_is_over_the_limit_unless_listed_as_too_large_today(sizes):
    over = {name: lines for name, lines in sizes.items() if lines > MAX_LINES and name not in TOO_LARGE_TODAY}
    assert not over, f"modules over {MAX_LINES} lines: split them by sub-domain: {sorted(over.items())}"


def test_the_list_of_large_modules_only_shrinks(sizes):
    fixed = {name for name in TOO_LARGE_TODAY if sizes.get(name, 0) <= MAX_LINES}
    assert not fixed, f"split or shrunk: remove these from TOO_LARGE_TODAY: {sorted(fixed)}"


def test_a_services_or_selectors_module_split_out_is_type_checked_as_strictly_as_the_one_it_left():
    """mypy's strict override names `*.services` and `*.selectors`; a module split out beside them
    (`visits/services_msp.py`) matches no pattern, so pyproject.toml lists it by name."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        overrides = tomllib.load(file)["tool"]["mypy"]["overrides"]
    strict = {name for override in overrides if override.get("disallow_untyped_defs") for name in override["module"]}
    split_out = {
        f"{path.parent.name}.{path.stem}"
        for pattern in ("*/services_*.py", "*/selectors_*.py")
        for path in ROOT.glob(pattern)
    }
    assert split_out, "no split-out module found: the glob is wrong"
    assert sorted(split_out - strict) == []
