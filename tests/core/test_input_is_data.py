"""Text a user or a file supplies is data, never code (ADR 0010).

The rules are checked on the source, so that a new page cannot bring a bug of the class back:
crispy-forms compiles `HTML(...)` and a button's label as template source, crispy-forms-gds writes
labels, hints and legends with |safe, and a format string built from data runs that data's
`{...}` fields. Then the two layout objects that replace them are checked on a real page."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse

from categorisation.models import Area
from core.forms import Button, Markup
from core.middleware import normalised_post
from tests.categorisation.factories import CategorisationFactory
from tests.factories import SchoolFactory
from tests.letters.factories import draft
from tests.visits.factories import VisitFactory

ROOT = Path(settings.BASE_DIR)
PROJECT_PACKAGES = [
    "accounts",
    "audit",
    "categorisation",
    "config",
    "core",
    "dashboard",
    "letters",
    "schools",
    "visits",
]
TEMPLATE_SYNTAX = '{{ request.user.password }}{% if %}{% now "Y" %}{{ 7|add:1 }}<script>alert(1)</script>'

# mark_safe of anything but a constant: each use here is of markup that format_html built.
ALLOWED_MARK_SAFE = {
    ("core/forms.py", "mark_safe(chosen)"),  # " selected" or ""
    ("core/forms.py", "mark_safe('\\n'.join(options))"),  # <option>s, each from format_html
    # {% summary_row %}'s value: its block's output, escaped as the template rendered it, trimmed
    ("core/templatetags/page_tags.py", "mark_safe(content.strip())"),
}
# Keyword arguments that crispy-forms-gds writes with |safe.
SAFE_WRITTEN = {"label", "help_text", "legend"}


def project_files():
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_constants(tree: ast.Module) -> set[str]:
    """Names bound at module level to a string literal."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def crispy_names(tree: ast.Module) -> dict[str, str]:
    """{local name: imported name} of everything imported from crispy-forms or crispy-forms-gds."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crispy_forms"):
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def is_constant_text(node, constants: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.Name) and node.id in constants


def is_format_constant(node) -> bool:
    """A format string that is a literal or a module constant (UPPER_CASE, possibly imported,
    possibly a module's attribute or an item of a constant table)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.Subscript):
        return is_format_constant(node.value)
    return False


def written_with_safe_problem(node) -> bool:
    """A label, hint or legend that is text built in place, or read from an object (`area.name`,
    `criterion.text`): crispy-forms-gds writes it with |safe, so it must be a literal, a constant or
    format_html(...). (A plain name, a parameter, is left to the caller, who passes a literal.)"""
    if isinstance(node, ast.IfExp):
        return written_with_safe_problem(node.body) or written_with_safe_problem(node.orelse)
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        return name not in {"format_html", "gettext", "gettext_lazy", "_"}
    return built_string(node) or (isinstance(node, (ast.Attribute, ast.Subscript)) and not is_format_constant(node))


def built_string(node) -> bool:
    """An f-string, a concatenation or a str.format(): text built in place, perhaps from data."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.IfExp):
        return built_string(node.body) or built_string(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def call_problems(node: ast.Call, relative: str, constants: set[str], crispy: dict[str, str]) -> list[str]:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
    arguments = [*node.args, *(k.value for k in node.keywords)]
    # A form field (forms.CharField, GovDateField...) or a crispy Field/Fieldset.
    is_form_part = name.endswith(("Field", "Fieldset")) or owner == "Field"
    problems = []
    # crispy HTML(...), HTML.p(...), HTML.h2(...): compiled as a template with the page's context.
    is_html = crispy.get(name, "").endswith(".HTML") or crispy.get(owner, "").endswith(".HTML")
    if is_html and not all(is_constant_text(arg, constants) for arg in arguments):
        problems.append("crispy HTML() given something other than a constant (use core.forms.Markup)")
    # crispy Button(...), Button.secondary(...), Submit(...): the label is compiled as a template.
    is_button = crispy.get(name or owner, "").endswith((".Button", ".Submit")) or crispy.get(owner, "").endswith(
        ".Button"
    )
    label = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "value"), None)
    if is_button and label is not None and not is_constant_text(label, constants):
        problems.append("crispy Button given a label that is not a constant (use core.forms.Button)")
    if name in {"Template", "from_string", "Engine"}:
        problems.append("a template compiled at run time")
    safe_constant = all(is_constant_text(a, constants) for a in node.args)
    if name == "mark_safe" and not safe_constant and (relative, ast.unparse(node)) not in ALLOWED_MARK_SAFE:
        problems.append("mark_safe of something other than a constant (use format_html)")
    if name == "format_html" and node.args and not is_format_constant(node.args[0]):
        problems.append("format_html's format string is not a constant")
    if name in {"format", "format_map"} and isinstance(func, ast.Attribute) and not is_format_constant(func.value):
        problems.append("str.format on a string that is not a constant (data as a format string)")
    problems += [
        f"{k.arg}= built from data: written with |safe, use format_html"
        for k in node.keywords
        if is_form_part and k.arg in SAFE_WRITTEN and written_with_safe_problem(k.value)
    ]
    return problems


def node_problems(node, relative: str, constants: set[str], crispy: dict[str, str]) -> list[str]:
    if isinstance(node, ast.Call):
        return call_problems(node, relative, constants, crispy)
    is_mod = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and not isinstance(node.left, ast.Constant)
    if is_mod and (isinstance(node.right, (ast.Tuple, ast.Dict)) or isinstance(node.left, ast.JoinedStr)):
        return ["%-formatting of a string that is not a constant"]
    if isinstance(node, ast.Assign) and written_with_safe_problem(node.value):
        return [
            f".{t.attr} built from data: written with |safe, use format_html"
            for t in node.targets
            if isinstance(t, ast.Attribute) and t.attr in SAFE_WRITTEN
        ]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "engines":
        return ["a template engine used directly"]
    return []


def violations() -> list[str]:
    found = []
    for path in project_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants, crispy = module_constants(tree), crispy_names(tree)
        for imported in crispy.values():
            # crispy-forms' own layout objects (Fieldset's legend, HTML, BaseInput) compile text.
            if imported.startswith(("crispy_forms.layout.", "crispy_forms.bootstrap.")) and not imported.endswith(
                (".LayoutObject", ".TEMPLATE_PACK")
            ):
                found.append(f"{relative}: imports {imported} (crispy-forms' own objects compile text as a template)")
        for node in ast.walk(tree):
            found += [
                f"{relative}:{node.lineno}: {problem}: {ast.unparse(node)[:120]}"
                for problem in node_problems(node, relative, constants, crispy)
            ]
    return found


def test_no_project_code_compiles_data_as_a_template_or_a_format_string():
    assert violations() == []


def test_no_html_template_turns_autoescaping_off():
    offending = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\|\s*safe\b", r"\{%\s*autoescape\s+off", r"\|\s*safeseq\b"):
            offending += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offending == []


@pytest.mark.parametrize(
    "source",
    [
        "from crispy_forms_gds.layout import HTML\nHTML(area.name)",
        "from crispy_forms_gds.layout import HTML\nHTML(format_html('<h2>{}</h2>', area.name))",
        "from crispy_forms_gds.layout import HTML\nHTML.p(area.name)",
        "from crispy_forms_gds.layout import Button\nButton('save', submit)",
        "from crispy_forms_gds.layout import Button\nButton.secondary('save', submit)",
        "message = school.name.format(x=1)",
        "forms.BooleanField(label=f'{criterion.text}!')",
        "Fieldset(legend=f'{area.name}' if area else 'None')",
        "forms.BooleanField(label=criterion.text)",
        "field.help_text = letter_type.introduction",
        "field.help_text = 'For ' + letter_type.name",
        "mark_safe(school.name)",
        "Template(text).render(context)",
        "engines['django'].from_string(text)",
    ],
)
def test_the_source_check_catches_each_way_of_running_data(tmp_path, monkeypatch, source):
    package = tmp_path / "core"
    package.mkdir()
    (package / "bad.py").write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PROJECT_PACKAGES", ["core"])

    assert len(violations()) >= 1


def test_markup_writes_text_as_it_is_and_escapes_anything_not_already_markup():
    context = Context({"request": {"user": {"password": "pbkdf2_sha256$secret"}}})

    assert Markup(TEMPLATE_SYNTAX).render(None, context) == (
        "{{ request.user.password }}{% if %}{% now &quot;Y&quot; %}{{ 7|add:1 }}&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_a_button_label_is_text_never_a_template():
    rendered = Button("save", TEMPLATE_SYNTAX).render(None, Context({"request": {"user": {"password": "hash"}}}))
    rendered_twice = Button.secondary("save", "{{ 7|add:1 }} <b>").render(None, Context({}))

    assert "{{ request.user.password }}{% if %}" in rendered
    assert "&lt;script&gt;" in rendered
    assert "{{ 7|add:1 }} &lt;b&gt;" in rendered_twice
    assert "govuk-button--secondary" in rendered_twice


def test_crispys_own_html_would_have_run_the_text(admin_user):
    """What Markup replaces: crispy's HTML compiles its argument with the page's context."""
    from crispy_forms_gds.layout import HTML

    context = Context({"request": {"user": {"password": "pbkdf2_sha256$secret"}}})
    assert HTML("{{ request.user.password }}").render(None, context) == "pbkdf2_sha256$secret"
    assert Template("{{ 7|add:1 }}").render(Context()) == "8"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ['{{ request.user.password }} {% now "Y" %} {{ 7|add:1 }}', "{% if %}", "<script>x</script>"]
)
def test_an_area_named_with_template_syntax_is_shown_as_written_on_the_categorisation_form(
    client_as, adviser, school, name
):
    school.link_adviser = adviser
    school.save()
    categorisation = CategorisationFactory(school=school, created_by=adviser)
    Area.objects.filter(framework=categorisation.framework).update(name=name)

    response = client_as("adviser").get(reverse("categorisation:edit", kwargs={"pk": categorisation.pk}))

    assert response.status_code == 200
    page = response.content.decode()
    assert adviser.password not in page
    assert "{{ 7|add:1 }}" in page or "{% if %}" in page or "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page


@pytest.mark.django_db
def test_every_text_field_is_normalised_whoever_saves_it(school):
    """Not only what a form posts: a service, a fixture or a command writing through the ORM."""
    school.name = "Kingfisher\x01 \u202eloohcS\u202c\x0b Primary"
    school.save()
    visit = VisitFactory(school=school, notes="First\x0bline\x07 and \u2066isolated\u2069 text\u200b")
    school.refresh_from_db()
    visit.refresh_from_db()

    assert school.name == "Kingfisher loohcS Primary"
    assert visit.notes == "First\nline and isolated text"


@pytest.mark.django_db
def test_a_school_named_with_placeholder_syntax_can_have_a_letter_which_shows_its_name_as_text(officer):
    school = SchoolFactory(name="Acme {date} {powers} { Academy")

    letter = draft(school, "congratulations", actor=officer)

    assert "Acme {date} {powers} { Academy" in letter.body  # as the register has it, and text


def test_posted_text_and_query_strings_lose_bidi_overrides_and_control_characters_passwords_excepted():
    data = QueryDict(mutable=True)
    data.update({"name": "Kingfisher \u202eloohcS\u202c\x1b", "q": "\u2067x\u2069\x00", "password": "p\u202ew"})

    cleaned = normalised_post(data)

    assert (cleaned["name"], cleaned["q"], cleaned["password"]) == ("Kingfisher loohcS", "x", "p\u202ew")
