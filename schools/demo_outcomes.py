"""The demo schools' outcomes as the real files the importers read: Ofsted management information
in both layouts (graded era, report cards) and the performance long format, with made-up values
around the national ones. Built from the fictional register (demo_register) for schools.demo."""

from datetime import date

from .demo_files import (
    GRADED_HEADER,
    LATEST_GRADED_COLUMNS,
    PREVIOUS_GRADED_COLUMNS,
    REPORT_CARD_HEADER,
    REPORT_CARD_WORDS,
    graded_cells,
    ofsted_date,
    to_csv_bytes,
)
from .demo_register import KEY_HISTORIES, DemoSchool


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
