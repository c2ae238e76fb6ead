"""Forms of the membership area: they validate, they never write."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from assemblies.models import GeneralAssembly
from assemblies.selectors import (
    assemblies_for_placement,
    assemblies_open_for_requests,
    assemblies_upcoming,
    assembly_submission_problem,
    reasoned_request_date,
)
from ensie_portal.core.i18n import brussels_date, format_when
from ensie_portal.core.pdf import PdfField

from .models import (
    CRITERIA_GROUPS,
    Application,
    CriterionAssessment,
)
from .transitions import (
    BOARD_DECISIONS,
    REASONED_REQUEST_FIELDS,
    reasoned_request_missing_fields,
)

UPLOAD_FIELDS = {"motivation_letter": "motivation_letter_upload", "statutes": "statutes_upload"}
# The kind of each stored file in its download address (networks:application_file).
FILE_KINDS = {"motivation_letter": "motivation-letter", "statutes": "statutes"}
PDF_HELP = _("PDF, at most 10 MB.")


def _country_field(label):
    return CountryField(blank=False).formfield(label=label)


class InterestForm(forms.Form):
    """Step 1, public: a network expresses its interest in joining."""

    # The lengths of the columns that keep them (the network's, the application's).
    organisation = forms.CharField(label=_("Organisation"), max_length=255)
    country = _country_field(_("Country"))
    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    wise_count = forms.IntegerField(
        label=_("Number of member WISEs"),
        min_value=0,
        max_value=100000,
        help_text=_("How many work integration social enterprises are members of the network."),
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class FeeCalculatorForm(forms.Form):
    """The fee calculator of the join page (a GET form)."""

    country = _country_field(_("Country"))
    wise_count = forms.IntegerField(label=_("Number of member WISEs"), min_value=0)


def _pdf_field(label) -> PdfField:
    # The name is kept (``<file>_name``) to be shown beside the file input.
    name_length = Application._meta.get_field("motivation_letter_name").max_length
    return PdfField(label=label, max_name_length=name_length, help_text=PDF_HELP)


class ReasonedRequestForm(forms.ModelForm):
    """Step 3: the reasoned request. Drafts may be incomplete; submission needs everything."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    motivation_letter_upload = _pdf_field(_("Motivation letter"))
    statutes_upload = _pdf_field(_("Statutes"))

    class Meta:
        model = Application
        fields = REASONED_REQUEST_FIELDS
        widgets = {
            "date_founded": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "head_office_address": forms.Textarea(attrs={"rows": 3}),
            "sectors": forms.Textarea(attrs={"rows": 3}),
            "regions_covered": forms.Textarea(attrs={"rows": 3}),
            "representatives_info": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "representatives_info": _(
                "Name, role and email of the people who will represent the network at ENSIE."
            ),
            "assembly": _(
                "The request must be submitted at least 14 days before the assembly's date."
            ),
            "sectors": _("The economic sectors in which the network's WISEs work."),
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        today = timezone.localdate()
        # Only the assemblies a request sent today still reaches (14 days ahead).
        self.fields["assembly"].queryset = assemblies_open_for_requests(today=today)
        self.fields["assembly"].label_from_instance = _assembly_label
        self.fields["assembly"].empty_label = _("Choose an assembly")
        self._explain_unreachable_assembly(today)
        for name in self.fields:
            if name != "website":
                self.fields[name].required = False
        self.order_fields(
            [
                *REASONED_REQUEST_FIELDS[:11],
                "motivation_letter_upload",
                "statutes_upload",
                *REASONED_REQUEST_FIELDS[11:],
            ]
        )
        self.show_stored_files()

    def _explain_unreachable_assembly(self, today) -> None:
        """The draft names an assembly whose deadline has passed: it is no longer offered, so
        say why beside the list."""
        chosen = self.instance.assembly if self.instance.assembly_id else None
        problem = assembly_submission_problem(assembly=chosen, today=today) if chosen else None
        if problem:
            self.fields["assembly"].help_text = (
                _("Your draft chose “%(title)s”, whose deadline has passed.")
                % {"title": chosen.title}
                + " "
                + problem
            )

    def show_stored_files(self) -> None:
        """Name the file already stored for each file input (a link to it, when it was
        uploaded): the applicant chooses a file only to replace it. Called again once the view
        has kept the valid uploads of a form with errors."""
        for name, field_name in UPLOAD_FIELDS.items():
            # The field's and its bound field's (validation has made it and copied the text).
            self.fields[field_name].help_text = self[field_name].help_text = self._stored_file(name)

    def _stored_file(self, name: str):
        stored = getattr(self.instance, name, None)
        if not stored:
            return PDF_HELP
        uploaded_at = getattr(self.instance, f"{name}_uploaded_at")
        return format_html(
            '{} <a href="{}">{}</a>{}. {}',
            _("Current file:"),
            reverse("networks:application_file", args=[self.instance.pk, FILE_KINDS[name]]),
            getattr(self.instance, f"{name}_name") or _("the stored file"),
            format_html(
                " ({})",
                _("uploaded %(date)s") % {"date": format_when(uploaded_at, "short_datetime")},
            )
            if uploaded_at
            else "",
            _("Choose a file only to replace it (PDF, at most 10 MB)."),
        )

    def clean(self):
        data = super().clean()
        if not self.submitting or self.errors:
            return data
        # Submission: check the request would be complete once this form is saved.
        probe = Application(**{name: data.get(name) for name in REASONED_REQUEST_FIELDS})
        probe.motivation_letter = data.get("motivation_letter_upload") or (
            self.instance.motivation_letter
        )
        probe.statutes = data.get("statutes_upload") or self.instance.statutes
        for name in reasoned_request_missing_fields(probe):
            target = {
                "motivation_letter": "motivation_letter_upload",
                "statutes": "statutes_upload",
            }
            field = target.get(name, name)
            message = (
                _("Please confirm this declaration.")
                if name.startswith("adheres_to")
                else _("This is needed to submit the request.")
            )
            self.add_error(field, message)
        if data.get("assembly") and "assembly" not in self.errors:
            problem = assembly_submission_problem(
                assembly=data["assembly"], today=timezone.localdate()
            )
            if problem:
                self.add_error("assembly", problem)
        return data


def _assembly_label(assembly: GeneralAssembly) -> str:
    return _("%(title)s, %(date)s (submit by %(deadline)s)") % {
        "title": assembly.title,
        "date": format_when(assembly.date, "date"),
        "deadline": format_when(assembly.submission_deadline, "date"),
    }


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time (Brussels time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=60
    )
    link = forms.URLField(label=_("Video link"), max_length=200, assume_scheme="https")


class MeetingHeldForm(forms.Form):
    notes = forms.CharField(
        label=_("Meeting notes (internal)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Seen by staff and the Board only."),
    )


class CriteriaForm(forms.Form):
    """One result and one note per Art. 6 criterion, each on its own line."""

    def __init__(self, *args, assessments=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {row.criterion: row for row in assessments or ()}
        self.groups = []
        for heading, criteria in CRITERIA_GROUPS:
            rows = []
            for criterion in criteria:
                row = current.get(criterion.value)
                result_name, note_name = f"{criterion.value}_result", f"{criterion.value}_note"
                self.fields[result_name] = forms.ChoiceField(
                    label=criterion.label,
                    choices=CriterionAssessment.Result.choices,
                    widget=forms.RadioSelect,
                    required=False,
                    initial=row.result if row else None,
                )
                self.fields[note_name] = forms.CharField(
                    label=_("Note"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=row.note if row else "",
                )
                rows.append((result_name, note_name))
            self.groups.append((heading, rows))

    def bound_groups(self):
        return [
            (heading, [(self[result], self[note]) for result, note in rows])
            for heading, rows in self.groups
        ]

    def findings(self) -> dict[str, tuple[str, str]]:
        """The criteria given a result in this form."""
        found = {}
        for _heading, rows in self.groups:
            for result_name, note_name in rows:
                result = self.cleaned_data.get(result_name)
                if result:
                    code = result_name.removesuffix("_result")
                    found[code] = (result, self.cleaned_data.get(note_name, ""))
        return found


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(value, Application.Status(value).label) for value in BOARD_DECISIONS],
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when not eligible (the reasons) or when asking for changes."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (Board only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in BOARD_DECISIONS[1:] and not data.get("message", "").strip():
            self.add_error("message", _("Tell the applicant the reasons or what to change."))
        return data


class AgendaForm(forms.Form):
    """Staff place an eligible application on an assembly. Only the assemblies that qualify are
    offered (upcoming, at least 14 days after the request reached the Board, ``qualifying``);
    any upcoming one may be posted, and the service explains why it refuses another."""

    assembly = forms.ModelChoiceField(label=_("General Assembly"), queryset=None)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        today = brussels_date()
        field = self.fields["assembly"]
        field.queryset = assemblies_upcoming(today=today)
        self.received = reasoned_request_date(application=application, today=today)
        self.qualifying = list(assemblies_for_placement(application=application, today=today))
        field.choices = [
            ("", field.empty_label),
            *(
                (
                    assembly.pk,
                    _("%(title)s, %(date)s")
                    % {"title": assembly.title, "date": format_when(assembly.date, "date")},
                )
                for assembly in self.qualifying
            ),
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BoardNoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))
