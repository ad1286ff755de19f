"""The strategy's letter types and their indicators, word for word from the School Improvement
Strategy 2022-2024, "Letters to schools" (seed 002_630a7d255ff2f491.txt), and a first template for
each type. All of it is data: the LA edits it in the app afterwards.

The warning notice indicator "school has been below the floor standard" is the strategy's text,
kept as data only: floor standards were abolished in 2019 and nothing is computed from it."""

from django.db import migrations

LETTERHEAD = "{council_name}\nEducation Directorate\nSchool Improvement Service"
SIGNATORY = "Service Director for Education\n{council_name}"

TYPES = [
    {
        "code": "congratulations",
        "name": "Congratulations letter",
        "symbol": "✔",
        "introduction": "",
        "order": 10,
        "indicators": [
            (
                "ofsted_improved_or_sustained",
                "Where a school has improved its Ofsted grade or sustained good/outstanding overall effectiveness.",
            ),
            ("pupil_performance_improved", "Where there has been a significant improvement in pupil performance."),
            (
                "disadvantaged_accelerated",
                "Where a school has significantly accelerated the achievement of disadvantaged groups.",
            ),
        ],
        "subject": "Congratulations: {school_name}",
        "body": (
            "Dear {chair_of_governors} and {headteacher},\n\n"
            "On behalf of the local authority, I am writing to congratulate the governing body, the headteacher "
            "and all the staff of {school_name}:\n\n"
            "{indicators}\n\n"
            "This is a credit to the hard work and commitment of everyone in the school community, and to the "
            "pupils themselves. Please share our congratulations with staff, pupils and parents.\n\n"
            "Your link School Improvement Adviser, {link_adviser}, will continue to work with you, and we look "
            "forward to celebrating the school's further successes.\n\n"
            "Yours sincerely,"
        ),
    },
    {
        "code": "significant_concerns",
        "name": "Significant concerns letter",
        "symbol": "⚠",
        "introduction": "Where one or more of the following indicators apply:",
        "order": 20,
        "indicators": [
            ("declining_performance", "Risk assessment confirms a declining trend in pupil performance."),
            ("safeguarding", "Safeguarding Concerns"),
            ("finances", "Management of the Schools Finances"),
            (
                "leadership_capacity",
                "Leadership does not have the capacity to address the school's problems in a timely manner.",
            ),
            (
                "governing_body_not_effective",
                "There are concerns that the Governing Body is not effective in holding the school to account.",
            ),
            ("ofsted_drop", "A drop in Ofsted rating."),
            (
                "combination_of_concerns",
                "There is a combination of concerns relating to, for example, parental complaints, moderation, "
                "attendance, exclusions, inclusion practice, and staff turnover.",
            ),
            (
                "disadvantaged_gaps",
                "There are consistently wide attainment/progress gaps between disadvantaged pupils and their peers.",
            ),
            (
                "achievement_or_teaching",
                "There are persistent concerns about achievement and/or teaching quality in one or more key stages.",
            ),
            (
                "self_evaluation",
                "Self-evaluation is not robust or realistic enough and engagement with school improvement is weak.",
            ),
        ],
        "subject": "Significant concerns: {school_name} (URN {urn})",
        "body": (
            "Dear {chair_of_governors} and {headteacher},\n\n"
            "I am writing to set out the local authority's significant concerns about {school_name}. Our "
            "monitoring of the school shows that:\n\n"
            "{indicators}\n\n"
            "[Set out the evidence for each concern: data, monitoring visits, other intelligence.]\n\n"
            "The local authority asks the governing body to discuss this letter at its next meeting and to send "
            "us, within four weeks of the date of this letter, its plan to address these concerns: the actions, "
            "who will lead them, by when, and how governors will check their impact.\n\n"
            "Your link School Improvement Adviser, {link_adviser}, will increase the local authority's monitoring "
            "of the school and agree with you the support it needs. If the concerns are not addressed, the local "
            "authority will consider using its formal powers, including a warning notice.\n\n"
            "Yours sincerely,"
        ),
    },
    {
        "code": "warning_notice",
        "name": "Warning notice",
        "symbol": "⚠⚠",
        "introduction": "Where one or more of the following indicators apply:",
        "order": 30,
        "indicators": [
            ("low_standards", "Evidence of unacceptably low standards, i.e. school has been below the floor standard."),
            (
                "breakdown_in_leadership",
                "Evidence of a breakdown in leadership or management, e.g. declining school popularity (school "
                "rolls falling more rapidly than might reasonably be expected from demographic changes), "
                "high/increasing absence rates, high rates of staff turnover or numbers of staff grievances, "
                "significant/increasing numbers of parental complaints.",
            ),
            (
                "leaders_not_acting",
                "School leaders are not taking urgent and appropriate action to resolve the problem.",
            ),
            (
                "governors_not_challenging",
                "Governors are not acknowledging the seriousness of the position nor challenging school leaders to "
                "secure rapid improvements.",
            ),
            ("risk_of_category", "School is at risk of being put in Serious Weaknesses or Special Measures."),
            (
                "improvement_plan_not_progressing",
                "School is subject to Required to Improve monitoring and/or a Local Authority Improvement Plan but is "
                "not making sufficient progress.",
            ),
        ],
        "subject": "Warning notice under section 60 of the Education and Inspections Act 2006: {school_name} (URN {urn})",
        "body": (
            "To the governing body of {school_name}\n\n"
            "This is a warning notice given to the governing body by {council_name} under section 60 of the "
            "Education and Inspections Act 2006, as amended by the Education and Adoption Act 2016.\n\n"
            "# Grounds\n"
            "The local authority is satisfied that:\n\n"
            "{grounds}\n\n"
            "# The matters on which this is based\n"
            "{indicators}\n\n"
            "[Set out the evidence: performance data, monitoring visits, Monitoring Support Partnership findings.]\n\n"
            "# Action the governing body must take\n"
            "The local authority requires the governing body to take the following action to remedy these "
            "matters:\n\n"
            "- [Action required 1]\n"
            "- [Action required 2]\n\n"
            "# Compliance period\n"
            "The governing body must comply with this notice, or secure compliance with it, to the local "
            "authority's satisfaction by {compliance_end_date}. The compliance period runs {compliance_period}.\n\n"
            "# If the governing body does not comply\n"
            "If, by the end of the compliance period, the governing body has not complied with this notice to the "
            "local authority's satisfaction, and the local authority gives the governing body reasonable notice in "
            "writing that it proposes to use its powers, the school will be eligible for intervention. The local "
            "authority is minded to use one or more of these powers:\n\n"
            "{powers}\n\n"
            "The powers in sections 63 and 64 can only be used within two months following the end of the "
            "compliance period, that is by {powers_deadline}.\n\n"
            "A copy of this notice is given at the same time to the headteacher and to the Secretary of State.\n\n"
            "Yours faithfully,"
        ),
    },
    {
        "code": "significant_concerns_top",
        "name": "Significant concerns (top tier)",
        "symbol": "⚠⚠⚠",
        "introduction": "",
        "order": 40,
        "indicators": [
            ("risk_of_category", "School is at risk of being put in Serious Weaknesses or Special Measures."),
            (
                "improvement_plan_not_progressing",
                "School is subject to Required to Improve monitoring and/or a Local Authority Improvement Plan but is "
                "not making sufficient progress.",
            ),
        ],
        "subject": "Serious concerns about {school_name} (URN {urn})",
        "body": (
            "Dear {chair_of_governors} and {headteacher},\n\n"
            "I am writing because the local authority has serious concerns about {school_name}:\n\n"
            "{indicators}\n\n"
            "[Set out the evidence and what has been tried so far.]\n\n"
            "The school's progress will be checked at least half-termly through a Monitoring Support Partnership "
            "group, chaired by the local authority, with the headteacher, the chair or vice-chair of governors and "
            "your link School Improvement Adviser, {link_adviser}. The local authority expects the governing body "
            "to secure rapid improvement. If it does not, the local authority will consider giving the governing "
            "body a warning notice under section 60 of the Education and Inspections Act 2006.\n\n"
            "As the school is causing significant concern, the elected members for its ward have been informed.\n\n"
            "Yours sincerely,"
        ),
    },
]


def load(apps, schema_editor):
    LetterType = apps.get_model("letters", "LetterType")
    Indicator = apps.get_model("letters", "Indicator")
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for spec in TYPES:
        letter_type, _ = LetterType.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "symbol": spec["symbol"],
                "introduction": spec["introduction"],
                "order": spec["order"],
            },
        )
        for order, (code, text) in enumerate(spec["indicators"], start=1):
            Indicator.objects.update_or_create(
                letter_type=letter_type, code=code, defaults={"text": text, "order": order, "is_active": True}
            )
        LetterTemplate.objects.get_or_create(
            letter_type=letter_type,
            defaults={
                "letterhead": LETTERHEAD,
                "subject": spec["subject"],
                "body": spec["body"],
                "signatory": SIGNATORY,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("letters", "LetterType").objects.filter(code__in=[t["code"] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
