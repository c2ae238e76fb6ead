"""The organisers' queue of email requests: scoping, assign, accept, reject with a reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensie_portal.core.errors import DomainError, TransitionNotAllowed
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.inbound_emails import (
    INBOUND_TRANSITIONS,
    inbound_email_accept,
    inbound_email_assign,
    inbound_email_receive,
    inbound_email_reject,
)
from sessions_app.models import InboundEmail, Registration
from tests import mail_samples as samples
from tests.factories import UserFactory, make_organiser, make_staff
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db

Status = InboundEmail.Status


@pytest.fixture(autouse=True)
def _mailbox(settings):
    settings.SESSIONS_MAILBOX_ADDRESS = samples.MAILBOX


def _message(number: int, *, subject="Question", sender="Dan <dan@example.de>", to=None):
    return samples.raw(
        subject=subject,
        body="Hello, please register me. Thanks",
        sender=sender,
        to=to or samples.MAILBOX,
        message_id=f"<q{number}@example.de>",
    )


@pytest.fixture
def world():
    mine, theirs = make_organiser(), make_organiser()
    session = SessionFactory(number=7, organisers=[mine])
    other = SessionFactory(number=9, organisers=[theirs])
    unassigned = inbound_email_receive(raw=_message(1))
    in_other = inbound_email_receive(
        raw=_message(2, to="sessions+9@ensie.org", sender="Ola <ola@example.no>")
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "session": session,
        "other": other,
        "unassigned": unassigned,
        "in_other": in_other,
    }


def test_an_organiser_sees_the_unassigned_requests_and_their_sessions_ones_only(
    world, client_for, django_assert_max_num_queries
):
    inbound_email_assign(inbound=world["unassigned"], session=world["session"], actor=world["mine"])
    for index in range(3, 8):
        inbound_email_receive(raw=_message(index, subject=f"Hello {index}"))
    client = client_for(world["mine"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sessions_app:inbound_list"))
    assert response.status_code == 200
    shown = {r.pk for r in response.context["inbound_emails"]}
    assert world["unassigned"].pk in shown
    assert world["in_other"].pk not in shown
    assert len(shown) == 6
    assert "please register me" in response.content.decode()


def test_staff_see_every_request(world, client_for):
    response = client_for(make_staff()).get(reverse("sessions_app:inbound_list") + "?show=")
    shown = {r.pk for r in response.context["inbound_emails"]}
    assert {world["unassigned"].pk, world["in_other"].pk} <= shown


def test_another_sessions_organiser_gets_a_404_on_its_requests(world, client_for):
    client = client_for(world["mine"])
    pk = world["in_other"].pk
    assert client.post(reverse("sessions_app:inbound_accept", args=[pk])).status_code == 404
    assert client.get(reverse("sessions_app:inbound_reject", args=[pk])).status_code == 404
    assert (
        client.post(
            reverse("sessions_app:inbound_assign", args=[pk]), {"session": world["session"].pk}
        ).status_code
        == 404
    )


def test_someone_who_is_not_an_organiser_cannot_see_the_queue(world, client, client_for):
    assert client.get(reverse("sessions_app:inbound_list")).status_code == 302
    assert client_for(UserFactory()).get(reverse("sessions_app:inbound_list")).status_code == 403


def test_assigning_then_accepting_sends_the_sender_the_confirmation_link(world, client_for):
    client = client_for(world["mine"])
    pk = world["unassigned"].pk
    response = client.post(
        reverse("sessions_app:inbound_assign", args=[pk]), {"session": world["session"].pk}
    )
    assert response.status_code == 302
    inbound = InboundEmail.objects.get(pk=pk)
    assert (inbound.status, inbound.session) == (Status.PENDING, world["session"])
    client.post(reverse("sessions_app:inbound_accept", args=[pk]))
    inbound.refresh_from_db()
    assert inbound.status == Status.ACCEPTED
    assert inbound.decided_by == world["mine"]
    assert inbound.registration.source == Registration.Source.EMAIL
    assert inbound.registration.status == Registration.Status.PENDING
    [mail] = OutgoingMail.objects.filter(to_email="dan@example.de")
    assert "/registration/confirm/" in mail.body_text


def test_an_organiser_cannot_assign_a_request_to_a_session_they_do_not_organise(world):
    with pytest.raises(DomainError):
        inbound_email_assign(
            inbound=world["unassigned"], session=world["other"], actor=world["mine"]
        )


def test_rejecting_asks_for_confirmation_then_tells_the_sender_the_reason_once(world, client_for):
    client = client_for(world["mine"])
    pk = world["unassigned"].pk
    page = client.get(reverse("sessions_app:inbound_reject", args=[pk]))
    assert page.status_code == 200
    assert InboundEmail.objects.get(pk=pk).status == Status.UNASSIGNED
    empty = client.post(reverse("sessions_app:inbound_reject", args=[pk]), {"reason": ""})
    assert empty.status_code == 200
    assert "aria-describedby" in empty.content.decode()
    client.post(reverse("sessions_app:inbound_reject", args=[pk]), {"reason": "Members only."})
    inbound = InboundEmail.objects.get(pk=pk)
    assert (inbound.status, inbound.reason) == (Status.REJECTED, "Members only.")
    [answer] = OutgoingMail.objects.filter(to_email="dan@example.de")
    assert "Members only." in answer.body_text
    with pytest.raises(TransitionNotAllowed):
        inbound_email_reject(inbound=inbound, actor=world["mine"], reason="Again")
    assert OutgoingMail.objects.filter(to_email="dan@example.de").count() == 1


def test_a_robot_is_never_answered_even_when_an_organiser_rejects_it(world):
    bounce = inbound_email_receive(raw=samples.BOUNCE)
    assert bounce.status == Status.IGNORED
    inbound_email_assign(inbound=bounce, session=world["session"], actor=world["mine"])
    inbound_email_reject(inbound=bounce, actor=world["mine"], reason="Not a person")
    assert not OutgoingMail.objects.filter(key__startswith="sessions:inbound:").exists()


def test_automatic_notes_are_shown_in_the_readers_language(world, client_for):
    from django.utils import translation

    inbound_email_receive(raw=samples.BOUNCE)
    inbound_email_receive(raw=_message(3, to="sessions+99@ensie.org"))
    client = client_for(make_staff())
    english = client.get(reverse("sessions_app:inbound_list") + "?show=").content.decode()
    assert "Note: bounce (empty return path)" in english
    assert "Note: No session has this number." in english
    with translation.override("fr"):
        url = reverse("sessions_app:inbound_list") + "?show="
    french = client.get(url).content.decode()
    assert "Remarque : rebond (chemin de retour vide)" in french
    assert "Remarque : Aucune session ne porte ce numéro." in french


def test_accepting_once_the_session_has_started_is_refused(world):
    inbound_email_assign(inbound=world["unassigned"], session=world["session"], actor=world["mine"])
    world["session"].starts_at = timezone.now() - timedelta(minutes=5)
    world["session"].save()
    with pytest.raises(DomainError, match="closed"):
        inbound_email_accept(inbound=world["unassigned"], actor=world["mine"])
    world["unassigned"].refresh_from_db()
    assert world["unassigned"].status == Status.PENDING
    assert not world["session"].registrations.exists()


def _inbound_in(status, world):
    inbound = inbound_email_receive(raw=_message(50 + list(Status.values).index(status)))
    session = world["session"] if status != Status.UNASSIGNED else None
    InboundEmail.objects.filter(pk=inbound.pk).update(status=status, session=session)
    inbound.refresh_from_db()
    return inbound


ACTIONS = {
    "assign": lambda inbound, world: inbound_email_assign(
        inbound=inbound, session=world["session"], actor=world["mine"]
    ),
    "accept": lambda inbound, world: inbound_email_accept(inbound=inbound, actor=world["mine"]),
    "reject": lambda inbound, world: inbound_email_reject(
        inbound=inbound, actor=world["mine"], reason="No"
    ),
}
TARGET = {"assign": Status.PENDING, "accept": Status.ACCEPTED, "reject": Status.REJECTED}


@pytest.mark.parametrize("source", Status.values)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_is_allowed_exactly_from_the_states_of_the_table(world, source, action):
    inbound = _inbound_in(source, world)
    allowed = (source, TARGET[action]) in INBOUND_TRANSITIONS
    if allowed:
        ACTIONS[action](inbound, world)
        inbound.refresh_from_db()
        assert inbound.status == TARGET[action]
    else:
        with pytest.raises(DomainError):
            ACTIONS[action](inbound, world)
        inbound.refresh_from_db()
        assert inbound.status == source


def test_the_session_page_shows_the_address_to_write_to(client):
    session = SessionFactory(number=7)
    response = client.get(session.get_absolute_url())
    assert 'href="mailto:sessions+7@ensie.org"' in response.content.decode()


def test_the_demo_fills_the_queue_once_however_often_it_loads():
    import io

    from sessions_app import demo

    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    assert InboundEmail.objects.count() == 3
    assert InboundEmail.objects.get(status=Status.PENDING).session.number == 7


def test_odd_charsets_huge_attachments_and_nul_characters_still_become_requests():
    SessionFactory(number=7)
    huge = inbound_email_receive(raw=samples.with_huge_attachment())
    assert (huge.status, huge.text) == (Status.ACCEPTED, "Please register me.")
    odd = inbound_email_receive(raw=samples.UNKNOWN_CHARSET)
    assert odd.status == Status.ACCEPTED
    assert "register me" in odd.text
    nul = inbound_email_receive(
        raw=samples.raw(subject="Question", body="Hello\x00 there", message_id="<nul@example.es>")
    )
    assert (nul.status, nul.text) == (Status.UNASSIGNED, "Hello there")
