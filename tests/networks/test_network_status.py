"""A member network's status changes through audited staff actions in the admin (issue 12,
item 3), never by editing the field: suspend, reinstate, end the membership."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from networks.models import Network
from networks.services import network_status_change
from tests.factories import make_board_member, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    MemberNetworkFactory,
    MembershipFeeFactory,
    NetworkFactory,
)

pytestmark = pytest.mark.django_db
Status = Network.Status
CHANGELIST = reverse("admin:networks_network_changelist")


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff(is_superuser=True))
    return client


def act(client, action, networks, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [n.pk for n in networks], **extra},
    )


def test_suspending_asks_first_then_is_audited_with_the_reason(staff_client):
    network = MemberNetworkFactory(legal_name="Réseau Exemple")
    page = act(staff_client, "suspend", [network])
    assert page.status_code == 200
    assert "Suspend these member networks?" in page.content.decode()
    assert "Réseau Exemple" in page.content.decode()
    network.refresh_from_db()
    assert network.status == Status.MEMBER

    act(staff_client, "suspend", [network], confirm="yes", comment="Fees unpaid for 3 years")
    network.refresh_from_db()
    assert network.status == Status.SUSPENDED
    [entry] = audit_trail(network)
    assert (entry.from_state, entry.to_state, entry.comment) == (
        Status.MEMBER,
        Status.SUSPENDED,
        "Fees unpaid for 3 years",
    )
    assert entry.actor.is_staff


def test_reinstating_and_ending_a_membership(staff_client):
    network = MemberNetworkFactory(status=Status.SUSPENDED)
    act(staff_client, "reinstate", [network], confirm="yes")
    network.refresh_from_db()
    assert network.status == Status.MEMBER
    act(staff_client, "end_membership", [network], confirm="yes")
    network.refresh_from_db()
    assert network.status == Status.FORMER


def test_an_applicant_is_not_made_a_member_or_suspended_by_hand(staff_client):
    applicant = ApplicationFactory().network
    response = act(staff_client, "suspend", [applicant], confirm="yes")
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == Status.APPLICANT
    # It applied through the portal: the General Assembly's vote decides, not staff.
    with pytest.raises(DomainError, match="vote decides"):
        network_status_change(
            network=applicant,
            to=Status.MEMBER,
            actor=make_staff(),
            member_since=datetime.date(2019, 5, 1),
        )
    act(staff_client, "record_member", [applicant], confirm="yes", member_since="2019-05-01")
    applicant.refresh_from_db()
    assert applicant.status == Status.APPLICANT


def test_a_member_admitted_before_the_portal_is_recorded_with_its_date(client, staff_client):
    """ENSIE's members joined long before the portal: staff enter them in the admin, then
    record each as a member since the day its General Assembly admitted it (audited)."""
    network = NetworkFactory(status=Status.APPLICANT, legal_name="Réseau Ancien")
    page = act(staff_client, "record_member", [network]).content.decode()
    assert "Record these networks as members admitted before the portal?" in page
    assert 'name="member_since"' in page
    # No date, or one still to come: said on the page, nothing recorded, the reason kept.
    for day in ("", "2999-01-01"):
        page = act(
            staff_client,
            "record_member",
            [network],
            confirm="yes",
            member_since=day,
            comment="Founding member",
        ).content.decode()
        assert 'class="errorlist' in page
        assert "Founding member" in page
        network.refresh_from_db()
        assert network.status == Status.APPLICANT

    act(
        staff_client,
        "record_member",
        [network],
        confirm="yes",
        member_since="2008-06-12",
        comment="Founding member",
    )
    network.refresh_from_db()
    assert (network.status, network.member_since) == (Status.MEMBER, datetime.date(2008, 6, 12))
    [entry] = audit_trail(network)
    assert (entry.action, entry.comment) == ("membership_record", "Founding member")
    assert entry.data["member_since"] == "2008-06-12"
    assert "Réseau Ancien" in client.get(reverse("networks:directory")).content.decode()


def test_reinstating_is_not_a_way_to_make_an_applicant_a_member(staff_client):
    network = NetworkFactory(status=Status.APPLICANT)
    page = act(staff_client, "reinstate", [network], confirm="yes")
    assert page.status_code == 302
    network.refresh_from_db()
    assert network.status == Status.APPLICANT
    with pytest.raises(DomainError, match="record it with the day it was admitted"):
        network_status_change(network=network, to=Status.MEMBER, actor=make_staff())


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.MEMBER, Status.FORMER])
def test_recording_an_admission_leaves_a_member_or_former_member_as_it_was(staff_client, status):
    network = MemberNetworkFactory(status=status, member_since=datetime.date(2012, 5, 4))
    act(staff_client, "record_member", [network], confirm="yes", member_since="2019-05-01")
    network.refresh_from_db()
    assert (network.status, network.member_since) == (status, datetime.date(2012, 5, 4))
    assert not audit_trail(network).exists()


def test_only_staff_change_a_network_status():
    network = MemberNetworkFactory()
    with pytest.raises(DomainError, match="not allowed"):
        network_status_change(network=network, to=Status.SUSPENDED, actor=make_board_member())


def test_the_status_and_fee_payments_cannot_be_typed_in_the_admin_form(staff_client):
    network = MemberNetworkFactory()
    MembershipFeeFactory(network=network)
    url = reverse("admin:networks_network_change", args=[network.pk])
    form = staff_client.get(url).content.decode()
    assert 'name="status"' not in form
    assert 'name="member_since"' not in form
    assert 'name="fees-0-amount_due"' in form
    assert 'name="fees-0-paid_on"' not in form
