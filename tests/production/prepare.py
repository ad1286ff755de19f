"""Run once, with DEBUG=true, on the production-mode run's own database after `seed_demo`:
letters left for the production server to produce, so that every document is rendered by gunicorn
with DEBUG off and collected static files (the demo's issued files were rendered in development).

- one letter of every type, approved and ready to issue;
- a warning notice issued in the past, its compliance period over and not complied with: ready for
  the notice of intention;
- a completed visit, for its note of visit;
- for the pages and forms only some states show: a letter left as a draft (its edit page), a draft
  copy of the prioritisation criteria with an area still empty (the framework, area and statement
  editing pages, removing an area), an MSP meeting whose summary is not yet published, and an import
  waiting for the admin to confirm or cancel it.

Writes their ids as JSON to the path given (`manage.py shell -c` from tests/production/conftest.py)."""

import json
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_create
from categorisation import services as categorisation_services
from categorisation.selectors import framework_in_use
from letters import documents, services
from letters.models import TRUST_LETTER_KINDS, Letter, LetterKind, LetterStatus, LetterType
from schools import services as schools_services
from schools.models import Governance, School
from schools.selectors import letterhead_for
from visits import services as visits_services
from visits.models import MspGroup, MspRecommendation, Visit, VisitStatus

User = get_user_model()


def _officers():
    """The demo officer and a second one, for a letter type that needs two approvals."""
    officer = User.objects.get(username="officer")
    second = User.objects.filter(username="officer-second").first() or user_create(
        username="officer-second", first_name="Sam", last_name="Second", email="officer-second@example.org",
        role=Role.OFFICER, password="a second approver, four eyes", actor=officer,
    )  # fmt: skip
    return [officer, second]


def _approved(school, code, *, today, compliance_end_date=None, submitted_on=None) -> Letter:
    officers = _officers()
    letter_type = LetterType.objects.get(code=code)
    subject, body = documents.prefilled_text(school, letter_type)
    on = submitted_on or today
    letter = services.letter_draft_create(
        school=school,
        letter_type=letter_type,
        actor=officers[0],
        subject=subject,
        body=body.replace("[", "").replace("]", ""),
        indicators=list(letter_type.indicators.filter(is_active=True)[:2]),
        grounds=["a"] if letter_type.is_warning_notice else [],
        compliance_end_date=(compliance_end_date or on + timedelta(weeks=8)) if letter_type.is_warning_notice else None,
        today=on,
    )
    if on != today:
        # Drafted that day: the date of issue cannot precede the draft date (its created date).
        Letter.objects.filter(pk=letter.pk).update(created_at=timezone.make_aware(datetime.combine(on, time(10, 0))))
        letter.refresh_from_db()
    services.letter_submit(letter=letter, actor=officers[0], today=on)
    for officer in officers:
        letter.refresh_from_db()
        if letter.status == LetterStatus.APPROVED:
            break
        try:
            services.letter_approve(letter=letter, actor=officer)
        except ValidationError:
            continue
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED, f"{code}: {letter.status}"
    return letter


def prepare(out: str) -> None:
    today = timezone.localdate()
    schools = iter(
        School.objects.open()
        .filter(establishment_type__governance=Governance.MAINTAINED, letters__isnull=True)
        .exclude(chair_of_governors="")
        .order_by("urn")
    )
    # Letters to an academy's trust are written about an academy whose trust's chair and CEO are named.
    academies = iter(
        School.objects.open()
        .filter(establishment_type__governance=Governance.ACADEMY, trust__isnull=False, letters__isnull=True)
        .select_related("trust")
        .order_by("urn")
    )
    ready = {}
    for code in LetterKind.values:
        if code in TRUST_LETTER_KINDS:
            academy = next(academies)
            if not (academy.trust.chair_name and academy.trust.ceo_name):
                schools_services.trust_update(
                    trust=academy.trust, actor=_officers()[0], ceo_name="Dr Helen Marsh", chair_name="Mr Richard Cole"
                )
            ready[code] = _approved(academy, code, today=today).pk
        else:
            ready[code] = _approved(next(schools), code, today=today).pk

    issued_on, end = today - timedelta(days=70), today - timedelta(days=10)
    notice = _approved(next(schools), LetterKind.WARNING_NOTICE, today=today, compliance_end_date=end,
                       submitted_on=issued_on)  # fmt: skip
    officer = _officers()[0]
    services.letter_issue(letter=notice, actor=officer, issued_on=issued_on, today=issued_on)
    services.warning_notice_outcome_record(letter=notice, actor=officer, outcome="not_complied", today=today)

    draft_school = next(schools)
    subject, body = documents.prefilled_text(draft_school, LetterType.objects.get(code=LetterKind.CONGRATULATIONS))
    services.letter_draft_create(
        school=draft_school, letter_type=LetterType.objects.get(code=LetterKind.CONGRATULATIONS), actor=officer,
        subject=subject, body=body, today=today,
    )  # fmt: skip
    framework = framework_in_use(today)
    draft = categorisation_services.framework_copy(framework=framework, name=f"{framework.name} (draft)", actor=officer)
    categorisation_services.area_save(framework=draft, actor=officer, code="new", name="A new area", order=99)

    group = MspGroup.objects.filter(closed_on__isnull=True).order_by("pk").first()
    assert group is not None, "the demo has no open MSP group"
    visits_services.msp_meeting_record_new(
        group=group, held_on=today, start_time=None, actor=officer, attendees="The group's members",
        reviews=[], impact_of_support="Early signs of impact.", support_refocused=False, refocus_details="",
        minutes="Confidential minutes.", summary_key_points="Key points for the governing body.",
        recommendation=MspRecommendation.CONTINUE,
    )  # fmt: skip

    csv = b"URN,academic_year,measure,value,national_value\r\n874001,2024/25,attendance,94.1,94.5\r\n"
    admin = User.objects.get(username="admin")
    schools_services.import_preview(kind="performance", data=csv, filename="performance.csv", actor=admin, options={})

    visit = Visit.objects.filter(status=VisitStatus.COMPLETED).order_by("-visit_date").first()
    assert visit is not None, "the demo has no completed visit"
    with open(out, "w") as handle:
        governor = User.objects.get(username="governor").pk
        headteacher = User.objects.get(username="headteacher").pk
        # Each letter's LA letterhead, as its documents must show it (council, directorate, address).
        letterheads = {
            str(letter.pk): letterhead_for(letter.school.la_code).lines
            for letter in Letter.objects.filter(pk__in=[*ready.values(), notice.pk]).select_related("school")
        }
        json.dump(
            {
                "ready_to_issue": ready,
                "letterheads": letterheads,
                "intention": notice.pk,
                "visit": visit.pk,
                "governor": governor,
                "headteacher": headteacher,
            },
            handle,
        )
