"""Organisers: the queue of email requests, and registering attendees one by one or in bulk.

Every lookup is scoped to the user: another session's organiser gets a 404."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ensie_portal.core.actions import act
from ensie_portal.core.errors import DomainError

from . import bulk, inbound_emails, selectors
from .forms import AttendeeForm, BulkForm, InboundAssignForm, InboundRejectForm
from .models import Registration
from .services import registration_start
from .views_manage import organiser_required

RESULT_KEY = "sessions_bulk_result"


def _queue_url(request):
    return reverse("sessions_app:inbound_list") + (
        f"?{request.POST['next_query']}" if request.POST.get("next_query") else ""
    )


@require_GET
@organiser_required
def inbound_list(request):
    queryset, filterset = selectors.inbound_emails_for_organiser(
        user=request.user, filters=request.GET
    )
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/manage/inbound_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "inbound_emails": page.object_list,
            "sessions": list(selectors.sessions_open_for_organiser(user=request.user)),
            "query": request.GET.urlencode(),
            "answer_limit": settings.SESSIONS_INBOUND_ANSWER_LIMIT,
        },
    )


def _decide(request, action, success: str):
    act(request, action, success)
    return redirect(_queue_url(request))


@require_POST
@organiser_required
def inbound_assign(request, pk):
    inbound = selectors.inbound_email_get_for_organiser(user=request.user, pk=pk)
    form = InboundAssignForm(
        request.POST, sessions=selectors.sessions_open_for_organiser(user=request.user)
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of the sessions you organise."))
        return redirect(_queue_url(request))
    session = form.cleaned_data["session"]
    return _decide(
        request,
        lambda: inbound_emails.inbound_email_assign(
            inbound=inbound, session=session, actor=request.user
        ),
        _("The request is assigned to session %(number)s.") % {"number": session.number},
    )


@require_POST
@organiser_required
def inbound_accept(request, pk):
    inbound = selectors.inbound_email_get_for_organiser(user=request.user, pk=pk)
    return _decide(
        request,
        lambda: inbound_emails.inbound_email_accept(inbound=inbound, actor=request.user),
        _("The request is accepted: %(email)s receives the link to confirm.")
        % {"email": inbound.sender},
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def inbound_reject(request, pk):
    inbound = selectors.inbound_email_get_for_organiser(user=request.user, pk=pk)
    form = InboundRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _decide(
            request,
            lambda: inbound_emails.inbound_email_reject(
                inbound=inbound, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The request is rejected."),
        )
    return render(
        request, "sessions_app/manage/inbound_reject.html", {"inbound": inbound, "form": form}
    )


# --- Attendees ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@organiser_required
def attendee_add(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    form = AttendeeForm(request.POST or None, initial={"language": get_language()[:2]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = registration_start(
                session=session,
                name=data["name"],
                email=data["email"],
                organisation=data["organisation"],
                country=data["country"],
                language=data["language"],
                source=Registration.Source.ORGANISER,
                vouched_by=request.user if data["mode"] == "vouched" else None,
                added_by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(email)s is registered (%(status)s).")
                % {"email": registration.email, "status": registration.get_status_display()},
            )
            return redirect("sessions_app:registrants", pk=session.pk)
    return render(
        request, "sessions_app/manage/attendee_add.html", {"session": session, "form": form}
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def attendee_import(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    form = BulkForm(request.POST or None, request.FILES or None)
    context = {"session": session, "form": form}
    if request.method != "POST" or not form.is_valid():
        form.initial.setdefault("language", get_language()[:2])
        return render(request, "sessions_app/manage/attendee_import.html", context)
    data = form.cleaned_data
    text = data["lines"]
    try:
        if data["file"]:
            text = bulk.bulk_text_from_upload(data["file"].read())
        if request.POST.get("action") == "import" and not data["file"]:
            lines = bulk.bulk_payload_read(
                session=session,
                actor=request.user,
                payload=request.POST.get("payload", ""),
                text=text,
            )
            result = bulk.bulk_registrations_import(
                session=session,
                lines=lines,
                actor=request.user,
                vouched=data["mode"] == "vouched",
                language=data["language"],
            )
            request.session[RESULT_KEY] = {"session": session.pk, **result.__dict__}
            return redirect("sessions_app:attendee_import_result", pk=session.pk)
        lines = bulk.bulk_classify(session=session, lines=bulk.bulk_lines_parse(text))
    except bulk.PreviewOutdated as error:
        messages.warning(request, error.message)
        lines = bulk.bulk_classify(session=session, lines=bulk.bulk_lines_parse(text))
    except DomainError as error:
        form.add_error("lines", error.message)
        return render(request, "sessions_app/manage/attendee_import.html", context)
    # The preview: the text (an uploaded file's too) stays in the form, the lines are signed.
    form = BulkForm(initial={**data, "lines": text, "file": None})
    counts = bulk.bulk_counts(lines)
    vouched = data["mode"] == "vouched"
    context.update(
        form=form,
        lines=lines,
        counts=counts,
        vouched=vouched,
        forecast=bulk.bulk_forecast(session=session, new=counts[bulk.NEW], vouched=vouched),
        payload=bulk.bulk_payload_sign(session=session, actor=request.user, lines=lines, text=text),
    )
    return render(request, "sessions_app/manage/attendee_import.html", context)


@require_GET
@organiser_required
def attendee_import_result(request, pk):
    session = selectors.session_get_for_organiser(user=request.user, pk=pk)
    result = request.session.get(RESULT_KEY)
    if not result or result.get("session") != session.pk:
        return redirect("sessions_app:attendee_import", pk=session.pk)
    imported = result["confirmed"] + result["waiting"] + result["pending"]
    return render(
        request,
        "sessions_app/manage/attendee_import_result.html",
        {"session": session, "result": result, "imported": imported},
    )
