"""Reference data: GIAS establishment types (January 2025 list, fixtures/gias/) with whether each
is LA maintained or an academy, and the performance measures behind the "See data" criteria."""

from django.db import migrations

# (code, name, group code, group name) from GIAS, as in fixtures/gias/establishment_types_20250109.csv.
ESTABLISHMENT_TYPES = [
    (1, "Community school", 4, "Local authority maintained schools"),
    (2, "Voluntary aided school", 4, "Local authority maintained schools"),
    (3, "Voluntary controlled school", 4, "Local authority maintained schools"),
    (5, "Foundation school", 4, "Local authority maintained schools"),
    (6, "City technology college", 3, "Independent schools"),
    (7, "Community special school", 5, "Special schools"),
    (8, "Non-maintained special school", 5, "Special schools"),
    (10, "Other independent special school", 5, "Special schools"),
    (11, "Other independent school", 3, "Independent schools"),
    (12, "Foundation special school", 5, "Special schools"),
    (14, "Pupil referral unit", 4, "Local authority maintained schools"),
    (15, "Local authority nursery school", 4, "Local authority maintained schools"),
    (18, "Further education", 1, "Colleges"),
    (24, "Secure units", 9, "Other types"),
    (25, "Offshore schools", 9, "Other types"),
    (26, "Service children's education", 9, "Other types"),
    (27, "Miscellaneous", 9, "Other types"),
    (28, "Academy sponsor led", 10, "Academies"),
    (29, "Higher education institutions", 2, "Universities"),
    (30, "Welsh establishment", 6, "Welsh schools"),
    (31, "Sixth form centres", 1, "Colleges"),
    (32, "Special post 16 institution", 9, "Other types"),
    (33, "Academy special sponsor led", 10, "Academies"),
    (34, "Academy converter", 10, "Academies"),
    (35, "Free schools", 11, "Free Schools"),
    (36, "Free schools special", 11, "Free Schools"),
    (37, "British schools overseas", 9, "Other types"),
    (38, "Free schools alternative provision", 11, "Free Schools"),
    (39, "Free schools 16 to 19", 11, "Free Schools"),
    (40, "University technical college", 11, "Free Schools"),
    (41, "Studio schools", 11, "Free Schools"),
    (42, "Academy alternative provision converter", 10, "Academies"),
    (43, "Academy alternative provision sponsor led", 10, "Academies"),
    (44, "Academy special converter", 10, "Academies"),
    (45, "Academy 16-19 converter", 10, "Academies"),
    (46, "Academy 16 to 19 sponsor led", 10, "Academies"),
    (49, "Online provider", 13, "Online provider"),
    (57, "Academy secure 16 to 19", 10, "Academies"),
]
MAINTAINED_GROUP, MAINTAINED_SPECIAL_TYPES, ACADEMY_GROUPS = 4, {7, 12}, {10, 11}

# (code, name, unit, higher is better, phase, attainment, attendance, order)
MEASURES = [
    (
        "ks2_rwm_expected",
        "KS2 reading, writing and maths: pupils meeting the expected standard (%)",
        "percent",
        True,
        "KS2",
        True,
        False,
        10,
    ),
    (
        "ks2_reading_expected",
        "KS2 reading: pupils meeting the expected standard (%)",
        "percent",
        True,
        "KS2",
        True,
        False,
        11,
    ),
    (
        "ks2_writing_expected",
        "KS2 writing: pupils meeting the expected standard (%)",
        "percent",
        True,
        "KS2",
        True,
        False,
        12,
    ),
    (
        "ks2_maths_expected",
        "KS2 maths: pupils meeting the expected standard (%)",
        "percent",
        True,
        "KS2",
        True,
        False,
        13,
    ),
    (
        "ks2_rwm_disadvantaged_gap",
        "KS2 reading, writing and maths: gap between disadvantaged pupils and others (percentage points)",
        "points",
        False,
        "KS2",
        False,
        False,
        14,
    ),
    ("ks4_attainment8", "KS4 Attainment 8 average score", "score", True, "KS4", True, False, 20),
    ("ks4_progress8", "KS4 Progress 8 score", "score", True, "KS4", True, False, 21),
    (
        "ks4_english_maths_grade5",
        "KS4 English and maths: pupils achieving grade 5 or above (%)",
        "percent",
        True,
        "KS4",
        True,
        False,
        22,
    ),
    (
        "ks4_progress8_disadvantaged_gap",
        "KS4 Progress 8: gap between disadvantaged pupils and others",
        "score",
        False,
        "KS4",
        False,
        False,
        23,
    ),
    ("attendance", "Attendance: sessions attended (%)", "percent", True, "All", False, True, 30),
    (
        "persistent_absence",
        "Persistent absence: pupils missing 10% or more of sessions (%)",
        "percent",
        False,
        "All",
        False,
        True,
        31,
    ),
    ("suspensions_rate", "Suspensions per 100 pupils", "rate", False, "All", False, False, 40),
    ("permanent_exclusions_rate", "Permanent exclusions per 100 pupils", "rate", False, "All", False, False, 41),
]


def governance(code, group):
    if group == MAINTAINED_GROUP or code in MAINTAINED_SPECIAL_TYPES:
        return "maintained"
    if group in ACADEMY_GROUPS:
        return "academy"
    return "other"


def load(apps, schema_editor):
    EstablishmentType = apps.get_model("schools", "EstablishmentType")
    PerformanceMeasure = apps.get_model("schools", "PerformanceMeasure")
    for code, name, group_code, group_name in ESTABLISHMENT_TYPES:
        EstablishmentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "group_code": group_code,
                "group_name": group_name,
                "governance": governance(code, group_code),
            },
        )
    for code, name, unit, higher, phase, attainment, attendance, order in MEASURES:
        PerformanceMeasure.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "higher_is_better": higher,
                "phase": phase,
                "is_attainment": attainment,
                "is_attendance": attendance,
                "display_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
