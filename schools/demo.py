"""Demo register for the fictional LA 874: about 60 schools loaded through the real importers
(GIAS extract, Ofsted management information in both layouts, performance long format), then
the LA-kept details (link advisers, headteachers' appointments, chairs) and a governor's seat.

The fictional schools and their GIAS and councillors files are in demo_register, their Ofsted and
performance files in demo_outcomes; this module seeds them, and the letterheads."""

from datetime import date

from .demo_outcomes import ofsted_files, performance_file
from .demo_register import CHAIRS, DEMO_LA, GOVERNOR_SCHOOL_URN, councillors_file, demo_schools, gias_file
from .models import GovernorRole, Governorship, HeadAppointment, ImportKind, School


def seed(ctx) -> None:
    from . import services

    admin = ctx.users["admin"]
    schools = demo_schools(ctx.rng)
    graded, report_cards = ofsted_files(schools, ctx.rng)
    files = [
        (ImportKind.GIAS, "edubasealldata_demo.csv", gias_file(schools), {"la_codes": [DEMO_LA]}),
        (ImportKind.COUNCILLORS, "ward_councillors.csv", councillors_file(), {}),
        (ImportKind.OFSTED, "ofsted_mi_graded_as_at_31_Aug_2025.csv", graded, {}),
        (ImportKind.OFSTED, "ofsted_mi_latest_as_at_31_Oct_2026.csv", report_cards, {}),
        (ImportKind.PERFORMANCE, "performance_2022_2024.csv", performance_file(schools, ctx.rng), {}),
    ]
    for kind, name, data, options in files:
        record = services.import_run(kind=kind, data=data, filename=name, actor=admin, options=options)
        ctx.write(
            f"{record.get_kind_display()}: {record.created} created, {record.updated} updated, "
            f"{record.unchanged} unchanged, {record.rejected} rejected ({record.get_status_display()})."
        )

    advisers = [ctx.users["adviser"], ctx.users["adviser2"]]
    by_urn = School.objects.select_related("establishment_type").in_bulk([s.urn for s in schools], field_name="urn")
    maintained = [by_urn[s.urn] for s in schools if not s.academy]
    for n, school in enumerate(maintained):
        interim = school.urn == GOVERNOR_SCHOOL_URN
        services.school_update_la_details(
            school=school,
            actor=admin,
            link_adviser=advisers[0] if n % 2 == 0 or school.urn == GOVERNOR_SCHOOL_URN else advisers[1],
            head_start_date=date(2026, 4, 20) if interim else date(2010 + n % 15, 9, 1),
            head_appointment=HeadAppointment.INTERIM if interim else HeadAppointment.SUBSTANTIVE,
            chair_of_governors=CHAIRS[n % len(CHAIRS)] if school.urn != GOVERNOR_SCHOOL_URN else "Grace Holt",
        )
    governor = ctx.users["governor"]
    if not Governorship.objects.filter(user=governor, school=by_urn[GOVERNOR_SCHOOL_URN]).exists():
        # By the demo officer: a chair's seat opens case material, so an admin's would wait for one (ADR 0082).
        services.governorship_add(
            user=governor, school=by_urn[GOVERNOR_SCHOOL_URN], role=GovernorRole.CHAIR, actor=ctx.users["officer"]
        )
    ctx.facts["governor_school_urn"] = GOVERNOR_SCHOOL_URN
    seed_letterheads(ctx)
    ctx.write(
        f"Schools: {len(maintained)} maintained with link advisers; governor is chair at URN {GOVERNOR_SCHOOL_URN}."
    )


DEMO_LETTERHEADS = {
    # The joint service of the seeds: Peterborough (874) and Cambridgeshire (873). Addresses are fictional.
    "874": ("Education Directorate\nSchool Improvement Service", "Demo House\n1 Example Street\nPeterborough\nPE1 0XX"),
    "873": ("Education Directorate\nSchool Improvement Service", "Demo Hall\n2 Example Road\nCambridge\nCB1 0XX"),
}
DEMO_COUNCILS = {"873": "Cambridgeshire County Council"}


def demo_logo(text: str) -> bytes:
    """A plain made-up emblem (no council's real logo): a teal disc and the council's name."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (720, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 190, 190), fill=(11, 79, 108))
    draw.arc((40, 60, 160, 160), 200, 340, fill="white", width=12)
    font = ImageFont.load_default(size=40)
    for n, line in enumerate(text.split(maxsplit=1)):
        draw.text((215, 45 + n * 60), line, fill=(11, 79, 108), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seed_letterheads(ctx) -> None:
    """A letterhead with a logo for each LA code in use (874; 873 too where the settings manage it),
    so that the demo's letters and notes of visit show it. Left alone once it has a logo."""
    from django.conf import settings

    from . import selectors, services

    for code in selectors.letterhead_la_codes():
        current = selectors.letterhead_for(code)
        if current.pk and current.logo:
            continue
        council = DEMO_COUNCILS.get(code, settings.COUNCIL_NAME)
        directorate, address = DEMO_LETTERHEADS.get(code, DEMO_LETTERHEADS["874"])
        services.letterhead_save(
            la_code=code,
            actor=ctx.users["admin"],
            council_name=council,
            directorate=directorate,
            address=address,
            signatory_name="Dr Jo Example",
            signatory_title=f"Service Director for Education\n{council}",
            logo=demo_logo(council),
        )
    ctx.write(f"Letterheads: {', '.join(selectors.letterhead_la_codes())}.")
