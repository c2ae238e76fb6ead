"""Forms of the General Assembly: they validate, they never write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .assembly_models import Choice, Majority


class ConveneForm(forms.Form):
    """Sending the convocation; less than one month ahead, an explicit confirmation is needed."""

    confirm_late = forms.BooleanField(
        label=_("I confirm sending the convocation less than one month before the assembly."),
        required=False,
    )

    def __init__(self, *args, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.late = late
        if late:
            self.fields["confirm_late"].required = True
            self.fields["confirm_late"].error_messages["required"] = _(
                "Tick this box to send the convocation less than one month ahead."
            )
        else:
            del self.fields["confirm_late"]


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
