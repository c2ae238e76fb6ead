"""The adhesion workflow as tables: who may move an application (or a member network) between
which states, and on what condition.

``TRANSITIONS`` (the application) and ``NETWORK_TRANSITIONS`` (the member network's status) are
read by :func:`ensie_portal.core.workflow.transition`, which locks the row, checks the source
state, the actor (``who``) and the condition (``check``), saves and audits. The writes that
call it, and the emails each step sends, are in :mod:`networks.services`.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from assemblies.selectors import assembly_submission_problem
from ensie_portal.accounts import roles
from ensie_portal.core.workflow import Rule, rules_of, system_only

from .models import Application, Criterion, CriterionAssessment, Network

Status = Application.Status
NetworkStatus = Network.Status

# Who acts (ensie_portal/accounts/roles.py): the secretariat (staff), the Board group alone (staff
# do not decide on eligibility), the applicant network's representatives; or the portal itself
# (system_only).
staff = roles.is_staff
board = roles.is_board_member
applicant = roles.represents_applicant


# --- Conditions on the application ----------------------------------------------------------


def _reasoned_request_ready(application: Application) -> str | None:
    """The reasoned request is complete and still reaches its assembly (14 days ahead)."""
    missing = reasoned_request_missing_fields(application)
    if missing:
        labels = ", ".join(str(Application._meta.get_field(name).verbose_name) for name in missing)
        return _("The request is not complete. Still missing: %(fields)s.") % {"fields": labels}
    return assembly_submission_problem(assembly=application.assembly, today=timezone.localdate())


def _all_criteria_met(application: Application) -> str | None:
    results = dict(application.assessments.values_list("criterion", "result"))
    not_met = [
        str(label)
        for code, label in Criterion.choices
        if results.get(code) != CriterionAssessment.Result.MET
    ]
    if not_met:
        return _(
            "The application can only be found eligible when every criterion is met. "
            "Not (yet) met: %(criteria)s"
        ) % {"criteria": "; ".join(not_met)}
    return None


# --- The application's table ----------------------------------------------------------------

TRANSITIONS = {
    (Status.INTEREST, Status.MEETING_SCHEDULED): Rule(who=staff, action="meeting_schedule"),
    (Status.MEETING_SCHEDULED, Status.MEETING_HELD): Rule(who=staff, action="meeting_held"),
    (Status.MEETING_HELD, Status.REQUEST_SUBMITTED): Rule(
        who=applicant, action="request_submit", check=_reasoned_request_ready
    ),
    (Status.CHANGES_REQUESTED, Status.REQUEST_SUBMITTED): Rule(
        who=applicant, action="request_resubmit", check=_reasoned_request_ready
    ),
    (Status.REQUEST_SUBMITTED, Status.UNDER_REVIEW): Rule(who=board, action="review_start"),
    (Status.UNDER_REVIEW, Status.CHANGES_REQUESTED): Rule(who=board, action="changes_request"),
    (Status.UNDER_REVIEW, Status.ELIGIBLE): Rule(
        who=board, action="eligible", check=_all_criteria_met
    ),
    (Status.UNDER_REVIEW, Status.NOT_ELIGIBLE): Rule(who=board, action="not_eligible"),
    (Status.ELIGIBLE, Status.ON_AGENDA): Rule(who=staff, action="agenda_place"),
    (Status.ON_AGENDA, Status.ELIGIBLE): (
        # Staff take it off the agenda (the assembly is postponed...).
        Rule(who=staff, action="agenda_remove"),
        # The assembly did not decide (no quorum, or never voted before the session closed):
        # the portal puts it back, with the reason, for a later assembly.
        Rule(who=system_only, action="agenda_return"),
    ),
    # The General Assembly's vote (its own workflow) decides; no person sets these by hand.
    (Status.ON_AGENDA, Status.ADMITTED): Rule(who=system_only, action="admitted"),
    (Status.ON_AGENDA, Status.REJECTED): Rule(who=system_only, action="rejected"),
    **{
        (state, Status.WITHDRAWN): Rule(who=applicant, action="withdraw")
        for state in Application.OPEN_STATES
    },
}

BOARD_DECISIONS = (Status.ELIGIBLE, Status.NOT_ELIGIBLE, Status.CHANGES_REQUESTED)


def board_decisions_open(*, application: Application, actor) -> list[str]:
    """The decisions the Board member ``actor`` may record now: only in the states where the
    table lets the Board decide (another rule may reach the same state, e.g. staff taking an
    application off an agenda puts it back to eligible: that is no Board decision)."""
    return [
        decision
        for decision in BOARD_DECISIONS
        if any(
            rule.who is board and rule.who(actor, application)
            for rule in rules_of(TRANSITIONS.get((application.status, decision), ()))
        )
    ]


# --- The member network's table -------------------------------------------------------------


# The network's own status after its admission (the assembly's vote makes it a member:
# application_decide). Staff change it from the admin's actions, never by editing the field.
def _admitted_before_the_portal(network) -> str | None:
    if network.applications.exists():
        return _("This network applied through the portal: the General Assembly's vote decides.")
    return None


NETWORK_TRANSITIONS = {
    (NetworkStatus.APPLICANT, NetworkStatus.MEMBER): Rule(
        who=staff, action="membership_record", check=_admitted_before_the_portal
    ),
    (NetworkStatus.MEMBER, NetworkStatus.SUSPENDED): Rule(who=staff, action="membership_suspend"),
    (NetworkStatus.SUSPENDED, NetworkStatus.MEMBER): Rule(who=staff, action="membership_reinstate"),
    (NetworkStatus.MEMBER, NetworkStatus.FORMER): Rule(who=staff, action="membership_end"),
    (NetworkStatus.SUSPENDED, NetworkStatus.FORMER): Rule(who=staff, action="membership_end"),
}


# --- What a complete reasoned request holds -------------------------------------------------

# The fields of the reasoned request (motivation letter + identity sheet) that the applicant
# fills in, files aside.
REASONED_REQUEST_FIELDS = [
    "legal_name",
    "legal_form",
    "registration_number",
    "head_office_address",
    "head_office_country",
    "date_founded",
    "wise_count",
    "sectors",
    "regions_covered",
    "representatives_info",
    "website",
    "adheres_to_statutes",
    "adheres_to_declaration",
    "adheres_to_internal_rules",
    "assembly",
]


def reasoned_request_missing_fields(application: Application) -> list[str]:
    """The parts of the reasoned request still to be given (field names)."""
    required = []
    for name in REASONED_REQUEST_FIELDS:
        if name == "website":  # optional; the two files follow the identity sheet
            required += ["motivation_letter", "statutes"]
        else:
            required.append(name)
    return [name for name in required if getattr(application, name) in (None, "", False)]
