"""Forms for categorisations: the shape of input, and the rules' errors named with the fields' own
so that one submission shows every problem (add_rule_errors, ADR 0070); the services check the
rules again. A framework's forms are in forms_frameworks.py."""

from collections.abc import Mapping

from crispy_forms.layout import LayoutObject
from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Size
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.text import slugify

from core.forms import Button, Markup, TextLimits, form_helper
from core.versions import VersionedForm

from .best_fit import level_label
from .evidence import EvidenceItem, evidence_sources, source_title
from .models import LEVELS, SupportLevel
from .rules import (
    a_departure_from_the_suggestion_needs_a_rationale,
    a_proposal_ticks_the_statements_that_apply_with_evidence,
)

EVIDENCE_TOO_LONG = "Evidence for “{text}” must be {limit:,} characters or fewer"  # as EVIDENCE_REQUIRED names it
EVIDENCE_MAX = 2000
TERM_REQUIRED = "Choose the term this categorisation is for"
COMMENTS_REQUIRED = "Enter your comments for the adviser"
EVIDENCE_NOT_OFFERED = "Choose the intelligence you rely on from the list"


def add_rule_errors(form: forms.BaseForm, errors: Mapping[str, list[str]]) -> None:
    """Name a rule's errors ({field: messages}, NON_FIELD_ERRORS for the others) on a form being
    cleaned, with the fields' own errors: the rules ask the fields that are sound, so one round lists
    every problem (ADR 0070). A field the form already refused keeps its own error alone (the rule
    read it as empty, which it was not); a non-field error must not depend on a field that can be
    refused."""
    for name, messages in errors.items():
        if name != NON_FIELD_ERRORS and name in form.errors:
            continue
        form.add_error(name if name in form.fields else None, messages)


BACK_TO_CONTENTS = (
    '<p class="govuk-body-s app-back-to-contents"><a class="govuk-link" href="#contents">Back to contents</a></p>'
)


class CriterionTick(LayoutObject):
    """One statement: a checkbox that reveals its evidence box, with the fact that suggests it."""

    template = "categorisation/layout/criterion.html"

    def __init__(self, criterion, fact=None):
        self.criterion = criterion
        self.fact = fact
        self.fields = [f"tick_{criterion.pk}", f"evidence_{criterion.pk}"]

    def render(self, form, context, template_pack=None, **kwargs):
        tick, evidence = form[self.fields[0]], form[self.fields[1]]
        return render_to_string(
            self.template,
            {
                "criterion": self.criterion,
                "fact": self.fact,
                "tick": tick,
                "evidence": evidence,
                "checked": bool(tick.value()),
                "stored_source": form.stored_sources.get(self.criterion.pk, ""),
            },
        )


class CitedEvidence(LayoutObject):
    """The evidence other apps offer (e.g. intelligence from other teams), one fieldset a source:
    a checkbox per item, its date and origin as the label and its text as the hint."""

    template = "categorisation/layout/cited_evidence.html"

    def render(self, form, context, template_pack=None, **kwargs):
        field = form["cited"]
        # The error summary links "cited" to id_cited: the first box offered, whichever group it is
        # in, else (nothing offered: an item deleted since the page was opened) the first fieldset.
        first = next((item.key for _, _, items in form.evidence_groups for item in items), None)
        return render_to_string(
            self.template,
            {
                "first": first,
                "groups": form.evidence_groups,
                "chosen": set(field.value() or []),
                "errors": field.errors,
                "since": form.evidence_since,
            },
        )


class CategorisationForm(VersionedForm):  # (with core.forms.TextLimits)
    """The criteria of the categorisation's framework, grouped by area and level: a tick and an
    evidence note per statement, then the final level and the rationale for a departure."""

    level = forms.ChoiceField(
        label="Final level", choices=SupportLevel.choices, required=False, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if the final level is not the suggested one: say why.",
    )
    school_reasons = forms.CharField(
        label="Reasons for the school, in plain words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sent to the headteacher and the chair of governors when the category is approved, with the level "
        "and what it means for their visits. Write it for the school: the evidence notes and the rationale are never "
        "sent.",
    )

    def __init__(
        self,
        *args,
        criteria,
        facts: dict,
        stored_sources: dict,
        suggestion=None,
        evidence: list[EvidenceItem] | None = None,
        evidence_since=None,
        submitting: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        # Submitting asks the rules of a complete judgement too (a draft may be incomplete).
        self.submitting = submitting
        self.suggested = suggestion.level if suggestion else None
        self.stored_sources = stored_sources
        # `evidence`: the items the user may cite (None: no "cited" field, e.g. the live suggestion).
        self.evidence = {item.key: item for item in evidence or []}
        self.evidence_since = evidence_since
        self.evidence_groups = []
        if evidence is not None:
            self.fields["cited"] = forms.MultipleChoiceField(
                choices=[(key, key) for key in self.evidence],
                required=False,
                error_messages={"invalid_choice": EVIDENCE_NOT_OFFERED, "invalid_list": EVIDENCE_NOT_OFFERED},
            )
            grouped: dict[str, tuple[str, list[EvidenceItem]]] = {
                source.name: (source.title, []) for source in evidence_sources()
            }
            for item in evidence:
                grouped.setdefault(item.source, (source_title(item.source), []))[1].append(item)
            self.evidence_groups = [
                (f"evidence-{slugify(name)}", title, items) for name, (title, items) in grouped.items()
            ]
        layout, area_blocks = [], {}
        for criterion in criteria:
            # Escaped here: crispy-forms-gds writes a label with |safe wherever it shows one.
            label = format_html("{}", criterion.text)
            self.fields[f"tick_{criterion.pk}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"evidence_{criterion.pk}"] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=EVIDENCE_MAX,
                # Django formats the message with %: a % in a statement is text.
                error_messages={
                    "max_length": EVIDENCE_TOO_LONG.format(text=criterion.text, limit=EVIDENCE_MAX).replace("%", "%%")
                },
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            block = area_blocks.setdefault(criterion.area_id, (criterion.area, {}))
            block[1].setdefault(criterion.level, []).append(CriterionTick(criterion, facts.get(criterion.fact_key)))
        self.contents = []  # (anchor id, area name): the page's in-page navigation
        shown = [
            tick.criterion
            for _, by_level in area_blocks.values()
            for level in LEVELS
            for tick in by_level.get(level.value, [])
        ]
        # The error summary lists errors in field order, and links "tick at least one" to the first statement.
        self.order_fields([name for c in shown for name in (f"tick_{c.pk}", f"evidence_{c.pk}")] + ["cited"])
        self.error_anchor = f"id_tick_{shown[0].pk}" if shown else None
        for area, by_level in area_blocks.values():
            anchor = f"area-{area.code}"
            self.contents.append((anchor, area.name))
            items = [
                Markup(
                    format_html(
                        '<h2 class="govuk-heading-m app-area-heading" id="{}-heading">{}</h2>', anchor, area.name
                    )
                )
            ]
            for level in LEVELS:
                if level.value not in by_level:
                    continue
                items.append(
                    Div(
                        Fieldset(
                            Div(
                                *by_level[level.value],
                                css_class="govuk-checkboxes govuk-checkboxes--small",
                                data_module="govuk-checkboxes",
                            ),
                            legend=format_html(
                                '{}<span class="govuk-visually-hidden"> statements, {}</span>', level.label, area.name
                            ),
                            legend_size=Size.SMALL,
                        ),
                        css_class=f"govuk-form-group app-level app-level--{level.value}",
                    )
                )
            items.append(HTML(BACK_TO_CONTENTS))
            layout.append(Div(*items, css_id=anchor, css_class="app-area"))
        if self.evidence_groups:
            self.contents += [(anchor, title) for anchor, title, _ in self.evidence_groups]
            layout.append(CitedEvidence())
        suggested = level_label(suggestion.level) if suggestion else "No suggestion"
        layout += [
            HTML('<h2 class="govuk-heading-m" id="judgement">Your judgement</h2>'),
            Markup(
                format_html(
                    '<div class="govuk-inset-text">Suggested level: <strong data-suggestion-label>{}</strong>. '
                    "If your final level is different, explain why in the rationale.</div>",
                    suggested,
                )
            ),
            Field.radios("level", legend_size=Size.SMALL),
            Field.textarea("rationale"),
            Field.textarea("school_reasons"),
            Div(
                Button.secondary("save", "Save and update suggestion"),
                Button("submit", "Submit for approval"),
                css_class="govuk-button-group",
            ),
        ]
        self.helper = form_helper(*layout)

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            level = cleaned.get("level") or ""
            statements = {c.pk: c.text for c in self.criteria}
            add_rule_errors(
                self,
                a_proposal_ticks_the_statements_that_apply_with_evidence(
                    ticks=self.ticks(), statements=statements, level=level
                ),
            )
            add_rule_errors(
                self,
                a_departure_from_the_suggestion_needs_a_rationale(
                    suggested=self.suggested, level=level, rationale=cleaned.get("rationale") or ""
                ),
            )
        return cleaned

    def ticks(self) -> dict[int, str]:
        """{criterion id: evidence} of the ticked statements."""
        return {
            c.pk: self.cleaned_data.get(f"evidence_{c.pk}", "") or ""
            for c in self.criteria
            if self.cleaned_data.get(f"tick_{c.pk}")
        }

    def cited(self) -> list[EvidenceItem] | None:
        """The ticked evidence items (None when the form offers none)."""
        if "cited" not in self.fields:
            return None
        return [self.evidence[key] for key in self.cleaned_data.get("cited") or []]


def posted_ticks(criteria, data) -> list[int]:
    """The ids of the criteria ticked in posted data, read as CategorisationForm's tick fields read
    them (so "false" is not a tick): the live suggestion and the saved one see the same ticks."""
    widget, field = forms.CheckboxInput(), forms.BooleanField(required=False)
    return [c.pk for c in criteria if field.to_python(widget.value_from_datadict(data, {}, f"tick_{c.pk}"))]


def categorisation_initial(categorisation, criteria, facts: dict) -> dict:
    """The form's initial values: the saved ticks and evidence; for a statement not ticked that a
    fact suggests, the fact as its evidence (shown once the adviser ticks it)."""
    initial = {
        "level": categorisation.level,
        "rationale": categorisation.rationale,
        "school_reasons": categorisation.school_reasons,
    }
    saved = {t.criterion_id: t for t in categorisation.ticks.all()}
    for criterion in criteria:
        tick = saved.get(criterion.pk)
        if tick is not None:
            initial[f"tick_{criterion.pk}"] = True
            initial[f"evidence_{criterion.pk}"] = tick.evidence
        elif criterion.fact_key in facts:
            fact = facts[criterion.fact_key]
            initial[f"evidence_{criterion.pk}"] = f"{fact.source}. {fact.detail}." if fact.detail else fact.source
    return initial


class StartForm(TextLimits, forms.Form):
    period = forms.ChoiceField(
        label="Which term is this categorisation for?",
        widget=forms.RadioSelect,
        error_messages={"required": TERM_REQUIRED},
    )
    copy_current = forms.BooleanField(
        label="Start from the current category's ticks and evidence",
        required=False,
        help_text="The current categorisation is not changed: this one will supersede it once approved.",
    )

    def __init__(self, *args, periods, can_copy: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {f"{p.academic_year}-{p.term}": p for p in periods}
        self.fields["period"].choices = [(key, p.label) for key, p in self.periods.items()]
        items = [Field.radios("period", legend_size=Size.MEDIUM, legend_tag="h2")]
        if can_copy:
            items.append(Field.checkbox("copy_current"))
        else:
            del self.fields["copy_current"]
        items.append(Button("start", "Start categorisation"))
        self.helper = form_helper(*items)

    def chosen_period(self):
        return self.periods[self.cleaned_data["period"]]


class ReturnForm(TextLimits, forms.Form):
    comments = forms.CharField(
        label="Comments for the adviser",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": COMMENTS_REQUIRED},
        help_text="Say what needs to change before you can approve it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("comments", label_size=Size.SMALL),
            Button.secondary("return", "Return to the adviser"),
        )


class ApproveForm(TextLimits, forms.Form):
    approve_comments = forms.CharField(
        label="Comments (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("approve_comments", label_size=Size.SMALL), Button("approve", "Approve categorisation")
        )
