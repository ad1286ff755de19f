"""The shape of an exchanged document's upload and withdrawal (docs/adr/0034); the checks of the
file itself are the service's (exchange.services, exchange.filetypes)."""

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from core.forms import Button, TextLimits, form_helper
from core.uploads import LimitedFileField

from .filetypes import ALLOWED_NAMES
from .models import DocumentKind

FILE_REQUIRED = "Choose a file to upload"
FILE_TOO_LARGE = "The file must be smaller than {limit}"
ACCEPT = ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.csv,.txt"


class UploadForm(TextLimits, forms.Form):
    kind = forms.ChoiceField(
        label="What is it?", widget=forms.RadioSelect, error_messages={"required": "Choose what the document is"}
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    file = LimitedFileField(
        label="File",
        too_large=lambda limit: FILE_TOO_LARGE.format(limit=limit),
        help_text=f"{ALLOWED_NAMES}.",
        error_messages={"required": FILE_REQUIRED},
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    for_governors = forms.BooleanField(
        label="Share it with the governing body too",
        help_text="The school's governors can then read it, and each is emailed that it is there.",
        required=False,
    )

    def __init__(self, *args, kinds: tuple[str, ...], la_side: bool, limit_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(kind, DocumentKind(kind).label) for kind in kinds]
        self.fields["file"].help_text = f"{ALLOWED_NAMES}, smaller than {limit_text}."
        layout = [Field.radios("kind", legend_size=Size.SMALL), Field.text("title"), Field("file")]
        if la_side:
            layout.append(Field.checkbox("for_governors", small=True))
        else:
            del self.fields["for_governors"]
        title = "Share a document with the school" if la_side else "Upload a document"
        self.helper = form_helper(
            Fieldset(*layout, legend=title, legend_size=Size.MEDIUM), Button("upload", "Upload document")
        )


class WithdrawForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn?",
        max_length=300,
        error_messages={"required": "Say why the document is withdrawn"},
        help_text="Kept with the document. The school no longer sees it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("reason"), Button.warning("withdraw", "Withdraw document"))
