"""Letters to an academy's trust (issue 12; docs/adr/0017-letters-to-academy-trusts.md): the letter
to the chair of the academy trust seeking a meeting (strategy, "Where the LA has concerns about an
Academy": "the LA will write formally to the Chair of the Academy Trust, setting out the concerns
and seeking a meeting as soon as possible") and the letter of concern to the trust's chief executive
(the 2019 cabinet report: "Letters of Concern are being prepared for CEOs of Academy Trusts where
the LA believes that outcomes are not as good as they should be. These will also be shared with
the RSC and OfSTED").

Their indicators are the strategy's academy concern types, word for word, with the same codes as
academies.ConcernType (migration academies 0002), so a letter drafted from a concern ticks the
concern's types. A first template for each: all of it is data the LA edits afterwards."""

from django.db import migrations, models

CODE_CHOICES = [
    ("congratulations", "Congratulations letter"),
    ("significant_concerns", "Significant concerns letter"),
    ("warning_notice", "Warning notice"),
    ("significant_concerns_top", "Significant concerns (top tier)"),
    ("trust_chair_meeting", "Letter to the chair of the academy trust seeking a meeting"),
    ("trust_ceo_concern", "Letter of concern to the trust's chief executive"),
]

CONCERN_TYPES = [
    ("declining_performance", "declining trend in pupil performance"),
    ("high_absence", "high absence or persistent absence"),
    ("high_exclusions", "high exclusions"),
    (
        "disadvantaged_underperformance",
        "persistent underperformance of disadvantaged groups, e.g. those eligible for Pupil Premium or with SEN",
    ),
    ("reluctance_to_admit", "continued reluctance to admit, or provide for, disadvantaged groups"),
    ("behaviour_safety", "behaviour and/or safety"),
    ("leadership_breakdown", "evidence of a breakdown in leadership or management"),
    ("refusal_to_engage", "refusal to engage with the LA through ongoing processes"),
    ("inadequate_progress", "inadequate progress towards becoming a good school"),
    ("ofsted_drop", "a drop in Ofsted rating"),
]

INTRODUCTION = "The LA's concerns about the academy, from the strategy's list (which is not exclusive):"

TYPES = [
    {
        "code": "trust_chair_meeting",
        "name": "Letter to the chair of the academy trust seeking a meeting",
        "order": 50,
        "subject": "The local authority's concerns about {school_name} (URN {urn}): request for a meeting",
        "body": (
            "Dear {trust_chair},\n\n"
            "I am writing to you formally, as Chair of {trust_name}, about the local authority's concerns about "
            "{school_name}, one of the trust's academies.\n\n"
            "The Director of Education has met the academy's principal and/or the trust's Chief Executive to "
            "discuss these concerns, but they have not been resolved, nor a way forward agreed. As the local "
            "authority's School Improvement Strategy sets out, I am therefore writing to you to set out the "
            "concerns and to seek a meeting with you as soon as possible.\n\n"
            "# The local authority's concerns\n\n"
            "{concern_types}\n\n"
            "[Set out the evidence for each concern: data, monitoring, other intelligence, and the meetings held "
            "so far with the academy and the trust.]\n\n"
            "# A meeting\n\n"
            "Please contact the Director of Education's office within ten working days of the date of this letter "
            "to arrange a meeting with you, and with the trust's Chief Executive if you wish.\n\n"
            "If this does not lead to a satisfactory conclusion, the local authority may, depending on the urgency "
            "and nature of the concerns, escalate the matter to the Department for Education (the Education and "
            "Skills Funding Agency and the DfE Regional Director) and/or Ofsted.\n\n"
            "Yours sincerely,"
        ),
    },
    {
        "code": "trust_ceo_concern",
        "name": "Letter of concern to the trust's chief executive",
        "order": 60,
        "subject": "Letter of concern: {school_name} (URN {urn})",
        "body": (
            "Dear {trust_ceo},\n\n"
            "I am writing to you, as Chief Executive of {trust_name}, to set out the local authority's concerns "
            "about {school_name}. The local authority believes that outcomes at the academy are not as good as "
            "they should be.\n\n"
            "# The local authority's concerns\n\n"
            "{concern_types}\n\n"
            "[Set out the evidence for each concern.]\n\n"
            "The local authority has a duty to promote high standards of education for all the children of "
            "{council_name} (Education Act 1996, section 13A), wherever they are educated. I would ask you to let "
            "us know, within four weeks of the date of this letter, what the trust is doing to address these "
            "concerns, and the Director of Education would welcome a meeting with you and the academy's principal "
            "to discuss them.\n\n"
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
            defaults={"name": spec["name"], "symbol": "", "introduction": INTRODUCTION, "order": spec["order"]},
        )
        for order, (code, text) in enumerate(CONCERN_TYPES, start=1):
            Indicator.objects.update_or_create(
                letter_type=letter_type, code=code, defaults={"text": text, "order": order, "is_active": True}
            )
        LetterTemplate.objects.get_or_create(
            letter_type=letter_type, defaults={"subject": spec["subject"], "body": spec["body"]}
        )


def unload(apps, schema_editor):
    apps.get_model("letters", "LetterType").objects.filter(code__in=[t["code"] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_letter_type_second_officer_approval")]

    operations = [
        migrations.AlterField(
            model_name="historicallettertype",
            name="code",
            field=models.CharField(choices=CODE_CHOICES, db_index=True, max_length=30),
        ),
        migrations.AlterField(
            model_name="lettertype",
            name="code",
            field=models.CharField(choices=CODE_CHOICES, max_length=30, unique=True),
        ),
        migrations.RunPython(load, unload),
    ]
