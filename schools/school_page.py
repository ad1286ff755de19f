"""The school page's sections. Apps above schools (categorisation, visits, letters...) register
theirs here in their AppConfig.ready(); see core.sections."""

from accounts.permissions import is_la_staff
from core.sections import Section, SectionRegistry

from . import selectors

registry = SectionRegistry()
register = registry.register
sections_for = registry.sections_for

register(
    Section(
        key="ofsted",
        title="Ofsted inspections",
        order=20,
        template="schools/sections/ofsted.html",
        context=lambda request, school: {"inspections": selectors.school_inspections(school=school)},
    )
)
register(
    Section(
        key="performance",
        title="Performance against national",
        order=30,
        template="schools/sections/performance.html",
        context=lambda request, school: {"performance": selectors.school_performance_table(school=school)},
    )
)


def _alerts(request, school):
    if not is_la_staff(request.user):
        return None
    alerts = list(school.elected_member_alerts.all()[:20])
    return {"alerts": alerts} if alerts else None


register(
    Section(
        key="alerts",
        title="Alerts to ward councillors",
        order=90,
        template="schools/sections/alerts.html",
        context=_alerts,
    )
)
