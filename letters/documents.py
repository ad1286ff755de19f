"""A letter as it is sent: its content (built once from the letter, its template, the school and
the school's LA's letterhead), shown on the preview page and written to PDF and Word from that same
content (the Word writer: letters/documents_docx.py).

The preview page and the PDF use the same template (templates/letters/_letter.html) and stylesheet
(static/letters/letter.css); the Word document is written from the same LetterContent: A4, the
subject and headings as Heading 1 and Heading 2, "Page N of M" in the footer, the same letterhead
and logo. Every string is passed through core.text.normalise_text on the way in, so stored text with
control characters (from before they were normalised at the boundary) cannot stop a document."""

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from core.documents import render_pdf
from core.text import normalise_text
from schools.logos import stored_logo
from schools.selectors import letterhead_for

from . import placeholders
from .models import TRUST_ADDRESSEE, LetterKind
from .placeholders import Block, Facts, long_date

SECRETARY_OF_STATE = "The Secretary of State for Education (Department for Education)"
# The bodies a letter to a trust may be copied to, chosen by the officer at issue (the 2019 cabinet
# report: letters of concern to trust CEOs "will also be shared with the RSC and OfSTED").
REGIONAL_DIRECTOR = "The DfE Regional Director (formerly the Regional Schools Commissioner)"
OFSTED = "Ofsted"
TRUST_LETTER_COPIES = {"regional_director": REGIONAL_DIRECTOR, "ofsted": OFSTED}
UNKNOWN_COPY = "Choose copies from the Regional Director and Ofsted"
COPIES_ONLY_FOR_TRUST_LETTERS = "Copies to the Regional Director or Ofsted are chosen for letters to a trust only"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class LetterContent:
    letterhead: list[str]
    reference: str
    date: str
    addressees: list[str]
    subject: str
    blocks: list[Block]
    signatory: list[str]
    copies: list[str] = field(default_factory=list)
    draft: bool = False
    title: str = ""  # the document's title (PDF metadata, Word core properties)
    indicators: list[str] = field(default_factory=list)  # the indicators' words as sent
    council: str = ""  # the LA's name, from its letterhead (footer, author)
    logo: str = ""  # the letterhead's logo as a data: URI; not kept in issued_content (the files are the record)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("logo")
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "LetterContent":
        data = dict(data)
        data["blocks"] = [Block(**b) for b in data.get("blocks", [])]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def cleaned(self) -> "LetterContent":
        """The same content with every string through normalise_text (idempotent)."""
        return replace(
            self,
            **{f.name: _clean(getattr(self, f.name)) for f in fields(self) if f.name not in ("draft", "logo")},
        )

    @property
    def text(self) -> str:
        """Everything the letter says, as plain text (search, tests, the register)."""
        lines = [*self.letterhead, self.reference, self.date, *self.addressees, self.subject]
        for block in self.blocks:
            lines.extend(block.lines)
        return "\n".join([*lines, *self.signatory, *self.copies])


def addressee_lines(school, letter_type=None) -> list[str]:
    """The address block: a school's chair of governors and headteacher at the school; for a letter
    to a trust, the trust's chair of trustees (or chief executive) and the trust, at the trust's
    postal address the LA keeps (schools.Trust.address), else care of the academy."""
    if letter_type is not None and letter_type.is_trust_letter:
        return _trust_addressee_lines(school, letter_type)
    lines = []
    if school.chair_of_governors:
        lines.append(f"{school.chair_of_governors}, Chair of Governors")
    else:
        lines.append("The Chair of Governors")
    lines.append(f"{school.headteacher}, Headteacher" if school.headteacher else "The Headteacher")
    return [*lines, school.name, *school.address_lines]


def _trust_addressee_lines(school, letter_type) -> list[str]:
    field_name, title = TRUST_ADDRESSEE[letter_type.code]
    trust = school.trust
    name = getattr(trust, field_name) if trust else ""
    lines = [f"{name}, {title}" if name else f"The {title}"]
    if trust:
        lines.append(trust.name)
        if trust.address_lines:
            return [*lines, *trust.address_lines]
    return [*lines, f"c/o {school.name}", *school.address_lines]


def recipients_for(school, letter_type=None) -> list[dict]:
    """The addressees recorded at issue, named from the school record (for a letter to a trust,
    from the trust's)."""
    if letter_type is not None and letter_type.is_trust_letter:
        field_name, title = TRUST_ADDRESSEE[letter_type.code]
        trust = school.trust
        name = getattr(trust, field_name) if trust else ""
        role = f"{title} of {trust.name}" if trust else title
        return [{"role": role, "name": name or "Not recorded"}]
    return [
        {"role": "Chair of governors", "name": school.chair_of_governors or "Not recorded"},
        {"role": "Headteacher", "name": school.headteacher or "Not recorded"},
    ]


def statutory_copies(letter_type) -> list[str]:
    """EIA 2006 s60(6A) (inserted by the Education and Adoption Act 2016): a local authority giving
    a warning notice must at the same time give a copy of it to the Secretary of State. (The
    headteacher, the other copy s60(6) names, is an addressee of every letter.)"""
    return [SECRETARY_OF_STATE] if letter_type.code == LetterKind.WARNING_NOTICE else []


def copies_at_issue(letter_type, *, chosen=(), other=()) -> list[str]:
    """Everyone a letter is copied to, as recorded at issue and printed under it: the copies the
    law requires (statutory_copies), then for a letter to a trust the bodies the officer chose
    (TRUST_LETTER_COPIES: the DfE Regional Director, Ofsted), then any others typed in. A choice
    that is not one of those bodies, or one for a letter to a school, is refused."""
    chosen = list(dict.fromkeys(str(c) for c in chosen))
    if chosen and not letter_type.is_trust_letter:
        raise ValidationError({"copy_to": COPIES_ONLY_FOR_TRUST_LETTERS})
    if any(c not in TRUST_LETTER_COPIES for c in chosen):
        raise ValidationError({"copy_to": UNKNOWN_COPY})
    bodies = [TRUST_LETTER_COPIES[key] for key in TRUST_LETTER_COPIES if key in chosen]
    return [*statutory_copies(letter_type), *bodies, *[c.strip() for c in other if c.strip()]]


def facts_for(letter, *, issue_date: date | None, indicators: list[str] | None = None, council_name: str = "") -> Facts:
    if indicators is None:
        indicators = [i.text for i in letter.indicators.all()] if letter.pk else []
    return Facts.for_school(
        letter.school,
        letter.letter_type,
        council_name=council_name,
        issue_date=issue_date,
        indicators=indicators,
        grounds=letter.grounds,
        compliance_end_date=letter.compliance_end_date,
    )


def build_content(
    letter,
    *,
    issue_date: date,
    copies: list[str] | None = None,
    draft: bool = False,
    indicators: list[str] | None = None,
) -> LetterContent:
    """The letter's content for a given date of issue, every placeholder filled in. `indicators`
    (texts) replaces the letter's saved ones, for previewing a form before it is saved."""
    letterhead = letterhead_for(letter.school.la_code)
    facts = facts_for(letter, issue_date=issue_date, indicators=indicators, council_name=letterhead.council_name)
    if copies is None:
        copies = statutory_copies(letter.letter_type)
    subject = placeholders.fill_inline(normalise_text(letter.subject), facts)
    return LetterContent(
        **letterhead_parts(letterhead),
        reference=letter.reference,
        date=long_date(issue_date),
        addressees=addressee_lines(letter.school, letter.letter_type),
        subject=subject,
        blocks=placeholders.render_blocks(normalise_text(letter.body), facts),
        copies=copies,
        draft=draft,
        title=f"{subject} ({letter.reference})",
        indicators=facts.indicators,
    ).cleaned()


def intention_content(letter, progress, *, given_on: date) -> LetterContent:
    """The written notice of intention to use the intervention powers (s60(1)(d)), on the
    school's LA's letterhead and signed as its letters are. It states the powers proposed:
    {powers} lists them, or they follow a text that does not use it (placeholders.intention_blocks)."""
    letterhead = letterhead_for(letter.school.la_code)
    facts = facts_for(letter, issue_date=given_on, council_name=letterhead.council_name)
    facts.powers = list(progress.intention_powers)
    subject = (
        f"Notice of intention to use intervention powers: {letter.school.name} (URN {letter.school.urn}), "
        f"following the warning notice of {long_date(letter.issued_on)}"
    )
    return LetterContent(
        **letterhead_parts(letterhead),
        reference=f"{letter.reference}/N",
        date=long_date(given_on),
        addressees=addressee_lines(letter.school),
        subject=subject,
        blocks=placeholders.intention_blocks(normalise_text(progress.intention_text), facts),
        copies=[SECRETARY_OF_STATE],
        title=subject,
    ).cleaned()


def letterhead_parts(letterhead) -> dict:
    """The letterhead's part of a LetterContent: its lines, logo, signatory and council name."""
    logo = stored_logo(letterhead.logo)
    return {
        "letterhead": letterhead.lines,
        "signatory": letterhead.signatory_lines,
        "council": letterhead.council_name,
        "logo": logo.data_uri if logo else "",
    }


def logo_as_issued(school, logo_file: str) -> str:
    """The logo a document was issued with (its file, named at issue), as a data: URI; the
    letterhead's logo now if that file has since been replaced (a logo changed in the seconds
    between issue and the files being produced)."""
    letterhead = letterhead_for(school.la_code)
    field = letterhead.logo
    if logo_file and logo_file != field.name and field.storage.exists(logo_file):
        field = type(field)(letterhead, field.field, logo_file)
    logo = stored_logo(field)
    return logo.data_uri if logo else ""


def _clean(value):
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, Block):
        return Block(value.kind, [_clean(line) for line in value.lines])
    return value


def prefilled_text(school, letter_type) -> tuple[str, str]:
    """A new draft's subject and body: the type's template with the school's facts written in."""
    template = letter_type.template
    facts = Facts.for_school(school, letter_type)
    return placeholders.prefill(template.subject, facts), placeholders.prefill(template.body, facts)


def pdf_bytes(content: LetterContent, *, record: bool = False) -> bytes:
    """The letter as a PDF; a `record` (the issued letter, the notice of intention) is refused
    rather than kept unstyled (core.documents.render_pdf)."""
    content = content.cleaned()
    return render_pdf(
        "letters/pdf/letter.html",
        {"doc": content, "COUNCIL_NAME": content.council or settings.COUNCIL_NAME},
        record=record,
    )
