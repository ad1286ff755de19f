"""Files in the real public formats (GIAS extract, Ofsted management information, performance
long format) built from fictional schools. Used by `seed_demo`, the tests and bench/import_gias.py,
so all of them exercise the real importers with real layouts."""

import csv
import io
import random
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings

GIAS_HEADER_FILE = Path(settings.BASE_DIR) / "fixtures" / "gias" / "header_current_layout.csv"
TYPE_NAMES = {
    1: ("Community school", 4, "Local authority maintained schools"),
    2: ("Voluntary aided school", 4, "Local authority maintained schools"),
    3: ("Voluntary controlled school", 4, "Local authority maintained schools"),
    5: ("Foundation school", 4, "Local authority maintained schools"),
    7: ("Community special school", 5, "Special schools"),
    11: ("Other independent school", 3, "Independent schools"),
    12: ("Foundation special school", 5, "Special schools"),
    14: ("Pupil referral unit", 4, "Local authority maintained schools"),
    15: ("Local authority nursery school", 4, "Local authority maintained schools"),
    28: ("Academy sponsor led", 10, "Academies"),
    34: ("Academy converter", 10, "Academies"),
    35: ("Free schools", 11, "Free Schools"),
    44: ("Academy special converter", 10, "Academies"),
}
PHASE_CODES = {"Nursery": "1", "Primary": "2", "Secondary": "4", "All-through": "7", "Not applicable": "0"}
STATUS_NAMES = {"1": "Open", "2": "Closed", "3": "Open, but proposed to close", "4": "Proposed to open"}


@cache
def current_gias_header() -> list[str]:
    with GIAS_HEADER_FILE.open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def to_csv_bytes(header: list[str], rows: list[dict], *, encoding: str = "cp1252", bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, quoting=csv.QUOTE_ALL, extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def gias_row(
    *,
    urn: int,
    name: str,
    type_code: int,
    phase: str,
    la_code: str = "874",
    la_name: str = "Peterborough",
    establishment_number: str = "",
    status_code: str = "1",
    trust: tuple[str, str] | None = None,
    ward: tuple[str, str] | None = None,
    head: tuple[str, str, str] = ("Mrs", "Jane", "Smith"),
    head_job_title: str = "Headteacher",
    pupils: int = 200,
    open_date: str = "01-09-2000",
    close_date: str = "",
    ages: tuple[int, int] = (4, 11),
    street: str = "School Lane",
    town: str = "Peterborough",
    postcode: str = "PE1 1AA",
    fsm: str = "20.5",
) -> dict:
    type_name, group_code, group_name = TYPE_NAMES[type_code]
    return {
        "URN": str(urn),
        "LA (code)": la_code,
        "LA (name)": la_name,
        "EstablishmentNumber": establishment_number or f"{2000 + urn % 8000:04d}",
        "EstablishmentName": name,
        "TypeOfEstablishment (code)": f"{type_code:02d}",
        "TypeOfEstablishment (name)": type_name,
        "EstablishmentTypeGroup (code)": str(group_code),
        "EstablishmentTypeGroup (name)": group_name,
        "EstablishmentStatus (code)": status_code,
        "EstablishmentStatus (name)": STATUS_NAMES[status_code],
        "OpenDate": open_date,
        "CloseDate": close_date,
        "PhaseOfEducation (code)": PHASE_CODES.get(phase, "0"),
        "PhaseOfEducation (name)": phase,
        "StatutoryLowAge": str(ages[0]),
        "StatutoryHighAge": str(ages[1]),
        "Gender (name)": "Mixed",
        "ReligiousCharacter (name)": "Does not apply",
        "SchoolCapacity": str(int(pupils * 1.1)),
        "NumberOfPupils": str(pupils),
        "PercentageFSM": fsm,
        "Trusts (code)": trust[0] if trust else "",
        "Trusts (name)": trust[1] if trust else "",
        "Street": street,
        "Town": town,
        "County (name)": "Cambridgeshire",
        "Postcode": postcode,
        "SchoolWebsite": f"www.{urn}.example.org",
        "TelephoneNum": "01733000000",
        "HeadTitle (name)": head[0],
        "HeadFirstName": head[1],
        "HeadLastName": head[2],
        "HeadPreferredJobTitle": head_job_title,
        "AdministrativeWard (code)": ward[0] if ward else "",
        "AdministrativeWard (name)": ward[1] if ward else "",
        "Country (name)": "United Kingdom",
        "LastChangedDate": "01-09-2026",
    }


# ---- England-sized synthetic extract (benchmark and scale tests) -----------------------------

FIRST_NAMES = ["Sarah", "James", "Helen", "Mohammed", "Claire", "David", "Aisha", "Peter", "Zofia", "Chloé", "Tomás"]
LAST_NAMES = ["Green", "Khan", "O’Brien", "Walker", "Nowak", "Patel", "Hughes", "Baker", "Okoro", "Müller", "Clarke"]


def synthetic_gias_rows(count: int, *, seed: int = 2026, la_codes: int = 150, start_urn: int = 100000) -> list[dict]:
    """`count` plausible establishments spread over `la_codes` local authorities, with accented
    names and curly apostrophes (Windows-1252), trusts and wards."""
    rng = random.Random(seed)
    types = list(TYPE_NAMES)
    rows = []
    for i in range(count):
        urn = start_urn + i
        la = str(800 + i % la_codes) if la_codes < 200 else str(201 + i % 699)
        type_code = rng.choice(types)
        academy = type_code in (28, 34, 35, 44)
        trust_number = rng.randrange(2500)
        rows.append(
            gias_row(
                urn=urn,
                name=f"{rng.choice(['St Thérèse’s', 'Côte', 'Oakfield', 'Riverside', 'Hill View'])} School {i}",
                type_code=type_code,
                phase=rng.choice(["Primary", "Secondary", "Nursery", "All-through", "Not applicable"]),
                la_code=la,
                la_name=f"Authority {la}",
                status_code=rng.choice("1111111112"),
                trust=(f"{10000 + trust_number}", f"Learning Trust {trust_number}") if academy else None,
                ward=(f"E0{5000000 + rng.randrange(7000)}", f"Ward {rng.randrange(7000)}"),
                head=("Dr", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)),
                pupils=rng.randrange(20, 1800),
                open_date=f"{rng.randrange(1, 28):02d}-09-{rng.randrange(1950, 2024)}",
                fsm=f"{rng.uniform(0, 60):.1f}",
                postcode=f"AB{rng.randrange(1, 99)} {rng.randrange(1, 9)}CD",
            )
        )
    return rows


# ---- Ofsted management information ------------------------------------------------------------

GRADED_HEADER = [
    "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education", "Local authority",
    "Latest ungraded inspection number since last graded inspection", "Date of latest ungraded inspection",
    "Ungraded inspection publication date", "Ungraded inspection overall outcome",
    "Inspection number of latest graded inspection", "Inspection type", "Inspection start date", "Inspection end date",
    "Publication date", "Overall effectiveness", "Category of concern", "Quality of education",
    "Behaviour and attitudes", "Personal development", "Effectiveness of leadership and management",
    "Safeguarding is effective?", "Early years provision (where applicable)", "Sixth form provision (where applicable)",
    "Previous graded inspection number", "Previous inspection start date", "Previous inspection end date",
    "Previous publication date", "Previous graded inspection overall effectiveness", "Previous category of concern",
    "Previous quality of education", "Previous behaviour and attitudes", "Previous personal development",
    "Previous effectiveness of leadership and management", "Previous safeguarding is effective?",
    "Previous early years provision (where applicable)", "Previous sixth form provision (where applicable)",
]  # fmt: skip
REPORT_CARD_HEADER = [
    "Web Link (opens in new window)", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "Local authority", "Inspection number of latest full inspection", "Inspection type", "Inspection start date",
    "Publication date", "Category of concern", "Safeguarding standards", "Safeguarding standards - date of grade",
    "Inclusion", "Inclusion - date of grade", "Curriculum and teaching", "Curriculum and teaching - date of grade",
    "Achievement", "Achievement - date of grade", "Attendance and behaviour",
    "Attendance and behaviour - date of grade",
    "Personal development and wellbeing", "Personal development and wellbeing - date of grade",
    "Early years (where applicable)", "Early years - date of grade", "Post-16 provision (where applicable)",
    "Post-16 provision - date of grade", "Leadership and governance", "Leadership and governance - date of grade",
    "Inspection number of latest OEIF graded inspection", "Inspection type of latest OEIF graded inspection",
    "Inspection start date of latest OEIF graded inspection", "Publication date of latest OEIF graded inspection",
    "Latest OEIF category of concern", "Latest OEIF overall effectiveness", "Latest OEIF quality of education",
    "Latest OEIF behaviour and attitudes", "Latest OEIF personal development",
    "Latest OEIF effectiveness of leadership and management", "Latest OEIF  safeguarding is effective?",
    "Latest OEIF early years provision (where applicable)", "Latest OEIF sixth form provision (where applicable)",
    "Latest ungraded inspection number", "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Ungraded inspection overall outcome",
]  # fmt: skip
REPORT_CARD_WORDS = ["Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement"]


def ofsted_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "NULL"


LATEST_GRADED_COLUMNS = {
    "overall": "Overall effectiveness",
    "category": "Category of concern",
    "quality": "Quality of education",
    "behaviour": "Behaviour and attitudes",
    "personal": "Personal development",
    "leadership": "Effectiveness of leadership and management",
    "safeguarding": "Safeguarding is effective?",
    "early_years": "Early years provision (where applicable)",
    "sixth_form": "Sixth form provision (where applicable)",
}
PREVIOUS_GRADED_COLUMNS = {
    "overall": "Previous graded inspection overall effectiveness",
    "category": "Previous category of concern",
    "quality": "Previous quality of education",
    "behaviour": "Previous behaviour and attitudes",
    "personal": "Previous personal development",
    "leadership": "Previous effectiveness of leadership and management",
    "safeguarding": "Previous safeguarding is effective?",
    "early_years": "Previous early years provision (where applicable)",
    "sixth_form": "Previous sixth form provision (where applicable)",
}


def graded_cells(columns: dict, grade: int, *, category: str = "", sixth_form: bool = False) -> dict:
    """The judgement cells of one graded inspection, under the file's column names."""
    return {
        columns["overall"]: str(grade),
        columns["category"]: category,
        columns["quality"]: str(grade),
        columns["behaviour"]: str(max(1, grade - 1)),
        columns["personal"]: str(max(1, grade - 1)),
        columns["leadership"]: str(grade),
        columns["safeguarding"]: "No" if category == "SM" else "Yes",
        columns["early_years"]: "9",
        columns["sixth_form"]: str(grade) if sixth_form else "9",
    }
