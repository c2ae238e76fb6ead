"""Pages of the General Assembly: the members' page, the chair's screen, staff's preparation.

Every lookup is scoped: an assembly the user may not see, a network they do not represent or an
assembly they do not chair is a 404. Each POST is one service call; refusals become messages.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from ensie_portal.accounts import roles
from ensie_portal.accounts.permissions import StaffRequiredMixin, second_factor_required
from ensie_portal.core.actions import act
from ensie_portal.core.i18n import brussels_date
from ensie_portal.core.spreadsheet import csv_cell

from . import selectors, services
from .forms import (
    AttendanceForm,
    ConveneForm,
    MajorityForm,
    MotionForm,
    SessionOverrideForm,
    VoteForm,
)
from .models import AgendaItem, GeneralAssembly

PAGE_SIZE = 25
# The chair's screen reloads itself this often (seconds) while a vote is open. It holds no form
# field a reload could lose: attendance is recorded on its own page, which never reloads.
CHAIR_REFRESH_SECONDS = 10


# --- Members --------------------------------------------------------------------------------


@login_required
@require_GET
def assembly_list(request):
    assemblies = selectors.assemblies_for_user(user=request.user).order_by("-date")
    page = Paginator(assemblies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assemblies/list.html",
        {"page_obj": page, "may_chair": roles.may_chair(request.user)},
    )


@login_required
@require_GET
def assembly_detail(request, pk):
    assembly = selectors.assembly_for_user(user=request.user, pk=pk)
    return render(
        request,
        "assemblies/detail.html",
        {
            "assembly": assembly,
            "items": list(assembly.agenda_items.all()),
            "voters": selectors.voter_networks(user=request.user, assembly=assembly),
            "is_chair": selectors.is_chair_of(user=request.user, assembly=assembly),
            "vote_form": VoteForm(),
        },
    )


@login_required
@require_POST
def assembly_check_in(request, pk, network_pk):
    assembly = selectors.assembly_for_user(user=request.user, pk=pk)
    network = selectors.voter_network_for(user=request.user, pk=network_pk)
    act(
        request,
        lambda: services.attendance_check_in(
            assembly=assembly, network=network, actor=request.user
        ),
        _("%(network)s is checked in.") % {"network": network.display_name},
    )
    return redirect("assemblies:assembly_detail", pk=pk)


@login_required
@require_POST
def assembly_vote(request, pk, item_pk, network_pk):
    assembly = selectors.assembly_for_user(user=request.user, pk=pk)
    item = selectors.item_of(assembly=assembly, pk=item_pk)
    network = selectors.voter_network_for(user=request.user, pk=network_pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no or abstain."))
    else:
        act(
            request,
            lambda: services.assembly_vote_cast(
                item=item, network=network, actor=request.user, choice=form.cleaned_data["choice"]
            ),
            _("The vote of %(network)s is recorded; you may change it until the vote closes.")
            % {"network": network.display_name},
        )
    return redirect(reverse("assemblies:assembly_detail", kwargs={"pk": pk}) + f"#item-{item.pk}")


# --- The chair ------------------------------------------------------------------------------


def _chair_required(view):
    """Signed in and chair of the assembly ``pk``, still a Board member or staff (anyone else,
    staff included: 404); the second factor is required."""

    def wrapped(request, pk, **kwargs):
        assembly = selectors.assembly_for_chair(user=request.user, pk=pk)
        return view(request, assembly, **kwargs)

    return second_factor_required(login_required(wrapped))


def _agenda_change_if_sendable(assembly):
    """How the agenda changed since it was sent, while an updated agenda may be sent."""
    if not selectors.agenda_update_allowed(assembly):
        return None
    return selectors.agenda_change(assembly=assembly)


@_chair_required
def chair(request, assembly):
    items = list(assembly.agenda_items.all())
    any_open = any(item.is_open for item in items)
    return render(
        request,
        "assemblies/chair.html",
        {
            "assembly": assembly,
            "items": items,
            "progress": selectors.vote_progress(assembly=assembly),
            "networks": list(selectors.member_networks_with_standing(assembly=assembly)),
            "session_problem": (
                selectors.session_open_problem(assembly=assembly, today=brussels_date())
                if assembly.status == GeneralAssembly.Status.CONVENED
                else None
            ),
            "refresh": CHAIR_REFRESH_SECONDS
            if any_open and request.GET.get("auto") != "off"
            else None,
            "any_open": any_open,
            "agenda_change": _agenda_change_if_sendable(assembly),
            "auto_off": request.GET.get("auto") == "off",
        },
    )


@_chair_required
@require_POST
def chair_session(request, assembly):
    """Open the session (closing it goes through its confirmation page)."""
    if request.POST.get("to") == GeneralAssembly.Status.IN_SESSION:
        act(
            request,
            lambda: services.assembly_session_open(assembly=assembly, actor=request.user),
            _("The assembly is in session."),
        )
    return redirect("assemblies:assembly_chair", pk=assembly.pk)


@_chair_required
def chair_session_close(request, assembly):
    """A confirmation page listing the items never voted and what becomes of them, then the
    close (adhesions never voted go back to eligible, their applicants told)."""
    if request.method == "POST":
        act(
            request,
            lambda: services.assembly_session_close(assembly=assembly, actor=request.user),
            _("The assembly is closed."),
        )
        return redirect("assemblies:assembly_chair", pk=assembly.pk)
    return render(
        request,
        "assemblies/session_close.html",
        {
            "assembly": assembly,
            "never_voted": selectors.items_never_voted(assembly=assembly),
            "any_open": any(item.is_open for item in assembly.agenda_items.all()),
        },
    )


@_chair_required
def chair_attendance(request, assembly):
    """Attendance on its own page: it never reloads, so ticked boxes are never lost."""
    networks = selectors.member_networks_with_standing(assembly=assembly)
    if request.method == "POST":
        form = AttendanceForm(request.POST, networks=networks)
        if form.is_valid():
            recorded = act(
                request,
                lambda: services.attendance_record(
                    assembly=assembly,
                    actor=request.user,
                    present={n.pk for n in form.cleaned_data["present"]},
                ),
                _("The attendance is recorded."),
            )
            if recorded:
                return redirect(
                    reverse("assemblies:assembly_chair", kwargs={"pk": assembly.pk}) + "#attendance"
                )
            return redirect("assemblies:assembly_attendance", pk=assembly.pk)
        status = 400
    else:
        form = AttendanceForm(
            networks=networks, initial={"present": [n for n in networks if n.present]}
        )
        status = 200
    return render(
        request,
        "assemblies/attendance.html",
        {"assembly": assembly, "form": form},
        status=status,
    )


@_chair_required
@require_POST
def chair_vote_open(request, assembly, item_pk):
    item = selectors.item_of(assembly=assembly, pk=item_pk)
    act(
        request,
        lambda: services.assembly_vote_open(item=item, actor=request.user),
        _("The vote is open."),
    )
    return redirect("assemblies:assembly_chair", pk=assembly.pk)


@_chair_required
def chair_vote_close(request, assembly, item_pk):
    """A confirmation page, then the close (which counts the votes and acts on the outcome)."""
    item = selectors.item_of(assembly=assembly, pk=item_pk)
    if request.method == "POST":
        act(
            request,
            lambda: services.assembly_vote_close(item=item, actor=request.user),
            _("The vote is closed and its outcome recorded."),
        )
        return redirect("assemblies:assembly_chair", pk=assembly.pk)
    return render(
        request,
        "assemblies/vote_close.html",
        {
            "assembly": assembly,
            "item": item,
            "vote_count": item.votes.count(),
            "progress": selectors.vote_progress(assembly=assembly),
        },
    )


def _agenda_update(request, assembly, *, back: str):
    """Send the updated agenda: GET shows what changed and asks to confirm, POST sends it."""
    if request.method == "POST":
        act(
            request,
            lambda: services.assembly_agenda_update_send(assembly=assembly, actor=request.user),
            _("The updated agenda is on its way to the representatives of every member network."),
        )
        return redirect(back)
    return render(
        request,
        "assemblies/agenda_update.html",
        {
            "assembly": assembly,
            "change": _agenda_change_if_sendable(assembly),
            "recipients": selectors.convocation_recipient_count(),
            "back": back,
        },
    )


@_chair_required
def chair_agenda_update(request, assembly):
    return _agenda_update(
        request, assembly, back=reverse("assemblies:assembly_chair", kwargs={"pk": assembly.pk})
    )


# --- The record (CSV) -----------------------------------------------------------------------


@second_factor_required
@login_required
@require_GET
def assembly_record_csv(request, pk):
    """The record of the assembly, for staff and the chair (a Board member or staff)."""
    assembly = selectors.assembly_for_user(user=request.user, pk=pk)
    if not (
        roles.is_staff(request.user) or selectors.is_chair_of(user=request.user, assembly=assembly)
    ):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="general-assembly-{assembly.date:%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    # The byte order mark lets spreadsheets read the accents of the French labels as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    rows = selectors.assembly_record_rows(assembly=assembly, language=request.LANGUAGE_CODE)
    writer.writerows([[csv_cell(value) for value in row] for row in rows])
    return response


# --- Staff: preparing the assembly ----------------------------------------------------------


class StaffAssemblyList(StaffRequiredMixin, View):
    def get(self, request):
        assemblies = GeneralAssembly.objects.select_related("chair").order_by("-date")
        page = Paginator(assemblies, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "assemblies/staff_list.html", {"page_obj": page})


class StaffAssemblyView(StaffRequiredMixin, View):
    def get(self, request, pk):
        return self.render_page(request, pk)

    def render_page(self, request, pk, *, status=200, motion_form=None, override_form=None):
        assembly = selectors.assembly_for_staff(pk=pk)
        today = timezone.localdate()
        return render(
            request,
            "assemblies/staff_detail.html",
            {
                "assembly": assembly,
                "items": list(assembly.agenda_items.all()),
                "convocations": list(assembly.convocations.all()),
                "agenda_change": _agenda_change_if_sendable(assembly),
                "late": selectors.convocation_is_late(assembly=assembly, today=today),
                "convene_by": selectors.one_month_before(assembly.date),
                "motion_form": motion_form or MotionForm(),
                "majority_choices": MajorityForm.base_fields["majority"].choices,
                "override_form": override_form or SessionOverrideForm(),
                "session_problem": selectors.session_open_problem(
                    assembly=assembly, today=brussels_date()
                ),
            },
            status=status,
        )


class StaffConvene(StaffRequiredMixin, View):
    """The confirmation page of the convocation (with the late-sending checkbox when needed)."""

    def dispatch(self, request, pk):
        self.assembly = selectors.assembly_for_staff(pk=pk)
        self.late = selectors.convocation_is_late(
            assembly=self.assembly, today=timezone.localdate()
        )
        self.agenda = selectors.agenda_as_it_stands(assembly=self.assembly)
        return super().dispatch(request, pk)

    def form(self, data=None):
        return ConveneForm(data, late=self.late, empty_agenda=not self.agenda)

    def get(self, request, pk):
        return self.render_page(request, self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        sent = act(
            request,
            lambda: services.assembly_convene(
                assembly=self.assembly,
                actor=request.user,
                confirm_late=form.cleaned_data.get("confirm_late", False),
                confirm_empty_agenda=form.cleaned_data.get("confirm_empty_agenda", False),
            ),
            _("The convocation is on its way to the representatives of every member network."),
        )
        if not sent:
            return redirect("assemblies:staff_assembly_convene", pk=pk)
        return redirect("assemblies:staff_assembly", pk=pk)

    def render_page(self, request, form, *, status=200):
        return render(
            request,
            "assemblies/convene.html",
            {
                "assembly": self.assembly,
                "items": self.agenda,
                "form": form,
                "late": self.late,
                "convene_by": selectors.one_month_before(self.assembly.date),
                "recipients": selectors.convocation_recipient_count(),
            },
            status=status,
        )


class StaffSessionOverride(StaffRequiredMixin, View):
    """Allow the chair to open the session on another day, with a reason (staff page form)."""

    def post(self, request, pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        form = SessionOverrideForm(request.POST)
        if not form.is_valid():
            return StaffAssemblyView().render_page(request, pk, status=400, override_form=form)
        act(
            request,
            lambda: services.assembly_session_override(
                assembly=assembly, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The chair may open the session on another day; the reason is recorded."),
        )
        return redirect(reverse("assemblies:staff_assembly", kwargs={"pk": pk}) + "#session")


class StaffAgendaSync(StaffRequiredMixin, View):
    def post(self, request, pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        act(
            request,
            lambda: services.agenda_sync(assembly=assembly),
            _("The agenda lists the applications placed on this assembly."),
        )
        return redirect("assemblies:staff_assembly", pk=pk)


class StaffAgendaUpdate(StaffRequiredMixin, View):
    def get(self, request, pk):
        return self.respond(request, pk)

    def post(self, request, pk):
        return self.respond(request, pk)

    def respond(self, request, pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        return _agenda_update(
            request, assembly, back=reverse("assemblies:staff_assembly", kwargs={"pk": pk})
        )


class StaffMotionAdd(StaffRequiredMixin, View):
    def post(self, request, pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        form = MotionForm(request.POST)
        if not form.is_valid():
            return StaffAssemblyView().render_page(request, pk, status=400, motion_form=form)
        act(
            request,
            lambda: services.agenda_motion_add(
                assembly=assembly, actor=request.user, **form.cleaned_data
            ),
            _("The motion is on the agenda."),
        )
        return redirect("assemblies:staff_assembly", pk=pk)


class StaffItemMajority(StaffRequiredMixin, View):
    def post(self, request, pk, item_pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        item = selectors.item_of(assembly=assembly, pk=item_pk)
        form = MajorityForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Unknown majority."))
        else:
            act(
                request,
                lambda: services.agenda_item_majority_set(
                    item=item, actor=request.user, majority=form.cleaned_data["majority"]
                ),
                _("The majority is saved."),
            )
        return redirect("assemblies:staff_assembly", pk=pk)


class StaffMotionDelete(StaffRequiredMixin, View):
    def get(self, request, pk, item_pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        item = selectors.item_of(assembly=assembly, pk=item_pk)
        if item.kind != AgendaItem.Kind.MOTION:
            raise Http404
        return render(
            request, "assemblies/motion_delete.html", {"assembly": assembly, "item": item}
        )

    def post(self, request, pk, item_pk):
        assembly = selectors.assembly_for_staff(pk=pk)
        item = selectors.item_of(assembly=assembly, pk=item_pk)
        act(
            request,
            lambda: services.agenda_motion_delete(item=item, actor=request.user),
            _("The motion has been removed from the agenda."),
        )
        return redirect("assemblies:staff_assembly", pk=pk)
