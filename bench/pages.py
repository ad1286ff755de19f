"""Benchmark: the list, school and dashboard pages with all of England in PostgreSQL.

DESIGN.md's scale target: about 22,000 state-funded schools, ten years of visits and letters, with
list, school and dashboard pages answering in well under 200 ms on one 2-core machine.

Builds the data once (skipped when the database already holds a finished build; --rebuild drops
the database and builds again), deterministically from --seed, anchored on the day of the build:

- 22,000 schools, half LA maintained (community, voluntary, foundation, special, PRU, nursery),
  half academies and free schools in ~2,200 trusts, ~6,500 wards, a few per cent closed;
- 150 advisers (link advisers of every open maintained school and a tenth of the academies; the
  same caseload at other scales: 2 for 1% of England),
  5 officers, an admin, 500 governors;
- one to three Ofsted inspections per school (graded, ungraded, report cards since November
  2025), three years of performance measures for about half the schools;
- for maintained schools, ten years and the current term of categorisations (three a year,
  approved; the current term part approved, part in the queue or in draft, part still due),
  about four visits a year with their actions (mostly closed), MSP groups and half-termly
  meetings while a school is at high support, enhanced offers;
- letters to about two per cent of schools a year (congratulations, concerns, warning notices
  with their progress).

Rows go in with bulk_create in batches (no audit-history rows); the stored statuses are computed
as the nightly tasks do; VACUUM ANALYZE at the end. Before timing, the nightly tasks run again for
the day and their tables are vacuumed and analysed (`as_each_morning`: what autovacuum would have
done; it is off on the bench server). Then each page is requested in-process with
django.test.Client as the role that uses it (2 warm-ups, then --requests timed requests, DEBUG
off): median, p95 (nearest rank), the SQL queries of one request (count, total and slowest time),
response size and the 1-minute load average. Pages
slower than --explain-over ms get EXPLAIN ANALYZE of their slowest query (and, with --profile,
the templates and functions one request spends its time in). The schools CSV export is timed
separately. The officer's home, the compliance view and the MSP groups page are also timed "after a
change" (since issue 10 there is no memo of the compliance rows, so every request is such a request),
as are the letter suggestions and the outcomes table after an inspection is saved again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench .venv/bin/python bench/pages.py

The database named in DATABASE_URL (default above) is created if missing and migrated; building
takes about 8 minutes on a 2-core machine, timing about as long. --only TEXT times the pages whose
label or URL contains TEXT; --jit-off turns PostgreSQL's JIT off for comparison; --build-only.
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
import warnings
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")  # no SECRET_KEY needed; timing switches DEBUG off in-process
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/school_improvement_pages_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

MARKER_TABLE = "bench_pages_built"
BATCH = 2000
ADVISERS_FOR_ENGLAND = 150
CHUNK_SCHOOLS = 300

# ---- database -------------------------------------------------------------------------------------


def _server_and_name(url: str) -> tuple[str, str]:
    return url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]


def read_marker(url: str) -> dict | None:
    """The finished build's record, or None (no database, or a build that did not finish)."""
    import psycopg2

    server, name = _server_and_name(url)
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    connection.close()
    if not exists:
        return None
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT seed, schools, anchor, seconds, counts FROM {MARKER_TABLE} LIMIT 1")
            row = cursor.fetchone()
    finally:
        connection.close()
    if row is None:
        return None
    return {"seed": row[0], "schools": row[1], "anchor": row[2], "seconds": row[3], "counts": row[4]}


def recreate_database(url: str, *, drop: bool) -> None:
    import psycopg2

    server, name = _server_and_name(url)
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        if drop:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


# ---- names ------------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


PLACES = words(
    "Oakfield Oakwood Broadoak Riverside Meadowbank Willow Brook Kingfisher Heron Cedar Park Elmhurst Ashgrove "
    "Beechwood Hazelwood Hillside Valley Brookside Greenfield Fairfield Highfield Northfield Westfield Eastfield "
    "Southfield Springfield Moorland Heathfield Lakeside Parkside Woodlands Orchard Millbrook Stonebridge Redhill "
    "Whitehill Blackthorn Hawthorn Rowan Sycamore Chestnut Larchwood Pinewood Maplewood Alderbrook Birchwood "
    "Foxhill Badger Kestrel Falcon Swallow Robin Wren Linnet Skylark Castle Abbey Priory Minster Chapel Church "
    "Market Bridge Ferry Harbour Quay Mill Forge Wharf Grange Manor Hall Court Lodge Green Common Heath Moor Dale "
    "Vale Combe Down Ridge Crest Fell Ford Marsh Fen Wold Holme Thorpe Ashby Kirkby Newton Norton Sutton Preston "
    "Weston Aston Easton Compton Hampton Burton Bourne Stoke Stowe"
)
SAINTS = words("Mary's John's Peter's Paul's Andrew's Michael's George's Anne's Joseph's Thomas' Luke's Mark's")
TOWNS = words(
    "Ashford Barnsley Bedford Bolton Bradford Bristol Burnley Cambridge Carlisle Chester Colchester Coventry Crewe "
    "Darlington Derby Doncaster Dudley Durham Exeter Gloucester Grimsby Halifax Harlow Hereford Huddersfield Hull "
    "Ipswich Kendal Lancaster Leeds Leicester Lincoln Luton Maidstone Mansfield Middlesbrough Northampton Norwich "
    "Nottingham Oldham Oxford Peterborough Plymouth Preston Reading Rochdale Salford Sheffield Shrewsbury Slough "
    "Southampton Stafford Stockport Sunderland Swindon Taunton Telford Wakefield Warrington Wigan Worcester York"
)
FIRST = words(
    "Aisha Amelia Amir Ben Charlotte Chloe Daniel David Eleanor Emily Fatima George Grace Hannah Harry Isla Jack "
    "James Jessica Joshua Katie Leo Lily Lucy Mohammed Noah Oliver Olivia Priya Rachel Sam Sarah Sophie Thomas "
    "Tom William Zara Yusuf Helen Claire Mark Paul Susan Karen Andrew Ruth Simon Joanne Gareth Nadia"
)
LAST = words(
    "Ahmed Ali Allen Baker Bennett Brown Campbell Carter Clarke Cooper Davies Edwards Evans Green Hall Harris "
    "Hughes Jackson James Johnson Jones Khan King Lewis Martin Moore Morgan Morris Patel Phillips Roberts Robinson "
    "Scott Shah Smith Taylor Thomas Thompson Turner Walker Ward Watson White Williams Wilson Wood Wright Young"
)
WARD_SUFFIXES = words("North South East West Central Park Village Town Rural Valley Hill Green")
TRUST_SUFFIXES = ("Learning Trust", "Academy Trust", "Education Trust", "Multi Academy Trust", "Schools Partnership")

# (code, share, phase choices with weights) for maintained schools and academies.
MAINTAINED_TYPES = [
    (1, 52, [("Primary", 88), ("Secondary", 9), ("All-through", 1), ("Middle deemed primary", 2)]),
    (2, 14, [("Primary", 90), ("Secondary", 10)]),
    (3, 15, [("Primary", 96), ("Secondary", 4)]),
    (5, 6, [("Primary", 70), ("Secondary", 30)]),
    (7, 6, [("Not applicable", 100)]),
    (12, 1, [("Not applicable", 100)]),
    (14, 2, [("Not applicable", 100)]),
    (15, 4, [("Nursery", 100)]),
]
ACADEMY_TYPES = [
    (34, 58, [("Primary", 62), ("Secondary", 34), ("All-through", 4)]),
    (28, 20, [("Primary", 60), ("Secondary", 40)]),
    (35, 8, [("Primary", 45), ("Secondary", 40), ("All-through", 15)]),
    (44, 5, [("Not applicable", 100)]),
    (33, 2, [("Not applicable", 100)]),
    (36, 2, [("Not applicable", 100)]),
    (42, 1, [("Not applicable", 100)]),
    (43, 1, [("Not applicable", 100)]),
    (45, 1, [("16 plus", 100)]),
    (39, 1, [("16 plus", 100)]),
    (40, 1, [("Secondary", 100)]),
    (41, 1, [("Secondary", 100)]),
]
STRENGTHS = (
    "Leaders have an accurate view of the school's strengths and priorities.",
    "Phonics teaching is consistent across Reception and Year 1.",
    "Pupils behave well in lessons and around the school; relationships are warm.",
    "The curriculum in mathematics is well sequenced and teachers check understanding well.",
    "Governors ask challenging questions about attendance and act on the answers.",
)
DEVELOPMENT = (
    "Writing outcomes at the end of key stage 2 remain below national; extended writing is not yet routine.",
    "Attendance of disadvantaged pupils is below that of their peers.",
    "Subject leaders are new and do not yet check the quality of teaching in their subjects.",
    "Assessment information is not used sharply enough to target support for pupils who fall behind.",
    "The school's self-evaluation is over-generous about the quality of education.",
)
FOCUS = words(
    "quality_of_education outcomes self_evaluation improvement_priorities pupil_targets leadership governance "
    "safeguarding behaviour attendance personal_development send early_years phonics"
)
ACTIVITIES = words("lesson_observation work_scrutiny discussion_staff discussion_governors discussion_pupils")
LETTER_BODY = (
    "Dear {head},\n\nI am writing following the local authority's recent monitoring of {school}. "
    + (
        "The local authority has considered the school's published data, the most recent Ofsted inspection and "
        "the findings of the School Improvement Adviser's visits this year. "
    )
    * 4
    + "\n\nYours sincerely,\n\nDirector of Education"
)


def pick(rng: random.Random, weighted):
    """One value of [(value, weight), ...]."""
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def day_between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return weekday(first)
    return weekday(first + timedelta(days=rng.randint(0, (last - first).days)))


# ---- building ---------------------------------------------------------------------------------------


class Builder:
    """Generates England-scale data from one random.Random(seed), anchored on `today`."""

    def __init__(self, *, seed: int, n_schools: int, today: date):
        from django.conf import settings

        self.rng = random.Random(seed)
        self.n_schools = n_schools
        self.today = today
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.timings: list[tuple[str, float]] = []

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return datetime.combine(day, clock(hour, minute), tzinfo=self.tz)

    def stage(self, label: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.timings.append((label, seconds))
        print(f"  {label:<42} {seconds:7.1f} s", flush=True)

    def build(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        for label, step in (
            ("calendar", self.calendar),
            ("users", self.users),
            ("wards, trusts, schools", self.schools),
            ("governorships", self.governorships),
            ("Ofsted inspections", self.inspections),
            ("performance results", self.performance),
            ("casework (categorisations, visits, MSP...)", self.casework),
            ("letters", self.letters),
            ("enhanced offers", self.enhanced_offers),
            ("stored statuses (the nightly tasks)", as_each_morning),
        ):
            started = time.perf_counter()
            step()
            self.stage(label, started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stage("VACUUM ANALYZE", started)

    # -- people ---------------------------------------------------------------------------------

    def users(self) -> None:
        from django.contrib.auth.models import Group

        from accounts.models import User
        from accounts.roles import Role

        rng = self.rng
        groups = {g.name: g for g in Group.objects.all()}
        # An adviser's caseload (about 75 link schools) is the same at any scale: 150 advisers for
        # England's 22,000 schools, 2 for 1% of them. With 150 at 1% each had one or two schools, and
        # the adviser's pages compared 78 schools with 2 rather than England with a small council.
        n_advisers = max(2, round(ADVISERS_FOR_ENGLAND * self.n_schools / 22_000))
        specs = (
            [(f"adviser{i:03d}", Role.ADVISER) for i in range(1, n_advisers + 1)]
            + [(f"officer{i}", Role.OFFICER) for i in range(1, 6)]
            + [("admin1", Role.ADMIN)]
            + [(f"governor{i:04d}", Role.GOVERNOR) for i in range(1, 501)]
        )
        users = [
            User(
                username=name,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                email=f"{name}@example.org",
                password="!bench-unusable",
                date_joined=self.at(self.today - timedelta(days=3650)),
            )
            for name, _ in specs
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=u.pk, group_id=groups[role.value].pk)
                for u, (_, role) in zip(users, specs, strict=True)
            ]
        )
        self.advisers = [u.pk for u, (_, r) in zip(users, specs, strict=True) if r == Role.ADVISER]
        self.officers = [u.pk for u, (_, r) in zip(users, specs, strict=True) if r == Role.OFFICER]
        self.governors = [u.pk for u, (_, r) in zip(users, specs, strict=True) if r == Role.GOVERNOR]
        self.user_names = {u.pk: f"{u.first_name} {u.last_name}" for u in users}

    def schools(self) -> None:
        from schools.models import HeadAppointment, School, SchoolStatus, Trust, Ward

        rng = self.rng
        wards = [
            Ward(code=f"E05{100000 + i}", name=f"{rng.choice(PLACES)} {rng.choice(WARD_SUFFIXES)}")
            for i in range(max(50, self.n_schools * 6500 // 22000))
        ]
        Ward.objects.bulk_create(wards, batch_size=BATCH)
        trusts = [
            Trust(code=f"{10000 + i}", name=f"{rng.choice(PLACES)} {rng.choice(TRUST_SUFFIXES)}")
            for i in range(max(20, self.n_schools * 2200 // 22000))
        ]
        Trust.objects.bulk_create(trusts, batch_size=BATCH)
        # A few large trusts and many small ones.
        trust_weights = [1 / (i + 1) ** 0.8 for i in range(len(trusts))]
        la_codes = rng.sample(range(201, 940), 153)

        schools = []
        urn = 100000
        for index in range(self.n_schools):
            urn += rng.randint(1, 5)
            maintained = index % 2 == 0
            code, phases = pick(rng, [((c, p), w) for c, w, p in (MAINTAINED_TYPES if maintained else ACADEMY_TYPES)])
            phase = pick(rng, phases)
            if index == 0:  # the showcase school: a maintained community primary with a long history
                code, phase = 1, "Primary"
            roll = {
                "Primary": (90, 630),
                "Secondary": (500, 1800),
                "All-through": (800, 2000),
                "Nursery": (40, 140),
                "16 plus": (150, 900),
            }.get(phase, (30, 260))
            roll_value = rng.randint(*roll)
            status = pick(
                rng,
                [
                    (SchoolStatus.OPEN, 955),
                    (SchoolStatus.CLOSED, 30),
                    (SchoolStatus.PROPOSED_TO_CLOSE, 10),
                    (SchoolStatus.PROPOSED_TO_OPEN, 5),
                ],
            )
            if index == 0:
                status = SchoolStatus.OPEN
            open_date = date(1950, 9, 1) + timedelta(days=rng.randint(0, 25000))
            if status == SchoolStatus.PROPOSED_TO_OPEN:
                open_date = self.today + timedelta(days=rng.randint(30, 300))
            elif not maintained and rng.random() < 0.85:
                open_date = date(2011, 9, 1) + timedelta(days=rng.randint(0, 5000))  # conversion date
            open_date = min(open_date, self.today + timedelta(days=300))
            close_date = None
            if status == SchoolStatus.CLOSED:
                close_date = self.today - timedelta(days=rng.randint(30, 3600))
                open_date = min(open_date, close_date - timedelta(days=400))
            place = rng.choice(PLACES)
            name = self.school_name(rng, place, code, phase)
            la_code = rng.choice(la_codes)
            schools.append(
                School(
                    urn=urn,
                    la_code=str(la_code),
                    la_name=f"Local authority {la_code}",
                    establishment_number=f"{rng.randint(1000, 7999)}",
                    name=name,
                    establishment_type_id=code,
                    phase=phase,
                    status=status,
                    open_date=open_date,
                    close_date=close_date,
                    low_age={"Primary": 4, "Nursery": 2, "Secondary": 11, "16 plus": 16}.get(phase, 4),
                    high_age={"Primary": 11, "Nursery": 5, "Secondary": 18, "16 plus": 19}.get(phase, 19),
                    gender=pick(rng, [("Mixed", 95), ("Girls", 3), ("Boys", 2)]),
                    religious_character={2: "Roman Catholic", 3: "Church of England"}.get(code, ""),
                    capacity=int(roll_value * rng.uniform(0.9, 1.3)),
                    number_on_roll=roll_value,
                    percentage_fsm=Decimal(f"{rng.uniform(3, 55):.1f}"),
                    trust_id=None if maintained else trusts[rng.choices(range(len(trusts)), trust_weights)[0]].pk,
                    ward_id=rng.choice(wards).pk,
                    street=f"{rng.randint(1, 200)} {rng.choice(PLACES)} Road",
                    locality=rng.choice(["", "", rng.choice(PLACES)]),
                    town=rng.choice(TOWNS),
                    postcode=f"{rng.choice('ABCDEHLMNPSTW')}{rng.choice('ABDEHLMNRST')}{rng.randint(1, 29)} "
                    f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                    website=f"www.{place.lower()}{urn}.sch.uk",
                    telephone=f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                    head_title=rng.choice(["Mr", "Mrs", "Ms", "Miss", "Dr"]),
                    head_first_name=rng.choice(FIRST),
                    head_last_name=rng.choice(LAST),
                    head_job_title="Headteacher",
                    head_appointment=pick(
                        rng,
                        [
                            (HeadAppointment.SUBSTANTIVE, 80),
                            (HeadAppointment.UNKNOWN, 15),
                            (HeadAppointment.INTERIM, 5),
                        ],
                    ),
                    chair_of_governors=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    gias_last_changed=self.today - timedelta(days=rng.randint(1, 700)),
                )
            )
        # Link advisers: every open maintained school and a tenth of the academies.
        for index, school in enumerate(schools):
            if school.status != SchoolStatus.CLOSED and (index % 2 == 0 or rng.random() < 0.1):
                school.link_adviser_id = self.advisers[0] if index == 0 else rng.choice(self.advisers)
        School.objects.bulk_create(schools, batch_size=BATCH)
        self.all_schools = schools
        self.maintained = [s for i, s in enumerate(schools) if i % 2 == 0]

    @staticmethod
    def school_name(rng: random.Random, place: str, code: int, phase: str) -> str:
        if code == 15:
            return f"{place} Nursery School"
        if code in (7, 12, 33, 36, 44):
            return f"{place} {rng.choice(['School', 'Special School', 'Academy', 'Specialist School'])}"
        if code in (14, 38, 42, 43):
            return f"{place} {rng.choice(['Pupil Referral Unit', 'Centre', 'Alternative Provision Academy'])}"
        if code in (39, 45):
            return f"{place} Sixth Form College"
        if code == 40:
            return f"{rng.choice(TOWNS)} University Technical College"
        if code == 41:
            return f"{place} Studio School"
        stem = place
        if code == 2:
            stem = f"St {rng.choice(SAINTS)} Catholic"
        elif code == 3:
            stem = f"{place} Church of England"
        academy = code >= 28
        if phase == "Primary":
            kind = pick(rng, [("Primary", 80), ("Infant", 8), ("Junior", 8), ("Community Primary", 4)])
            return f"{stem} {kind} {'Academy' if academy and rng.random() < 0.5 else 'School'}"
        if phase in ("Secondary", "All-through", "Middle deemed primary"):
            kind = pick(
                rng,
                [
                    ("Academy", 50 if academy else 5),
                    ("High School", 25),
                    ("School", 20),
                    ("College", 10),
                    ("Community School", 5),
                ],
            )
            return f"{stem} {kind}"
        return f"{stem} School"

    def governorships(self) -> None:
        from schools.models import GovernorRole, Governorship, SchoolStatus

        rng = self.rng
        open_schools = [s for s in self.all_schools if s.status != SchoolStatus.CLOSED]
        rows = [Governorship(user_id=self.governors[0], school_id=self.all_schools[0].pk, role=GovernorRole.CHAIR)]
        for user_id in self.governors[1:]:
            school = rng.choice(open_schools)
            rows.append(
                Governorship(
                    user_id=user_id,
                    school_id=school.pk,
                    role=pick(
                        rng, [(GovernorRole.MEMBER, 70), (GovernorRole.CHAIR, 20), (GovernorRole.VICE_CHAIR, 10)]
                    ),
                )
            )
        Governorship.objects.bulk_create(rows, batch_size=BATCH)

    # -- register data ------------------------------------------------------------------------------

    def inspections(self) -> None:
        from schools.models import CategoryOfConcern, OfstedFramework, OfstedInspection, SchoolStatus

        rng = self.rng
        report_cards_from = date(2025, 11, 10)
        rows, number = [], 10_000_000
        for index, school in enumerate(self.all_schools):
            if school.status == SchoolStatus.PROPOSED_TO_OPEN:
                continue
            count = 3 if index == 0 else pick(rng, [(1, 25), (2, 50), (3, 25)])
            end = (school.close_date or self.today) - timedelta(days=7)
            latest = day_between(rng, min(date(2021, 9, 1), end - timedelta(days=30)), end)
            days = [latest]
            for _ in range(count - 1):
                days.append(days[-1] - timedelta(days=rng.randint(900, 1800)))
            grade = pick(rng, [(1, 14), (2, 66), (3, 15), (4, 5)])
            for start in reversed(days):
                number += 1
                grade = max(1, min(4, grade + pick(rng, [(-1, 20), (0, 60), (1, 20)])))
                published = start + timedelta(days=rng.randint(18, 40))
                row = OfstedInspection(
                    school_id=school.pk,
                    inspection_number=str(number),
                    start_date=start,
                    publication_date=published if published <= self.today else None,
                    inspection_type="Section 5" if start < report_cards_from else "Report card inspection",
                )
                if start >= report_cards_from:
                    row.framework = OfstedFramework.REPORT_CARD
                    for area in (
                        "rc_inclusion",
                        "rc_curriculum_and_teaching",
                        "rc_achievement",
                        "rc_attendance_and_behaviour",
                        "rc_personal_development",
                        "rc_leadership_and_governance",
                    ):
                        setattr(row, area, pick(rng, [(1, 5), (2, 25), (3, 55), (4, 12), (5, 3)]))
                    row.safeguarding_met = rng.random() < 0.97
                elif rng.random() < 0.25 and start >= date(2015, 9, 1) and grade <= 2:
                    row.framework = OfstedFramework.UNGRADED
                    row.inspection_type = "Section 8"
                    word = "good" if grade == 2 else "outstanding"
                    row.outcome = rng.choice([f"The school continues to be {word}", f"The school remains {word}"])
                else:
                    row.framework = OfstedFramework.GRADED
                    row.overall_effectiveness = grade
                    for field in (
                        "quality_of_education",
                        "behaviour_and_attitudes",
                        "personal_development",
                        "leadership_and_management",
                    ):
                        setattr(row, field, max(1, min(4, grade + pick(rng, [(-1, 15), (0, 75), (1, 10)]))))
                    row.safeguarding_effective = grade < 4 or rng.random() < 0.5
                    if grade == 4:
                        row.category_of_concern = rng.choice(
                            [CategoryOfConcern.SPECIAL_MEASURES, CategoryOfConcern.SERIOUS_WEAKNESSES]
                        )
                rows.append(row)
        OfstedInspection.objects.bulk_create(rows, batch_size=BATCH)
        from schools import latest_judgement

        latest_judgement.refresh()  # bulk_create sends no signals: store every school's latest judgement

    def performance(self) -> None:
        from schools.models import PerformanceMeasure, PerformanceResult, SchoolStatus

        rng = self.rng
        measures = {m.code: m for m in PerformanceMeasure.objects.all()}
        by_phase = {
            "Primary": [
                "ks2_rwm_expected",
                "ks2_reading_expected",
                "ks2_maths_expected",
                "attendance",
                "persistent_absence",
            ],
            "Secondary": [
                "ks4_attainment8",
                "ks4_progress8",
                "ks4_english_maths_grade5",
                "attendance",
                "persistent_absence",
            ],
        }
        national = {
            "ks2_rwm_expected": 61,
            "ks2_reading_expected": 74,
            "ks2_maths_expected": 73,
            "ks4_attainment8": 46,
            "ks4_progress8": 0,
            "ks4_english_maths_grade5": 46,
            "attendance": 93,
            "persistent_absence": 19,
        }
        spread = {"ks4_progress8": 0.6, "attendance": 2.5, "persistent_absence": 7}
        years = [self.year - 3, self.year - 2, self.year - 1]
        rows = []
        for index, school in enumerate(self.all_schools):
            codes = by_phase.get(school.phase)
            if not codes or school.status != SchoolStatus.OPEN or (index != 0 and rng.random() < 0.5):
                continue
            for code in codes:
                base = national[code] + rng.gauss(0, spread.get(code, 9))
                for year in years:
                    value = base + rng.gauss(0, spread.get(code, 9) / 3)
                    rows.append(
                        PerformanceResult(
                            school_id=school.pk,
                            measure_id=measures[code].pk,
                            academic_year=year,
                            value=Decimal(f"{value:.2f}"),
                            national_value=Decimal(f"{national[code] + (year - self.year) * 0.3:.2f}"),
                        )
                    )
        PerformanceResult.objects.bulk_create(rows, batch_size=BATCH)

    # -- casework -----------------------------------------------------------------------------------

    def calendar(self) -> None:
        """Terms and teaching half-terms of the ten years before this one and of this one so far."""
        from categorisation.models import Criterion, Framework
        from schools.terms import academic_year_of, half_terms, terms_for_year

        self.year = academic_year_of(self.today)
        self.terms = []  # (academic_year, term name, [two teaching half-terms as (start, end)])
        for year in range(self.year - 10, self.year + 1):
            for term in terms_for_year(year):
                if term.starts_on <= self.today:
                    halves = [(h.starts_on, h.ends_on) for h in half_terms(term)]
                    self.terms.append((year, term.name, halves))
        self.framework = Framework.objects.filter(active_from__isnull=False).order_by("active_from").first()
        self.criteria = {}
        for criterion in Criterion.objects.filter(area__framework=self.framework):
            self.criteria.setdefault(criterion.level, []).append(criterion.pk)

    def casework(self) -> None:
        from django.db import transaction

        from schools.models import SchoolStatus

        self.high_years: dict[int, set[int]] = {}  # school id -> academic years with a high-support term
        schools = [s for s in self.maintained if s.status != SchoolStatus.PROPOSED_TO_OPEN]
        for first in range(0, len(schools), CHUNK_SCHOOLS):
            chunk = schools[first : first + CHUNK_SCHOOLS]
            with transaction.atomic():
                self.casework_chunk(chunk)
            if first // CHUNK_SCHOOLS % 10 == 9:
                print(f"    {first + len(chunk):,} of {len(schools):,} maintained schools", flush=True)

    def casework_chunk(self, chunk) -> None:
        from categorisation.models import Categorisation, Status, Tick
        from visits.models import Action, MspGroup, MspMeeting, MspMember, Visit

        rng, today = self.rng, self.today
        categorisations, ticks, visits, visit_actions = [], [], [], []
        groups, members, meetings, meeting_actions = [], [], [], []
        for school in chunk:
            showcase = school is self.all_schools[0]
            closes = school.close_date or date.max
            adviser = school.link_adviser_id or rng.choice(self.advisers)
            level = pick(rng, [("low", 57), ("medium", 34), ("high", 9)])
            levels = []  # (term index, level, approved day) of each approved categorisation
            for term_index, (year, term, halves) in enumerate(self.terms):
                start, end = halves[0][0], halves[1][1]
                if start > closes or (school.open_date and school.open_date > end):
                    continue
                current = start <= today <= end + timedelta(days=60) and term_index == len(self.terms) - 1
                move = rng.random()
                if showcase and term_index >= len(self.terms) - 3:
                    level = "high"
                elif (level == "low" and move < 0.06) or (level == "high" and move < 0.12):
                    level = "medium"
                elif level == "medium" and move < 0.13:
                    level = "low" if move < 0.10 else "high"
                status = Status.APPROVED
                if current:
                    status = pick(
                        rng,
                        [
                            (Status.APPROVED, 75),
                            (Status.SUBMITTED, 4),
                            (Status.DRAFT, 4),
                            (Status.RETURNED, 1),
                            (None, 16),
                        ],
                    )
                    if showcase:
                        status = Status.APPROVED
                    day = day_between(rng, start + timedelta(days=5), today - timedelta(days=1))
                elif rng.random() < 0.03:
                    status = None
                    day = start
                else:
                    day = day_between(rng, start + timedelta(days=10), min(end, start + timedelta(days=45)))
                if status is None:
                    continue
                started = day - timedelta(days=rng.randint(5, 15))
                suggested = level if rng.random() < 0.85 else rng.choice(["low", "medium", "high"])
                row = Categorisation(
                    school_id=school.pk,
                    framework_id=self.framework.pk,
                    academic_year=year,
                    term=term,
                    status=status,
                    started_on=started,
                    suggested_level=suggested,
                    level=level if status != Status.DRAFT else "",
                    rationale="" if suggested == level else "The adviser's knowledge of the school since the visit.",
                    created_at=self.at(started, 9),
                    created_by_id=adviser,
                )
                if status in (Status.APPROVED, Status.SUBMITTED, Status.RETURNED):
                    row.submitted_at = self.at(day - timedelta(days=2), 15)
                    row.submitted_by_id = adviser
                if status == Status.RETURNED:
                    row.returned_at = self.at(day, 11)
                    row.returned_by_id = rng.choice(self.officers)
                    row.review_comments = "Please add evidence for the quality of education statements."
                if status == Status.APPROVED:
                    row.approved_at = self.at(day, 11, rng.randint(0, 59))
                    row.approved_by_id = rng.choice(self.officers)
                    levels.append((term_index, level, day))
                categorisations.append(row)
                if year == self.year or status != Status.APPROVED:
                    for criterion in rng.sample(self.criteria[level], k=min(2, len(self.criteria[level]))):
                        ticks.append(Tick(categorisation=row, criterion_id=criterion, evidence="Seen on the visit."))
            high_terms = {i for i, lvl, _ in levels if lvl == "high"}
            self.high_years[school.pk] = {self.terms[i][0] for i in high_terms}
            self.school_visits(rng, school, adviser, high_terms, closes, visits, visit_actions)
            self.school_msp(rng, school, adviser, levels, groups, members, meetings, meeting_actions, showcase)

        Categorisation.objects.bulk_create(categorisations, batch_size=BATCH)
        Tick.objects.bulk_create(ticks, batch_size=BATCH)
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        Action.objects.bulk_create(visit_actions, batch_size=BATCH)
        MspGroup.objects.bulk_create(groups, batch_size=BATCH)
        MspMember.objects.bulk_create(members, batch_size=BATCH)
        MspMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        Action.objects.bulk_create(meeting_actions, batch_size=BATCH)

    def school_visits(self, rng, school, adviser, high_terms, closes, visits, actions) -> None:
        """About four visits a year (termly core visits, half-termly at high support, some extra),
        each completed one with a few actions; the current half-term's are partly planned."""
        from visits.models import Visit, VisitLength, VisitStatus, VisitType

        today, horizon = self.today, self.today + timedelta(days=42)
        showcase = school is self.all_schools[0]
        skip_current = rng.random() < 0.12 and not showcase  # due a visit this term
        for term_index, (_, _, halves) in enumerate(self.terms):
            current_term = term_index == len(self.terms) - 1
            wanted = [(rng.randrange(2), VisitType.CORE)]
            if term_index in high_terms or showcase:
                wanted = [(0, VisitType.CORE), (1, VisitType.MONITORING)]
            if rng.random() < 0.33 or showcase:
                wanted.append(
                    (
                        rng.randrange(2),
                        pick(rng, [(VisitType.OTHER, 50), (VisitType.EXTERNAL_REVIEW, 20), (VisitType.ENHANCED, 30)]),
                    )
                )
            for half, visit_type in wanted:
                first, last = halves[half]
                day = day_between(rng, first, last)
                if day > closes or day > horizon or (school.open_date and day < school.open_date):
                    continue
                if current_term and skip_current and day >= halves[0][0]:
                    continue
                visit_adviser = adviser if rng.random() < 0.9 else rng.choice(self.advisers)
                visit = Visit(
                    school_id=school.pk,
                    adviser_id=visit_adviser,
                    visit_date=day,
                    start_time=clock(9, 0) if rng.random() < 0.6 else clock(13, 15),
                    length=VisitLength.FULL_DAY if rng.random() < 0.15 else VisitLength.HALF_DAY,
                    visit_type=visit_type,
                    focus_areas=rng.sample(FOCUS, k=rng.randint(1, 3)),
                    created_by_id=visit_adviser,
                )
                if day >= today:
                    visit.status = VisitStatus.PLANNED
                elif rng.random() < 0.03:
                    visit.status = VisitStatus.CANCELLED
                    visit.cancelled_at = self.at(day - timedelta(days=2))
                    visit.cancelled_reason = "The school asked to rearrange: staff illness."
                else:
                    visit.status = VisitStatus.COMPLETED
                    visit.activities = rng.sample(ACTIVITIES, k=rng.randint(2, 4))
                    visit.strengths = rng.choice(STRENGTHS)
                    visit.areas_for_development = rng.choice(DEVELOPMENT)
                    visit.completed_at = self.at(day, 16, 30)
                    if rng.random() < 0.75:
                        visit.shared_on = min(day + timedelta(days=rng.randint(1, 5)), today)
                        visit.shared_with = "Headteacher and chair of governors"
                        visit.shared_by_id = visit_adviser
                    for _ in range(pick(rng, [(0, 15), (1, 25), (2, 30), (3, 20), (4, 10)])):
                        actions.append(self.action(rng, school, visit_adviser, day, visit=visit))
                visits.append(visit)

    def action(self, rng, school, actor, day, *, visit=None, meeting=None):
        from visits.demo import ACTIONS  # the demo's agreed actions
        from visits.models import Action, ActionStatus

        description, owner = rng.choice(ACTIONS)
        due = day + timedelta(days=rng.randint(28, 100))
        age = (self.today - due).days
        closed_share = 0.995 if age > 365 else 0.9 if age > 60 else 0.6 if age > 0 else 0.15
        row = Action(
            school_id=school.pk,
            visit=visit,
            msp_meeting=meeting,
            description=description,
            owner=owner,
            due_on=due,
            created_by_id=actor,
        )
        if rng.random() < closed_share:
            closed = min(due + timedelta(days=rng.randint(-20, 20)), self.today - timedelta(days=1))
            row.status = ActionStatus.CLOSED
            row.closed_at = self.at(max(closed, day), 15)
            row.closed_by_id = actor
            row.progress = "Completed: evidence seen on the following visit."
        return row

    def school_msp(self, rng, school, adviser, levels, groups, members, meetings, actions, showcase) -> None:
        """An MSP group for each stretch of high support (a tenth of current ones still to set up),
        meeting half-termly while it is open."""
        from visits.models import (
            MspGroup,
            MspGroupStatus,
            MspMeeting,
            MspMeetingStatus,
            MspMember,
            MspMemberRole,
            MspRecommendation,
        )

        today = self.today
        stretches, stretch = [], None
        for _, level, day in levels:
            if level == "high" and stretch is None:
                stretch = [day, None]
            elif level != "high" and stretch is not None:
                stretch[1] = day
                stretches.append(stretch)
                stretch = None
        if stretch is not None:
            if rng.random() < 0.1 and not showcase:
                return  # high support with no group yet: "to set up"
            stretches.append(stretch)
        for begins, ends in stretches:
            set_up = min(weekday(begins + timedelta(days=rng.randint(7, 21))), today)
            closed = ends and min(ends + timedelta(days=rng.randint(7, 14)), today)
            group = MspGroup(
                school_id=school.pk,
                chair_id=rng.choice(self.officers),
                set_up_on=set_up,
                status=MspGroupStatus.CLOSED if closed else MspGroupStatus.OPEN,
                closed_on=closed or None,
                closed_reason="The school no longer needs high support." if closed else "",
                created_by_id=adviser,
            )
            groups.append(group)
            members += [
                MspMember(
                    group=group,
                    name=f"{school.head_first_name} {school.head_last_name}",
                    role=MspMemberRole.HEADTEACHER,
                ),
                MspMember(group=group, name=school.chair_of_governors, role=MspMemberRole.CHAIR_OF_GOVERNORS),
                MspMember(group=group, name=self.user_names[adviser], role=MspMemberRole.LINK_ADVISER, user_id=adviser),
            ]
            last = closed or today + timedelta(days=42)
            planned = False
            for _, _, halves in self.terms:
                for first, end in halves:
                    if end < set_up or first > last:
                        continue
                    day = day_between(rng, max(first, set_up + timedelta(days=7)), end)
                    if day > last or planned:
                        continue
                    meeting = MspMeeting(group=group, held_on=day, start_time=clock(15, 30), recorded_by_id=adviser)
                    if day >= today:
                        meeting.status = MspMeetingStatus.PLANNED
                        planned = True
                    elif rng.random() < 0.05:
                        meeting.status = MspMeetingStatus.CANCELLED
                    else:
                        meeting.status = MspMeetingStatus.HELD
                        meeting.attendees = "Chair, headteacher, chair of governors, link adviser"
                        meeting.impact_of_support = "Leaders have acted on the priorities; early signs of impact."
                        meeting.minutes = "Confidential minutes of the meeting. " * 8
                        meeting.summary_key_points = "Progress against the plan reviewed; next steps agreed."
                        meeting.support_refocused = rng.random() < 0.12
                        meeting.recommendation = pick(
                            rng,
                            [
                                (MspRecommendation.CONTINUE, 83),
                                (MspRecommendation.REFOCUS, 12),
                                (MspRecommendation.WARNING_NOTICE, 3),
                                (MspRecommendation.EXIT, 2),
                            ],
                        )
                        if rng.random() < 0.85 and day + timedelta(days=5) < today:
                            meeting.summary_published_at = self.at(day + timedelta(days=5), 12)
                            meeting.summary_published_by_id = group.chair_id
                        for _ in range(rng.randint(1, 2)):
                            actions.append(self.action(rng, school, adviser, day, meeting=meeting))
                    meetings.append(meeting)

    # -- letters and offers -------------------------------------------------------------------------

    def letters(self) -> None:
        from django.db import connection, transaction

        from letters.models import Letter, LetterKind, LetterType, WarningNoticeProgress
        from schools.models import SchoolStatus

        rng, today = self.rng, self.today
        types = {t.code: t.pk for t in LetterType.objects.all()}
        letters, progress = [], []
        for index, school in enumerate(self.all_schools):
            if school.status == SchoolStatus.PROPOSED_TO_OPEN:
                continue
            maintained = index % 2 == 0
            high_years = self.high_years.get(school.pk, set())
            for year in range(self.year - 10, self.year + 1):
                high = year in high_years
                odds = [(LetterKind.CONGRATULATIONS, 0.02 if not high else 0.005)]
                if maintained:
                    odds += [
                        (LetterKind.SIGNIFICANT_CONCERNS, 0.06 if high else 0.003),
                        (LetterKind.WARNING_NOTICE, 0.015 if high else 0.0),
                        (LetterKind.SIGNIFICANT_CONCERNS_TOP, 0.008 if high else 0.0),
                    ]
                for kind, chance in odds:
                    if not (rng.random() < chance or (index == 0 and year >= self.year - 3)):
                        continue
                    first = max(date(year, 9, 1), school.open_date or date.min)
                    last = min(date(year + 1, 7, 20), school.close_date or date.max, today - timedelta(days=1))
                    if last < first:
                        continue
                    day = day_between(rng, first, last)
                    if day >= today:
                        continue
                    letter, notice = self.letter(rng, school, types[kind], kind, day)
                    letters.append(letter)
                    if notice is not None:
                        progress.append(notice)
        with transaction.atomic():
            Letter.objects.bulk_create(letters, batch_size=BATCH)
            WarningNoticeProgress.objects.bulk_create(progress, batch_size=BATCH)
            with connection.cursor() as cursor:  # created_at is auto_now_add: date it when it was drafted
                cursor.execute(
                    "UPDATE letters_letter SET created_at = COALESCE(submitted_at, issued_at) - interval '3 days' "
                    "WHERE submitted_at IS NOT NULL OR issued_at IS NOT NULL"
                )

    def letter(self, rng, school, type_id, kind, day):
        """A letter issued on `day` (or, in the last month, part way through approval); a warning
        notice with its progress once its compliance period has ended."""
        from letters.models import ComplianceOutcome, InterventionPower, Letter, LetterStatus, WarningNoticeProgress

        today = self.today
        drafter = school.link_adviser_id or rng.choice(self.advisers)
        head = f"{school.head_title} {school.head_last_name}"
        subject = f"{kind.replace('_', ' ').capitalize()}: {school.name}"
        letter = Letter(
            letter_type_id=type_id,
            school_id=school.pk,
            subject=subject,
            body=LETTER_BODY.format(head=head, school=school.name),
            drafted_by_id=drafter,
        )
        recent = (today - day).days < 30
        status = LetterStatus.ISSUED
        if recent and rng.random() < 0.5:
            status = pick(
                rng,
                [
                    (LetterStatus.DRAFT, 40),
                    (LetterStatus.SUBMITTED, 35),
                    (LetterStatus.APPROVED, 15),
                    (LetterStatus.RETURNED, 10),
                ],
            )
        letter.status = status
        if status != LetterStatus.DRAFT:
            letter.submitted_at = self.at(day - timedelta(days=4), 14)
        if status in (LetterStatus.APPROVED, LetterStatus.ISSUED):
            letter.approved_at = self.at(day - timedelta(days=1), 11)
            letter.approved_by_id = rng.choice(self.officers)
        notice = None
        if kind == "warning_notice":
            letter.ground_a, letter.ground_b, letter.ground_c = True, rng.random() < 0.5, rng.random() < 0.1
            letter.compliance_end_date = day + timedelta(days=rng.randint(28, 56))
        if status == LetterStatus.ISSUED:
            letter.issued_on = day
            letter.issued_at = self.at(day, 12)
            letter.issued_by_id = letter.approved_by_id
            letter.recipients = [
                {"role": "Headteacher", "name": f"{school.head_first_name} {school.head_last_name}"},
                {"role": "Chair of governors", "name": school.chair_of_governors},
            ]
            letter.copies = ["Link School Improvement Adviser"]
            letter.issued_content = {"subject": subject, "body": letter.body}
            if kind == "warning_notice":
                notice = WarningNoticeProgress(letter=letter)
                end = letter.compliance_end_date
                if end < today - timedelta(days=7):
                    notice.response_received_on = day + timedelta(days=10)
                    notice.response_text = "The governing body's plan in response to the notice."
                    complied = rng.random() < 0.7
                    notice.outcome = ComplianceOutcome.COMPLIED if complied else ComplianceOutcome.NOT_COMPLIED
                    notice.outcome_on = end + timedelta(days=3)
                    notice.outcome_by_id = letter.approved_by_id
                    if not complied:
                        notice.intention_given_on = end + timedelta(days=7)
                        notice.intention_powers = [InterventionPower.ADDITIONAL_GOVERNORS.value]
                        notice.intention_text = "Notice of intention to appoint additional governors."
                        if end + timedelta(days=40) < today:
                            notice.decision_on = end + timedelta(days=40)
                            notice.decision_powers = [InterventionPower.ADDITIONAL_GOVERNORS.value]
                            notice.decision_by_id = letter.approved_by_id
        return letter, notice

    def enhanced_offers(self) -> None:
        from schools.models import SchoolStatus
        from visits.models import EnhancedOffer

        rng = self.rng
        rows = [
            EnhancedOffer(
                school_id=school.pk,
                academic_year=year,
                half_days=rng.randint(2, 6),
                recorded_by_id=rng.choice(self.officers),
            )
            for school in self.maintained
            if school.status != SchoolStatus.CLOSED
            for year in (self.year - 1, self.year)
            if rng.random() < 0.06
        ]
        EnhancedOffer.objects.bulk_create(rows, batch_size=BATCH)


def table_counts() -> dict[str, int]:
    from django.apps import apps

    from schools.models import Governance, School

    counts = {}
    for label in (
        "schools.School",
        "schools.Trust",
        "schools.Ward",
        "schools.Governorship",
        "schools.OfstedInspection",
        "schools.PerformanceResult",
        "accounts.User",
        "categorisation.Categorisation",
        "categorisation.Tick",
        "visits.Visit",
        "visits.Action",
        "visits.MspGroup",
        "visits.MspMeeting",
        "visits.EnhancedOffer",
        "letters.Letter",
        "letters.WarningNoticeProgress",
    ):
        counts[label] = apps.get_model(label).objects.count()
    counts["maintained schools"] = School.objects.maintained().count()
    counts["academies"] = School.objects.filter(establishment_type__governance=Governance.ACADEMY).count()
    counts["open schools"] = School.objects.open().count()
    return counts


def write_marker(*, seed: int, n_schools: int, anchor: date, seconds: float, counts: dict) -> None:
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER_TABLE} (seed integer, schools integer, anchor date, seconds double precision, "
            "counts jsonb, built_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (seed, schools, anchor, seconds, counts) VALUES (%s, %s, %s, %s, %s)",
            [seed, n_schools, anchor, seconds, json.dumps(counts)],
        )


# ---- timing -----------------------------------------------------------------------------------------


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class QueryTimer:
    """Times each query precisely (CaptureQueriesContext keeps milliseconds only)."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            cursor = context["cursor"]
            query = getattr(cursor, "query", None)
            self.queries.append((ms, query.decode() if isinstance(query, bytes) else sql))


def measure(client, url: str, *, warmup: int, requests: int, before_each=None, ok=(200,)) -> dict:
    """Time `url`; with `before_each` (a write through a service), every timed request is the first
    after a change, made untimed just before it."""
    from django.db import connection

    def fetch():
        # The case file's PDF is a stored export, asked for by POST (its button: docs/adr/0037, 0079).
        response = client.post(url) if "timeline.pdf" in url else client.get(url)
        body = response.getvalue()  # consumes a streaming response (the CSV export) too
        if response.status_code not in ok:
            raise AssertionError(f"{url}: status {response.status_code}")
        return body

    for _ in range(warmup):
        fetch()
    timer = QueryTimer()
    if before_each:
        before_each()
    with connection.execute_wrapper(timer):
        body = fetch()
    queries = timer.queries  # (the debug log, CaptureQueriesContext, keeps at most 9,000 entries)
    times = []
    for _ in range(requests):
        if before_each:
            before_each()
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    slowest = max(queries, default=(0.0, ""))
    return {
        "median": statistics.median(times),
        "p95": nearest_rank(times, 0.95),
        "min": min(times),
        "queries": len(queries),
        "sql_ms": sum(ms for ms, _ in queries),
        "slowest_ms": slowest[0],
        "slowest_sql": slowest[1],
        "kb": len(body) / 1024,
        "load": os.getloadavg()[0],
    }


def explain(sql: str) -> str:
    from django.db import connection

    if sql.startswith("DECLARE ") and " FOR SELECT " in sql:  # a server-side cursor (QuerySet.iterator())
        sql = sql[sql.index(" FOR SELECT ") + len(" FOR ") :]
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return "(not a SELECT: not explained)"
    if "%s" in sql:  # the driver kept its parameters apart: the text cannot be run as it is
        return "(its parameters were not in the captured SQL: not explained)"
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(row[0] if len(row[0]) < 300 else row[0][:300] + " ..." for row in cursor.fetchall())
    except Exception as error:  # a benchmark reports, it does not stop half-way (autocommit: nothing to undo)
        return f"(could not be explained: {error})"


def profile(client, url: str, limit: int = 12) -> str:
    """Where one request's time goes: templates rendered (inclusive ms, times rendered) and the
    functions with the most time of their own (cProfile)."""
    import cProfile
    import io
    import pstats

    from django.template.base import Template

    spent: dict[str, list[float]] = {}
    original = Template._render

    def timed_render(self, context):
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            entry = spent.setdefault(self.origin.template_name or "(string)", [0.0, 0])
            entry[0] += (time.perf_counter() - started) * 1000
            entry[1] += 1

    Template._render = timed_render
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        client.get(url).getvalue()
        profiler.disable()
    finally:
        Template._render = original
    lines = ["templates (inclusive ms, renders):"]
    for name, (ms, count) in sorted(spent.items(), key=lambda item: -item[1][0])[:limit]:
        lines.append(f"  {ms:8.1f} ms {count:6d}x  {name}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(limit)
    text = out.getvalue()
    lines.append("functions by own time (cProfile, so slower than the timed requests):")
    lines.append(text[text.index("   ncalls") :].rstrip() if "   ncalls" in text else text)
    return "\n".join(lines)


def case_file_pdf_build(officer, school, *, requests: int) -> None:
    """The case file PDF as the task worker builds it (dashboard.case_file_pdf.build): WeasyPrint's
    layout of up to 2,000 entries, off the web workers (docs/adr/0037)."""
    from django.http import QueryDict

    from dashboard.case_file_pdf import build

    params = QueryDict(mutable=True)
    params["urn"] = str(school.urn)
    times, size, entries = [], 0, 0
    for _ in range(requests):
        started = time.perf_counter()
        data, entries = build(user=officer, params=params)
        times.append((time.perf_counter() - started) * 1000)
        size = len(data)
    print(
        f"\nCase file PDF built by the task worker (URN {school.urn}, {entries:,} entries, {size / 1024:.0f} KB): "
        f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, {requests} builds, "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def bench_headteacher(school):
    """The showcase school's headteacher, made (untimed, once) on a database built before the build
    made one: a user with the headteacher role heading that school."""
    from django.contrib.auth.models import Group

    from accounts.models import Headship, User
    from accounts.roles import Role

    user, _ = User.objects.get_or_create(
        username="headteacher1", defaults={"first_name": "Head", "last_name": "Teacher"}
    )
    user.groups.add(Group.objects.get(name=Role.HEADTEACHER.value))
    Headship.objects.get_or_create(user=user, school=school)
    return user


STORED_TABLES = (
    "visits_storedcompliance",
    "letters_storedsuggestionstate",
    "letters_storedsuggestion",
    "dashboard_storedlevelpath",
)


def as_each_morning() -> None:
    """The stored statuses as a production server has them each morning: computed for the day by
    the nightly tasks, and their tables vacuumed and analysed, as autovacuum does after that many
    rows change. This PostgreSQL server runs with autovacuum off: without this, pages were timed
    with the planner's statistics from the end of the build (11 suggestion-state rows, no stored
    suggestions, against 22,000 and thousands) and the rows the first pages rewrote left dead."""
    from django.db import connection

    from dashboard.tasks import refresh_stored_levels
    from letters.tasks import refresh_stored_suggestions
    from visits.tasks import refresh_stored_compliance

    for nightly in (refresh_stored_compliance, refresh_stored_suggestions, refresh_stored_levels):
        nightly(timestamp=int(time.time()))
    with connection.cursor() as cursor:
        for table in STORED_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def run_pages(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.db.models import Count
    from django.template import engines
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.http import urlencode

    from accounts.models import User
    from schools.models import OfstedInspection, School
    from visits import services as visit_services
    from visits.compliance import compliance_schools
    from visits.models import MspMeeting, Visit

    if args.jit_off:  # for comparison: PostgreSQL's JIT compiles expensive-looking queries on every run

        def no_jit(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")

        connection_created.connect(no_jit, weak=False)
        connection.close()
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed to time pages
    settings.DEBUG = False
    engines["django"].engine.debug = False
    # The clients sign in with force_login, past no authenticator app: the pages are timed, not
    # the sign-in (without this every officer page is a redirect to the second-factor page).
    settings.SECOND_FACTOR_REQUIRED_ROLES = ()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    # The maintained school with the most history: most visits among open ones with a governor.
    busiest = (
        Visit.objects.filter(school__in=School.objects.maintained().open().filter(governorships__isnull=False))
        .values("school")
        .annotate(n=Count("id"))
        .order_by("-n", "school")
        .first()
    )
    showcase = School.objects.select_related("link_adviser").get(pk=busiest["school"])
    history = {
        "visits": showcase.visits.count(),
        "actions": showcase.support_actions.count(),
        "categorisations": showcase.categorisations.count(),
        "letters": showcase.letters.count(),
        "MSP meetings": MspMeeting.objects.filter(group__school=showcase).count(),
        "inspections": showcase.inspections.count(),
    }
    officer = User.objects.get(username="officer1")
    adviser = showcase.link_adviser
    governor = User.objects.filter(governorships__school=showcase).order_by("username").first()
    headteacher = bench_headteacher(showcase)
    fragment = "oak"
    clients = {}
    admin = User.objects.get(username="admin1")
    signed_in = (("officer", officer), ("adviser", adviser), ("governor", governor), ("admin", admin))
    for role, user in (*signed_in, ("headteacher", headteacher)):
        clients[role] = Client()
        clients[role].force_login(user)
    school_url = reverse("schools:detail", kwargs={"urn": showcase.urn})
    case_file_url = reverse("dashboard:timeline", kwargs={"urn": showcase.urn})
    # A ward as chosen (a typed name can match several wards of the same name: England has many).
    ward_query = urlencode({"ward": showcase.ward_id or "", "ward_name": showcase.ward.name if showcase.ward else ""})
    matching = School.objects.open().filter(name__icontains=fragment).count()
    print(
        f"\nSchool page: {showcase.name} (URN {showcase.urn}): "
        + ", ".join(f"{n:,} {label}" for label, n in history.items())
        + f"; adviser "
        f"{adviser.username} ({adviser.link_schools.count()} link schools); governor {governor.username}; "
        f"?q={fragment} matches {matching:,} open schools."
    )
    pages = [
        ("home (officer)", "officer", reverse("dashboard:home")),
        ("home (adviser)", "adviser", reverse("dashboard:home")),
        ("home (governor)", "governor", reverse("dashboard:home")),
        ("home (headteacher)", "headteacher", reverse("dashboard:home")),
        ("schools list", "officer", reverse("schools:list")),
        (f"schools list ?q={fragment}", "officer", reverse("schools:list") + f"?q={fragment}"),
        ("schools list ?sort=ofsted&page=200", "officer", reverse("schools:list") + "?sort=ofsted&page=200"),
        ("schools list ?sort=-adviser&page=200", "officer", reverse("schools:list") + "?sort=-adviser&page=200"),
        # Issue 11 (docs/adr/0019): deep pages of the default sort and of a search, a selective name
        # search (the trigram index), a URN, and a chosen ward. A page past the end is the
        # last page, so at small scales these time the last page.
        ("schools list ?page=400", "officer", reverse("schools:list") + "?page=400"),
        (f"schools list ?q={fragment}&page=20", "officer", reverse("schools:list") + f"?q={fragment}&page=20"),
        ("schools list ?q=kingfisher", "officer", reverse("schools:list") + "?q=kingfisher"),
        ("schools list ?q=<URN>", "officer", reverse("schools:list") + f"?q={showcase.urn}"),
        ("schools list, a chosen ward", "officer", reverse("schools:list") + "?" + ward_query),
        ("school page", "officer", school_url),
        ("school page (governor)", "governor", school_url),
        # Issue 13 (docs/adr/0021): the busiest school's case file, every app's records, and its PDF.
        ("case file", "officer", case_file_url),
        ("case file, page 5", "officer", case_file_url + "?page=5"),
        ("case file (governor)", "governor", case_file_url),
        # The PDF is built by the task worker (docs/adr/0037): its button's POST records it and
        # redirects (timed with the queue left out); its build is timed on its own below.
        ("case file PDF button", "officer", reverse("dashboard:timeline_pdf", kwargs={"urn": showcase.urn})),
        ("my schools", "adviser", reverse("schools:mine")),
        ("categorisation list", "officer", reverse("categorisation:list")),
        ("categorisation review due", "officer", reverse("categorisation:review_due")),
        ("categorisation queue", "officer", reverse("categorisation:queue")),
        ("visits", "officer", reverse("visits:list")),
        ("visits (adviser's own)", "adviser", reverse("visits:list")),
        ("visits compliance", "officer", reverse("visits:compliance")),
        ("visits actions", "officer", reverse("visits:actions")),
        ("visits MSP groups", "officer", reverse("visits:msp_list")),
        ("letters register", "officer", reverse("letters:register")),
        ("letters suggestions", "officer", reverse("letters:suggestions")),
        ("officer dashboard", "officer", reverse("dashboard:officer")),
        ("officer dashboard, one LA and phase", "officer", reverse("dashboard:officer") + "?la=874&phase=Primary"),
        ("officer dashboard, a figure's schools", "officer", reverse("dashboard:figure") + "?figure=review.due"),
        # docs/adr/0035: each chart is its own SVG, fetched by the page as an image.
        ("dashboard chart: levels (SVG)", "officer", reverse("dashboard:chart", args=["levels"])),
        ("dashboard chart: letters (SVG)", "officer", reverse("dashboard:chart", args=["letters"])),
        # Issue 13 (docs/adr/0029): the adviser's own dashboard, the outcomes table (every open school's
        # latest inspection, grouped), one LA's, the schools behind its largest figure, England's figures.
        ("adviser dashboard", "adviser", reverse("dashboard:adviser")),
        ("outcomes table", "officer", reverse("dashboard:outcomes")),
        ("outcomes table, one LA", "officer", reverse("dashboard:outcomes") + "?la=874"),
        (
            "outcomes, a figure's schools",
            "officer",
            reverse("dashboard:outcome_schools") + "?phase=all&governance=all&set=judged&page=20",
        ),
        ("outcomes, England's figures", "admin", reverse("dashboard:national_outcomes")),
        # Issue 13 (docs/adr/0030, 0032): the reporting packs list and the moderation sessions list.
        ("reporting packs (dashboard)", "officer", reverse("dashboard:packs")),
        ("moderation sessions", "officer", reverse("categorisation:moderation")),
    ]
    # The pages that read every school's compliance status, each timed request the first after a
    # write through a service (a visit planned to a different school each time), so the stored
    # status of that school is recomputed in the request (visits.stored_compliance).
    maintained = list(compliance_schools().values_list("pk", flat=True)[:500])
    planned_on = timezone.localdate() + timedelta(days=60)

    def plan_a_visit():
        school = School.objects.get(pk=maintained[len(planned) % len(maintained)])
        planned.append(visit_services.visit_plan(school=school, adviser=officer, visit_date=planned_on, actor=officer))

    planned: list = []
    cold = [
        ("home (officer), after a change", "officer", reverse("dashboard:home")),
        ("visits compliance, after a change", "officer", reverse("visits:compliance")),
        ("visits MSP groups, after a change", "officer", reverse("visits:msp_list")),
        ("letters suggestions, after a change", "officer", reverse("letters:suggestions")),
        ("outcomes table, after a change", "officer", reverse("dashboard:outcomes")),
    ]
    # The stored letter suggestions (letters.stored_suggestions): before each timed request a
    # recent inspection is saved again (a different one each time), so that its school's
    # suggestions are recomputed in the request.
    inspected = list(OfstedInspection.objects.order_by("-start_date", "-pk").values_list("pk", flat=True)[:500])
    resaved: list = []

    def resave_an_inspection():
        inspection = OfstedInspection.objects.get(pk=inspected[len(resaved) % len(inspected)])
        inspection.save()
        resaved.append(inspection.pk)

    # The suggestions and the outcomes table's stored counts (ADR 0052) are marked by the re-save.
    writes = dict.fromkeys(cold[-2:], resave_an_inspection)
    pages += cold
    as_each_morning()
    if args.only:
        pages = [p for p in pages if args.only in p[0] or args.only in p[2]]
    load_before = os.getloadavg()
    print(f"Load average before timing: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    header = (
        f"{'page':<38} {'as':<9} {'median':>8} {'p95':>8} {'min':>8} {'queries':>7} {'SQL ms':>7} "
        f"{'slowest':>8} {'KB':>6} {'load1':>5}"
    )
    jit = " (PostgreSQL jit off)" if args.jit_off else ""
    print(f"\nIn-process django.test.Client, {args.warmup} warm-ups then {args.requests} timed requests each (ms){jit}")
    print(header)
    print("-" * len(header))
    results = []
    import core.tasks
    from core.models import Export

    queue_defer, core.tasks.defer = core.tasks.defer, lambda *a, **k: None  # no worker here: record only
    exports_before = Export.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for label, role, url in pages:
        before_each = writes.get((label, role, url), plan_a_visit) if (label, role, url) in cold else None
        ok = (302,) if "timeline.pdf" in url else (200,)
        result = measure(clients[role], url, warmup=args.warmup, requests=args.requests, before_each=before_each, ok=ok)
        results.append((label, role, url, result))
        print(
            f"{label:<38} {role:<9} {result['median']:8.1f} {result['p95']:8.1f} {result['min']:8.1f} "
            f"{result['queries']:7d} {result['sql_ms']:7.1f} {result['slowest_ms']:8.1f} {result['kb']:6.0f} "
            f"{result['load']:5.2f}",
            flush=True,
        )
    core.tasks.defer = queue_defer
    Export.objects.filter(pk__gt=exports_before).delete()  # the case file PDFs recorded, never built
    if not args.only or "PDF" in args.only:
        case_file_pdf_build(officer, showcase, requests=min(args.requests, 5))
    if not args.only or "export" in args.only:
        url = reverse("schools:export", kwargs={"fmt": "csv"})
        result = measure(clients["officer"], url, warmup=1, requests=args.export_requests)
        print(
            f"\nSchools CSV export ({url}, every open school, officer): median {result['median']:.0f} ms, "
            f"p95 {result['p95']:.0f} ms, min {result['min']:.0f} ms, {result['queries']} queries "
            f"(SQL {result['sql_ms']:.0f} ms), {result['kb'] / 1024:.1f} MB, 1 warm-up + {args.export_requests} timed"
        )
    Visit.objects.filter(pk__in=[v.pk for v in planned]).delete()  # the writes made to time "after a change"
    if args.json:
        with open(args.json, "w") as out:
            keep = ("median", "p95", "queries", "load")
            json.dump([{"label": label, "role": role} | {k: r[k] for k in keep} for label, role, _, r in results], out)
    load_after = os.getloadavg()
    print(f"Load average after timing: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")

    slow = [r for r in results if r[3]["median"] > args.explain_over]
    if slow:
        print(f"\nPages with a median over {args.explain_over:.0f} ms: EXPLAIN ANALYZE of their slowest query")
    for label, role, url, result in slow:
        print(
            f"\n== {label} ({url}, as {role}): slowest query {result['slowest_ms']:.1f} ms of "
            f"{result['sql_ms']:.1f} ms SQL in {result['median']:.1f} ms"
        )
        sql = result["slowest_sql"]
        print(sql if len(sql) <= 2000 else sql[:2000] + " ...")
        print(explain(sql))
        if args.profile:
            print(f"\nProfile of one request: {profile(clients[role], url)}")


# ---- side by side: England and 1% in one run ------------------------------------------------------

TARGET_MS = 200  # issue 11: every page's median at England scale
TARGET_RATIO = 3  # and no more than 3x its median at 1% scale


def side_by_side(args) -> None:
    """Run this script on the England-scale database and on a 1% one, one after the other, and
    print both medians, the ratio and whether each page meets the targets."""
    import subprocess
    import tempfile

    url = os.environ["DATABASE_URL"]
    runs = {}
    for label, db_url, schools in (("full", url, args.schools), ("1%", url + "_1pct", max(args.schools // 100, 20))):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--schools", str(schools), "--requests", str(args.requests),
                       "--warmup", str(args.warmup), "--json", out.name, "--export-requests", "1"]  # fmt: skip
            if args.only:
                command += ["--only", args.only]
            print(f"\n==== {label}: {schools:,} schools ({db_url.rsplit('/', 1)[-1]}) ====", flush=True)
            subprocess.run(command, env={**os.environ, "DATABASE_URL": db_url}, check=True)
            out.seek(0)
            runs[label] = {(r["label"], r["role"]): r for r in json.load(out)}
    print(f"\nSide by side (median ms; targets: under {TARGET_MS} ms at full scale, {TARGET_RATIO}x the 1% median)")
    header = f"{'page':<40} {'as':<9} {'full':>8} {'p95':>8} {'1%':>8} {'ratio':>6} {'load1':>5}  meets"
    print(header)
    print("-" * len(header))
    met = 0
    for key, full in runs["full"].items():
        small = runs["1%"].get(key)
        if small is None:
            continue
        ratio = full["median"] / small["median"] if small["median"] else math.inf
        ok = full["median"] < TARGET_MS and ratio <= TARGET_RATIO
        met += ok
        print(
            f"{key[0]:<40} {key[1]:<9} {full['median']:8.1f} {full['p95']:8.1f} {small['median']:8.1f} "
            f"{ratio:6.1f} {full['load']:5.2f}  {'yes' if ok else 'NO'}"
        )
    print(f"{met} of {len(runs['full'])} pages meet both targets.")


# ---- main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="drop the database and build the data again")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--schools", type=int, default=22_000)
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--export-requests", type=int, default=5)
    parser.add_argument("--explain-over", type=float, default=150.0, help="EXPLAIN pages with a median over (ms)")
    parser.add_argument("--jit-off", action="store_true", help="SET jit = off on the connection (for comparison)")
    parser.add_argument("--profile", action="store_true", help="also cProfile the pages over --explain-over")
    parser.add_argument("--only", default="", help="time only pages whose label or URL contains this")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--json", default="", help="also write the pages' figures to this file")
    parser.add_argument(
        "--side-by-side",
        action="store_true",
        help="time the pages at --schools and at 1%% of it (database DATABASE_URL + '_1pct') in one run, "
        "then print each page's medians, their ratio and the issue 11 targets",
    )
    args = parser.parse_args()
    if args.side_by_side:
        side_by_side(args)
        return

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures the production database.")
    marker = None if args.rebuild else read_marker(url)
    recreate_database(url, drop=marker is None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    if marker is None:
        anchor = timezone.localdate()
        print(f"Building England-scale data: {args.schools:,} schools, seed {args.seed}, anchored on {anchor}")
        started = time.perf_counter()
        builder = Builder(seed=args.seed, n_schools=args.schools, today=anchor)
        builder.build()
        seconds = time.perf_counter() - started
        counts = table_counts()
        write_marker(seed=args.seed, n_schools=args.schools, anchor=anchor, seconds=seconds, counts=counts)
        marker = {"seed": args.seed, "schools": args.schools, "anchor": anchor, "seconds": seconds, "counts": counts}
        print(f"Built in {seconds:.0f} s")
    else:
        print(
            f"Using the data built on {marker['anchor']} (seed {marker['seed']}, {marker['schools']:,} schools, "
            f"built in {marker['seconds']:.0f} s); --rebuild to build again"
        )
        if (timezone.localdate() - marker["anchor"]).days > 30:
            print("  (built over 30 days ago: this term's visits and categorisations are thin; consider --rebuild)")
    print("Rows: " + ", ".join(f"{label} {n:,}" for label, n in marker["counts"].items()))
    if not args.build_only:
        run_pages(args)


if __name__ == "__main__":
    main()
