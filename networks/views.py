"""Pages of the membership area: directory, join page, the application and the Board's screens.

Applicant pages are scoped to the user's own networks (anyone else gets a 404). Board and staff
pages need a verified second factor and each action is one service call.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET
from django_countries.fields import Country

from assemblies.selectors import assembly_next_open_for_requests
from ensie_portal.accounts import roles
from ensie_portal.accounts.permissions import (
    BoardRequiredMixin,
    StaffRequiredMixin,
    second_factor_required,
)
from ensie_portal.core.actions import act
from ensie_portal.core.errors import DomainError
from ensie_portal.core.ratelimit import form_over_limit
from ensie_portal.core.storage import stream_file
from ensie_portal.core.workflow import allowed_targets, audit_trail

from . import selectors, services, transitions
from .fees import selectors as fee_selectors
from .fees import services as fee_services
from .fees.pricing import fee_quote
from .forms import (
    FILE_KINDS,
    UPLOAD_FIELDS,
    AgendaForm,
    BoardNoteForm,
    CriteriaForm,
    DecisionForm,
    FeeCalculatorForm,
    InterestForm,
    MeetingForm,
    MeetingHeldForm,
    ReasonedRequestForm,
    WithdrawForm,
)
from .models import CRITERIA_GROUPS, Application, JoinDocument, europe_countries

Status = Application.Status
PAGE_SIZE = 25


# --- Public: directory and join page --------------------------------------------------------


@require_GET
def directory(request):
    networks, filterset = selectors.member_list(filters=request.GET)
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "networks/directory.html",
        {
            "filter": filterset,
            "page_obj": page,
            "totals": selectors.member_totals(networks),
        },
    )


@require_GET
def network_detail(request, slug):
    network = selectors.member_get(slug=slug)
    today = timezone.localdate()
    schedule = fee_selectors.fee_schedule_current(today=today)
    quote = (
        fee_quote(schedule=schedule, country=network.country.code, wise_count=network.wise_count)
        if schedule
        else None
    )
    user = request.user
    sees_fee_record = roles.is_staff(user) or roles.represents_network(user, network.pk)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "quote": quote,
            "fee_record": (
                fee_selectors.membership_fee_for(network=network, year=today.year)
                if sees_fee_record
                else None
            ),
            "sees_fee_record": sees_fee_record,
            "year": today.year,
        },
    )


@require_GET
def join(request):
    schedule = fee_selectors.fee_schedule_current(today=timezone.localdate())
    calculator = FeeCalculatorForm(request.GET if "wise_count" in request.GET else None)
    quote = None
    outside_europe = None  # the country asked about, when networks there cannot join
    if schedule is not None and calculator.is_valid():
        country = calculator.cleaned_data["country"]
        if country in europe_countries():
            quote = fee_quote(
                schedule=schedule,
                country=country,
                wise_count=calculator.cleaned_data["wise_count"],
            )
        else:
            outside_europe = Country(country)
    documents = selectors.join_documents()
    return render(
        request,
        "networks/join.html",
        {
            "criteria_groups": CRITERIA_GROUPS,
            "documents": documents,
            "document_kinds": _documents_by_kind(documents),
            "calculator": calculator,
            "schedule": schedule,
            "matrix": fee_selectors.fee_matrix(schedule=schedule) if schedule else None,
            "quote": quote,
            "outside_europe": outside_europe,
            "next_assembly": assembly_next_open_for_requests(today=timezone.localdate()),
            "secretariat_email": settings.SECRETARIAT_EMAIL,
        },
    )


def _documents_by_kind(documents):
    """[(kind label, [its documents per language])] in the order of JoinDocument.Kind."""
    order = list(JoinDocument.Kind.values)
    kinds = {}
    for document in sorted(documents, key=lambda d: (order.index(d.kind), d.language)):
        kinds.setdefault(document.get_kind_display(), []).append(document)
    return list(kinds.items())


@require_GET
def join_document(request, pk, name):
    document = get_object_or_404(JoinDocument, pk=pk, is_published=True)
    return stream_file(document.file, filename=document.file.name.rsplit("/", 1)[-1])


def interest(request):
    if request.method != "POST":
        user = request.user
        form = InterestForm(
            initial={"contact_name": user.display_name, "contact_email": user.email}
            if user.is_authenticated
            else None
        )
        return render(request, "networks/interest.html", {"form": form})
    form = InterestForm(request.POST)
    if form_over_limit(
        request,
        form,
        scope="join-interest",
        limit=settings.NETWORKS_INTEREST_RATE_LIMIT,
        message=_(
            "Too many attempts from your connection. What you typed is kept below: please "
            "send it again in an hour, or write to the secretariat at %(email)s."
        )
        % {"email": settings.SECRETARIAT_EMAIL},
    ):
        return render(request, "networks/interest.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "networks/interest.html", {"form": form}, status=400)
    services.application_interest_create(
        **form.cleaned_data, language=translation.get_language() or "en"
    )
    return redirect("networks:interest_done")


@require_GET
def interest_done(request):
    return render(request, "networks/interest_done.html")


# --- The applicant --------------------------------------------------------------------------


@login_required
@require_GET
def my_applications(request):
    applications = selectors.applications_for_representative(user=request.user)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "networks/my_applications.html", {"page_obj": page})


@login_required
@require_GET
def application_detail(request, pk):
    application = selectors.application_for_representative(user=request.user, pk=pk)
    return render(
        request,
        "networks/application_detail.html",
        {
            "application": application,
            "trail": _public_trail(application),
            "steps": _steps(application),
            "can_withdraw": Status.WITHDRAWN
            in allowed_targets(
                obj=application, actor=request.user, transitions=transitions.TRANSITIONS
            ),
        },
    )


# Steps the applicant sees, in order, with the states at which each one is done.
STEP_DONE_FROM = [
    (gettext_lazy("Interest expressed"), Status.INTEREST),
    (gettext_lazy("Institutional meeting"), Status.MEETING_HELD),
    (gettext_lazy("Reasoned request"), Status.REQUEST_SUBMITTED),
    (gettext_lazy("Board check"), Status.ELIGIBLE),
    (gettext_lazy("General Assembly"), Status.ADMITTED),
]
STATE_ORDER = [
    Status.INTEREST,
    Status.MEETING_SCHEDULED,
    Status.MEETING_HELD,
    Status.CHANGES_REQUESTED,
    Status.REQUEST_SUBMITTED,
    Status.UNDER_REVIEW,
    Status.ELIGIBLE,
    Status.ON_AGENDA,
    Status.ADMITTED,
]


def _steps(application):
    reached = STATE_ORDER.index(application.status) if application.status in STATE_ORDER else -1
    return [
        {"label": label, "done": reached >= STATE_ORDER.index(done_from)}
        for label, done_from in STEP_DONE_FROM
    ]


def _public_trail(application):
    """The applicant's view of the history: state changes only, no internal comments."""
    labels = dict(Status.choices)
    return [
        {"at": entry.created_at, "label": labels.get(entry.to_state, entry.to_state)}
        for entry in audit_trail(application).order_by("created_at")
        if entry.to_state
    ]


@login_required
def reasoned_request(request, pk):
    application = selectors.application_for_representative(user=request.user, pk=pk)
    if request.method != "POST":
        form = ReasonedRequestForm(instance=application)
        return _render_reasoned_request(request, application, form)
    if not application.is_editable:
        messages.error(request, _("The request can no longer be changed."))
        return redirect("networks:application_detail", pk=pk)
    submitting = "submit" in request.POST
    form = ReasonedRequestForm(
        request.POST, request.FILES, instance=application, submitting=submitting
    )
    if not form.is_valid():
        _keep_valid_uploads(request, application, form)
        return _render_reasoned_request(request, application, form)
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        services.reasoned_request_save(
            application=application,
            actor=request.user,
            data=data,
            motivation_letter=form.cleaned_data.get("motivation_letter_upload"),
            statutes=form.cleaned_data.get("statutes_upload"),
        )
        if submitting:
            services.reasoned_request_submit(application=application, actor=request.user)
            messages.success(request, _("Your request has been sent to the Board."))
            return redirect("networks:application_detail", pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("networks:reasoned_request", pk=pk)
    messages.success(request, _("Your draft has been saved."))
    return redirect("networks:reasoned_request", pk=pk)


def _keep_valid_uploads(request, application, form: ReasonedRequestForm) -> None:
    """The form has errors: its valid files are saved to the draft all the same, so that the
    applicant does not choose them again (submitting later uses the stored files)."""
    uploads = {name: form.cleaned_data.get(field) for name, field in UPLOAD_FIELDS.items()}
    if not any(uploads.values()):
        return
    try:
        services.reasoned_request_save(
            application=application, actor=request.user, data={}, **uploads
        )
    except DomainError as error:
        messages.error(request, error.message)
        return
    form.show_stored_files()


def _render_reasoned_request(request, application, form):
    return render(
        request,
        "networks/reasoned_request.html",
        {
            "application": application,
            "form": form,
            "editable": application.is_editable,
            "next_assembly": assembly_next_open_for_requests(today=timezone.localdate()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def application_withdraw(request, pk):
    application = selectors.application_for_representative(user=request.user, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("networks:application_detail", pk=pk)
    return render(
        request, "networks/application_withdraw.html", {"application": application, "form": form}
    )


# The stored file named by each kind in the download address (the inverse of FILE_KINDS).
FILE_FIELDS = {kind: name for name, kind in FILE_KINDS.items()}


@second_factor_required
@require_GET
def application_file(request, pk, kind):
    """Stream a private file to the applicant's representatives, the Board and staff only."""
    if kind not in FILE_FIELDS:
        raise Http404
    application = selectors.application_for_file(user=request.user, pk=pk)
    field = getattr(application, FILE_FIELDS[kind])
    if not field:
        raise Http404
    return stream_file(field, filename=f"{application.network.slug}-{kind}.pdf")


# --- The Board and the secretariat ----------------------------------------------------------


class BoardQueue(BoardRequiredMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        if status not in Status.values:
            status = ""
        page = Paginator(selectors.board_queue(status=status), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "networks/board_queue.html",
            {
                "page_obj": page,
                "status": status,
                "statuses": Status.choices,
                "counts": selectors.application_counts_by_status(),
            },
        )


class BoardApplicationView(BoardRequiredMixin, View):
    """An application in full, with the actions the user may take on it now."""

    def get(self, request, pk):
        return self.render_page(request, pk)

    def render_page(self, request, pk, *, status=200, **forms):
        application = selectors.board_application_get(pk=pk)
        targets = allowed_targets(
            obj=application, actor=request.user, transitions=transitions.TRANSITIONS
        )
        is_board_member = roles.is_board_member(request.user)
        context = {
            "application": application,
            "targets": targets,
            "board_decisions": transitions.board_decisions_open(
                application=application, actor=request.user
            ),
            "is_board_member": is_board_member,
            "is_staff": roles.is_staff(request.user),
            "trail": audit_trail(application).order_by("created_at"),
            "criteria_form": forms.get("criteria_form")
            or CriteriaForm(assessments=application.assessments.all()),
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "note_form": forms.get("note_form") or BoardNoteForm(),
            "meeting_form": forms.get("meeting_form")
            or MeetingForm(
                initial={
                    "starts_at": application.meeting_at,
                    "link": application.meeting_link,
                    "duration_minutes": application.meeting_duration_minutes,
                }
            ),
            "meeting_held_form": forms.get("meeting_held_form") or MeetingHeldForm(),
            "agenda_form": forms.get("agenda_form")
            or AgendaForm(application=application, initial={"assembly": application.assembly_id}),
            "assessments": {row.criterion: row for row in application.assessments.all()},
            "in_europe": application.head_office_country.code in europe_countries(),
        }
        return render(request, "networks/board_application.html", context, status=status)


class BoardAction(BoardRequiredMixin, View):
    """A POST on an application from its Board page: validate, one service call, redirect."""

    form_class = None
    form_name = ""
    success_message = ""

    def post(self, request, pk):
        application = get_object_or_404(Application, pk=pk)
        form = self.get_form(application, request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return BoardApplicationView().render_page(
                request, pk, status=400, **{self.form_name: form}
            )
        try:
            self.act(application, request.user, form.cleaned_data if form else {})
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.success_message)
        return redirect(reverse("networks:board_application", kwargs={"pk": pk}))

    def get_form(self, application, data):
        return self.form_class(data)

    def act(self, application, actor, data):
        raise NotImplementedError


class StaffAction(StaffRequiredMixin, BoardAction):
    pass


class ReviewStart(BoardAction):
    success_message = gettext_lazy("The review has started.")

    def act(self, application, actor, data):
        services.application_review_start(application=application, actor=actor)


class CriteriaRecord(BoardAction):
    form_name = "criteria_form"
    success_message = gettext_lazy("The findings have been saved.")

    def post(self, request, pk):
        application = get_object_or_404(Application, pk=pk)
        form = CriteriaForm(request.POST)
        form.is_valid()
        try:
            services.application_criteria_record(
                application=application, actor=request.user, findings=form.findings()
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.success_message)
        return redirect(reverse("networks:board_application", kwargs={"pk": pk}) + "#criteria")


class Decide(BoardAction):
    form_class = DecisionForm
    form_name = "decision_form"
    success_message = gettext_lazy("The decision has been recorded and the applicant told.")

    def act(self, application, actor, data):
        services.application_board_decide(application=application, actor=actor, **data)


class NoteAdd(BoardAction):
    form_class = BoardNoteForm
    form_name = "note_form"
    success_message = gettext_lazy("The note has been added.")

    def act(self, application, actor, data):
        services.board_note_add(application=application, actor=actor, text=data["text"])


class MeetingSchedule(StaffAction):
    form_class = MeetingForm
    form_name = "meeting_form"
    success_message = gettext_lazy("The meeting is set and the applicant invited.")

    def act(self, application, actor, data):
        services.application_meeting_schedule(
            application=application,
            actor=actor,
            starts_at=data["starts_at"],
            link=data["link"],
            duration_minutes=data["duration_minutes"],
        )


class MeetingHeld(StaffAction):
    form_class = MeetingHeldForm
    form_name = "meeting_held_form"
    success_message = gettext_lazy("The meeting is recorded as held.")

    def act(self, application, actor, data):
        services.application_meeting_held(application=application, actor=actor, notes=data["notes"])


class AgendaPlace(StaffAction):
    form_class = AgendaForm
    form_name = "agenda_form"
    success_message = gettext_lazy(
        "The application is on the assembly's agenda and the applicant told."
    )

    def get_form(self, application, data):
        return AgendaForm(data, application=application)

    def act(self, application, actor, data):
        services.application_agenda_place(
            application=application, actor=actor, assembly=data["assembly"]
        )


class AgendaRemove(StaffAction):
    success_message = gettext_lazy("The application has been taken off the agenda.")

    def get(self, request, pk):
        """Ask first: the applicant is told by email and the assembly's agenda changes."""
        application = selectors.board_application_get(pk=pk)
        if application.status != Status.ON_AGENDA:
            return redirect("networks:board_application", pk=pk)
        return render(request, "networks/agenda_remove.html", {"application": application})

    def act(self, application, actor, data):
        services.application_agenda_remove(application=application, actor=actor)


def _year(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year


class FeeList(StaffRequiredMixin, View):
    def get(self, request):
        year = _year(request.GET.get("year"))
        page = Paginator(fee_selectors.fee_list(year=year), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "networks/fee_list.html",
            {
                "page_obj": page,
                "year": year,
                "schedule": fee_selectors.fee_schedule_of_year(year=year),
            },
        )


class FeeYearOpen(StaffRequiredMixin, View):
    """Create the year's fee records. A year without its own schedule is never priced by last
    year's silently: GET is a page saying so, offering to copy last year's (a confirmed POST)
    or to create the year's schedule in the admin."""

    def get(self, request):
        year = _year(request.GET.get("year"))
        if fee_selectors.fee_schedule_of_year(year=year) is not None:
            return redirect(f"{reverse('networks:fee_list')}?year={year}")
        return render(
            request,
            "networks/fee_year_open.html",
            {"year": year, "previous": fee_selectors.fee_schedule_to_copy(year=year)},
        )

    def post(self, request):
        year = _year(request.POST.get("year"))
        copy_previous = request.POST.get("copy_previous") == "on"
        if not copy_previous and fee_selectors.fee_schedule_of_year(year=year) is None:
            return redirect(f"{reverse('networks:fee_year_open')}?year={year}")
        try:
            created = fee_services.membership_fees_create_for_year(
                year=year, actor=request.user, copy_previous=copy_previous
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(count)s fee record(s) created for %(year)s.")
                % {"count": created, "year": year},
            )
        return redirect(f"{reverse('networks:fee_list')}?year={year}")


class FeePaymentAction(StaffRequiredMixin, View):
    """Record a fee as paid, or take it back: GET asks to confirm, POST does it.

    The fee is looked up among those the user may record (anyone else gets a 404).
    """

    template_name = ""
    applies_when_paid = False  # the state the fee must be in for the question to be asked

    def get(self, request, pk):
        fee = fee_selectors.fee_for_payment_record(user=request.user, pk=pk)
        return render(
            request,
            self.template_name,
            {"fee": fee, "applies": fee.is_paid == self.applies_when_paid},
        )

    def post(self, request, pk):
        fee = fee_selectors.fee_for_payment_record(user=request.user, pk=pk)
        act(request, lambda: self.call(fee, request.user), self.success_message(fee))
        return redirect(f"{reverse('networks:fee_list')}?year={fee.year}")

    def call(self, fee, actor):
        raise NotImplementedError

    def success_message(self, fee) -> str:
        raise NotImplementedError


class FeeMarkPaid(FeePaymentAction):
    template_name = "networks/fee_mark_paid.html"
    applies_when_paid = False

    def call(self, fee, actor):
        fee_services.membership_fee_mark_paid(fee=fee, actor=actor)

    def success_message(self, fee):
        return _("The fee of %(network)s for %(year)s is marked paid.") % {
            "network": fee.network.display_name,
            "year": fee.year,
        }


class FeeMarkUnpaid(FeePaymentAction):
    template_name = "networks/fee_mark_unpaid.html"
    applies_when_paid = True

    def call(self, fee, actor):
        fee_services.membership_fee_mark_unpaid(fee=fee, actor=actor)

    def success_message(self, fee):
        return _("The fee of %(network)s for %(year)s is marked unpaid.") % {
            "network": fee.network.display_name,
            "year": fee.year,
        }
