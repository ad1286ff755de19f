"""Demo data for the dashboard (run by `manage.py seed_demo` after every other app's): a cabinet and
scrutiny pack already produced by the demo officer, so the packs page has one to download and the
next cabinet pack reports the movement since it."""

from core.demo import DemoContext

from .models import PackAudience, ReportingPack
from .packs import pack_request


def seed(ctx: DemoContext) -> None:
    officer = ctx.users.get("officer")
    if officer is None or ReportingPack.objects.filter(audience=PackAudience.CABINET).exists():
        return
    pack = pack_request(audience=PackAudience.CABINET, la_code="", actor=officer)
    ctx.write(f"Reporting pack: {pack} ({pack.get_status_display().lower()})")  # type: ignore[operator]
