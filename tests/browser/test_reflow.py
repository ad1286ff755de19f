"""WCAG 2.2 1.4.10 Reflow: every page type, for each role that uses it, at 320 x 640 CSS px has no
page-level horizontal scroll; a wide table scrolls inside its own named region, which a keyboard user
can focus (visibly) and scroll; long words, URLs and email addresses wrap.

The pages are found in the demo data before the browser starts (no ORM calls while Playwright's
event loop runs in this thread; see conftest.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.letters.factories import draft as draft_letter_for

from .conftest import sign_in

VIEWPORT = {"width": 320, "height": 640}
LONG_EMAIL = "firstname.middlename.lastname.school-improvement-service@very-long-council-domain.example.gov.uk"
LONG_URL = "https://www.kingfisher-primary-school-and-nursery.example.org/about-us/governance/governing-body-minutes"
LONG_WORD = "Supercalifragilisticexpialidocious-Pneumonoultramicroscopicsilicovolcanoconiosis"

# Whatever scrolls sideways must be one of our regions (named, focusable), and nothing else.
SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const style = getComputedStyle(el);
    return ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
}).map(el => ({
    region: el.classList.contains('app-table-wrap'),
    tabindex: el.getAttribute('tabindex'),
    role: el.getAttribute('role'),
    name: el.getAttribute('aria-label') || '',
    html: el.outerHTML.slice(0, 120),
}))"""
REGIONS = """() => [...document.querySelectorAll('.app-table-wrap')].map(el => ({
    tabindex: el.getAttribute('tabindex'), role: el.getAttribute('role'), name: el.getAttribute('aria-label') || '',
}))"""
FOCUS_FIRST_REGION = """() => {
    const region = document.querySelector('.app-table-wrap');
    region.focus();
    const style = getComputedStyle(region);
    return {focused: document.activeElement === region, outline: style.outlineStyle, width: style.outlineWidth};
}"""


def _first(queryset):
    item = queryset.first()
    assert item is not None, f"the demo data has no {queryset.model.__name__}"
    return item


@pytest.fixture
def pages_by_role(demo_site):
    """Every page type, by the role that uses it, from the demo data (plus long unbroken text)."""
    from academies.models import Concern, IntelligenceEntry
    from accounts.models import RoleRequest
    from categorisation.models import Categorisation, Framework, Status
    from exchange.models import Direction, Document
    from letters.models import Letter, LetterStatus, LetterType
    from schools.models import Councillor, ImportRecord, School, Ward
    from visits.models import Action, MspGroup, MspMeeting, MspMeetingStatus, Visit, VisitStatus

    User = get_user_model()
    long_user = User.objects.create_user(
        username="reflow-" + "x" * 40, email=LONG_EMAIL, first_name=LONG_WORD, last_name="Smith"
    )
    School.objects.filter(urn=874001).update(website=LONG_URL, chair_of_governors=LONG_WORD)
    ward = _first(Ward.objects.filter(councillors__isnull=False))
    Councillor.objects.create(ward=ward, name=f"Cllr {LONG_WORD}", email=LONG_EMAIL)
    councillor = _first(Councillor.objects.filter(ward=ward))

    completed = _first(Visit.objects.filter(status=VisitStatus.COMPLETED, school__urn=874001))
    planned = _first(Visit.objects.filter(status=VisitStatus.PLANNED, school__link_adviser__username="adviser"))
    held = _first(MspMeeting.objects.filter(status=MspMeetingStatus.HELD))
    published = _first(MspMeeting.objects.filter(summary_published_at__isnull=False, group__school__urn=874001))
    group = _first(MspGroup.objects.all())
    action = _first(Action.objects.filter(school__urn=874001))
    approved = _first(Categorisation.objects.filter(status=Status.APPROVED))
    draft = _first(
        Categorisation.objects.filter(status__in=[Status.DRAFT, Status.RETURNED], created_by__username="adviser")
    )
    framework = _first(Framework.objects.all())
    letters = [_first(Letter.objects.filter(status=status)).pk for status in (LetterStatus.ISSUED,)]
    letters += list(Letter.objects.exclude(status=LetterStatus.ISSUED).values_list("pk", flat=True)[:3])
    officer = User.objects.get(username="officer")
    draft_letter = draft_letter_for(School.objects.get(urn=874005), "congratulations", actor=officer)
    governor_letter = _first(Letter.objects.filter(school__urn=874001, status=LetterStatus.ISSUED))
    letter_type = _first(LetterType.objects.all())
    record = _first(ImportRecord.objects.order_by("-pk"))
    role_request = _first(RoleRequest.objects.filter(status="pending"))
    concern = _first(Concern.objects.filter(steps__stage="escalation"))
    restricted = _first(IntelligenceEntry.objects.filter(sensitivity="restricted"))
    from django.http import QueryDict

    from core.export_jobs import export_request
    from visits.models import NoteAcknowledgement

    export = export_request(kind="schools", params=QueryDict(), actor=User.objects.get(username="officer"))
    shared_note = _first(NoteAcknowledgement.objects.filter(visit__school__headships__user__username="headteacher"))
    to_prepare = _first(
        Visit.objects.filter(status=VisitStatus.PLANNED, school__headships__user__username="headteacher")
    )  # the demo's planned visit whose pre-visit section the headteacher completes (docs/adr/0028)
    from categorisation.models import CategoryNotice, ModerationSession

    notice = _first(CategoryNotice.objects.exclude(decision=""))
    # the MSP meeting the demo headteacher attended (docs/adr/0031)
    attended = _first(MspMeeting.objects.filter(school_attendees__username="headteacher"))
    shared_document = _first(Document.objects.filter(school__urn=874001, direction=Direction.FROM_LA))  # ADR 0034
    moderating = _first(ModerationSession.objects.filter(closed_at=None))  # the sheet with its forms
    from letters.models import ActionPlan

    plan = _first(ActionPlan.objects.filter(letter__school__urn=874001))  # the demo plan to send (ADR 0033)
    today = timezone.localdate()
    school, year = 874001, today.year if today.month >= 9 else today.year - 1  # this academic year's term dates

    common = ["/", "/accounts/password/", f"/schools/{school}/", "/this-page-does-not-exist/"]
    la_staff = [
        "/schools/",
        "/schools/?q=primary",
        "/schools/mine/",
        f"/schools/{school}/#visits",
        "/schools/terms/",
        "/schools/wards/",
        f"/schools/wards/{ward.pk}/",
        "/categorisation/",
        "/categorisation/review-due/",
        f"/categorisation/{approved.pk}/",
        "/categorisation/frameworks/",
        f"/categorisation/frameworks/{framework.pk}/",
        "/visits/",
        "/visits/new/",
        f"/visits/{completed.pk}/",
        f"/visits/{completed.pk}/note/",
        f"/visits/{completed.pk}/share/",
        f"/visits/{planned.pk}/",
        f"/visits/{planned.pk}/record/",
        f"/visits/{planned.pk}/cancel/",
        "/visits/actions/",
        f"/visits/actions/{action.pk}/",
        "/visits/compliance/",
        "/visits/compliance/?adviser=",
        "/visits/msp/",
        f"/visits/msp/{group.pk}/",
        f"/visits/msp/meetings/{held.pk}/",
        f"/visits/msp/summaries/{published.pk}/",
        "/visits/calendar/",
        "/letters/",
        "/letters/new/",
        "/letters/suggestions/",
        *[f"/letters/{pk}/" for pk in letters],
        "/academies/",
        "/academies/meeting-pack/",
        "/academies/concerns/new/?school=874035",
        f"/academies/concerns/{concern.pk}/",
        f"/academies/concerns/{concern.pk}/step/",
        f"/academies/concerns/{concern.pk}/edit/",
        f"/academies/trusts/{concern.school.trust.code}/",
        f"/schools/{concern.school.urn}/#intelligence",
        f"/academies/schools/{school}/intelligence/new/",
        "/dashboard/",
        "/dashboard/schools/?figure=review.due",
        "/dashboard/outcomes/",
        "/dashboard/outcomes/schools/?phase=primary&governance=all&set=good",
        "/reminders/",
        "/accounts/account/",
        f"/schools/{school}/timeline/",
        "/visits/acknowledgements/awaiting/",
        "/letters/plans/",
        f"/letters/plans/{plan.pk}/",
    ]
    return {
        "admin": [
            *common,
            "/schools/",
            f"/schools/{school}/edit/",
            "/schools/imports/",
            "/schools/imports/new/gias/",
            f"/schools/imports/{record.pk}/",
            "/accounts/users/",
            f"/accounts/users/?q={long_user.username}",
            "/accounts/users/new/",
            f"/accounts/users/{long_user.pk}/",
            f"/accounts/users/{long_user.pk}/password/",
            "/schools/terms/",
            f"/schools/terms/{year}/",
            "/schools/wards/",
            f"/schools/wards/{ward.pk}/",
            f"/schools/councillors/{councillor.pk}/edit/",
            "/categorisation/",
            "/categorisation/frameworks/",
            "/categorisation/frameworks/new/",
            "/visits/",  # 403: the admin reads no case notes
            "/audit/role-requests/",
            "/audit/access/",
            "/dashboard/outcomes/national/",
        ],
        "officer": [
            *common,
            *la_staff,
            f"/schools/{school}/edit/",
            "/categorisation/queue/",
            f"/categorisation/{draft.pk}/edit/",
            f"/categorisation/schools/{school}/start/",
            f"/visits/schools/{school}/enhanced-offer/",
            f"/visits/msp/{group.pk}/edit/",
            f"/visits/msp/meetings/{held.pk}/record/",
            "/letters/templates/",
            f"/letters/templates/{letter_type.code}/",
            f"/letters/{draft_letter.pk}/edit/",
            "/audit/role-requests/",
            f"/audit/role-requests/{role_request.pk}/decline/",
            "/audit/access/",
            "/audit/reads/",
            f"/audit/reads/visits/visit/{completed.pk}/",
            f"/academies/trusts/{concern.school.trust.code}/edit/",
            f"/academies/intelligence/{restricted.pk}/",
            f"/exports/{export.pk}/",
            "/categorisation/challenges/",
            f"/categorisation/notices/{notice.pk}/decide/",
            "/categorisation/moderation/",
            f"/categorisation/moderation/{moderating.pk}/",
            f"/schools/{school}/documents/",
            f"/schools/{school}/documents/{shared_document.pk}/withdraw/",
        ],
        "headteacher": [
            *common,
            "/visits/notes/",
            f"/visits/notes/{shared_note.visit_id}/",
            f"/categorisation/schools/{school}/category/",
            f"/visits/{to_prepare.pk}/pre-visit/",
            "/visits/msp/my-meetings/",
            f"/visits/msp/my-meetings/{attended.pk}/",
            "/letters/our-plans/",
            f"/letters/our-plans/{plan.pk}/",
            f"/schools/{school}/documents/",
        ],
        "adviser": [*common, *la_staff, f"/categorisation/{draft.pk}/edit/", "/accounts/users/", "/dashboard/adviser/"],
        "governor": [
            *common,
            f"/letters/{governor_letter.pk}/",
            f"/visits/msp/summaries/{published.pk}/",
            "/visits/msp/my-meetings/",
            "/schools/874002/",  # another school: 404
            f"/categorisation/schools/{school}/category/",  # the chair reads the category sent to the school
            f"/schools/{school}/documents/",
        ],
    }


def test_every_page_reflows_at_320_px_for_every_role(pages_by_role, browser, demo_site):
    wide, unnamed, unfocusable, checked = [], [], [], 0
    for role, paths in pages_by_role.items():
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        try:
            page.goto(f"{demo_site}/accounts/sign-in/")
            if page.evaluate("document.documentElement.scrollWidth") > VIEWPORT["width"]:
                wide.append("the sign-in page")
            sign_in(page, demo_site, role)
            for path in dict.fromkeys(paths):
                page.goto(f"{demo_site}{path}")
                checked += 1
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > VIEWPORT["width"]:
                    wide.append(f"{role} {path}: {width}px")
                for scroller in page.evaluate(SCROLLERS):
                    if not (scroller["region"] and scroller["tabindex"] == "0" and scroller["name"]):
                        unfocusable.append(f"{role} {path}: {scroller['html']}")
                regions = page.evaluate(REGIONS)
                for region in regions:
                    if region["tabindex"] != "0" or region["role"] != "region" or not region["name"].strip():
                        unnamed.append(f"{role} {path}: {region}")
                if regions:
                    focus = page.evaluate(FOCUS_FIRST_REGION)
                    if not focus["focused"] or focus["outline"] == "none":
                        unfocusable.append(f"{role} {path}: focus {focus}")
        finally:
            context.close()
    assert checked > 100
    assert wide == [], "pages wider than 320 px:\n" + "\n".join(wide)
    assert unnamed == [], "regions without a name, role or tabindex:\n" + "\n".join(unnamed)
    assert unfocusable == [], "scrolling areas a keyboard cannot reach:\n" + "\n".join(unfocusable)


def test_a_keyboard_user_tabs_into_a_wide_table_and_scrolls_it_with_the_arrow_keys(browser, demo_site):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        sign_in(page, demo_site, "officer")
        page.goto(f"{demo_site}/visits/compliance/?adviser=")
        region = page.locator(".app-table-wrap").first
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider than the screen
        page.get_by_role("link", name="Excel").focus()
        for _ in range(5):  # the links between the download links and the table, if any
            page.keyboard.press("Tab")
            if region.evaluate("el => document.activeElement === el"):
                break
        assert region.evaluate("el => document.activeElement === el")
        assert region.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("End")
        page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
        assert page.get_by_role("region", name="Visits due and done").count() == 1
    finally:
        context.close()


def test_a_form_with_errors_reflows_too(browser, demo_site):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        sign_in(page, demo_site, "adviser")
        page.goto(f"{demo_site}/visits/new/")
        page.fill("#id_visit_date_0", "31")
        page.fill("#id_visit_date_1", "2")
        page.fill("#id_visit_date_2", "2027")
        with page.expect_navigation():  # the title is read from the answer, not the page being left
            page.get_by_role("button", name="Plan visit").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Date of the visit must be a real date")
        expect(page).to_have_title(re.compile(r"^Error: "))
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    finally:
        context.close()


@pytest.mark.parametrize("width", [1024, 1100, 1180])
def test_laptop_widths_between_govuks_960_and_the_wide_container_do_not_overflow(browser, demo_site, width):
    """GOV.UK centres its container from 1020px; the app's wider one kept no margin and overflowed
    a 1024-1199px window (the officer's navigation is the widest)."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, demo_site, "officer")
        for path in ("/", "/schools/", "/letters/"):
            page.goto(f"{demo_site}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            left = page.evaluate("document.querySelector('main').getBoundingClientRect().left")
            assert left >= 30, f"{path}: the content touches the window's edge ({left}px)"
    finally:
        context.close()
