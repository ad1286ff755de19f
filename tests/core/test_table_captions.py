"""Every data table says what it is to a screen reader user: each <table> in a template starts with a
<caption> (visually hidden where a heading above already says it) or is named by a heading
(aria-labelledby: in a document printed to PDF, where a hidden caption would be printed). WCAG 1.3.1."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TABLE = re.compile(r"<table\b([^>]*)>\s*({% if not labelled_by %})?(<caption\b)?", re.S)


def test_every_table_in_a_template_starts_with_a_caption():
    missing = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        for match in TABLE.finditer(path.read_text())
        if match.group(3) is None and "aria-labelledby" not in match.group(1)
    ]
    assert not missing, f"tables without a <caption> first or aria-labelledby: {missing}"
