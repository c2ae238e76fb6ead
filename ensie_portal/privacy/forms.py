from django import forms
from django.utils.translation import gettext_lazy as _

from .addresses import PersonAddress


class PersonForm(forms.Form):
    """The address of the person whose data staff look up, export or erase."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address the person gave the portal (case does not matter)."),
    )
    include_subaddresses = forms.BooleanField(
        label=_("Include its sub-addresses"),
        required=False,
        initial=True,
        help_text=_(
            "ann@example.org and ann+news@example.org reach the same mailbox: with this box "
            "ticked, both are the same person."
        ),
    )

    def person(self) -> PersonAddress:
        return PersonAddress(
            self.cleaned_data["email"],
            include_subaddresses=self.cleaned_data["include_subaddresses"],
        )
