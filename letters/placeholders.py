"""The placeholders a letter template (or a letter's own text) may use, how they are checked when
saved, and how they are filled in.

A placeholder is a name in braces, e.g. `{school_name}`. Only the names below exist; a template or
letter using any other name, or a brace that does not belong to a placeholder, is refused when it
is saved, so an error can never appear at issue time. Placeholders are replaced by plain text with
no template engine (nothing typed in a template can run code), in one pass over the text: a value
filled in is never read again as a placeholder.

A new draft's text has the school's facts written in as they are on record ("Dear Maria } Costa").
Read back from the draft (when it is saved, previewed and issued), each occurrence of such a fact
that holds a brace is text: `check` and the fills pass over it, so it is never read as a
placeholder or a stray brace (Facts.written_in).

Body layout: paragraphs are separated by a blank line; a line starting with "- " is a bullet; a
line starting with "# " is a heading; a list placeholder ({indicators}, {grounds}, {powers},
{concern_types}) on a
line of its own becomes a bulleted list (inside a sentence its items are joined with "; ")."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from core.text import normalise_text
from schools.models import GovernorRole, Governorship, School
from schools.selectors import letterhead_for

from .models import TRUST_LETTER_KINDS, Ground, InterventionPower, LetterKind, LetterType
from .rules import powers_window_end_s63_3_s64_2

UNKNOWN_PLACEHOLDER = "{{{name}}} is not a placeholder. The placeholders are listed below the form."
WARNING_NOTICE_ONLY = "{{{name}}} can only be used in a warning notice."
TRUST_LETTER_ONLY = "{{{name}}} can only be used in a letter to an academy trust."
STRAY_BRACE = "There is a “{brace}” that is not part of a placeholder: write placeholders as {{name}}."
# "{{school_name}}", as other systems' templates write them (Word mail merge, Django, Jinja), quoted as
# typed ("{{ school_name }}", spaces and all), so that the message shows what to look for in the text.
DOUBLE_BRACES = "Write “{typed}” with one pair of braces: {{{name}}}."
UNKNOWN_DOUBLE_BRACES = (
    "“{typed}” is not a placeholder: placeholders have one pair of braces, like {{school_name}}, "
    "and are listed below the form."
)
# A notice of intention's statement of the powers proposed, when its text does not use {powers}.
POWERS_PROPOSED = "The local authority proposes to use the following powers:"

WARNING_NOTICE_KINDS = frozenset({LetterKind.WARNING_NOTICE})
TRUST_KINDS = TRUST_LETTER_KINDS
# The letters that ask the school for its action plan (letters.action_plans.PLAN_KINDS, ADR 0033).
PLAN_KINDS = frozenset(
    {LetterKind.SIGNIFICANT_CONCERNS, LetterKind.SIGNIFICANT_CONCERNS_TOP, LetterKind.WARNING_NOTICE}
)


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    kinds: frozenset | None = None  # None: every letter type
    is_list: bool = False
    fixed_when_drafting: bool = False  # filled into a new draft's text; otherwise filled at preview and issue


PLACEHOLDERS = [
    Placeholder("council_name", "The council's name, from the school's LA's letterhead", fixed_when_drafting=True),
    Placeholder("school_name", "The school's name", fixed_when_drafting=True),
    Placeholder("urn", "The school's URN", fixed_when_drafting=True),
    Placeholder("school_address", "The school's address, on one line", fixed_when_drafting=True),
    Placeholder("headteacher", "The headteacher's name, from the school record", fixed_when_drafting=True),
    Placeholder("chair_of_governors", "The chair of governors' name, from the school record", fixed_when_drafting=True),
    Placeholder("link_adviser", "The school's link adviser", fixed_when_drafting=True),
    Placeholder("letter_type", "The letter type's name", fixed_when_drafting=True),
    Placeholder("date", "The date of issue, e.g. 3 March 2026"),
    Placeholder("indicators", "The indicators ticked on the letter, as a list", is_list=True),
    Placeholder("grounds", "The statutory grounds ticked (s60(2)), as a list", WARNING_NOTICE_KINDS, is_list=True),
    Placeholder(
        "plan_due_date",
        "The date the school's action plan is due, set by the date of issue (docs/adr/0033)",
        PLAN_KINDS,
    ),
    Placeholder("compliance_end_date", "The date the compliance period ends", WARNING_NOTICE_KINDS),
    Placeholder("compliance_period", "The compliance period, from the date of issue to its end", WARNING_NOTICE_KINDS),
    Placeholder(
        "powers",
        "The intervention powers (s63 to s66), as a list; in a notice of intention, the powers it proposes",
        WARNING_NOTICE_KINDS,
        is_list=True,
    ),
    Placeholder("trust_name", "The academy trust's name", TRUST_KINDS, fixed_when_drafting=True),
    Placeholder("trust_chair", "The chair of trustees' name, from the trust's page", TRUST_KINDS),
    Placeholder("trust_ceo", "The trust's chief executive's name, from the trust's page", TRUST_KINDS),
    Placeholder(
        "concern_types",
        "The concern types ticked on the letter (the strategy's words), as a list",
        TRUST_KINDS,
        is_list=True,
    ),
    Placeholder(
        "powers_deadline",
        "The last day the s63 and s64 powers can be used: two months after the compliance period ends",
        WARNING_NOTICE_KINDS,
    ),
]
BY_NAME = {p.name: p for p in PLACEHOLDERS}
TOKEN = re.compile(r"\{([^{}\n]*)\}")
DOUBLED = re.compile(r"\{\{+([^{}\n]*)\}+\}")  # two pairs or more: named once


def placeholders_for(kind: str) -> list[Placeholder]:
    return [p for p in PLACEHOLDERS if p.kinds is None or kind in p.kinds]


def _pieces(text: str, data: Iterable[str]) -> list[tuple[bool, str]]:
    """The text cut into (is_data, piece): each occurrence of a value of `data` (longest first) is
    one piece of data, the text between them the pieces that may hold placeholders."""
    values = sorted({value for value in data if value}, key=len, reverse=True)
    if not values:
        return [(False, text)]
    pieces: list[tuple[bool, str]] = []
    at = 0
    for match in re.finditer("|".join(re.escape(value) for value in values), text):
        pieces += [(False, text[at : match.start()]), (True, match.group(0))]
        at = match.end()
    return [*pieces, (False, text[at:])]


def check(text: str, kind: str, *, data: Iterable[str] = ()) -> list[str]:
    """The errors in a template or letter text: unknown placeholders, placeholders the letter type
    cannot use, stray braces. Empty when the text is good. `data`: the facts a letter's draft holds
    as text (Facts.written_in), passed over, so their braces are neither placeholders nor stray."""
    errors = []
    # A line break stands for each piece of data: no placeholder is read across one.
    text = "\n".join(piece for is_data, piece in _pieces(text, data) if not is_data)
    for match in DOUBLED.finditer(text):  # named once, as doubled, not as a name and stray braces
        name = match.group(1).strip()
        message = _not_for(name, kind) or (
            DOUBLE_BRACES.format(typed=match.group(0), name=name)
            if name in BY_NAME
            else UNKNOWN_DOUBLE_BRACES.format(typed=match.group(0))
        )
        if message not in errors:
            errors.append(message)
    text = DOUBLED.sub("", text)
    for match in TOKEN.finditer(text):
        name = match.group(1).strip()
        message = _not_for(name, kind) if name in BY_NAME else UNKNOWN_PLACEHOLDER.format(name=match.group(1))
        if message and message not in errors:
            errors.append(message)
    leftover = TOKEN.sub("", text)
    for brace in ("{", "}"):
        if brace in leftover:
            errors.append(STRAY_BRACE.format(brace=brace))
    return errors


def _not_for(name: str, kind: str) -> str:
    """Why a known placeholder cannot be used in this type of letter, or ""."""
    placeholder = BY_NAME.get(name)
    if placeholder is None or placeholder.kinds is None or kind in placeholder.kinds:
        return ""
    return (
        TRUST_LETTER_ONLY.format(name=name)
        if placeholder.kinds == TRUST_KINDS
        else WARNING_NOTICE_ONLY.format(name=name)
    )


MONTHS = [
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]  # fmt: skip


def long_date(day: date | None) -> str:
    """3 March 2026 (English month names whatever the server's locale)."""
    return f"{day.day} {MONTHS[day.month]} {day.year}" if day else ""


@dataclass
class Facts:
    """What placeholders are filled with, for one letter (or a template's sample)."""

    school_name: str
    urn: str
    school_address: str
    headteacher: str
    chair_of_governors: str
    link_adviser: str
    letter_type: str
    issue_date: date | None = None
    indicators: list[str] = field(default_factory=list)
    grounds: list[str] = field(default_factory=list)
    compliance_end_date: date | None = None
    council_name: str = ""  # the school's LA's (its letterhead); COUNCIL_NAME when not given
    trust_name: str = ""  # the academy's trust (letters to a trust)
    trust_chair: str = ""
    trust_ceo: str = ""
    powers: list[str] | None = None  # the powers a notice of intention proposes; None: every power available

    @classmethod
    def for_school(cls, school, letter_type, *, council_name: str = "", **kwargs) -> "Facts":
        adviser = school.link_adviser
        if not council_name:
            council_name = letterhead_for(school.la_code).council_name
        trust = school.trust if school.trust_id else None
        return cls(
            trust_name=trust.name if trust else "the academy trust",
            trust_chair=(trust.chair_name if trust else "") or "the Chair of Trustees",
            trust_ceo=(trust.ceo_name if trust else "") or "the Chief Executive",
            council_name=council_name,
            school_name=school.name,
            urn=str(school.urn),
            school_address=", ".join([school.name, *school.address_lines]),
            headteacher=school.headteacher or "the Headteacher",
            chair_of_governors=school.chair_of_governors or _chair_seat_holder(school) or "the Chair of Governors",
            link_adviser=(adviser.get_full_name() or adviser.username)
            if adviser
            else "your School Improvement Adviser",
            letter_type=letter_type.name,
            **kwargs,
        )

    def value(self, name: str) -> str | list[str]:
        if name == "council_name":
            return self.council_name or settings.COUNCIL_NAME
        if name == "date":
            return long_date(self.issue_date)
        if name == "concern_types":
            return self.indicators
        if name == "grounds":
            return [Ground(g).label for g in self.grounds]
        if name == "plan_due_date":
            if not self.issue_date:
                return ""
            from .action_plans import the_plan_is_due_by_the_date_the_letter_sets

            return long_date(
                the_plan_is_due_by_the_date_the_letter_sets(
                    issued_on=self.issue_date, compliance_end_date=self.compliance_end_date
                )
            )
        if name == "compliance_end_date":
            return long_date(self.compliance_end_date)
        if name == "compliance_period":
            if not self.compliance_end_date:
                return ""
            start = long_date(self.issue_date) or "the date of this notice"
            return f"from {start} to {long_date(self.compliance_end_date)}"
        if name == "powers":
            if self.powers is None:  # a warning notice: the powers the authority may use if it is not complied with
                return [power.label for power in InterventionPower]
            return [power.label for power in InterventionPower if power.value in self.powers]
        if name == "powers_deadline":
            return (
                long_date(powers_window_end_s63_3_s64_2(self.compliance_end_date)) if self.compliance_end_date else ""
            )
        return getattr(self, name)

    def written_in(self) -> list[str]:
        """The facts a new draft's text holds as they are on record (fixed_when_drafting) that have
        a brace ("Maria } Costa", "Acme {date} Academy"): in the draft's text, each is data."""
        values = (self.value(p.name) for p in PLACEHOLDERS if p.fixed_when_drafting)
        # As the draft keeps its text (normalised when saved), so that each is found in it.
        texts = (normalise_text(v) for v in values if isinstance(v, str))
        return [v for v in dict.fromkeys(texts) if "{" in v or "}" in v]


def _chair_seat_holder(school: School) -> str:
    """The name of the governor whose account holds the school's chair seat: the chair a new
    deployment knows before anyone types the school's "Chair of governors" (GIAS has no chair)."""
    seat = (
        Governorship.objects.filter(school=school, role=GovernorRole.CHAIR, user__is_active=True)
        .select_related("user")
        .first()
    )
    return (seat.user.get_full_name() or "") if seat else ""


def written_in(school: School, letter_type: LetterType) -> list[str]:
    """Facts.written_in for a school's letter of a type: what `check` passes over in its draft."""
    return Facts.for_school(school, letter_type).written_in()


def fill_inline(text: str, facts: Facts, *, only_fixed: bool = False, data: Iterable[str] | None = None) -> str:
    """Each placeholder in the text replaced by its value, in one pass (a value is never read
    again). `data`: the pieces of the text kept as they are, by default (None) the facts a
    letter's draft holds (Facts.written_in); a template's own text (`only_fixed`, prefill) has none."""

    def replace(match):
        placeholder = BY_NAME.get(match.group(1).strip())
        if placeholder is None or (only_fixed and not placeholder.fixed_when_drafting):
            return match.group(0)
        value = facts.value(placeholder.name)
        return "; ".join(value) if isinstance(value, list) else value

    if data is None:
        data = () if only_fixed else facts.written_in()
    return "".join(piece if is_data else TOKEN.sub(replace, piece) for is_data, piece in _pieces(text, data))


def prefill(text: str, facts: Facts) -> str:
    """A new draft's text: the school's facts written in as they are on record; the date of issue,
    the indicators, grounds and compliance dates left as placeholders, filled in at preview and
    issue (they may change before then)."""
    return fill_inline(text, facts, only_fixed=True)


@dataclass
class Block:
    kind: str  # "p" (lines of one paragraph), "ul" (bullet items) or "h" (heading)
    lines: list[str]


def render_blocks(text: str, facts: Facts, *, data: Iterable[str] | None = None) -> list[Block]:
    """The body as paragraphs, headings and bulleted lists, every placeholder filled in. `data`:
    as fill_inline's, by default the facts a letter's draft holds."""
    blocks: list[Block] = []
    data = facts.written_in() if data is None else list(data)
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        current: Block | None = None
        for raw in chunk.split("\n"):
            line = raw.rstrip()
            stripped = line.strip()
            match = TOKEN.fullmatch(stripped) if stripped not in data else None
            if match and BY_NAME.get(match.group(1).strip()) and BY_NAME[match.group(1).strip()].is_list:
                items = facts.value(match.group(1).strip())
                if items:
                    current = _append(blocks, current, "ul", items)
                continue
            if stripped.startswith(("- ", "* ", "• ")):
                current = _append(blocks, current, "ul", [fill_inline(stripped[2:].strip(), facts, data=data)])
            elif stripped.startswith("# "):
                blocks.append(Block("h", [fill_inline(stripped[2:].strip(), facts, data=data)]))
                current = None
            elif stripped:
                current = _append(blocks, current, "p", [fill_inline(stripped, facts, data=data)])
    return blocks


def _append(blocks: list[Block], current: Block | None, kind: str, lines: list[str]) -> Block:
    if current is not None and current.kind == kind:
        current.lines.extend(lines)
        return current
    block = Block(kind, list(lines))
    blocks.append(block)
    return block


def uses(text: str, name: str) -> bool:
    """Whether the text uses the placeholder `name` (inline or on a line of its own)."""
    return any(match.group(1).strip() == name for match in TOKEN.finditer(text))


def intention_blocks(text: str, facts: Facts) -> list[Block]:
    """A notice of intention's body (s60(1)(d)): `facts.powers` are the powers it proposes, which
    {powers} lists. It is the notice of those powers, so a text that does not use {powers} has them
    stated after it (POWERS_PROPOSED, then the list), before its closing words ("Yours faithfully,")."""
    blocks = render_blocks(text, facts, data=())  # typed on its form: no fact is written into it
    if uses(text, "powers") or not facts.value("powers"):
        return blocks
    statement = [Block("p", [POWERS_PROPOSED]), Block("ul", list(facts.value("powers")))]
    closing = bool(blocks) and blocks[-1].kind == "p" and blocks[-1].lines[0].lower().startswith("yours")
    at = len(blocks) - 1 if closing else len(blocks)
    return [*blocks[:at], *statement, *blocks[at:]]
