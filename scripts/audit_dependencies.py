"""`make audit` (run by `make lint`): every pinned package in requirements.txt and
requirements-dev.txt checked by pip-audit against the PyPI advisory database (docs/adr/0015).

Exit 1 when a pin has a known vulnerability: upgrade that pin to a fixed version (listed) and run
the tests of what uses it. When the advisory service cannot be reached, or cannot say anything
about a pin, nothing was checked: that is said plainly, and fails when AUDIT_UNREACHABLE=fail
(for a pipeline that reaches the service); with the default, warn, it is a warning, so that
`make lint` still runs where the service cannot be reached."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")

UNREACHABLE = """\
DEPENDENCY AUDIT NOT DONE: pip-audit could not check {missing} of {total} pinned packages against the
PyPI advisory service (https://pypi.org/pypi/<name>/<version>/json), so known vulnerabilities in them
were NOT looked for. First reason: {reason}
Run `make audit` where PyPI's JSON API is reachable (set AUDIT_UNREACHABLE=fail there so this fails)."""


def run_pip_audit() -> subprocess.CompletedProcess:
    requirements = [arg for name in REQUIREMENTS for arg in ("-r", str(ROOT / name))]
    command = [str(PIP_AUDIT), *requirements, "--progress-spinner", "off", "--disable-pip", "--no-deps", "-f", "json"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def verdict(report: dict | None, *, strict: bool, failure: str = "") -> tuple[int, list[str]]:
    """(exit status, lines to print) for pip-audit's JSON report, or None when it gave none."""
    if report is None:
        return (1 if strict else 0), [UNREACHABLE.format(missing="all", total="the", reason=failure)]
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        lines.append(f"{len(vulnerable)} pinned package(s) with known vulnerabilities: upgrade the pins above.")
    if skipped:
        lines.append(
            UNREACHABLE.format(missing=len(skipped), total=len(dependencies), reason=skipped[0]["skip_reason"])
        )
    if vulnerable:
        return 1, lines
    if skipped:
        return (1 if strict else 0), lines
    return 0, [f"pip-audit: no known vulnerabilities in {len(dependencies)} pinned packages."]


def main() -> int:
    strict = os.environ.get("AUDIT_UNREACHABLE", "warn") == "fail"
    report, failure = None, ""
    try:
        result = run_pip_audit()
    except (OSError, subprocess.TimeoutExpired) as error:
        failure = str(error)
    else:
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            failure = (result.stderr.strip().splitlines() or ["pip-audit gave no report"])[-1]
    status, lines = verdict(report, strict=strict, failure=failure)
    print("\n".join(lines), file=sys.stderr if status or report is None else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
