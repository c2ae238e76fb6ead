"""ENSIE's voting rules on the real models: who may vote, when, and what the outcome is."""

from decimal import Decimal

import pytest

from assemblies.models import AgendaItem, Attendance, GeneralAssembly, Vote
from assemblies.services import (
    assembly_vote_cast,
    assembly_vote_close,
    assembly_vote_open,
)
from ensie_portal.core.errors import DomainError
from tests.assemblies.factories import AssemblyInSessionFactory, MotionFactory, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
VoteState = AgendaItem.VoteState


@pytest.fixture
def assembly():
    return AssemblyInSessionFactory()


@pytest.fixture
def motion(assembly):
    return MotionFactory(assembly=assembly)


def close(item):
    return assembly_vote_close(item=item, actor=item.assembly.chair)


# --- Who may vote ---------------------------------------------------------------------------


def test_a_present_paid_member_votes_for_its_network(assembly, motion):
    network, user = member(assembly)
    vote = assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")
    assert (vote.network, vote.choice, vote.cast_by) == (network, "yes", user)


def test_a_member_that_has_not_paid_its_fee_cannot_vote(assembly, motion):
    network, user = member(assembly, paid=False)
    with pytest.raises(DomainError, match="paid their annual fee"):
        assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")
    assert not Vote.objects.exists()


def test_a_fee_paid_for_another_year_does_not_give_the_vote(assembly, motion):
    network, user = member(assembly, paid=False)
    network.fees.create(year=assembly.date.year - 1, paid_on=assembly.date.replace(month=1, day=1))
    with pytest.raises(DomainError, match="paid their annual fee"):
        assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")


def test_an_absent_network_cannot_vote(assembly, motion):
    network, user = member(assembly, present=False)
    with pytest.raises(DomainError, match="not recorded as present"):
        assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")


def test_an_applicant_network_cannot_vote(assembly, motion):
    network, user = member(assembly)
    network.status = network.Status.APPLICANT
    network.save()
    with pytest.raises(DomainError, match="Only member networks vote"):
        assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")


def test_a_representative_cannot_vote_for_another_network(assembly, motion):
    network, _user = member(assembly)
    _other, other_user = member(assembly)
    with pytest.raises(DomainError, match="not allowed"):
        assembly_vote_cast(item=motion, network=network, actor=other_user, choice="yes")


@pytest.mark.parametrize("state", [VoteState.NOT_OPEN, VoteState.CLOSED])
def test_a_vote_outside_the_open_window_is_refused(assembly, state):
    item = MotionFactory(assembly=assembly, vote_state=state)
    network, user = member(assembly)
    with pytest.raises(DomainError, match="not open"):
        assembly_vote_cast(item=item, network=network, actor=user, choice="yes")
    assert not Vote.objects.exists()


def test_a_vote_after_the_close_is_refused(assembly, motion):
    network, user = member(assembly)
    assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")
    close(motion)
    with pytest.raises(DomainError, match="not open"):
        assembly_vote_cast(item=motion, network=network, actor=user, choice="no")
    assert Vote.objects.get().choice == "yes"


def test_an_unknown_choice_is_refused(assembly, motion):
    network, user = member(assembly)
    with pytest.raises(DomainError, match="yes, no or abstain"):
        assembly_vote_cast(item=motion, network=network, actor=user, choice="maybe")


def test_a_network_changes_its_vote_until_the_close_and_counts_once(assembly, motion):
    network, user = member(assembly)
    colleague = UserFactory()
    network.representative_links.create(user=colleague)
    assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")
    assembly_vote_cast(item=motion, network=network, actor=colleague, choice="no")
    vote = Vote.objects.get()
    assert (vote.choice, vote.cast_by) == ("no", colleague)
    close(motion)
    motion.refresh_from_db()
    assert motion.totals["no"] == 1
    assert motion.totals["yes"] == 0


# --- Outcomes -------------------------------------------------------------------------------


def cast(item, *rows):
    """rows: (country, choice) for networks that vote; each a present, paid member."""
    for country, choice in rows:
        network, user = member(item.assembly, country=country)
        assembly_vote_cast(item=item, network=network, actor=user, choice=choice)


def test_networks_of_one_country_that_disagree_give_a_blank_vote(assembly, motion):
    cast(motion, ("FR", "yes"), ("FR", "no"), ("BE", "yes"))
    close(motion)
    motion.refresh_from_db()
    assert motion.country_breakdown == {"BE": "yes", "FR": "blank"}
    assert motion.totals == {"yes": 1, "no": 0, "abstain": 0, "blank": 1}
    assert motion.network_totals == {"yes": 2, "no": 1, "abstain": 0}
    assert motion.outcome == "adopted"


def test_networks_of_one_country_that_agree_give_one_voice(assembly, motion):
    cast(motion, ("FR", "no"), ("FR", "no"), ("BE", "yes"), ("HU", "yes"))
    close(motion)
    motion.refresh_from_db()
    assert motion.totals["no"] == 1
    assert motion.totals["yes"] == 2
    assert motion.outcome == "adopted"


def test_missing_the_quorum_gives_no_quorum(assembly, motion):
    cast(motion, ("FR", "yes"))
    for country in ("BE", "HU", "RO"):
        member(assembly, country=country, present=False)
    close(motion)
    motion.refresh_from_db()
    assert (motion.quorum_met, motion.outcome) == (False, "no_quorum")
    assert (motion.eligible_countries, motion.present_countries) == (4, 1)


def test_unpaid_members_do_not_count_in_the_quorum(assembly, motion):
    cast(motion, ("FR", "yes"))
    member(assembly, country="BE", present=False)
    for country in ("HU", "RO"):
        member(assembly, country=country, paid=False, present=False)
    close(motion)
    motion.refresh_from_db()
    assert motion.eligible_countries == 2
    assert motion.outcome == "adopted"


def test_the_assemblys_quorum_share_applies(assembly, motion):
    GeneralAssembly.objects.filter(pk=assembly.pk).update(quorum_share=Decimal("0.75"))
    cast(motion, ("FR", "yes"), ("BE", "yes"))
    member(assembly, country="HU", present=False)
    close(motion)
    motion.refresh_from_db()
    assert motion.outcome == "no_quorum"


def test_a_tie_is_rejected(assembly, motion):
    cast(motion, ("FR", "yes"), ("BE", "no"), ("HU", "abstain"))
    close(motion)
    motion.refresh_from_db()
    assert motion.outcome == "rejected"


@pytest.mark.parametrize(
    ("rows", "outcome"),
    [
        ([("FR", "yes"), ("BE", "yes"), ("HU", "no")], "adopted"),
        ([("FR", "yes"), ("BE", "yes"), ("HU", "yes"), ("RO", "no"), ("ES", "no")], "rejected"),
    ],
)
def test_the_two_thirds_option(assembly, rows, outcome):
    item = MotionFactory(assembly=assembly, majority="two_thirds")
    cast(item, *rows)
    close(item)
    item.refresh_from_db()
    assert item.outcome == outcome


def test_a_network_that_left_before_the_close_is_not_counted(assembly, motion):
    network, user = member(assembly, country="FR")
    assembly_vote_cast(item=motion, network=network, actor=user, choice="no")
    cast(motion, ("BE", "yes"))
    Attendance.objects.filter(network=network).delete()
    close(motion)
    motion.refresh_from_db()
    assert motion.country_breakdown == {"BE": "yes"}
    assert motion.outcome == "adopted"


# --- Only the chair opens and closes --------------------------------------------------------


def test_only_the_chair_opens_a_vote(assembly):
    item = MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    _network, representative = member(assembly)
    for intruder in (representative, UserFactory(is_staff=True)):
        with pytest.raises(DomainError, match="not allowed"):
            assembly_vote_open(item=item, actor=intruder)
    assembly_vote_open(item=item, actor=assembly.chair)
    item.refresh_from_db()
    assert item.vote_state == VoteState.OPEN
    assert item.opened_at is not None


def test_only_the_chair_closes_a_vote(assembly, motion):
    with pytest.raises(DomainError, match="not allowed"):
        assembly_vote_close(item=motion, actor=UserFactory(is_staff=True))
    close(motion)
    motion.refresh_from_db()
    assert motion.vote_state == VoteState.CLOSED


def test_a_vote_opens_only_while_the_assembly_is_in_session(assembly):
    item = MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    GeneralAssembly.objects.filter(pk=assembly.pk).update(status=GeneralAssembly.Status.CONVENED)
    with pytest.raises(DomainError, match="in session"):
        assembly_vote_open(item=item, actor=assembly.chair)


def open_vote(item):
    return assembly_vote_open(item=item, actor=item.assembly.chair)


@pytest.mark.parametrize(
    ("state", "action"),
    [(VoteState.OPEN, open_vote), (VoteState.CLOSED, open_vote), (VoteState.CLOSED, close)],
)
def test_forbidden_vote_transitions(assembly, state, action):
    item = MotionFactory(assembly=assembly, vote_state=state)
    with pytest.raises(DomainError, match="cannot be done now"):
        action(item)


def test_a_vote_not_yet_open_cannot_be_closed(assembly):
    item = MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    with pytest.raises(DomainError, match="cannot be done now"):
        close(item)
