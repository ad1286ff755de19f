"""The School Improvement Strategy 2022-2024's "Prioritisation criteria" tables, word for word
(the seed's own wording, typos and "[See data]" / "(See data)" markers kept), as the default
framework, active from 1 September 2022.

The four blocks of LOW / MEDIUM / HIGH lists are, in order: leadership and management (including
safeguarding), quality of education, behaviour and attitudes, personal development. Each statement
has a stable code (area prefix, level letter, position), `data_driven` for the "See data" ones, and
a `fact_key` where the system knows the fact (categorisation.facts.FactKey)."""

import datetime

from django.db import migrations

FRAMEWORK_NAME = "School Improvement Strategy 2022-2024"
FRAMEWORK_DESCRIPTION = (
    "Peterborough City Council's prioritisation criteria. They are 'best fit', i.e., a school does not "
    "have to meet all bullet points listed to be judged in any one category."
)
ACTIVE_FROM = datetime.date(2022, 9, 1)

# (area code, area name, code prefix)
AREAS = [
    ("leadership", "Leadership and management (including safeguarding)", "LM"),
    ("quality", "Quality of education", "QE"),
    ("behaviour", "Behaviour and attitudes", "BA"),
    ("personal", "Personal development", "PD"),
]

# area code -> level -> [(text, fact key, is safeguarding)]
CRITERIA = {
    "leadership": {
        "low": [
            ("The culture of safeguarding is strong, and all statutory requirements are met", "", True),
            ("The effectiveness of leadership to drive school improvement is strong.", "", False),
            (
                "Leaders and governors have a clear vision and ambition for the school that is communicated very well to all stakeholders",
                "",
                False,
            ),
            (
                "The school's overall effectiveness is judged good or better and is able to maintain this judgement at its next inspection",
                "ofsted_good_or_better",
                False,
            ),
            (
                "Governors understand their role clearly and are effective at holding school leaders to account for the quality of education. They know the school well, and are clear about areas for improvement",
                "",
                False,
            ),
        ],
        "medium": [
            (
                "There are minor weakness in safeguarding arrangements and practice that require attention",
                "",
                True,
            ),
            (
                "The effectiveness and capacity of leadership to drive school improvement requires support.",
                "",
                False,
            ),
            (
                "Leaders' and governors' vision and ambition for the school lacks detail and is not consistently communicated",
                "",
                False,
            ),
            (
                "The school's overall effectiveness is currently RI or at risk of being judged Requiring Improvement or being downgraded",
                "ofsted_requires_improvement",
                False,
            ),
            ("A new or interim Headteacher in the first year of Headship", "head_new_or_interim", False),
        ],
        "high": [
            (
                "Safeguarding statutory responsibilities are not fully met. The culture of safeguarding is weak and of serious concern",
                "safeguarding_not_met",
                True,
            ),
            (
                "The effectiveness and capacity of leadership to drive school improvement is of serious concern.",
                "",
                False,
            ),
            ("Leaders' and governors' vision and ambition for the school is unclear.", "", False),
            (
                "The school has been issued with a Warning Notice or Significant Concerns letter",
                "warning_notice_or_concerns_letter",
                False,
            ),
            (
                "The school's overall effectiveness has been judged or is at risk of Requiring Improvement, Special Measures or to have Serious Weaknesses",
                "ofsted_inadequate_or_category",
                False,
            ),
            ("Schools self-evaluation is inaccurate or not current", "", False),
            (
                "Governance is ineffective and leaders are not held to account for the quality of education",
                "",
                False,
            ),
            ("Substantive leadership (HT or governance) is not in place.", "", False),
            (
                "Leadership and staffing is not stable; there is significant turbulence and/or a high level of vacancies and long-term use of agency staff",
                "",
                False,
            ),
        ],
    },
    "quality": {
        "low": [
            (
                "Teachers have consistently high expectations of what each pupil can achieve, including disadvantaged pupils and SEND pupils",
                "",
                False,
            ),
            (
                "The school's curriculum is coherently planned and sequenced so that pupils gain sufficient knowledge and skills for future learning",
                "",
                False,
            ),
            ("Teaching is securely good or better", "", False),
            (
                "Pupils develop detailed knowledge and skills across the curriculum, and as a result, achieve well",
                "",
                False,
            ),
        ],
        "medium": [
            (
                "Teachers expectations are inconsistent of what each pupil can achieve, including disadvantaged pupils, and SEND pupils",
                "",
                False,
            ),
            ("Leaders' plans to improve the curriculum are at an early stage of development", "", False),
            ("Knowledge and skills for pupils are not yet coherently planned and sequenced", "", False),
            ("Teaching is inconsistent and requires improvement", "", False),
            (
                "Attainment is broadly in line with national averages at the end of each key stage [See data]",
                "attainment_in_line",
                False,
            ),
            ("Attainment is declining over time. [See data]", "attainment_declining", False),
        ],
        "high": [
            (
                "Teachers' expectations are too low of what each pupils can achieve, including disadvantaged and SEND pupils",
                "",
                False,
            ),
            (
                "The school's curriculum has little or no structure or coherence, and there are no effective plans in place for the urgent development of the curriculum",
                "",
                False,
            ),
            ("Knowledge and skills for pupils are not coherently planned and sequenced", "", False),
            ("Pupils do not have access to the full curriculum which is often narrowed", "", False),
            ("Too much teaching requires improvement or is inadequate", "", False),
            (
                "Attainment is consistently below national averages at the end of each Key Stage",
                "attainment_below_national",
                False,
            ),
            ("Attainment is declining [See data]", "attainment_declining_and_below", False),
        ],
    },
    "behaviour": {
        "low": [
            (
                "Attendance is high or, where it is not, it is rapidly improving [See data]",
                "attendance_high_or_improving",
                False,
            ),
            (
                "High expectations for pupil's attitudes, behaviour and conduct. These are applied consistently, and low-level disruption is rare",
                "",
                False,
            ),
            (
                "Pupils have positive attitudes to their education. They are committed to their learning and take pride in their achievements",
                "",
                False,
            ),
        ],
        "medium": [
            (
                "Attendance is low and not showing sustained improvement or improving sufficiently quickly (See data)",
                "attendance_low",
                False,
            ),
            (
                "Expectations of pupils attitudes and behaviour are not high enough and approaches are inconsistent",
                "",
                False,
            ),
            (
                "A significant number of pupils are not committed to their learning and do not take pride in their achievements",
                "",
                False,
            ),
        ],
        "high": [
            (
                "Attendance is consistently low for all pupils, groups of pupils including disadvantaged pupils (See data)",
                "attendance_consistently_low",
                False,
            ),
            ("Behaviour and attitudes are poor and there are regular incidents that disrupt learning", "", False),
            (
                "Significant concerns surrounding relationships between pupils, parents and staff including complaints to the LA",
                "",
                False,
            ),
            ("Pupils' lack of engagement contributes to reduced learning", "", False),
        ],
    },
    "personal": {
        "low": [
            ("SMSC is of high quality", "", False),
            (
                "Pupils understand fundamental British values including. showing respect for differences; and are well prepared for life in modern Britain",
                "",
                False,
            ),
        ],
        "medium": [
            ("SMSC requires development", "", False),
            (
                "Leaders, governors and pupils have a limited understanding of British values, and how to prepare pupils for life in modern Britain and this requires improvement",
                "",
                False,
            ),
        ],
        "high": [
            ("SMSC is underdeveloped across the school and is poorly planned for across the curriculum", "", False),
            (
                "Leaders and governors are undermining fundamental British values. Discriminatory behaviour and prejudice occur and are not challenged. This is of serious concern",
                "",
                False,
            ),
        ],
    },
}
LEVEL_LETTER = {"low": "L", "medium": "M", "high": "H"}
SEE_DATA_MARKERS = ("[See data]", "(See data)")


def rows():
    """(area code, level, code, text, order, data driven, fact key, is safeguarding) for each statement."""
    for area_code, _name, prefix in AREAS:
        order = 0
        for level in ("low", "medium", "high"):
            for position, (text, fact_key, safeguarding) in enumerate(CRITERIA[area_code][level], start=1):
                order += 1
                data_driven = any(marker in text for marker in SEE_DATA_MARKERS)
                code = f"{prefix}-{LEVEL_LETTER[level]}{position}"
                yield area_code, level, code, text, order, data_driven, fact_key, safeguarding


def load(apps, schema_editor):
    Framework = apps.get_model("categorisation", "Framework")
    Area = apps.get_model("categorisation", "Area")
    Criterion = apps.get_model("categorisation", "Criterion")
    framework, _ = Framework.objects.get_or_create(
        name=FRAMEWORK_NAME, defaults={"description": FRAMEWORK_DESCRIPTION, "active_from": ACTIVE_FROM}
    )
    areas = {}
    for order, (code, name, _prefix) in enumerate(AREAS, start=1):
        areas[code], _ = Area.objects.get_or_create(
            framework=framework, code=code, defaults={"name": name, "order": order}
        )
    for area_code, level, code, text, order, data_driven, fact_key, safeguarding in rows():
        Criterion.objects.get_or_create(
            area=areas[area_code],
            code=code,
            defaults={
                "level": level,
                "text": text,
                "order": order,
                "data_driven": data_driven,
                "fact_key": fact_key,
                "is_safeguarding": safeguarding,
            },
        )


def unload(apps, schema_editor):
    Framework = apps.get_model("categorisation", "Framework")
    Categorisation = apps.get_model("categorisation", "Categorisation")
    if not Categorisation.objects.filter(framework__name=FRAMEWORK_NAME).exists():
        Framework.objects.filter(name=FRAMEWORK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("categorisation", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
