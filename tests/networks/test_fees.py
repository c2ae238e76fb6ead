"""Recording a membership fee as paid, and taking it back: asked first, audited, staff only."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from assemblies.selectors import network_has_paid
from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from networks.fees.selectors import fee_for_payment_record
from networks.fees.services import membership_fee_mark_paid, membership_fee_mark_unpaid
from tests.factories import make_board_member, make_staff
from tests.networks.factories import MembershipFeeFactory

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2030, 2, 1)


def fee_list_url(year=2030):
    return f"{reverse('networks:fee_list')}?year={year}"


# --- The service ----------------------------------------------------------------------------


def test_marking_a_fee_unpaid_takes_the_vote_back_and_is_audited_like_the_payment():
    fee = MembershipFeeFactory(paid_on=PAID_ON)
    staff = make_staff()
    membership_fee_mark_unpaid(fee=fee, actor=staff)
    fee.refresh_from_db()
    assert fee.paid_on is None
    assert not network_has_paid(fee.network, 2030)
    entry = audit_trail(fee).get()
    assert (entry.action, entry.actor, entry.data) == (
        "fee_unpaid",
        staff,
        {"paid_on": "2030-02-01"},
    )


def test_paid_then_unpaid_then_paid_again_leaves_the_whole_story_in_the_audit():
    fee = MembershipFeeFactory()
    staff = make_staff()
    membership_fee_mark_paid(fee=fee, actor=staff, paid_on=PAID_ON)
    membership_fee_mark_unpaid(fee=fee, actor=staff)
    membership_fee_mark_paid(fee=fee, actor=staff, paid_on=PAID_ON)
    actions = list(audit_trail(fee).order_by("pk").values_list("action", flat=True))
    assert actions == ["fee_paid", "fee_unpaid", "fee_paid"]
    assert network_has_paid(fee.network, 2030)


def test_only_those_who_may_mark_paid_may_mark_unpaid():
    fee = MembershipFeeFactory(paid_on=PAID_ON)
    with pytest.raises(DomainError, match="not allowed"):
        membership_fee_mark_unpaid(fee=fee, actor=make_board_member())
    fee.refresh_from_db()
    assert fee.paid_on == PAID_ON
    assert not audit_trail(fee).exists()


def test_a_fee_that_is_not_paid_cannot_be_marked_unpaid():
    fee = MembershipFeeFactory()
    with pytest.raises(DomainError, match="not marked paid"):
        membership_fee_mark_unpaid(fee=fee, actor=make_staff())
    assert not audit_trail(fee).exists()


def test_a_fee_is_looked_up_only_for_those_who_may_record_its_payment():
    fee = MembershipFeeFactory()
    assert fee_for_payment_record(user=make_staff(), pk=fee.pk) == fee
    with pytest.raises(Http404):
        fee_for_payment_record(user=make_board_member(), pk=fee.pk)


# --- The pages ------------------------------------------------------------------------------


def test_the_fee_list_offers_to_mark_paid_or_unpaid_by_links_to_a_confirmation(client):
    unpaid = MembershipFeeFactory()
    paid = MembershipFeeFactory(paid_on=PAID_ON)
    client.force_login(make_staff())
    page = client.get(fee_list_url()).content.decode()
    assert f'href="{reverse("networks:fee_paid", args=[unpaid.pk])}"' in page
    assert f'href="{reverse("networks:fee_unpaid", args=[paid.pk])}"' in page
    assert reverse("networks:fee_unpaid", args=[unpaid.pk]) not in page
    assert reverse("networks:fee_paid", args=[paid.pk]) not in page


def test_mark_paid_asks_first_showing_the_network_year_and_amount(client):
    fee = MembershipFeeFactory(network__legal_name="Réseau Alpha", year=2030)
    client.force_login(make_staff())
    response = client.get(reverse("networks:fee_paid", args=[fee.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Réseau Alpha" in page
    assert "2030" in page
    assert "500.00 €" in page
    assert "Yes, mark it paid today" in page
    fee.refresh_from_db()
    assert fee.paid_on is None


def test_confirming_marks_the_fee_paid_today_with_a_message(client):
    fee = MembershipFeeFactory(network__legal_name="Réseau Alpha")
    client.force_login(make_staff())
    response = client.post(reverse("networks:fee_paid", args=[fee.pk]), follow=True)
    assert response.redirect_chain[-1][0] == fee_list_url()
    assert "The fee of Réseau Alpha for 2030 is marked paid." in response.content.decode()
    fee.refresh_from_db()
    assert fee.paid_on == timezone.localdate()


def test_mark_unpaid_asks_first_then_undoes_the_payment_with_a_message(client):
    fee = MembershipFeeFactory(network__legal_name="Réseau Alpha", paid_on=PAID_ON)
    staff = make_staff()
    client.force_login(staff)
    page = client.get(reverse("networks:fee_unpaid", args=[fee.pk])).content.decode()
    assert "Réseau Alpha" in page
    assert "Yes, mark it unpaid" in page
    fee.refresh_from_db()
    assert fee.paid_on == PAID_ON
    response = client.post(reverse("networks:fee_unpaid", args=[fee.pk]), follow=True)
    assert "The fee of Réseau Alpha for 2030 is marked unpaid." in response.content.decode()
    fee.refresh_from_db()
    assert fee.paid_on is None
    assert audit_trail(fee).get().actor == staff


def test_a_fee_already_paid_is_not_offered_to_be_paid_again(client):
    fee = MembershipFeeFactory(paid_on=PAID_ON)
    client.force_login(make_staff())
    page = client.get(reverse("networks:fee_paid", args=[fee.pk])).content.decode()
    assert "This fee is already marked paid." in page
    assert "Yes, mark it paid today" not in page
    response = client.post(reverse("networks:fee_paid", args=[fee.pk]), follow=True)
    assert "This fee was already marked paid on" in response.content.decode()
    fee.refresh_from_db()
    assert fee.paid_on == PAID_ON


def test_an_unpaid_fee_is_not_offered_to_be_marked_unpaid(client):
    fee = MembershipFeeFactory()
    client.force_login(make_staff())
    page = client.get(reverse("networks:fee_unpaid", args=[fee.pk])).content.decode()
    assert "This fee is not marked paid." in page
    assert "Yes, mark it unpaid" not in page
    response = client.post(reverse("networks:fee_unpaid", args=[fee.pk]), follow=True)
    assert "This fee is not marked paid." in response.content.decode()
    assert not audit_trail(fee).exists()


@pytest.mark.parametrize("name", ["networks:fee_paid", "networks:fee_unpaid"])
def test_board_members_can_neither_see_nor_use_the_fee_confirmations(client, name):
    fee = MembershipFeeFactory(paid_on=PAID_ON if name == "networks:fee_unpaid" else None)
    client.force_login(make_board_member())
    assert client.get(reverse(name, args=[fee.pk])).status_code == 403
    assert client.post(reverse(name, args=[fee.pk])).status_code == 403
    assert not audit_trail(fee).exists()


def test_an_unknown_fee_is_a_404(client):
    client.force_login(make_staff())
    assert client.get(reverse("networks:fee_unpaid", args=[999999])).status_code == 404


def test_the_confirmation_and_the_message_are_in_french_on_the_french_page(client):
    fee = MembershipFeeFactory(network__legal_name="Réseau Alpha", paid_on=PAID_ON)
    client.force_login(make_staff())
    with translation.override("fr"):
        url = reverse("networks:fee_unpaid", args=[fee.pk])
    page = client.get(url).content.decode()
    assert "Oui, la marquer comme non payée" in page
    response = client.post(url, follow=True)
    assert "La cotisation de Réseau Alpha pour 2030 est marquée comme non payée." in (
        response.content.decode()
    )


def test_the_admin_action_still_marks_the_selected_fees_paid(client):
    fee = MembershipFeeFactory()
    client.force_login(make_staff(is_superuser=True))
    client.post(
        reverse("admin:networks_membershipfee_changelist"),
        {"action": "mark_paid", "_selected_action": [fee.pk]},
    )
    fee.refresh_from_db()
    assert fee.paid_on == timezone.localdate()
    assert audit_trail(fee).get().action == "fee_paid"
