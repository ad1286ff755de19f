"""`make audit` (scripts/audit_dependencies.py) fails on a known vulnerability in a pin, and says
plainly when the advisory service could not check the pins (docs/adr/0015). pip-audit's own
report is given here: the service is on the network."""

import importlib.util
from pathlib import Path

from django.conf import settings

spec = importlib.util.spec_from_file_location(
    "audit_dependencies", Path(settings.BASE_DIR) / "scripts" / "audit_dependencies.py"
)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "pillow",
    "version": "10.0.0",
    "vulns": [{"id": "PYSEC-2023-175", "fix_versions": ["10.0.1"], "description": "..."}],
}
SKIPPED = {"name": "rules", "skip_reason": "Dependency not found on PyPI and could not be audited: rules (3.5)"}


def test_a_pin_with_a_known_vulnerability_fails_and_names_the_fixed_version():
    status, lines = audit.verdict({"dependencies": [CLEAN, VULNERABLE]}, strict=False)
    assert status == 1
    assert "VULNERABLE pillow==10.0.0: PYSEC-2023-175 (fixed in 10.0.1)" in lines


def test_clean_pins_pass():
    assert audit.verdict({"dependencies": [CLEAN]}, strict=True) == (
        0,
        ["pip-audit: no known vulnerabilities in 1 pinned packages."],
    )


def test_an_unreachable_service_is_said_plainly_and_fails_only_when_asked_to():
    for strict, expected in ((True, 1), (False, 0)):
        status, lines = audit.verdict({"dependencies": [CLEAN, SKIPPED]}, strict=strict)
        assert status == expected
        assert "DEPENDENCY AUDIT NOT DONE: pip-audit could not check 1 of 2 pinned packages" in lines[-1]
        assert "rules (3.5)" in lines[-1]


def test_no_report_at_all_is_the_same():
    status, lines = audit.verdict(None, strict=True, failure="Connection refused")
    assert status == 1
    assert "NOT looked for" in lines[0]
    assert "Connection refused" in lines[0]


def test_a_vulnerability_fails_even_when_other_pins_could_not_be_checked():
    assert audit.verdict({"dependencies": [VULNERABLE, SKIPPED]}, strict=False)[0] == 1
