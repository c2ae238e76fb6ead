"""Public pages: the sessions, registration without an account, signed confirm/cancel links,
iCalendar. Thin: a form, one service call, the domain error into a message."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ensie_portal.core.errors import DomainError
from ensie_portal.core.ics import build_calendar
from ensie_portal.core.ratelimit import form_over_limit

from . import selectors, services
from .forms import RegistrationForm
from .mails import session_ics_event
from .tokens import CANCEL, CONFIRM, registration_from_token


@require_GET
def session_list(request):
    upcoming, past = selectors.session_list_public()
    page = Paginator(past, 10).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/session_list.html",
        {"upcoming": upcoming, "page_obj": page, "past": page.object_list},
    )


def _detail(request, session, form, status=200):
    return render(
        request,
        "sessions_app/session_detail.html",
        {
            "session": session,
            "form": form,
            "state": selectors.registration_state(session),
            "speakers": session.speakers.all(),
        },
        status=status,
    )


@require_GET
def session_detail(request, slug):
    session = selectors.session_get_public(slug=slug)
    return _detail(request, session, RegistrationForm())


@require_POST
def session_register(request, slug):
    session = selectors.session_get_public(slug=slug)
    form = RegistrationForm(request.POST)
    if form_over_limit(
        request,
        form,
        scope="session-register",
        limit=settings.SESSIONS_REGISTER_RATE_LIMIT,
        message=_("Too many attempts. Please try again later."),
    ):
        return _detail(request, session, form, status=429)
    if not form.is_valid():
        return _detail(request, session, form, status=400)
    data = form.cleaned_data
    try:
        services.registration_start(
            session=session,
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            country=data["country"] or "",
            question=data["question"],
            language=get_language(),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _detail(request, session, form, status=400)
    messages.success(
        request,
        _("Thank you. We have sent you an email: follow its link to confirm your registration."),
    )
    return redirect(session)


def _token_page(request, token, purpose, template, act, done_message):
    try:
        registration = registration_from_token(token=token, purpose=purpose)
    except DomainError as error:
        return render(
            request, "sessions_app/token_invalid.html", {"error": error.message}, status=400
        )
    if request.method == "POST":
        try:
            act(registration)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            registration.refresh_from_db()
            messages.success(request, done_message(registration))
        return redirect(registration.session)
    return render(
        request, template, {"registration": registration, "session": registration.session}
    )


def _confirmed_message(registration):
    if registration.status == registration.Status.WAITING:
        return _(
            "The session is full: you are on the waiting list. We will email you if a seat is free."
        )
    return _("Your registration is confirmed. Check your email for the next steps.")


@require_http_methods(["GET", "POST"])
def registration_confirm(request, token):
    return _token_page(
        request,
        token,
        CONFIRM,
        "sessions_app/registration_confirm.html",
        lambda registration: services.registration_confirm(registration=registration),
        _confirmed_message,
    )


@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    return _token_page(
        request,
        token,
        CANCEL,
        "sessions_app/registration_cancel.html",
        lambda registration: services.registration_cancel(registration=registration),
        lambda registration: _("Your registration is cancelled. Thank you for freeing your seat."),
    )


def _ics_response(sessions, filename: str, name: str = "") -> HttpResponse:
    language = get_language()
    body = build_calendar([session_ics_event(s, language=language) for s in sessions], name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def calendar_feed(request):
    return _ics_response(
        selectors.calendar_sessions(), "ensie-sessions.ics", name=_("ENSIE online sessions")
    )


@require_GET
def session_ics(request, slug):
    session = selectors.session_get_public(slug=slug)
    return _ics_response([session], f"ensie-session-{session.number}.ics")
