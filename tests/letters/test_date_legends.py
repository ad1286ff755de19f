"""Every date on the letters' forms is a GOV.UK date input whose legend is sized like the other
questions (core.forms.date_input), not left as body text."""

import pytest
from crispy_forms.utils import render_crispy_form

from letters.forms import DecisionForm, IntentionForm, IssueForm, LetterForm, ResponseForm

pytestmark = pytest.mark.django_db

SIZED_LEGEND = 'class="govuk-fieldset__legend govuk-fieldset__legend--s"'


@pytest.mark.parametrize(
    ("form_class", "label"),
    [
        (IssueForm, "Date of issue"),
        (ResponseForm, "Date the response was received"),
        (IntentionForm, "Date the notice was given"),
        (DecisionForm, "Date of the decision"),
    ],
)
def test_a_letters_date_question_has_a_sized_legend_like_every_other_question(notice, form_class, label):
    form = IssueForm(letter_type=notice.letter_type) if form_class is IssueForm else form_class(letter=notice)
    page = render_crispy_form(form)
    legend = page[page.index("<legend") : page.index("</legend>")]
    assert label in legend
    assert SIZED_LEGEND in legend
    assert "legend-size" not in page


def test_the_end_of_a_warning_notices_compliance_period_has_a_sized_legend_under_its_section(notice):
    page = render_crispy_form(LetterForm(letter_type=notice.letter_type))
    legend = page[page.rindex("<legend", 0, page.index("End of the compliance period")) :]
    assert legend.startswith(f"<legend {SIZED_LEGEND}")
