"""Where users tripped on the General Assembly (issue 13, items 11, 12, 13, 14 e and f): the
14-day rule when staff place an application, opening the session on the day, what a vote
without quorum and a session closed with items never voted do, an empty convocation, and the
chair's attendance under the automatic reload."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from assemblies import services
from assemblies.models import AgendaItem, Attendance, GeneralAssembly
from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, Network
from networks.services import application_agenda_place
from tests.assemblies.factories import (
    AssemblyInSessionFactory,
    MotionFactory,
    adhesion_item,
    member,
)
from tests.factories import make_board_member, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
AssemblyStatus = GeneralAssembly.Status
ApplicationStatus = Application.Status
VoteState = AgendaItem.VoteState


def brussels(year, month, day, hour=12, minute=0):
    """An aware datetime at that Brussels wall-clock time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


# --- Item 11: the 14-day rule when staff place an application --------------------------------


def eligible_requested_on(day: datetime.datetime) -> Application:
    application = ApplicationFactory(status=ApplicationStatus.ELIGIBLE)
    Application.objects.filter(pk=application.pk).update(submitted_at=day)
    application.refresh_from_db()
    return application


@time_machine.travel(brussels(2026, 12, 5), tick=False)
def test_placing_a_request_less_than_14_days_before_the_assembly_is_refused_naming_good_ones():
    application = eligible_requested_on(brussels(2026, 12, 4, 16))
    december = GeneralAssemblyFactory(title="December assembly", date=datetime.date(2026, 12, 17))
    GeneralAssemblyFactory(title="January assembly", date=datetime.date(2027, 1, 20))

    with pytest.raises(DomainError) as refused:
        application_agenda_place(application=application, actor=make_staff(), assembly=december)

    message = str(refused.value)
    assert "at least 14 days before" in message
    qualifying = message.split("It can be placed on", 1)[1]
    assert "January assembly" in qualifying
    assert "December assembly" not in qualifying
    application.refresh_from_db()
    assert (application.status, application.assembly) == (ApplicationStatus.ELIGIBLE, None)
    assert not OutgoingMail.objects.exists()


@time_machine.travel(brussels(2026, 12, 5), tick=False)
def test_a_request_made_exactly_14_days_before_the_assembly_may_be_placed_on_it():
    application = eligible_requested_on(brussels(2026, 12, 3, 23, 30))
    assembly = GeneralAssemblyFactory(date=datetime.date(2026, 12, 17))
    application_agenda_place(application=application, actor=make_staff(), assembly=assembly)
    assert application.status == ApplicationStatus.ON_AGENDA


@time_machine.travel(brussels(2026, 12, 5), tick=False)
def test_the_refusal_says_when_no_assembly_qualifies_yet():
    application = eligible_requested_on(brussels(2026, 12, 4))
    december = GeneralAssemblyFactory(date=datetime.date(2026, 12, 17))
    with pytest.raises(DomainError, match="No General Assembly at least 14 days after"):
        application_agenda_place(application=application, actor=make_staff(), assembly=december)


@time_machine.travel(brussels(2026, 12, 5), tick=False)
def test_the_board_page_offers_only_qualifying_assemblies_and_shows_the_refusal(client):
    application = eligible_requested_on(brussels(2026, 12, 4))
    december = GeneralAssemblyFactory(title="December assembly", date=datetime.date(2026, 12, 17))
    january = GeneralAssemblyFactory(title="January assembly", date=datetime.date(2027, 1, 20))
    client.force_login(make_staff())
    url = reverse("networks:board_application", args=[application.pk])

    page = client.get(url).content.decode()
    select = page.split('name="assembly"', 1)[1].split("</select>", 1)[0]
    assert f'value="{january.pk}"' in select
    assert f'value="{december.pk}"' not in select

    response = client.post(
        reverse("networks:board_agenda", args=[application.pk]),
        {"assembly": december.pk},
        follow=True,
    )
    assert "January assembly" in response.content.decode()
    assert "at least 14 days" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE


@time_machine.travel(brussels(2026, 12, 5), tick=False)
def test_the_board_page_says_so_when_no_assembly_qualifies(client):
    application = eligible_requested_on(brussels(2026, 12, 4))
    GeneralAssemblyFactory(date=datetime.date(2026, 12, 17))
    client.force_login(make_staff())
    page = client.get(reverse("networks:board_application", args=[application.pk])).content
    assert b"No General Assembly at least 14 days after" in page
    assert b'name="assembly"' not in page


# --- Item 12: the session opens on the day -----------------------------------------------------


def convened(date, **kwargs):
    return GeneralAssemblyFactory(
        date=date, status=AssemblyStatus.CONVENED, chair=make_board_member(), **kwargs
    )


@time_machine.travel(brussels(2027, 3, 16), tick=False)
def test_the_session_does_not_open_before_the_assemblys_day():
    assembly = convened(datetime.date(2027, 3, 17))
    with pytest.raises(DomainError, match="opens on the day of the assembly"):
        services.assembly_session_open(assembly=assembly, actor=assembly.chair)
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CONVENED


@time_machine.travel(brussels(2027, 3, 18), tick=False)
def test_the_session_does_not_open_after_the_assemblys_day():
    assembly = convened(datetime.date(2027, 3, 17))
    with pytest.raises(DomainError, match="has passed"):
        services.assembly_session_open(assembly=assembly, actor=assembly.chair)


@pytest.mark.parametrize(
    ("utc", "opens"),
    [
        # 23:30 in Brussels on the 16th (UTC+1 in winter): still the day before.
        (datetime.datetime(2027, 3, 16, 22, 30, tzinfo=datetime.UTC), False),
        # 00:30 in Brussels on the 17th, while UTC still says the 16th.
        (datetime.datetime(2027, 3, 16, 23, 30, tzinfo=datetime.UTC), True),
    ],
)
def test_the_day_is_the_brussels_day(utc, opens):
    assembly = convened(datetime.date(2027, 3, 17))
    with time_machine.travel(utc, tick=False):
        if opens:
            services.assembly_session_open(assembly=assembly, actor=assembly.chair)
        else:
            with pytest.raises(DomainError):
                services.assembly_session_open(assembly=assembly, actor=assembly.chair)
    assembly.refresh_from_db()
    assert assembly.status == (AssemblyStatus.IN_SESSION if opens else AssemblyStatus.CONVENED)


@time_machine.travel(brussels(2027, 3, 14), tick=False)
def test_staff_allow_opening_on_another_day_with_a_reason_stored_and_audited():
    staff = make_staff()
    assembly = convened(datetime.date(2027, 3, 17))
    services.assembly_session_override(
        assembly=assembly, actor=staff, reason="  Moved forward: venue closed on the 17th. "
    )
    assembly.refresh_from_db()
    assert assembly.session_override_reason == "Moved forward: venue closed on the 17th."
    assert assembly.session_override_by == staff
    entry = audit_trail(assembly).get(action="session_override")
    assert (entry.actor, entry.comment) == (staff, "Moved forward: venue closed on the 17th.")

    services.assembly_session_open(assembly=assembly, actor=assembly.chair)
    assert assembly.status == AssemblyStatus.IN_SESSION
    opened = audit_trail(assembly).get(action="session_open")
    assert opened.data == {
        "opened_on": "2027-03-14",
        "override": "Moved forward: venue closed on the 17th.",
    }


def test_the_override_needs_a_reason_and_staff():
    assembly = convened(timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(DomainError, match="reason"):
        services.assembly_session_override(assembly=assembly, actor=make_staff(), reason="  ")
    with pytest.raises(DomainError, match="not allowed"):
        services.assembly_session_override(
            assembly=assembly, actor=assembly.chair, reason="Because."
        )
    assembly.refresh_from_db()
    assert assembly.session_override_reason == ""
    assert not audit_trail(assembly).exists()


@time_machine.travel(brussels(2027, 3, 14), tick=False)
def test_the_chairs_screen_says_when_the_session_opens_instead_of_offering_it(client):
    assembly = convened(datetime.date(2027, 3, 17))
    client.force_login(assembly.chair)
    page = client.get(reverse("assemblies:assembly_chair", args=[assembly.pk])).content.decode()
    assert "Open the session" not in page
    assert "The session opens on the day of the assembly" in page
    GeneralAssembly.objects.filter(pk=assembly.pk).update(
        session_override_reason="Venue closed on the 17th."
    )
    page = client.get(reverse("assemblies:assembly_chair", args=[assembly.pk])).content.decode()
    assert "Open the session" in page
    assert "Venue closed on the 17th." in page


@time_machine.travel(brussels(2027, 3, 14), tick=False)
def test_staff_record_the_override_on_the_staff_page_which_then_shows_it(client):
    staff = make_staff(display_name="Sam Secretariat")
    assembly = convened(datetime.date(2027, 3, 17))
    client.force_login(staff)
    url = reverse("assemblies:staff_session_override", args=[assembly.pk])
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert 'aria-describedby="id_reason_help id_reason_errors"' in missing.content.decode()
    client.post(url, {"reason": "Venue closed on the 17th."})
    page = client.get(reverse("assemblies:staff_assembly", args=[assembly.pk])).content.decode()
    assert "Venue closed on the 17th." in page
    assert "Sam Secretariat" in page


@time_machine.travel(brussels(2027, 3, 14, 15), tick=False)
def test_a_network_admitted_at_a_session_opened_early_is_a_member_from_the_vote_day():
    staff = make_staff()
    assembly = convened(datetime.date(2027, 3, 17))
    services.assembly_session_override(assembly=assembly, actor=staff, reason="Moved forward.")
    item = adhesion_item(assembly, vote_state=VoteState.NOT_OPEN)
    services.assembly_session_open(assembly=assembly, actor=assembly.chair)
    network, user = member(assembly, country="FR")
    services.assembly_vote_open(item=item, actor=assembly.chair)
    services.assembly_vote_cast(item=item, network=network, actor=user, choice="yes")

    services.assembly_vote_close(item=item, actor=assembly.chair)

    application = Application.objects.get(pk=item.application_id)
    admitted = Network.objects.get(pk=application.network_id)
    assert application.voted_on == datetime.date(2027, 3, 14)
    assert admitted.member_since == datetime.date(2027, 3, 14)
    welcome = OutgoingMail.objects.get(subject="Welcome to ENSIE!")
    with translation.override("en"):
        assert date_format(datetime.date(2027, 3, 14)) in welcome.body_text
        assert date_format(assembly.date) not in welcome.body_text


# --- Item 13: no quorum, and items never voted when the session closes --------------------------


def vote_without_quorum(item):
    network, user = member(item.assembly, country="FR")
    for country in ("BE", "HU"):
        member(item.assembly, country=country, present=False)
    services.assembly_vote_cast(item=item, network=network, actor=user, choice="yes")


def test_an_adhesion_without_quorum_goes_back_to_eligible_and_everyone_is_told(settings):
    settings.SECRETARIAT_EMAIL = "secretariat@ensie.example"
    assembly = AssemblyInSessionFactory(title="Spring assembly")
    item = adhesion_item(assembly)
    applicant = item.application.network.representative_links.get().user
    applicant.preferred_language = "fr"
    applicant.save(update_fields=["preferred_language"])
    vote_without_quorum(item)

    services.assembly_vote_close(item=item, actor=assembly.chair)

    item.refresh_from_db()
    assert item.outcome == "no_quorum"
    application = Application.objects.get(pk=item.application_id)
    assert application.status == ApplicationStatus.ELIGIBLE
    entry = audit_trail(application).last()
    assert (entry.action, entry.actor, entry.from_state, entry.to_state) == (
        "agenda_return",
        None,
        ApplicationStatus.ON_AGENDA,
        ApplicationStatus.ELIGIBLE,
    )
    assert "no quorum" in entry.comment
    assert entry.data == {"assembly": assembly.pk, "reason": "no_quorum"}
    told = OutgoingMail.objects.get(to_email=applicant.email)
    assert told.language == "fr"
    assert "quorum" in told.subject
    assert "Spring assembly" in told.body_text
    assert "éligible" in told.body_text
    secretariat = OutgoingMail.objects.get(to_email="secretariat@ensie.example")
    assert secretariat.language == "en"
    assert item.application.network.legal_name in secretariat.subject
    assert "next assembly" in secretariat.body_text


def test_after_no_quorum_staff_place_the_application_on_the_next_assembly():
    assembly = AssemblyInSessionFactory()
    item = adhesion_item(assembly)
    vote_without_quorum(item)
    services.assembly_vote_close(item=item, actor=assembly.chair)
    application = Application.objects.get(pk=item.application_id)
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now())
    later = GeneralAssemblyFactory(date=timezone.localdate() + datetime.timedelta(days=60))
    application_agenda_place(application=application, actor=make_staff(), assembly=later)
    assert (application.status, application.assembly) == (ApplicationStatus.ON_AGENDA, later)


def test_closing_the_session_asks_first_and_lists_the_items_never_voted(client):
    assembly = AssemblyInSessionFactory()
    MotionFactory(assembly=assembly, title="Budget 2027", vote_state=VoteState.CLOSED)
    MotionFactory(assembly=assembly, title="Exclusion of X", vote_state=VoteState.NOT_OPEN)
    never = adhesion_item(assembly, vote_state=VoteState.NOT_OPEN)
    client.force_login(assembly.chair)
    chair_page = client.get(reverse("assemblies:assembly_chair", args=[assembly.pk])).content
    url = reverse("assemblies:assembly_session_close", args=[assembly.pk])
    assert f'href="{url}"'.encode() in chair_page

    page = client.get(url).content.decode()

    never_voted = page.split("never voted", 1)[1]
    assert "Exclusion of X" in never_voted
    assert f"Adhesion of {never.title}" in never_voted
    assert "Budget 2027" not in never_voted
    assert "eligible again" in page
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.IN_SESSION

    client.post(url)
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CLOSED


def test_an_adhesion_never_voted_goes_back_to_eligible_when_the_session_closes(settings):
    settings.SECRETARIAT_EMAIL = "secretariat@ensie.example"
    assembly = AssemblyInSessionFactory()
    never = adhesion_item(assembly, vote_state=VoteState.NOT_OPEN)
    motion = MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)

    services.assembly_session_close(assembly=assembly, actor=assembly.chair)

    application = Application.objects.get(pk=never.application_id)
    assert application.status == ApplicationStatus.ELIGIBLE
    entry = audit_trail(application).last()
    assert (entry.action, entry.data) == (
        "agenda_return",
        {"assembly": assembly.pk, "reason": "not_voted"},
    )
    applicant = application.network.representative_links.get().user
    assert "not voted" in OutgoingMail.objects.get(to_email=applicant.email).body_text
    assert OutgoingMail.objects.filter(to_email="secretariat@ensie.example").count() == 1
    motion.refresh_from_db()
    assert motion.vote_state == VoteState.NOT_OPEN
    never.refresh_from_db()
    assert never.vote_state == VoteState.NOT_OPEN  # the record keeps the item as never voted


def test_a_decided_adhesion_is_left_alone_when_the_session_closes():
    assembly = AssemblyInSessionFactory()
    item = adhesion_item(assembly)
    network, user = member(assembly)
    services.assembly_vote_cast(item=item, network=network, actor=user, choice="yes")
    services.assembly_vote_close(item=item, actor=assembly.chair)
    mails = OutgoingMail.objects.count()
    services.assembly_session_close(assembly=assembly, actor=assembly.chair)
    assert Application.objects.get(pk=item.application_id).status == ApplicationStatus.ADMITTED
    assert OutgoingMail.objects.count() == mails


# --- Item 14 (e): a convocation with an empty agenda ----------------------------------------


@time_machine.travel(brussels(2027, 1, 10), tick=False)
def test_an_empty_agenda_is_convened_only_with_the_problem_confirmed():
    staff = make_staff()
    assembly = GeneralAssemblyFactory(date=datetime.date(2027, 3, 1), chair=make_board_member())
    with pytest.raises(DomainError, match="agenda is empty"):
        services.assembly_convene(assembly=assembly, actor=staff)
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.PLANNED
    assert not OutgoingMail.objects.exists()

    services.assembly_convene(assembly=assembly, actor=staff, confirm_empty_agenda=True)
    assert assembly.status == AssemblyStatus.CONVENED
    entry = audit_trail(assembly).get(action="assembly_convene")
    assert entry.data["empty_agenda"] is True


@time_machine.travel(brussels(2027, 1, 10), tick=False)
def test_the_convocation_page_asks_to_tick_a_box_naming_the_empty_agenda(client):
    assembly = GeneralAssemblyFactory(date=datetime.date(2027, 3, 1), chair=make_board_member())
    client.force_login(make_staff())
    url = reverse("assemblies:staff_assembly_convene", args=[assembly.pk])
    page = client.get(url).content.decode()
    assert 'name="confirm_empty_agenda"' in page
    assert "The agenda is empty" in page
    refused = client.post(url, {})
    assert refused.status_code == 400
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.PLANNED
    client.post(url, {"confirm_empty_agenda": "on"})
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CONVENED


@time_machine.travel(brussels(2027, 1, 10), tick=False)
def test_an_application_placed_on_the_assembly_makes_the_agenda_not_empty(client):
    assembly = GeneralAssemblyFactory(date=datetime.date(2027, 3, 1), chair=make_board_member())
    application = ApplicationFactory()
    fill_reasoned_request(application, assembly=assembly)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.ON_AGENDA)
    client.force_login(make_staff())
    url = reverse("assemblies:staff_assembly_convene", args=[assembly.pk])
    assert 'name="confirm_empty_agenda"' not in client.get(url).content.decode()
    client.post(url, {})
    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.CONVENED


# --- Item 14 (f): attendance is not lost to the chair screen's reload ---------------------------


def test_the_reloading_chair_screen_holds_no_attendance_boxes_to_lose(client):
    motion = MotionFactory()
    member(motion.assembly, present=False)
    client.force_login(motion.assembly.chair)
    page = client.get(reverse("assemblies:assembly_chair", args=[motion.assembly_id])).content
    assert b'http-equiv="refresh"' in page
    assert b'name="present"' not in page
    attendance_url = reverse("assemblies:assembly_attendance", args=[motion.assembly_id])
    assert f'href="{attendance_url}"'.encode() in page


def test_attendance_has_its_own_page_that_never_reloads(client):
    motion = MotionFactory()
    network, _ = member(motion.assembly, present=False)
    client.force_login(motion.assembly.chair)
    url = reverse("assemblies:assembly_attendance", args=[motion.assembly_id])
    page = client.get(url).content
    assert b'name="present"' in page
    assert b'http-equiv="refresh"' not in page
    response = client.post(url, {"present": [network.pk]})
    assert response.status_code == 302
    assert Attendance.objects.get().network == network
