"""Demo register for the fictional LA 874: about 60 schools loaded through the real importers
(GIAS extract, Ofsted management information in both layouts, performance long format), then
the LA-kept details (link advisers, headteachers' appointments, chairs) and a governor's seat."""

from dataclasses import dataclass
from datetime import date

from .demo_files import (
    GRADED_HEADER,
    LATEST_GRADED_COLUMNS,
    PREVIOUS_GRADED_COLUMNS,
    REPORT_CARD_HEADER,
    REPORT_CARD_WORDS,
    current_gias_header,
    gias_row,
    graded_cells,
    ofsted_date,
    to_csv_bytes,
)
from .models import GovernorRole, Governorship, HeadAppointment, ImportKind, School

DEMO_LA = "874"
GOVERNOR_SCHOOL_URN = 874001

WARDS = [
    ("E05099001", "Bretton"), ("E05099002", "Central"), ("E05099003", "Dogsthorpe"), ("E05099004", "East"),
    ("E05099005", "Eye, Thorney and Newborough"), ("E05099006", "Fletton and Stanground"),
    ("E05099007", "Fletton and Woodston"), ("E05099008", "Glinton and Castor"), ("E05099009", "Gunthorpe"),
    ("E05099010", "Hampton Vale"), ("E05099011", "Hargate and Hempsted"), ("E05099012", "North"),
    ("E05099013", "Orton Longueville"), ("E05099014", "Orton Waterville"), ("E05099015", "Park"),
    ("E05099016", "Paston and Walton"), ("E05099017", "Ravensthorpe"), ("E05099018", "Werrington"),
    ("E05099019", "West"), ("E05099020", "Wittering"),
]  # fmt: skip
TRUSTS = [
    ("90001", "Nene Valley Learning Trust"),
    ("90002", "Fenland Horizons Academy Trust"),
    ("90003", "Cathedral Schools Partnership"),
    ("90004", "Meridian Education Trust"),
    ("90005", "Greenway Learning Partnership"),
    ("90006", "Kestrel Multi-Academy Trust"),
]
NAME_WORDS = [
    "Kingfisher", "Willow Brook", "Heron", "Meadowbank", "Oak Tree", "Cedar Park", "Rowan", "Maple Grove",
    "Beech Hill", "Hawthorn", "Birchfield", "Elm Park", "Ashcroft", "Larkspur", "Foxglove", "Bluebell", "Skylark",
    "Otter Brook", "Riverside", "Bramble", "Chestnut", "Holly Bank", "Juniper", "Lavender", "Marigold", "Nightingale",
    "Orchard Way", "Poppyfield", "Quayside", "Redwing", "Sandpiper", "Thistle", "Upland", "Viking Way", "Wren",
    "Yew Tree", "Alder", "Buttercup", "Clover", "Damson", "Eastfield Green", "Fernbrook", "Goldcrest", "Harebell",
    "Ivy Lane", "Jubilee", "Kestrel", "Lime Tree", "Millstream", "Northfield", "Osprey", "Pinewood", "Robin Hill",
    "Swallow", "Teal", "Linnet", "Woodpecker", "Falcon", "Plover", "Curlew",
]  # fmt: skip
HEAD_NAMES = [
    ("Mrs", "Helen", "Marsh"), ("Mr", "Daniel", "Okafor"), ("Ms", "Chloé", "Durand"), ("Mr", "Tomasz", "Nowak"),
    ("Dr", "Aisha", "Rahman"), ("Mrs", "Sarah", "O’Neill"), ("Mr", "James", "Whitfield"), ("Ms", "Priya", "Kaur"),
    ("Mr", "Owen", "Davies"), ("Mrs", "Fiona", "McAllister"), ("Mr", "Ravi", "Chandra"), ("Ms", "Joanna", "Lis"),
]  # fmt: skip
CHAIRS = ["Grace Holt", "Peter Lang", "Maria Costa", "Hugh Bennett", "Anita Desai", "Colin Firth-Ward", "Rosa Klein"]
# (phase, type code, count, ages, pupils): the LA's mix of schools
MIX = [
    ("Primary", 1, 15, (4, 11), 320),
    ("Nursery", 15, 2, (2, 5), 90),
    ("Primary", 2, 4, (4, 11), 210),
    ("Primary", 3, 3, (4, 11), 180),
    ("Primary", 5, 2, (4, 11), 400),
    ("Primary", 34, 9, (4, 11), 350),
    ("Primary", 28, 4, (4, 11), 300),
    ("Primary", 35, 2, (4, 11), 250),
    ("Secondary", 1, 1, (11, 16), 900),
    ("Secondary", 5, 1, (11, 18), 1100),
    ("Secondary", 34, 5, (11, 18), 1200),
    ("Secondary", 28, 3, (11, 16), 850),
    ("Secondary", 35, 1, (11, 16), 600),
    ("Not applicable", 7, 2, (3, 19), 120),
    ("Not applicable", 12, 1, (3, 19), 110),
    ("Not applicable", 44, 1, (5, 19), 130),
    ("Not applicable", 14, 1, (11, 16), 40),
    ("All-through", 34, 1, (4, 18), 1500),
]
ACADEMY_TYPES = {28, 34, 35, 44}
SUFFIX = {"Nursery": "Nursery School", "Primary": "Primary School", "Secondary": "Academy", "All-through": "Academy"}
# Hand-set histories for the schools the demo casework is about: urn -> (latest grade, category, previous grade)
KEY_HISTORIES = {874001: (3, "", 2), 874002: (4, "SWK", 3), 874006: (4, "SM", 3), 874004: (3, "", 3)}


@dataclass
class DemoSchool:
    urn: int
    name: str
    type_code: int
    phase: str
    ages: tuple[int, int]
    pupils: int
    ward: tuple[str, str]
    trust: tuple[str, str] | None
    head: tuple[str, str, str]
    latest_grade: int | None
    category: str
    previous_grade: int | None
    trend: int  # change in attainment against national per year, percentage points

    @property
    def academy(self) -> bool:
        return self.type_code in ACADEMY_TYPES


def demo_schools(rng) -> list[DemoSchool]:
    schools, n = [], 0
    for phase, type_code, count, ages, pupils in MIX:
        for _ in range(count):
            urn = 874001 + n
            word = NAME_WORDS[n % len(NAME_WORDS)]
            if type_code == 2 and n % 2 == 0:
                name = f"St Thérèse’s Catholic Primary School{' ' + word if n > 20 else ''}"
            elif type_code in (7, 12, 44):
                name = f"{word} Special School"
            elif type_code == 14:
                name = f"{word} Pupil Referral Unit"
            else:
                name = f"{word} {SUFFIX.get(phase, 'School')}"
            latest, category, previous = KEY_HISTORIES.get(
                urn, (rng.choice([1, 2, 2, 2, 2, 2, 3, 3]), "", rng.choice([1, 2, 2, 3]))
            )
            schools.append(
                DemoSchool(
                    urn=urn,
                    name=name,
                    type_code=type_code,
                    phase=phase,
                    ages=ages,
                    pupils=max(20, int(pupils * rng.uniform(0.7, 1.3))),
                    ward=WARDS[n % len(WARDS)],
                    trust=TRUSTS[n % len(TRUSTS)] if type_code in ACADEMY_TYPES else None,
                    head=HEAD_NAMES[n % len(HEAD_NAMES)],
                    latest_grade=None if n % 29 == 28 else latest,
                    category=category,
                    previous_grade=previous,
                    trend=-4 if urn in (874001, 874002) else rng.choice([-2, -1, 0, 0, 1, 2]),
                )
            )
            n += 1
    return schools


def gias_file(schools: list[DemoSchool]) -> bytes:
    rows = [
        gias_row(
            urn=s.urn,
            name=s.name,
            type_code=s.type_code,
            phase=s.phase,
            la_code=DEMO_LA,
            trust=s.trust,
            ward=s.ward,
            head=s.head,
            head_job_title="Interim Headteacher" if s.urn == 874001 else "Headteacher",
            pupils=s.pupils,
            ages=s.ages,
            street=f"{10 + s.urn % 90} {s.name.split()[0]} Road",
            postcode=f"PE{1 + s.urn % 7} {s.urn % 9}XY",
            open_date="01-09-2012" if s.academy else "01-09-1975",
        )
        for s in schools
    ]
    # A closed school, a school in another LA (skipped by the LA filter).
    rows.append(
        gias_row(urn=874099, name="Old Mill Primary School", type_code=1, phase="Primary", status_code="2",
                 close_date="31-08-2019", ward=WARDS[0], head=("", "", ""))
    )  # fmt: skip
    rows.append(gias_row(urn=873001, name="Fenside Primary School", type_code=1, phase="Primary", la_code="873"))
    return to_csv_bytes(current_gias_header(), rows)


COUNCILLOR_NAMES = ["Alex Turner", "Bina Patel", "Chris Wood", "Dana Kowalski", "Evan Price", "Farah Ali", "Gil Martin"]


def councillors_file() -> bytes:
    """Two fictional councillors for each demo ward (example.gov.uk addresses)."""
    rows = []
    for n, (code, _name) in enumerate(WARDS):
        for k in range(2):
            person = COUNCILLOR_NAMES[(n + k * 3) % len(COUNCILLOR_NAMES)]
            email = f"{person.lower().replace(' ', '.')}.{code.lower()}@example.gov.uk"
            rows.append({"ward_code": code, "name": person, "email": email, "party": ""})
    return to_csv_bytes(["ward_code", "name", "email", "party"], rows, encoding="utf-8")


def _graded_date(rng, year_from: int, year_to: int) -> date:
    return date(rng.randrange(year_from, year_to + 1), rng.choice([1, 3, 5, 6, 10, 11]), rng.randrange(1, 28))


def ofsted_files(schools: list[DemoSchool], rng) -> tuple[bytes, bytes]:
    """The graded-era file (as at 31 August 2025) and the report-card file (as at 31 October 2026)."""
    graded_rows, report_rows = [], []
    for i, s in enumerate(schools):
        if s.latest_grade is None:
            continue
        latest = date(2025, 3, 10) if s.urn in KEY_HISTORIES else _graded_date(rng, 2019, 2025)
        previous = date(latest.year - 4, latest.month, min(latest.day, 28))
        sixth_form = s.ages[1] > 16
        row = {
            "URN": str(s.urn),
            "LAESTAB": f"874{2000 + s.urn % 8000:04d}",
            "School name": s.name,
            "Ofsted phase": s.phase,
            "Type of education": s.type_code,
            "Local authority": "Peterborough",
            "Inspection number of latest graded inspection": str(10_200_000 + i),
            "Inspection type": "S5 Inspection",
            "Inspection start date": ofsted_date(latest),
            "Inspection end date": ofsted_date(latest),
            "Publication date": ofsted_date(date.fromordinal(latest.toordinal() + 30)),
            **graded_cells(LATEST_GRADED_COLUMNS, s.latest_grade, category=s.category, sixth_form=sixth_form),
            "Previous graded inspection number": str(10_100_000 + i) if s.previous_grade else "NULL",
            "Previous inspection start date": ofsted_date(previous) if s.previous_grade else "NULL",
            "Previous publication date": ofsted_date(date.fromordinal(previous.toordinal() + 30))
            if s.previous_grade
            else "NULL",
            **(
                graded_cells(PREVIOUS_GRADED_COLUMNS, s.previous_grade, sixth_form=sixth_form)
                if s.previous_grade
                else {}
            ),
        }
        if s.latest_grade <= 2 and i % 3 == 0:
            ungraded = date(min(latest.year + 3, 2025), 2, 4)
            if ungraded > latest:
                row.update(
                    {
                        "Latest ungraded inspection number since last graded inspection": str(10_300_000 + i),
                        "Date of latest ungraded inspection": ofsted_date(ungraded),
                        "Ungraded inspection publication date": ofsted_date(
                            date.fromordinal(ungraded.toordinal() + 21)
                        ),
                        "Ungraded inspection overall outcome": "School remains Good"
                        if s.latest_grade == 2
                        else "School remains Outstanding",
                    }
                )
        graded_rows.append(row)
        if i % 5 == 3 or s.urn == 874004:
            # Inspected under the report-card framework since November 2025.
            start = date(2026, rng.choice([1, 2, 3, 5, 6, 9, 10]), rng.randrange(1, 28))
            base = {1: 1, 2: 2, 3: 3, 4: 4}[s.latest_grade] if s.urn != 874004 else 4
            grades = {
                area: REPORT_CARD_WORDS[min(4, max(0, base - 1 + rng.choice([-1, 0, 0, 1])))] for area in range(6)
            }
            report_rows.append(
                {
                    "URN": str(s.urn),
                    "School name": s.name,
                    "Local authority": "Peterborough",
                    "Inspection number of latest full inspection": str(10_400_000 + i),
                    "Inspection type": "S5 Inspection",
                    "Inspection start date": ofsted_date(start),
                    "Publication date": ofsted_date(date.fromordinal(start.toordinal() + 28)),
                    "Category of concern": "NULL",
                    "Safeguarding standards": "Met",
                    "Inclusion": grades[0],
                    "Curriculum and teaching": grades[1],
                    "Achievement": grades[2],
                    "Attendance and behaviour": grades[3],
                    "Personal development and wellbeing": grades[4],
                    "Leadership and governance": grades[5],
                    "Early years (where applicable)": grades[1] if s.ages[0] < 5 else "Not applicable",
                    "Post-16 provision (where applicable)": grades[1] if sixth_form else "Not applicable",
                    "Inspection number of latest OEIF graded inspection": row[
                        "Inspection number of latest graded inspection"
                    ],
                    "Inspection type of latest OEIF graded inspection": "S5 Inspection",
                    "Inspection start date of latest OEIF graded inspection": row["Inspection start date"],
                    "Publication date of latest OEIF graded inspection": row["Publication date"],
                    "Latest OEIF category of concern": s.category or "NULL",
                    "Latest OEIF overall effectiveness": str(s.latest_grade),
                    "Latest OEIF quality of education": str(s.latest_grade),
                    "Latest OEIF behaviour and attitudes": str(max(1, s.latest_grade - 1)),
                    "Latest OEIF personal development": str(max(1, s.latest_grade - 1)),
                    "Latest OEIF effectiveness of leadership and management": str(s.latest_grade),
                    "Latest OEIF  safeguarding is effective?": "No" if s.category == "SM" else "Yes",
                    "Latest OEIF early years provision (where applicable)": "9",
                    "Latest OEIF sixth form provision (where applicable)": str(s.latest_grade) if sixth_form else "9",
                    "Latest ungraded inspection number": "NULL",
                }
            )
    return to_csv_bytes(GRADED_HEADER, graded_rows), to_csv_bytes(REPORT_CARD_HEADER, report_rows)


# National values by academic year (start year); Progress 8 was not published for 2024/25.
NATIONAL = {
    "ks2_rwm_expected": {2022: 59.0, 2023: 61.0, 2024: 62.0},
    "ks2_reading_expected": {2022: 73.0, 2023: 74.0, 2024: 75.0},
    "ks2_writing_expected": {2022: 71.0, 2023: 72.0, 2024: 72.0},
    "ks2_maths_expected": {2022: 73.0, 2023: 73.0, 2024: 74.0},
    "ks2_rwm_disadvantaged_gap": {2022: 22.0, 2023: 21.0, 2024: 21.0},
    "ks4_attainment8": {2022: 46.3, 2023: 45.9, 2024: 45.9},
    "ks4_progress8": {2022: -0.03, 2023: -0.03},
    "ks4_english_maths_grade5": {2022: 45.3, 2023: 45.9, 2024: 45.2},
    "attendance": {2022: 92.5, 2023: 93.0, 2024: 93.1},
    "persistent_absence": {2022: 21.2, 2023: 19.4, 2024: 17.8},
    "suspensions_rate": {2022: 9.33, 2023: 10.48, 2024: 11.3},
}
GRADE_OFFSET = {1: 9.0, 2: 2.0, 3: -6.0, 4: -12.0, None: 0.0}


def performance_file(schools: list[DemoSchool], rng) -> bytes:
    rows = []
    for s in schools:
        if s.phase == "Nursery":
            continue
        measures = ["attendance", "persistent_absence", "suspensions_rate"]
        if s.phase in ("Primary", "All-through"):
            measures += [m for m in NATIONAL if m.startswith("ks2_")]
        if s.phase in ("Secondary", "All-through"):
            measures += [m for m in NATIONAL if m.startswith("ks4_")]
        offset = GRADE_OFFSET[s.latest_grade]
        for measure in measures:
            for year, national in NATIONAL[measure].items():
                drift = offset + s.trend * (year - 2022) + rng.uniform(-1.5, 1.5)
                value = _school_value(measure, national, drift)
                rows.append(
                    {
                        "URN": s.urn,
                        "academic_year": f"{year}/{(year + 1) % 100:02d}",
                        "measure": measure,
                        "value": value,
                        "national_value": national,
                    }
                )
    header = ["URN", "academic_year", "measure", "value", "national_value"]
    return to_csv_bytes(header, rows, encoding="utf-8")


def _school_value(measure: str, national: float, drift: float) -> str:
    """A school's value, `drift` points better (+) or worse (-) than national."""
    if measure == "ks4_progress8":
        return f"{national + drift / 20:.2f}"
    if measure == "ks4_attainment8":
        return f"{national + drift / 2:.1f}"
    if measure == "ks2_rwm_disadvantaged_gap":
        return f"{max(0.0, national - drift / 2):.1f}"
    if measure == "attendance":
        return f"{min(99.0, national + drift / 6):.1f}"
    if measure == "persistent_absence":
        return f"{max(1.0, national - drift / 1.5):.1f}"
    if measure == "suspensions_rate":
        return f"{max(0.0, national - drift / 2):.2f}"
    return f"{min(100.0, max(0.0, national + drift)):.0f}"


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
        services.governorship_add(
            user=governor, school=by_urn[GOVERNOR_SCHOOL_URN], role=GovernorRole.CHAIR, actor=admin
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
