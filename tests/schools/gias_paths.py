"""The GIAS import's two comparison paths, for tests that must hold on both (docs/adr/0020): row by
row in Python, and staged through COPY on PostgreSQL (skipped elsewhere)."""

import pytest
from django.db import connection

PATHS = [
    pytest.param(False, id="row by row"),
    pytest.param(
        True,
        id="staged",
        marks=pytest.mark.skipif(connection.vendor != "postgresql", reason="the staged path is PostgreSQL's"),
    ),
]
LA = {"la_codes": ["874"]}
