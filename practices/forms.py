from django import forms
from django.utils.translation import gettext_lazy as _

from ensie_portal.core.pdf import PdfField

from .models import Attachment, Practice


class PracticeForm(forms.ModelForm):
    """A contribution; validates only (``services.practice_create`` / ``_update`` save it)."""

    attachment = PdfField(
        label=_("Attachment (PDF)"),
        help_text=_("Optional, a PDF document of at most 10 MB."),
        # Its name becomes the attachment's title.
        max_name_length=Attachment._meta.get_field("title").max_length,
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
