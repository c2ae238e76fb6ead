"""The application's transition table: every allowed and every forbidden transition."""

import itertools

import pytest

from ensie_portal.accounts import roles
from ensie_portal.core.errors import TransitionNotAllowed
from ensie_portal.core.workflow import audit_trail, rules_of, system_only, transition
from networks.models import Application
from networks.transitions import TRANSITIONS
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import ApplicationFactory, assess_all, fill_reasoned_request

Status = Application.Status
ACTOR_KINDS = ["staff", "board", "applicant", "other_applicant", "system"]
WHO = {
    roles.is_staff: "staff",
    roles.is_board_member: "board",
    roles.represents_applicant: "applicant",
    system_only: "system",
}
ALLOWED = sorted(TRANSITIONS, key=str)
FORBIDDEN = [
    pair for pair in itertools.product(Status.values, Status.values) if pair not in TRANSITIONS
]


@pytest.fixture
def ready_application(db):
    """An application whose request is complete and whose criteria are all met."""

    def _make(status):
        applicant = UserFactory()
        application = ApplicationFactory(status=status, representative=applicant)
        fill_reasoned_request(application)
        assess_all(application)
        return application, applicant

    return _make


def actor_of(kind, applicant):
    if kind == "staff":
        return make_staff()
    if kind == "board":
        return make_board_member()
    if kind == "applicant":
        return applicant
    if kind == "other_applicant":
        return ApplicationFactory().network.representative_links.get().user
    return None


def test_an_application_goes_back_from_the_agenda_by_staff_or_by_the_system_each_named():
    rules = rules_of(TRANSITIONS[(Status.ON_AGENDA, Status.ELIGIBLE)])
    assert {(WHO[rule.who], rule.action) for rule in rules} == {
        ("staff", "agenda_remove"),
        ("system", "agenda_return"),
    }


def test_the_table_names_exactly_the_documented_transitions():
    assert set(TRANSITIONS) == {
        (Status.INTEREST, Status.MEETING_SCHEDULED),
        (Status.MEETING_SCHEDULED, Status.MEETING_HELD),
        (Status.MEETING_HELD, Status.REQUEST_SUBMITTED),
        (Status.REQUEST_SUBMITTED, Status.UNDER_REVIEW),
        (Status.UNDER_REVIEW, Status.CHANGES_REQUESTED),
        (Status.CHANGES_REQUESTED, Status.REQUEST_SUBMITTED),
        (Status.UNDER_REVIEW, Status.ELIGIBLE),
        (Status.UNDER_REVIEW, Status.NOT_ELIGIBLE),
        (Status.ELIGIBLE, Status.ON_AGENDA),
        (Status.ON_AGENDA, Status.ELIGIBLE),
        (Status.ON_AGENDA, Status.ADMITTED),
        (Status.ON_AGENDA, Status.REJECTED),
        *((state, Status.WITHDRAWN) for state in Application.OPEN_STATES),
    }


@pytest.mark.parametrize(("source", "target"), ALLOWED)
@pytest.mark.parametrize("kind", ACTOR_KINDS)
def test_allowed_transition_only_for_the_actor_the_table_names(
    ready_application, source, target, kind
):
    application, applicant = ready_application(source)
    actor = actor_of(kind, applicant)
    if kind in {WHO[rule.who] for rule in rules_of(TRANSITIONS[(source, target)])}:
        transition(obj=application, to=target, actor=actor, transitions=TRANSITIONS, comment="ok")
        application.refresh_from_db()
        assert application.status == target
        entry = audit_trail(application).last()
        assert (entry.from_state, entry.to_state, entry.comment) == (source, target, "ok")
        assert entry.actor == (actor if kind != "system" else None)
    else:
        with pytest.raises(TransitionNotAllowed):
            transition(obj=application, to=target, actor=actor, transitions=TRANSITIONS)
        application.refresh_from_db()
        assert application.status == source
        assert not audit_trail(application).exists()


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_transition_missing_from_the_table_is_refused_even_to_a_user_with_every_role(
    ready_application, source, target
):
    application, _applicant = ready_application(source)
    everyone = make_board_member(is_staff=True)
    application.network.representative_links.create(user=everyone)
    with pytest.raises(TransitionNotAllowed, match="cannot be done now"):
        transition(obj=application, to=target, actor=everyone, transitions=TRANSITIONS)
    with pytest.raises(TransitionNotAllowed):
        transition(obj=application, to=target, actor=None, transitions=TRANSITIONS)
    application.refresh_from_db()
    assert application.status == source
