from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Practice

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class PracticeForm(forms.ModelForm):
    """A contribution; validates only (``services.practice_create`` / ``_update`` save it)."""

    attachment = forms.FileField(
        label=_("Attachment (PDF)"),
        required=False,
        help_text=_("Optional, a PDF document of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "body",
            "context",
            "objectives",
            "method",
            "results",
            "transferability",
            "organisation",
            "country",
            "region",
            "sectors",
            "themes",
            "type",
            "language",
            "year",
            "website",
            "source",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 8}),
            "context": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "transferability": forms.Textarea(attrs={"rows": 3}),
            "sectors": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1950 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 1950 and 2100."))
        return year

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        head = upload.read(5)
        upload.seek(0)
        if not upload.name.lower().endswith(".pdf") or head != b"%PDF-":
            raise forms.ValidationError(_("Only PDF documents can be attached."))
        return upload

    def practice_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["sectors"] = list(data["sectors"])
        data["themes"] = list(data["themes"])
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the submitter"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Say what to change before the practice can be published."),
    )
