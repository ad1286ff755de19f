"""The demo's fictional register for LA 874: its wards, trusts, headteachers and mix of schools
(DemoSchool, demo_schools, with hand-set histories for the schools the demo casework is about),
and the GIAS extract and ward councillors file built from them for the real importers. The
seeding is schools.demo; the Ofsted and performance files are in demo_outcomes."""

from dataclasses import dataclass

from .demo_files import current_gias_header, gias_row, to_csv_bytes

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
    schools, n, taken = [], 0, set()
    for phase, type_code, count, ages, pupils in MIX:
        for _ in range(count):
            urn = 874001 + n
            word = NAME_WORDS[n % len(NAME_WORDS)]
            if type_code == 2 and n % 2 == 0:
                name = "St Thérèse’s Catholic Primary School"
            elif type_code in (7, 12, 44):
                name = f"{word} Special School"
            elif type_code == 14:
                name = f"{word} Pupil Referral Unit"
            else:
                name = f"{word} {SUFFIX.get(phase, 'School')}"
            if name in taken:  # two schools of one name in a list read as one listed twice
                name = f"{name}, {word}"
            taken.add(name)
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
