"""Where users tripped on the membership pages (issue 13, item 14 a to d): the Board decision
form after the decision, the applicant's list of assemblies, the fee calculator for countries
outside Europe, and opening a fee year that has no schedule."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from networks.fees.services import membership_fees_create_for_year
from networks.forms import ReasonedRequestForm
from networks.models import Application, FeeSchedule, MembershipFee
from networks.services import application_board_decide
from tests.factories import make_board_member, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    MemberNetworkFactory,
    assess_all,
    fee_schedule,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


# --- (a) the Board decision form only where the Board decides -----------------------------------


def on_agenda_application():
    application = ApplicationFactory(status=Status.ON_AGENDA)
    fill_reasoned_request(application)
    assess_all(application)
    return application


@pytest.mark.parametrize(
    "who",
    [
        "staff",
        "board member who is staff",
        "board member",
    ],
)
def test_the_decision_form_is_not_shown_once_the_application_is_on_an_agenda(client, who):
    application = on_agenda_application()
    user = {
        "staff": make_staff,
        "board member who is staff": lambda: make_board_member(is_staff=True),
        "board member": make_board_member,
    }[who]()
    client.force_login(user)
    page = client.get(reverse("networks:board_application", args=[application.pk])).content
    assert b"Record the decision" not in page
    assert reverse("networks:board_decide", args=[application.pk]).encode() not in page


def test_the_decision_form_is_shown_while_the_board_reviews(client):
    application = ApplicationFactory(status=Status.UNDER_REVIEW)
    client.force_login(make_board_member())
    page = client.get(reverse("networks:board_application", args=[application.pk])).content
    assert b"Record the decision" in page


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("staff", "not allowed"), ("board member who is staff", "while it reviews")],
)
def test_a_decision_posted_on_an_application_on_an_agenda_changes_nothing(client, who, refusal):
    application = on_agenda_application()
    user = make_staff() if who == "staff" else make_board_member(is_staff=True)
    with pytest.raises(DomainError, match=refusal):
        application_board_decide(application=application, actor=user, decision=Status.ELIGIBLE)
    client.force_login(user)
    client.post(reverse("networks:board_decide", args=[application.pk]), {"decision": "eligible"})
    application.refresh_from_db()
    assert application.status == Status.ON_AGENDA


# --- (b) the applicant is offered only assemblies still open to requests ------------------------


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC), tick=False)
def test_the_request_form_offers_only_assemblies_whose_deadline_has_not_passed():
    too_soon = GeneralAssemblyFactory(title="Too soon", date=datetime.date(2026, 12, 17))
    last_day = GeneralAssemblyFactory(title="Last day today", date=datetime.date(2026, 12, 18))
    later = GeneralAssemblyFactory(title="Later", date=datetime.date(2027, 3, 1))
    offered = set(ReasonedRequestForm().fields["assembly"].queryset)
    assert offered == {last_day, later}
    assert too_soon not in offered


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC), tick=False)
def test_the_request_page_explains_a_draft_whose_assembly_can_no_longer_be_reached(client):
    application = ApplicationFactory(status=Status.MEETING_HELD)
    too_soon = GeneralAssemblyFactory(title="Too soon", date=datetime.date(2026, 12, 17))
    Application.objects.filter(pk=application.pk).update(assembly=too_soon)
    client.force_login(application.network.representative_links.get().user)
    page = client.get(reverse("networks:reasoned_request", args=[application.pk])).content
    select = page.decode().split('name="assembly"', 1)[1].split("</select>", 1)[0]
    assert "Too soon" not in select
    assert b"deadline has passed" in page


# --- (c) the fee calculator says that networks outside Europe cannot join -------------------


def test_the_fee_calculator_says_a_country_outside_europe_cannot_join(client):
    fee_schedule(timezone.localdate().year)
    page = client.get(reverse("networks:join"), {"country": "US", "wise_count": "20"}).content
    text = page.decode()
    assert "cannot join ENSIE" in text
    assert "head office" in text
    assert "Annual fee:" not in text


def test_the_fee_calculator_quotes_a_european_country(client, settings):
    settings.ENSIE_EUROPE_COUNTRIES = ["BE", "FR", "US"]
    fee_schedule(timezone.localdate().year)
    page = client.get(reverse("networks:join"), {"country": "US", "wise_count": "20"}).content
    assert b"Annual fee:" in page
    assert b"cannot join ENSIE" not in page


# --- (d) opening a fee year without a schedule ---------------------------------------------


def test_opening_a_year_without_its_schedule_is_refused_by_the_service():
    fee_schedule(2031)
    MemberNetworkFactory()
    with pytest.raises(DomainError, match="No fee schedule exists for 2032"):
        membership_fees_create_for_year(year=2032, actor=make_staff())
    assert not MembershipFee.objects.exists()
    assert not FeeSchedule.objects.filter(year=2032).exists()


def test_the_fee_list_says_the_year_has_no_schedule(client):
    fee_schedule(2031)
    client.force_login(make_staff())
    page = client.get(reverse("networks:fee_list"), {"year": 2032}).content.decode()
    assert "No fee schedule exists for 2032" in page


def test_staff_confirm_copying_last_years_schedule_before_the_records_are_made(client):
    fee_schedule(2031, is_example=True)
    network = MemberNetworkFactory(country="FR", wise_count=11)
    staff = make_staff()
    client.force_login(staff)
    url = reverse("networks:fee_year_open")

    asked = client.post(url, {"year": "2032"}, follow=True)
    text = asked.content.decode()
    assert "No fee schedule exists for 2032" in text
    assert "Copy the 2031 schedule" in text
    assert reverse("admin:networks_feeschedule_add") in text
    assert not MembershipFee.objects.exists()

    client.post(url, {"year": "2032", "copy_previous": "on"})

    copy = FeeSchedule.objects.get(year=2032)
    assert copy.is_example is True
    assert [g.name for g in copy.groups.all()] == ["A", "B"]
    assert [(b.min_wises, b.max_wises) for b in copy.bands.all()] == [
        (1, 10),
        (11, 50),
        (51, None),
    ]
    assert MembershipFee.objects.get(network=network, year=2032).amount_due == Decimal("1000")
    entry = audit_trail(copy).get()
    assert (entry.action, entry.actor, entry.data) == (
        "fee_schedule_copy",
        staff,
        {"from_year": 2031},
    )


def test_with_no_schedule_at_all_staff_are_sent_to_create_one(client):
    MemberNetworkFactory()
    client.force_login(make_staff())
    page = client.post(reverse("networks:fee_year_open"), {"year": "2032"}, follow=True).content
    assert b"No fee schedule exists for 2032" in page
    assert b"Copy the" not in page
    assert reverse("admin:networks_feeschedule_add").encode() in page
    assert not MembershipFee.objects.exists()
