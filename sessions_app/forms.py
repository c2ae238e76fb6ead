from django import forms
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ensie_portal.accounts import roles

from .models import Session, Speaker


def _privacy_label():
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I agree that ENSIE processes my data to run this session, as the"),
        reverse("core:privacy"),
        _("privacy notice explains."),
    )


def _country_choices():
    """Country names in the language of the page, sorted in it: read at each form, not once."""
    return [("", "—"), *countries]


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=254)  # its column
    organisation = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)
    question = forms.CharField(
        label=_("A question for the speakers (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please agree to the processing of your data.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _privacy_label()


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Start (Brussels time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("End (Brussels time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    recording_url = forms.URLField(
        label=_("recording link"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Session
        fields = [
            "number",
            "title_en",
            "title_fr",
            "slug",
            "summary_en",
            "summary_fr",
            "description_en",
            "description_fr",
            "discussion_points_en",
            "discussion_points_fr",
            "format_en",
            "format_fr",
            "starts_at",
            "ends_at",
            "platform",
            "access_note_en",
            "access_note_fr",
            "capacity",
            "partners",
            "materials_en",
            "materials_fr",
            "recording_url",
        ]
        help_texts = {
            "title_en": _(
                "Write the texts in English, in French or in both; the title in one language at "
                "least. A page or an email in one language shows the other version when its "
                "own is empty."
            ),
        }
        widgets = {
            **{
                f"{name}_{code}": forms.Textarea(attrs={"rows": 4})
                for name in ("summary", "discussion_points", "format", "access_note")
                for code in ("en", "fr")
            },
            "partners": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Each version is typed in its language (spelling checkers, screen readers).
        for name in Session.TRANSLATED_FIELDS:
            for code in ("en", "fr"):
                if f"{name}_{code}" in self.fields:
                    self.fields[f"{name}_{code}"].widget.attrs["lang"] = code
        if roles.is_staff(user):
            self.fields["organisers"] = forms.ModelMultipleChoiceField(
                label=_("Organisers"),
                queryset=roles.organisers().order_by("email"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=list(self.instance.organisers.all()) if self.instance.pk else [],
                help_text=_("Members of the Organisers group. Left empty: unchanged, or you."),
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must come after the start."))
        if not cleaned.get("title_en", "").strip() and not cleaned.get("title_fr", "").strip():
            self.add_error("title_en", _("Give the title in English, in French or in both."))
        return cleaned


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "role", "organisation", "country", "biography", "language", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False

    def clean_language(self):
        """Left out (a form posted by a script): English, like the model's default."""
        return self.cleaned_data["language"] or "en"


class LinkForm(forms.Form):
    participation_link = forms.URLField(
        label=_("Participation link"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Sent by email to confirmed registrants only; never shown on a page."),
    )


class CancelSessionForm(forms.Form):
    note_en = forms.CharField(
        label=_("A note for the registrants, in English (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        required=False,
    )
    note_fr = forms.CharField(
        label=_("A note for the registrants, in French (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
        required=False,
        help_text=_("Each registrant reads the note in their language, else the other one."),
    )


class CancelRegistrationForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the registrant (optional)"),
        help_text=_("Sent with the email telling them their registration is cancelled."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


# --- Organisers register attendees; inbound emails -------------------------------------------

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French"))]
VOUCH_CHOICES = [
    ("confirm", _("Send each person the link to confirm their registration")),
    ("vouched", _("Register them as confirmed: I vouch for them")),
]


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email address"))
    organisation = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)
    language = forms.ChoiceField(label=_("Language of the emails"), choices=LANGUAGE_CHOICES)
    mode = forms.ChoiceField(
        label=_("Confirmation"), choices=VOUCH_CHOICES, initial="confirm", widget=forms.RadioSelect
    )


class BulkForm(forms.Form):
    lines = forms.CharField(
        label=_("People to register"),
        # Help texts are shown as HTML (some carry markup): this one shows "<email>" as typed.
        help_text=escape(
            _(
                "One person per line, its cells separated by tabs (copied from a spreadsheet), "
                "semicolons, commas or pipes: the email address is found wherever it is, the "
                "other cells give the name, the organisation and the country, in that order. "
                "“Name <email>” works too. A first line naming the columns (name, first name, "
                "last name, email, organisation, country) sets their order."
            )
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    file = forms.FileField(label=_("Or upload a CSV file"), required=False)
    language = forms.ChoiceField(label=_("Language of the emails"), choices=LANGUAGE_CHOICES)
    mode = forms.ChoiceField(
        label=_("Confirmation"), choices=VOUCH_CHOICES, initial="confirm", widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        if not data.get("lines", "").strip() and not data.get("file"):
            self.add_error("lines", _("Paste at least one line, or upload a CSV file."))
        return data


class InboundRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the sender)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class InboundAssignForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=Session.objects.none())

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"].queryset = sessions
