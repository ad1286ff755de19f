"""Before/after screenshots of the demo's main pages, compared pixel by pixel (issue 15: "every page
renders as before"). A development tool, not a test; docs/development.md says more.

  .venv/bin/python scripts/compare_screenshots.py 75ba4d2 HEAD             # two commits
  .venv/bin/python scripts/compare_screenshots.py --urls http://127.0.0.1:8000 http://127.0.0.1:8001

Each commit is checked out in a temporary worktree, migrated into a fresh SQLite database, seeded
(seed_demo) and served (runserver) with DEBUG=true and the clock stopped at 10:30 London on the same
day (--today), as the demo data is dated from today. Each demo user signs in and Chromium takes a
full-page screenshot of their main pages; report.md in --out compares each pair (Pillow).
"""

import argparse
import contextlib
import difflib
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django_otp.oath import TOTP
from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 900}

# As accounts/demo.py (published in the README, demo data only).
DEMO_PASSWORD = "school-improvement-demo"


def demo_totp_key(username: str) -> str:
    return hashlib.sha1(f"school-improvement-demo-{username}".encode()).hexdigest()


# Each demo user's main pages: (name, path) or (name, path, href pattern): the page that the first
# link on `path` matching the pattern opens (the same object on both sides if the lists agree).
SCHOOL = "/schools/874001/"
PAGES: dict[str, list[tuple[str, ...]]] = {
    "admin": [
        ("home", "/"),
        ("schools", "/schools/"),
        ("school", SCHOOL),
        ("imports", "/schools/imports/"),
        ("import", "/schools/imports/", r"^/schools/imports/\d+/$"),
        ("users", "/accounts/users/"),
        ("user", "/accounts/users/", r"^/accounts/users/\d+/$"),
        ("role-requests", "/audit/role-requests/"),
        ("term-dates", "/schools/terms/"),
        ("wards", "/schools/wards/"),
        ("letterheads", "/schools/letterheads/"),
        ("frameworks", "/categorisation/frameworks/"),
        ("national-outcomes", "/dashboard/outcomes/national/"),
    ],
    "officer": [
        ("home", "/"),
        ("dashboard", "/dashboard/"),
        ("outcomes", "/dashboard/outcomes/"),
        ("packs", "/dashboard/packs/"),
        ("schools", "/schools/"),
        ("school", SCHOOL),
        ("case-file", f"{SCHOOL}timeline/"),
        ("categorisation", "/categorisation/"),
        ("categorisation-queue", "/categorisation/queue/"),
        ("categorisation-review-due", "/categorisation/review-due/"),
        ("categorisation-challenges", "/categorisation/challenges/"),
        ("moderation", "/categorisation/moderation/"),
        ("a-categorisation", "/categorisation/", r"^/categorisation/\d+/$"),
        ("visits", "/visits/"),
        ("visits-planned", "/visits/?status=planned"),
        ("visits-search", "/visits/?q=Kingfisher"),
        ("a-visit", "/visits/", r"^/visits/\d+/$"),
        ("actions", "/visits/actions/"),
        ("actions-overdue", "/visits/actions/?status=overdue"),
        ("actions-school-all", "/visits/actions/?owner=school&status=all"),
        ("an-action", "/visits/actions/", r"^/visits/actions/\d+/$"),
        ("compliance", "/visits/compliance/"),
        ("compliance-overdue", "/visits/compliance/?status=overdue"),
        ("compliance-medium", "/visits/compliance/?category=medium"),
        ("msp", "/visits/msp/"),
        ("msp-closed", "/visits/msp/?status=closed"),
        ("msp-group", "/visits/msp/", r"^/visits/msp/\d+/$"),
        ("msp-meeting", "/visits/msp/2/", r"^/visits/msp/meetings/\d+/$"),
        ("calendar", "/visits/calendar/"),
        ("letters", "/letters/"),
        ("letters-issued", "/letters/?status=issued"),
        ("letters-impossible-date", "/letters/?issued_from=2026-02-30"),
        ("a-letter", "/letters/", r"^/letters/\d+/$"),
        ("a-warning-notice", "/letters/?q=874002", r"^/letters/\d+/$"),
        ("letter-start", "/letters/new/"),
        ("letter-suggestions", "/letters/suggestions/"),
        ("letter-templates", "/letters/templates/"),
        ("a-letter-template", "/letters/templates/", r"^/letters/templates/[^/]+/$"),
        ("action-plans", "/letters/plans/"),
        ("academies", "/academies/"),
        ("a-concern", "/academies/", r"^/academies/concerns/\d+/$"),
        ("access-log", "/audit/access/"),
        ("reminders", "/reminders/"),
    ],
    "adviser": [
        ("home", "/"),
        ("my-dashboard", "/dashboard/adviser/"),
        ("my-schools", "/schools/mine/"),
        ("school", SCHOOL),
        ("case-file", f"{SCHOOL}timeline/"),
        ("visits", "/visits/"),
        ("a-visit", "/visits/", r"^/visits/\d+/$"),
        ("plan-visit", "/visits/new/"),
        ("actions", "/visits/actions/"),
        ("awaiting-acknowledgement", "/visits/acknowledgements/awaiting/"),
        ("compliance", "/visits/compliance/"),
        ("msp", "/visits/msp/"),
        ("letters", "/letters/"),
        ("a-letter", "/letters/", r"^/letters/\d+/$"),
        ("categorisation", "/categorisation/"),
        ("reminders", "/reminders/"),
    ],
    "governor": [
        ("home", "/"),
        ("school", SCHOOL),
        ("a-letter", SCHOOL, r"^/letters/\d+/$"),
    ],
    "headteacher": [
        ("home", "/"),
        ("school", SCHOOL),
        ("notes", "/visits/notes/"),
        ("a-note", "/visits/notes/", r"^/visits/notes/\d+/$"),
        ("school-category", "/categorisation/schools/874001/category/"),
        ("action-plans", "/letters/our-plans/"),
        ("documents", f"{SCHOOL}documents/"),
    ],
}

# Run by `python -c` in the worktree: manage.py with the clock stopped at argv[1] (time-machine).
FROZEN_MANAGE = """
import runpy, sys
from datetime import datetime
import time_machine
time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=False).start()
sys.argv = sys.argv[2:]
runpy.run_path("manage.py", run_name="__main__")
"""


@dataclass
class Shot:
    url: str
    status: int | None
    path: Path | None = None
    error: str = ""


@dataclass
class Side:
    label: str
    base_url: str
    shots: dict[str, Shot] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}) before answering {url}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=5)
            return
        time.sleep(1)
    raise SystemExit(f"no answer from {url} after {seconds}s")


@contextlib.contextmanager
def served_commit(commit: str, workdir: Path, moment: datetime, log: Path) -> Iterator[str]:
    """The demo of `commit`, migrated, seeded and served with the clock stopped at `moment`."""
    sha = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, check=True, capture_output=True, text=True)
    tree = workdir / f"{commit.replace('/', '-')}-{sha.stdout.strip()}"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True, capture_output=True)
    # The session cookie's expiry is dated by the stopped server clock: make it outlast a past --today.
    session_age = str(5 * 366 * 24 * 3600)
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "", "SESSION_COOKIE_AGE": session_age}
    env["MEDIA_ROOT"] = str(tree / "media")
    manage = [sys.executable, "-c", FROZEN_MANAGE, moment.isoformat(), "manage.py"]
    server = None
    try:
        with log.open("a") as out:
            for step in (["migrate", "--no-input"], ["seed_demo"]):
                print(f"  {commit}: manage.py {' '.join(step)}", flush=True)
                subprocess.run([*manage, *step], cwd=tree, env=env, check=True, stdout=out, stderr=out)
            port = free_port()
            server = subprocess.Popen(
                [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=tree, env=env, stdout=out, stderr=out
            )
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base_url}/healthz", server)
            yield base_url
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


def sign_in(page, base_url: str, username: str) -> None:
    """The password, then (officers and admins) the authenticator code for the server's clock."""
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.click("form button[type=submit]:has-text('Sign in')")
    if "/accounts/second-factor/" in page.url:
        server_time = parsedate_to_datetime(navigation.value.all_headers()["date"]).timestamp()
        authenticator = TOTP(bytes.fromhex(demo_totp_key(username)))
        authenticator.time = server_time
        page.fill("#id_code", f"{authenticator.token():06d}")
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    if "/accounts/" in page.url:
        raise SystemExit(f"could not sign in as {username} at {base_url}: still on {page.url}")


def open_page(page, base_url: str, path: str, link: str | None) -> int | None:
    response = page.goto(f"{base_url}{path}")
    if link:
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        target = next((href for href in hrefs if re.search(link, href)), None)
        if target is None:
            raise LookupError(f"no link matching {link} on {path}")
        response = page.goto(f"{base_url}{target}")
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5000)
    return response.status if response else None


def capture(browser, side: Side, out: Path, only: str) -> None:
    folder = out / side.label
    folder.mkdir(parents=True, exist_ok=True)
    for username, pages in PAGES.items():
        wanted = [spec for spec in pages if only in f"{username}-{spec[0]}"]
        if not wanted:
            continue
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        sign_in(page, side.base_url, username)
        for name, path, *link in wanted:
            key = f"{username}-{name}"
            try:
                status = open_page(page, side.base_url, path, link[0] if link else None)
            except Exception as error:  # a page that cannot be reached is reported, not fatal
                side.shots[key] = Shot(url=path, status=None, error=str(error).splitlines()[0])
                continue
            shot = Shot(url=page.url.removeprefix(side.base_url), status=status, path=folder / f"{key}.png")
            page.screenshot(path=shot.path, full_page=True, animations="disabled")
            side.shots[key] = shot
            print(f"  {side.label} {key}: {status} {shot.url}", flush=True)
        context.close()


@dataclass
class Difference:
    share: float
    box: tuple[int, int, int, int] | None
    sizes: str
    image: Path | None
    bands: str = ""


def changed_bands(first: Image.Image, second: Image.Image) -> str:
    """The horizontal bands that differ once rows that only moved are matched (something inserted
    high on a page moves all below it): 'y 557-700 -> 557-900' is before's rows 557 to 700 replaced by
    after's 557 to 900; '+' is inserted in after, '-' removed from before."""
    rows = [
        [image.crop((0, y, image.width, y + 1)).tobytes() for y in range(image.height)] for image in (first, second)
    ]
    matcher = difflib.SequenceMatcher(None, *rows, autojunk=False)
    symbols = {"replace": "", "insert": "+", "delete": "-"}
    return ", ".join(
        f"{symbols[tag]}y {top}-{bottom} -> {new_top}-{new_bottom}"
        for tag, top, bottom, new_top, new_bottom in matcher.get_opcodes()
        if tag != "equal"
    )


def compare(before: Path, after: Path, diff: Path) -> Difference:
    """The share of pixels that differ (over the larger of the two pages) and the box around them;
    the diff image is the after page faded, with every changed pixel red and the box outlined."""
    first, second = Image.open(before).convert("RGB"), Image.open(after).convert("RGB")
    size = (max(first.width, second.width), max(first.height, second.height))
    sizes = f"{first.width}x{first.height} / {second.width}x{second.height}"
    padded = []
    for image in (first, second):
        canvas = Image.new("RGB", size, "white")
        canvas.paste(image)
        padded.append(canvas)
    red, green, blue = ImageChops.difference(*padded).split()
    mask = ImageChops.lighter(ImageChops.lighter(red, green), blue).point(lambda value: 255 if value else 0)
    changed = mask.histogram()[255]
    box = mask.getbbox()
    if not changed:
        return Difference(0.0, None, sizes, None)
    picture = Image.blend(padded[1], Image.new("RGB", size, "white"), 0.7)
    picture.paste((220, 0, 0), mask=mask)
    ImageDraw.Draw(picture).rectangle(box, outline=(0, 0, 255), width=3)
    picture.save(diff)
    return Difference(changed / (size[0] * size[1]), box, sizes, diff, changed_bands(first, second))


def report(before: Side, after: Side, out: Path, title: str) -> Path:
    (out / "diff").mkdir(parents=True, exist_ok=True)
    keys = sorted(before.shots.keys() | after.shots.keys())
    rows = []
    for key in keys:
        first, second = before.shots.get(key), after.shots.get(key)
        links = [_link(shot, out) for shot in (first, second)]
        if not (first and first.path and second and second.path):
            rows.append([key, "cannot compare", "", "", "", *links, ""])
            continue
        difference = compare(first.path, second.path, out / "diff" / f"{key}.png")
        notes = [f"{difference.share:.2%}" if difference.image else "none"]
        if first.url != second.url:
            notes.append("different URL")
        if first.status != second.status:
            notes.append(f"status {first.status} / {second.status}")
        box = str(difference.box) if difference.box else ""
        diff_link = f"[diff]({difference.image.relative_to(out)})" if difference.image else ""
        rows.append([key, ", ".join(notes), box, difference.bands, difference.sizes, *links, diff_link])
    same = sum(row[1] == "none" for row in rows)
    lines = [f"# Screenshots: {title}", "", f"{same} of {len(keys)} pages are identical.", ""]
    lines.append("| page | changed | box (l, t, r, b) | bands (y before -> y after) | sizes | before | after | diff |")
    lines.append("|---|---|---|---|---|---|---|---|")
    lines.extend(f"| {' | '.join(row)} |" for row in rows)
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _link(shot: Shot | None, out: Path) -> str:
    if shot and shot.path:
        return f"[{shot.url}]({shot.path.relative_to(out)})"
    return f"failed: {shot.error}".replace("|", "/") if shot else "not taken"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", nargs="?", help="commit (or, with --urls, the before server's URL)")
    parser.add_argument("after", nargs="?", default="HEAD", help="commit (or URL with --urls); default HEAD")
    parser.add_argument("--urls", action="store_true", help="compare two running servers instead of two commits")
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots"), help="report directory (emptied first)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), help="the servers' day")
    parser.add_argument("--workdir", type=Path, help="where the temporary worktrees go (default: a temp dir)")
    parser.add_argument("--only", default="", help="only pages whose 'user-page' name contains this")
    args = parser.parse_args()
    if not args.before:
        parser.error("give the before commit (or URL)")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    moment = datetime.combine(args.today, datetime.min.time().replace(hour=10, minute=30), ZoneInfo("Europe/London"))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="shots-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sides = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, target in (("before", args.before), ("after", args.after)):
            print(f"{label}: {target}", flush=True)
            with contextlib.ExitStack() as stack:
                base_url = target
                if not args.urls:
                    base_url = stack.enter_context(served_commit(target, workdir, moment, args.out / f"{label}.log"))
                side = Side(label=label, base_url=base_url.rstrip("/"))
                capture(browser, side, args.out, args.only)
                sides.append(side)
        browser.close()
    when = "" if args.urls else f" on {args.today.isoformat()} 10:30 London"
    path = report(*sides, args.out, f"{args.before} (before) and {args.after} (after){when}")
    print(f"Report: {path}")


if __name__ == "__main__":
    main()
