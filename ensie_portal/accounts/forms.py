from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PortalSignupForm(SignupForm):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language of the emails you receive"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language() or "en"
        self.fields["display_name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def custom_signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.organisation = self.cleaned_data.get("organisation", "")
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["display_name", "organisation", "preferred_language"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language of the emails you receive"), choices=settings.LANGUAGES
    )
