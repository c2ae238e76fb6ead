"""Forms of the General Assembly: they validate, they never write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Choice, Majority


class ConveneForm(forms.Form):
    """Sending the convocation; less than one month ahead, or with an empty agenda, an explicit
    confirmation naming the problem is needed."""

    confirm_late = forms.BooleanField(
        label=_("I confirm sending the convocation less than one month before the assembly."),
        required=False,
    )
    confirm_empty_agenda = forms.BooleanField(
        label=_("The agenda is empty: I confirm sending the convocation with nothing to vote on."),
        required=False,
    )

    def __init__(self, *args, late: bool = False, empty_agenda: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.late = late
        self._ask(
            "confirm_late",
            late,
            _("Tick this box to send the convocation less than one month ahead."),
        )
        self._ask(
            "confirm_empty_agenda",
            empty_agenda,
            _(
                "Tick this box to send a convocation with an empty agenda, or add to the agenda "
                "first."
            ),
        )

    def _ask(self, name: str, needed: bool, required_message: str) -> None:
        """Keep the confirmation ``name`` (required) only when its problem is there."""
        if needed:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = required_message
        else:
            del self.fields[name]


class SessionOverrideForm(forms.Form):
    """Staff allow the session to open on another day than the assembly's date."""

    reason = forms.CharField(
        label=_("Reason for opening the session on another day"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to staff and the chair and kept in the audit trail."),
    )


class MotionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(
        label=_("Text of the motion"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(
        label=_("Language of the title and text"),
        choices=settings.LANGUAGES,
        initial="en",
        required=False,
    )
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)

    def clean_language(self):
        """Left out (a form posted by a script): English, like the model's default."""
        return self.cleaned_data["language"] or "en"


class MajorityForm(forms.Form):
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your network's vote"), choices=Choice.choices, widget=forms.RadioSelect
    )


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Member networks present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = networks
        self.fields["present"].label_from_instance = lambda n: f"{n.legal_name} ({n.country.name})"
