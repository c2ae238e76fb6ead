"""The organisers' area: sessions they organise (staff: all), speakers, link, registrants.

Every lookup is scoped to the user, so another session's organiser gets a 404."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ensie_portal.accounts import roles
from ensie_portal.accounts.permissions import second_factor_required
from ensie_portal.core.actions import act
from ensie_portal.core.errors import DomainError
from ensie_portal.core.spreadsheet import csv_cell

from . import selectors, services
from .forms import CancelRegistrationForm, CancelSessionForm, LinkForm, SessionForm, SpeakerForm


def organiser_required(view):
    """Organisers and staff only (anonymous users are sent to log in); the second factor is
    required."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.is_organiser_or_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return second_factor_required(login_required(wrapper))


def _manage_url(session):
    return reverse("sessions_app:manage_detail", args=[session.pk])


def _form_page(request, form, title: str, back_url: str):
    return render(
        request,
        "sessions_app/manage/form.html",
        {"form": form, "title": title, "back_url": back_url},
    )


def _act(request, session, action, success: str):
    """Run one service call, then back to the session's page."""
    act(request, action, success)
    return redirect(_manage_url(session))


@require_GET
@organiser_required
def manage_list(request):
    sessions = selectors.sessions_for_organiser(user=request.user)
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/manage/list.html",
        {"page_obj": page, "sessions": page.object_list},
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def manage_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = services.session_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The session is saved as a draft."))
        return redirect(_manage_url(session))
    return _form_page(request, form, _("New session"), reverse("sessions_app:manage_list"))


@require_GET
@organiser_required
def manage_detail(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    return _detail(request, session, LinkForm())


def _detail(request, session, link_form, status=200):
    return render(
        request,
        "sessions_app/manage/detail.html",
        {
            "session": session,
            "speakers": session.speakers.all(),
            "link_form": link_form,
            "state": selectors.registration_state(session),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def manage_edit(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        sequence = session.calendar_sequence
        try:
            services.session_update(session=session, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if session.calendar_sequence != sequence and selectors.reschedule_notified_count(
                session=session
            ):
                messages.success(
                    request,
                    _(
                        "The session is saved. Its time changed: the confirmed and waiting "
                        "registrants are emailed the new time."
                    ),
                )
            else:
                messages.success(request, _("The session is saved."))
            return redirect(_manage_url(session))
    return _form_page(request, form, _("Edit the session"), _manage_url(session))


PUBLISHING = {
    "publish": (services.session_publish, _lazy("The session is published: registration is open.")),
    "unpublish": (services.session_unpublish, _lazy("The session is back to draft.")),
}


@require_POST
@organiser_required
def manage_publishing(request, pk, action):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    service, success = PUBLISHING[action]
    return _act(request, session, lambda: service(session=session, actor=request.user), success)


@require_POST
@organiser_required
def manage_link(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _detail(request, session, form, status=400)
    return _act(
        request,
        session,
        lambda: services.session_link_set(
            session=session, link=form.cleaned_data["participation_link"], actor=request.user
        ),
        _("The link is saved; confirmed registrants who do not have it yet are emailed."),
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def manage_cancel(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _act(
            request,
            session,
            lambda: services.session_cancel(
                session=session,
                actor=request.user,
                note_en=form.cleaned_data["note_en"],
                note_fr=form.cleaned_data["note_fr"],
            ),
            _("The session is cancelled; every registrant is told by email."),
        )
    return render(request, "sessions_app/manage/cancel.html", {"session": session, "form": form})


@require_http_methods(["GET", "POST"])
@organiser_required
def speaker_edit(request, pk, speaker_pk=None):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    speaker = (
        selectors.speaker_get_for_organiser(user=request.user, session_pk=pk, pk=speaker_pk)
        if speaker_pk
        else None
    )
    form = SpeakerForm(request.POST or None, instance=speaker)
    if request.method == "POST" and form.is_valid():
        services.speaker_save(
            session=session, speaker=speaker, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("The speaker is saved."))
        return redirect(_manage_url(session))
    title = _("Edit the speaker") if speaker else _("Add a speaker")
    return _form_page(request, form, title, _manage_url(session))


@require_http_methods(["GET", "POST"])
@organiser_required
def speaker_delete(request, pk, speaker_pk):
    speaker = selectors.speaker_get_for_organiser(user=request.user, session_pk=pk, pk=speaker_pk)
    if request.method == "POST":
        return _act(
            request,
            speaker.session,
            lambda: services.speaker_delete(speaker=speaker, actor=request.user),
            _("The speaker is removed."),
        )
    return render(request, "sessions_app/manage/speaker_delete.html", {"speaker": speaker})


@require_GET
@organiser_required
def registrants(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    queryset, filterset = selectors.registrants_for(session=session, filters=request.GET)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/manage/registrants.html",
        {
            "session": session,
            "filter": filterset,
            "page_obj": page,
            "registrations": selectors.with_email_deliveries(page.object_list),
            "started": session.has_started(),
            "ended": session.has_ended(),
        },
    )


@require_GET
@organiser_required
def registrants_csv(request, pk):
    """The registrants as CSV for a spreadsheet: column names and values (statuses, yes/no) in
    the page's language, Brussels time to the minute, a byte order mark for the accents."""
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    queryset, _filterset = selectors.registrants_for(session=session, filters=request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="session-{session.number}-registrants.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows(
        [csv_cell(value) for value in row] for row in selectors.registrants_csv_rows(queryset)
    )
    return response


@require_POST
@organiser_required
def registrant_resend_link(request, pk, registration_pk):
    registration = selectors.registration_get_for_organiser(
        user=request.user, session_pk=pk, pk=registration_pk
    )
    try:
        services.participation_link_resend(registration=registration, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The link is sent again to %(email)s.") % {"email": registration.email}
        )
    return redirect("sessions_app:registrants", pk=pk)


@require_POST
@organiser_required
def registrant_resend_confirmation(request, pk, registration_pk):
    registration = selectors.registration_get_for_organiser(
        user=request.user, session_pk=pk, pk=registration_pk
    )
    act(
        request,
        lambda: services.registration_confirmation_resend(
            registration=registration, actor=request.user
        ),
        _("The confirmation email is sent again to %(email)s.") % {"email": registration.email},
    )
    return redirect("sessions_app:registrants", pk=pk)


@require_http_methods(["GET", "POST"])
@organiser_required
def registrant_cancel(request, pk, registration_pk):
    """Cancel someone's registration, after a confirmation page; they are told by email."""
    registration = selectors.registration_get_for_organiser(
        user=request.user, session_pk=pk, pk=registration_pk
    )
    form = CancelRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        act(
            request,
            lambda: services.registration_cancel(
                registration=registration, actor=request.user, note=form.cleaned_data["note"]
            ),
            _("The registration of %(email)s is cancelled; they are told by email.")
            % {"email": registration.email},
        )
        return redirect("sessions_app:registrants", pk=pk)
    return render(
        request,
        "sessions_app/manage/registrant_cancel.html",
        {"registration": registration, "session": registration.session, "form": form},
    )


@require_POST
@organiser_required
def registrant_attendance(request, pk, registration_pk):
    registration = selectors.registration_get_for_organiser(
        user=request.user, session_pk=pk, pk=registration_pk
    )
    attended = request.POST.get("attended") == "1"
    try:
        services.attendance_mark(registration=registration, attended=attended, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(
        reverse("sessions_app:registrants", args=[pk]) + f"#registration-{registration.pk}"
    )
