"""{% summary_row %}: one GOV.UK summary-list row, the markup the templates used to repeat by hand."""

from django.template import Context, Template

ROW = (
    '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{key}</dt>'
    '<dd class="govuk-summary-list__value{cls}"{attrs}>{value}</dd></div>'
)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_summary_row_is_the_govuk_markup():
    html = render('{% summary_row "Phase" %}Primary{% endsummary_row %}')
    assert html == ROW.format(key="Phase", cls="", attrs="", value="Primary")


def test_a_summary_row_value_is_trimmed_so_it_can_sit_on_its_own_lines():
    html = render('{% summary_row "Phase" %}\n    {{ phase }}\n  {% endsummary_row %}', phase="Primary")
    assert html == ROW.format(key="Phase", cls="", attrs="", value="Primary")


def test_a_summary_row_takes_a_class_an_id_and_a_test_id_for_its_value():
    html = render(
        '{% summary_row "Reasons" value_class="app-preline" value_id="reasons" testid="why" %}x{% endsummary_row %}'
    )
    assert html == ROW.format(key="Reasons", cls=" app-preline", attrs=' id="reasons" data-testid="why"', value="x")


def test_a_summary_row_escapes_its_key_and_value_once():
    html = render("{% summary_row key %}{{ value }}{% endsummary_row %}", key="<b>Key</b>", value='"Oak" & <School>')
    assert html == ROW.format(
        key="&lt;b&gt;Key&lt;/b&gt;", cls="", attrs="", value="&quot;Oak&quot; &amp; &lt;School&gt;"
    )


def test_a_summary_row_keeps_the_markup_its_value_renders():
    html = render(
        '{% summary_row "School" %}<a class="govuk-link" href="/s/1">{{ name }}</a>{% endsummary_row %}', name="Oak"
    )
    assert html == ROW.format(key="School", cls="", attrs="", value='<a class="govuk-link" href="/s/1">Oak</a>')
