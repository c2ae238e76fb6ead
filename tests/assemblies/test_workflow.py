"""The assembly's life: convocation, session, attendance, agenda, and what an outcome does."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from assemblies import services
from assemblies.models import AgendaItem, Attendance, Convocation, GeneralAssembly
from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, MembershipFee, Network
from tests.assemblies.factories import (
    AssemblyInSessionFactory,
    MotionFactory,
    adhesion_item,
    member,
)
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db
AssemblyStatus = GeneralAssembly.Status
VoteState = AgendaItem.VoteState
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff():
    return make_staff()


def planned(date, **kwargs):
    return GeneralAssemblyFactory(date=date, chair=make_board_member(), **kwargs)


def with_motion(assembly):
    """``assembly`` with a motion on its agenda (an empty agenda needs its own confirmation)."""
    MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    return assembly


# --- Convocation ----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_staff_convene_every_member_representative_in_their_language_with_the_agenda(staff):
    assembly = planned(datetime.date(2027, 5, 1))
    french = UserFactory(preferred_language="fr")
    _fr_network, _ = member(assembly, country="FR", present=False, representative=french)
    _be_network, english = member(assembly, country="BE", present=False, paid=False)
    applicant = ApplicationFactory()
    fill_reasoned_request(applicant, assembly=assembly)
    Application.objects.filter(pk=applicant.pk).update(status=Application.Status.ON_AGENDA)
    services.agenda_motion_add(assembly=assembly, actor=staff, title="Budget 2027")

    services.assembly_convene(assembly=assembly, actor=staff)

    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CONVENED
    mails = {mail.to_email: mail for mail in OutgoingMail.objects.all()}
    assert set(mails) == {french.email, english.email}
    assert mails[french.email].language == "fr"
    assert mails[french.email].subject.startswith("Convocation")
    assert "Ordre du jour" in mails[french.email].body_text
    assert "Budget 2027" in mails[english.email].body_text
    assert f"Adhesion of {applicant.network.legal_name}" in mails[english.email].body_text
    convocation = Convocation.objects.get()
    assert (convocation.recipients, convocation.late, convocation.sent_by) == (2, False, staff)


@time_machine.travel(NOW, tick=False)
def test_convening_exactly_one_month_ahead_needs_no_confirmation(staff):
    assembly = with_motion(planned(datetime.date(2027, 4, 1)))
    services.assembly_convene(assembly=assembly, actor=staff)
    assert Convocation.objects.get().late is False


@time_machine.travel(NOW, tick=False)
def test_convening_less_than_one_month_ahead_is_refused_without_confirmation(staff):
    assembly = planned(datetime.date(2027, 3, 31))
    with pytest.raises(DomainError, match="at least one month ahead"):
        services.assembly_convene(assembly=assembly, actor=staff)
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.PLANNED
    assert not Convocation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_confirmed_late_convocation_is_sent_and_recorded_as_late(staff):
    assembly = with_motion(planned(datetime.date(2027, 3, 31)))
    member(assembly, present=False)
    services.assembly_convene(assembly=assembly, actor=staff, confirm_late=True)
    assert Convocation.objects.get().late is True
    entry = audit_trail(assembly).get(action="assembly_convene")
    assert entry.data == {"late": True, "days_before": 30, "empty_agenda": False}
    assert entry.actor == staff
    assert OutgoingMail.objects.count() == 1


def test_one_month_before_the_31st_is_the_last_day_of_the_shorter_month():
    from assemblies.selectors import one_month_before

    assert one_month_before(datetime.date(2027, 3, 31)) == datetime.date(2027, 2, 28)
    assert one_month_before(datetime.date(2027, 1, 15)) == datetime.date(2026, 12, 15)


def test_only_staff_convene(staff):
    assembly = planned(timezone.localdate() + datetime.timedelta(days=60))
    with pytest.raises(DomainError, match="not allowed"):
        services.assembly_convene(assembly=assembly, actor=assembly.chair)


def test_an_assembly_without_a_chair_cannot_be_convened(staff):
    assembly = GeneralAssemblyFactory(date=timezone.localdate() + datetime.timedelta(days=60))
    with pytest.raises(DomainError, match="chair"):
        services.assembly_convene(assembly=assembly, actor=staff)


def test_an_assembly_is_convened_once(staff):
    assembly = with_motion(planned(timezone.localdate() + datetime.timedelta(days=60)))
    services.assembly_convene(assembly=assembly, actor=staff)
    with pytest.raises(DomainError, match="cannot be done now"):
        services.assembly_convene(assembly=assembly, actor=staff)


# --- Session --------------------------------------------------------------------------------


def test_the_chair_opens_and_closes_the_session():
    assembly = planned(timezone.localdate(), status=AssemblyStatus.CONVENED)
    services.assembly_session_open(assembly=assembly, actor=assembly.chair)
    assert assembly.status == AssemblyStatus.IN_SESSION
    services.assembly_session_close(assembly=assembly, actor=assembly.chair)
    assert assembly.status == AssemblyStatus.CLOSED


@pytest.mark.parametrize(
    "status", [AssemblyStatus.PLANNED, AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED]
)
def test_a_session_opens_only_once_convened(status):
    assembly = planned(timezone.localdate(), status=status)
    with pytest.raises(DomainError, match="cannot be done now"):
        services.assembly_session_open(assembly=assembly, actor=assembly.chair)


@pytest.mark.parametrize(
    "status", [AssemblyStatus.PLANNED, AssemblyStatus.CONVENED, AssemblyStatus.CLOSED]
)
def test_only_a_session_in_progress_closes(status):
    assembly = planned(timezone.localdate(), status=status)
    with pytest.raises(DomainError, match="cannot be done now"):
        services.assembly_session_close(assembly=assembly, actor=assembly.chair)


def test_only_the_chair_opens_the_session(staff):
    assembly = planned(timezone.localdate(), status=AssemblyStatus.CONVENED)
    with pytest.raises(DomainError, match="not allowed"):
        services.assembly_session_open(assembly=assembly, actor=staff)


def test_the_session_cannot_close_while_a_vote_is_open():
    motion = MotionFactory()
    with pytest.raises(DomainError, match="Close every open vote"):
        services.assembly_session_close(assembly=motion.assembly, actor=motion.assembly.chair)


# --- Attendance -----------------------------------------------------------------------------


def test_the_chair_records_attendance_in_session():
    assembly = AssemblyInSessionFactory()
    first, _ = member(assembly, present=False)
    second, _ = member(assembly)
    services.attendance_record(assembly=assembly, actor=assembly.chair, present={first.pk})
    assert set(Attendance.objects.values_list("network_id", flat=True)) == {first.pk}
    assert Attendance.objects.get().recorded_by == assembly.chair
    assert second.pk not in Attendance.objects.values_list("network_id", flat=True)


def test_attendance_is_for_member_networks_only():
    assembly = AssemblyInSessionFactory()
    applicant = ApplicationFactory().network
    with pytest.raises(DomainError, match="Only member networks"):
        services.attendance_record(assembly=assembly, actor=assembly.chair, present={applicant.pk})


def test_only_the_chair_records_attendance(staff):
    assembly = AssemblyInSessionFactory()
    network, _ = member(assembly, present=False)
    with pytest.raises(DomainError, match="not allowed"):
        services.attendance_record(assembly=assembly, actor=staff, present={network.pk})


def test_attendance_is_recorded_only_in_session():
    assembly = planned(timezone.localdate(), status=AssemblyStatus.CONVENED)
    network, user = member(assembly, present=False)
    with pytest.raises(DomainError, match="in session"):
        services.attendance_record(assembly=assembly, actor=assembly.chair, present={network.pk})
    with pytest.raises(DomainError, match="in session"):
        services.attendance_check_in(assembly=assembly, network=network, actor=user)


def test_a_representative_checks_their_network_in_once():
    assembly = AssemblyInSessionFactory()
    network, user = member(assembly, present=False)
    services.attendance_check_in(assembly=assembly, network=network, actor=user)
    services.attendance_check_in(assembly=assembly, network=network, actor=user)
    attendance = Attendance.objects.get()
    assert (attendance.network, attendance.self_checked_in) == (network, True)


def test_a_representative_cannot_check_in_another_network():
    assembly = AssemblyInSessionFactory()
    network, _ = member(assembly, present=False)
    _other, other_user = member(assembly, present=False)
    with pytest.raises(DomainError, match="not allowed"):
        services.attendance_check_in(assembly=assembly, network=network, actor=other_user)


# --- Agenda ---------------------------------------------------------------------------------


def test_the_agenda_follows_the_applications_placed_on_the_assembly(staff):
    assembly = planned(timezone.localdate() + datetime.timedelta(days=60))
    application = ApplicationFactory()
    fill_reasoned_request(application, assembly=assembly)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ON_AGENDA)
    services.agenda_sync(assembly=assembly)
    services.agenda_sync(assembly=assembly)
    item = AgendaItem.objects.get()
    assert (item.kind, item.application) == (AgendaItem.Kind.ADHESION, application)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ELIGIBLE)
    services.agenda_sync(assembly=assembly)
    assert not AgendaItem.objects.exists()


def test_staff_add_a_two_thirds_motion_and_change_the_majority_until_the_vote_opens(staff):
    assembly = AssemblyInSessionFactory()
    item = services.agenda_motion_add(
        assembly=assembly, actor=staff, title="Exclusion of X", majority="two_thirds"
    )
    services.agenda_item_majority_set(item=item, actor=staff, majority="simple")
    services.assembly_vote_open(item=item, actor=assembly.chair)
    with pytest.raises(DomainError, match="once the vote has opened"):
        services.agenda_item_majority_set(item=item, actor=staff, majority="two_thirds")


def test_staff_remove_a_motion_not_yet_voted_on(staff):
    assembly = AssemblyInSessionFactory()
    item = services.agenda_motion_add(assembly=assembly, actor=staff, title="Budget")
    services.agenda_motion_delete(item=item, actor=staff)
    assert not AgendaItem.objects.exists()
    voted = MotionFactory(assembly=assembly)
    with pytest.raises(DomainError, match="Only a motion whose vote has not opened"):
        services.agenda_motion_delete(item=voted, actor=staff)


def test_only_staff_edit_the_agenda():
    assembly = AssemblyInSessionFactory()
    with pytest.raises(DomainError, match="not allowed"):
        services.agenda_motion_add(assembly=assembly, actor=assembly.chair, title="Budget")


# --- What the outcome of an adhesion vote does ----------------------------------------------


def vote(item, rows):
    for country, choice in rows:
        network, user = member(item.assembly, country=country)
        services.assembly_vote_cast(item=item, network=network, actor=user, choice=choice)


def test_an_adopted_adhesion_admits_the_network_from_that_day_with_its_fee_and_a_welcome():
    assembly = AssemblyInSessionFactory()
    item = adhesion_item(assembly)
    vote(item, [("FR", "yes"), ("BE", "yes"), ("HU", "no")])
    services.assembly_vote_close(item=item, actor=assembly.chair)
    application = Application.objects.get(pk=item.application_id)
    network = Network.objects.get(pk=application.network_id)
    assert application.status == Application.Status.ADMITTED
    assert (network.status, network.member_since) == (Network.Status.MEMBER, timezone.localdate())
    assert MembershipFee.objects.filter(network=network, year=timezone.localdate().year).exists()
    representative = network.representative_links.get().user
    welcome = OutgoingMail.objects.get(to_email=representative.email)
    assert welcome.subject == "Welcome to ENSIE!"


def test_a_rejected_adhesion_rejects_the_application_and_tells_the_applicant():
    assembly = AssemblyInSessionFactory()
    item = adhesion_item(assembly)
    vote(item, [("FR", "yes"), ("BE", "no")])
    services.assembly_vote_close(item=item, actor=assembly.chair)
    application = Application.objects.get(pk=item.application_id)
    assert application.status == Application.Status.REJECTED
    assert application.network.status == Network.Status.APPLICANT
    representative = application.network.representative_links.get().user
    assert OutgoingMail.objects.filter(to_email=representative.email).count() == 1


def test_an_adhesion_vote_without_quorum_puts_the_application_back_to_eligible():
    """The assembly could not decide: the application waits for a later one (emails and audit:
    tests/assemblies/test_edges.py)."""
    assembly = AssemblyInSessionFactory()
    item = adhesion_item(assembly)
    vote(item, [("FR", "yes")])
    for country in ("BE", "HU"):
        member(assembly, country=country, present=False)
    services.assembly_vote_close(item=item, actor=assembly.chair)
    item.refresh_from_db()
    assert item.outcome == "no_quorum"
    assert Application.objects.get(pk=item.application_id).status == Application.Status.ELIGIBLE


def test_a_vote_on_an_application_taken_off_the_agenda_does_not_open():
    assembly = AssemblyInSessionFactory()
    item = adhesion_item(assembly, vote_state=VoteState.NOT_OPEN)
    Application.objects.filter(pk=item.application_id).update(status=Application.Status.ELIGIBLE)
    with pytest.raises(DomainError, match="no longer on the agenda"):
        services.assembly_vote_open(item=item, actor=assembly.chair)
