from itertools import pairwise

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ensie_portal.core.admin import (
    URLS_ASSUME_HTTPS,
    ReasonForm,
    WorkflowRecordAdmin,
    action_apply,
    action_confirm,
)
from ensie_portal.core.pdf import pdf_upload_clean

from .fees.selectors import fee_matrix
from .fees.services import membership_fee_mark_paid
from .models import (
    Application,
    CountryGroup,
    FeeAmount,
    FeeBand,
    FeeSchedule,
    JoinDocument,
    MembershipFee,
    Network,
    Representative,
)
from .services import network_status_change


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0
    autocomplete_fields = ["user"]


class MembershipFeeInline(admin.TabularInline):
    """A payment is recorded on the fee list or by the fees' admin action (audited)."""

    model = MembershipFee
    extra = 0
    fields = ["year", "amount_due", "paid_on", "note"]
    readonly_fields = ["paid_on"]
    can_delete = False


class ExistingMemberForm(ReasonForm):
    member_since = forms.DateField(
        label=_("Member since"),
        help_text=_("The day the General Assembly admitted the network."),
        validators=[MaxValueValidator(timezone.localdate)],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@admin.register(Network)
class NetworkAdmin(WorkflowRecordAdmin):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["legal_name", "acronym", "country", "status", "wise_count", "member_since"]
    list_filter = ["status", "country"]
    search_fields = ["legal_name", "acronym", "city"]
    prepopulated_fields = {"slug": ["legal_name"]}
    inlines = [RepresentativeInline, MembershipFeeInline]
    # The assembly's vote makes a network a member; staff record the members admitted before
    # the portal, suspend, reinstate or end a membership with the actions below (audited),
    # never by editing the status.
    readonly_fields = ["status", "member_since"]
    actions = ["record_member", "suspend", "reinstate", "end_membership"]

    @admin.action(description=_("Record as members admitted before the portal"))
    def record_member(self, request, queryset):
        return self._change_status(
            request,
            queryset,
            Network.Status.MEMBER,
            _("Record these networks as members admitted before the portal?"),
            form_class=ExistingMemberForm,
        )

    @admin.action(description=_("Suspend the selected member networks"))
    def suspend(self, request, queryset):
        return self._change_status(
            request, queryset, Network.Status.SUSPENDED, _("Suspend these member networks?")
        )

    @admin.action(description=_("Reinstate the selected suspended networks"))
    def reinstate(self, request, queryset):
        return self._change_status(
            request, queryset, Network.Status.MEMBER, _("Reinstate these suspended networks?")
        )

    @admin.action(description=_("End the membership of the selected networks"))
    def end_membership(self, request, queryset):
        return self._change_status(
            request, queryset, Network.Status.FORMER, _("End the membership of these networks?")
        )

    def _change_status(self, request, queryset, to, question, form_class=ReasonForm):
        """A confirmation page (with an optional reason), then one audited change each."""
        return action_confirm(
            self,
            request,
            queryset,
            question=question,
            form_class=form_class,
            apply=lambda network, **data: network_status_change(
                network=network, to=to, actor=request.user, **data
            ),
            done=lambda n: (
                _("%(n)s network(s) now %(status)s.") % {"n": n, "status": Network.Status(to).label}
            ),
        )


@admin.register(Application)
class ApplicationAdmin(WorkflowRecordAdmin):
    """Read-only: the application changes only through its workflow (the Board pages)."""

    list_display = ["network", "status", "submitted_at", "assembly", "created_at"]
    list_filter = ["status", "assembly"]
    search_fields = ["network__legal_name", "contact_name", "contact_email"]
    exclude = ["motivation_letter", "statutes"]
    readonly_fields = ["workflow_page"]

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields if f.name not in self.exclude]
        return [*self.readonly_fields, *names]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Workflow"))
    def workflow_page(self, obj):
        url = reverse("networks:board_application", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Open the application's Board page"))


class CountryGroupFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = {}
        defaults = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            defaults += bool(form.cleaned_data.get("is_default"))
            for country in form.cleaned_data.get("countries") or ():
                if country in seen:
                    raise forms.ValidationError(
                        _("%(country)s is in two groups: %(a)s and %(b)s.")
                        % {"country": country, "a": seen[country], "b": form.cleaned_data["name"]}
                    )
                seen[country] = form.cleaned_data["name"]
        if defaults > 1:
            raise forms.ValidationError(_("Only one group may take every other country."))


class FeeBandFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        bands = sorted(
            (form.cleaned_data["min_wises"], form.cleaned_data.get("max_wises"))
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("min_wises") is not None
        )
        for low, high in bands:
            if high is not None and high < low:
                raise forms.ValidationError(_("A band ends before it starts."))
        for (_low, high), (next_low, _next_high) in pairwise(bands):
            if high is None or high >= next_low:
                raise forms.ValidationError(_("Bands overlap: each WISE count has one band."))


class CountryGroupInline(admin.StackedInline):
    model = CountryGroup
    formset = CountryGroupFormSet
    extra = 0


class FeeBandInline(admin.TabularInline):
    model = FeeBand
    formset = FeeBandFormSet
    extra = 0
    fields = ["min_wises", "max_wises", "edit_amounts"]
    readonly_fields = ["edit_amounts"]

    @admin.display(description=_("Amounts"))
    def edit_amounts(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:networks_feeband_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit the amounts of this band"))


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "is_example"]
    inlines = [CountryGroupInline, FeeBandInline]
    readonly_fields = ["matrix"]

    @admin.display(description=_("Annual fees (EUR)"))
    def matrix(self, obj):
        if not obj.pk:
            return "—"
        table = fee_matrix(schedule=obj)
        head = format_html_join("", "<th>{}</th>", ((g.name,) for g in table["groups"]))
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (
                    row["band"],
                    format_html_join(
                        "", "<td>{}</td>", ((a if a is not None else "—",) for a in row["amounts"])
                    ),
                )
                for row in table["rows"]
            ),
        )
        return format_html("<table><tr><th></th>{}</tr>{}</table>", head, rows)


class FeeAmountInline(admin.TabularInline):
    model = FeeAmount
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            band_id = request.resolver_match.kwargs.get("object_id")
            band = FeeBand.objects.filter(pk=band_id).first()
            if band is not None:
                kwargs["queryset"] = CountryGroup.objects.filter(schedule_id=band.schedule_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FeeBand)
class FeeBandAdmin(admin.ModelAdmin):
    list_display = ["__str__", "schedule"]
    list_filter = ["schedule"]
    inlines = [FeeAmountInline]


@admin.register(MembershipFee)
class MembershipFeeAdmin(WorkflowRecordAdmin):
    list_display = ["network", "year", "amount_due", "paid_on"]
    list_filter = ["year", ("paid_on", admin.EmptyFieldListFilter)]
    search_fields = ["network__legal_name"]
    readonly_fields = ["paid_on"]
    actions = ["mark_paid"]

    def deletable(self, fee):
        return fee.paid_on is None  # one entered by mistake; a payment is history

    @admin.action(description=_("Mark the selected fees paid today"))
    def mark_paid(self, request, queryset):
        action_apply(
            self,
            request,
            queryset,
            apply=lambda fee: membership_fee_mark_paid(fee=fee, actor=request.user),
            done=lambda n: _("%(n)s fee(s) marked paid.") % {"n": n},
        )


class JoinDocumentForm(forms.ModelForm):
    class Meta:
        model = JoinDocument
        fields = ["kind", "language", "title", "file", "is_published"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):  # a new upload
            pdf_upload_clean(
                upload, max_name_length=JoinDocument._meta.get_field("file").max_length
            )
        return upload


@admin.register(JoinDocument)
class JoinDocumentAdmin(admin.ModelAdmin):
    form = JoinDocumentForm
    list_display = ["title", "kind", "language", "is_published", "updated_at"]
    list_filter = ["kind", "language", "is_published"]
