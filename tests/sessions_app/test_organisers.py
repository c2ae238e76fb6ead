import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ensie_portal.core.errors import TransitionNotAllowed
from ensie_portal.core.workflow import transition
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration, Session
from sessions_app.services import SESSION_TRANSITIONS
from tests.factories import UserFactory, make_organiser, make_staff
from tests.sessions_app.factories import RegistrationFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_organiser()


@pytest.fixture
def session(organiser):
    return SessionFactory(organisers=[organiser])


def url(name, *args):
    return reverse(f"sessions_app:{name}", args=args)


def test_anonymous_visitors_are_sent_to_log_in(client, session):
    response = client.get(url("registrants", session.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_who_is_not_an_organiser_is_refused(client_for, session):
    assert client_for(UserFactory()).get(url("manage_list")).status_code == 403


@pytest.mark.parametrize(
    "name", ["manage_detail", "manage_edit", "manage_cancel", "registrants", "registrants_csv"]
)
def test_another_sessions_organiser_gets_a_404(client_for, session, name):
    assert client_for(make_organiser()).get(url(name, session.pk)).status_code == 404


def test_another_sessions_organiser_cannot_act_on_its_registrants(client_for, session):
    registration = RegistrationFactory(session=session)
    client = client_for(make_organiser())
    for name in ("registrant_resend_link", "registrant_attendance"):
        assert client.post(url(name, session.pk, registration.pk)).status_code == 404


def test_an_organiser_lists_only_their_sessions_and_staff_see_all(client_for, session):
    other = SessionFactory(title="Another organiser session")
    html = client_for(session.organisers.get()).get(url("manage_list")).content.decode()
    assert session.title in html
    assert other.title not in html
    # Staff need their second factor for privileged pages only; this list is not one.
    html = client_for(make_staff()).get(url("manage_list")).content.decode()
    assert session.title in html
    assert other.title in html


def test_an_organiser_creates_a_draft_then_publishes_it(client_for, organiser):
    client = client_for(organiser)
    response = client.post(
        url("manage_create"),
        {
            "number": 12,
            "title_en": "Public procurement",
            "slug": "public-procurement",
            "starts_at": "2031-03-04T10:30",
            "ends_at": "2031-03-04T12:00",
            "platform": "WebEx Meetings",
        },
    )
    created = Session.objects.get(number=12)
    assert response["Location"] == url("manage_detail", created.pk)
    assert created.status == Session.Status.DRAFT
    assert created.local_start.hour == 10
    assert list(created.organisers.all()) == [organiser]
    client.post(url("manage_publish", created.pk))
    created.refresh_from_db()
    assert created.status == Session.Status.PUBLISHED


def test_an_end_before_the_start_is_explained(client_for, organiser):
    response = client_for(organiser).post(
        url("manage_create"),
        {
            "number": 12,
            "title_en": "Backwards",
            "slug": "backwards",
            "starts_at": "2031-03-04T10:30",
            "ends_at": "2031-03-04T09:00",
        },
    )
    assert "The end must come after the start." in response.content.decode()
    assert not Session.objects.filter(number=12).exists()


def test_an_organiser_adds_edits_and_removes_a_speaker(client_for, session, organiser):
    client = client_for(organiser)
    client.post(
        url("speaker_create", session.pk),
        {
            "name": "Andreea Savin",
            "role": "Atelier Manager",
            "country": "RO",
            "language": "en",
            "order": 3,
        },
    )
    speaker = session.speakers.get()
    client.post(
        url("speaker_edit", session.pk, speaker.pk),
        {"name": "Andreea Savin", "role": "Manager", "country": "RO", "language": "en", "order": 3},
    )
    speaker.refresh_from_db()
    assert speaker.role == "Manager"
    assert (
        "Yes, remove" in client.get(url("speaker_delete", session.pk, speaker.pk)).content.decode()
    )
    client.post(url("speaker_delete", session.pk, speaker.pk))
    assert not session.speakers.exists()


def test_setting_the_link_from_the_page_emails_confirmed_registrants(
    client_for, session, organiser, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(
            url("manage_link", session.pk), {"participation_link": "https://meet.example.org/j/9"}
        )
    assert response.status_code == 302
    mail = OutgoingMail.objects.get(key__startswith=f"sessions:link:{registration.pk}:")
    assert "https://meet.example.org/j/9" in mail.body_text
    page = client_for(organiser).get(url("manage_detail", session.pk)).content.decode()
    assert "meet.example.org/j/9" not in page


def test_an_invalid_link_is_explained(client_for, session, organiser):
    response = client_for(organiser).post(
        url("manage_link", session.pk), {"participation_link": "not a link"}
    )
    assert response.status_code == 400
    assert 'id="id_participation_link_errors"' in response.content.decode()


def test_cancelling_a_session_asks_then_tells_every_registrant(client_for, session, organiser):
    confirmed = RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITING)
    gone = RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    client = client_for(organiser)
    assert (
        "Yes, cancel the session" in client.get(url("manage_cancel", session.pk)).content.decode()
    )
    client.post(url("manage_cancel", session.pk), {"note_en": "The speakers are ill."})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    told = set(
        OutgoingMail.objects.filter(key__startswith="sessions:cancelled:").values_list(
            "to_email", flat=True
        )
    )
    assert told == {confirmed.email, waiting.email}
    assert gone.email not in told
    assert (
        "The speakers are ill."
        in OutgoingMail.objects.filter(to_email=confirmed.email).get().body_text
    )


def test_the_registrant_list_shows_each_emails_delivery_status(
    client_for, session, organiser, django_assert_max_num_queries
):
    session.participation_link = "https://meet.example.org/j/1"
    session.link_version = 1
    session.save()
    for _ in range(5):
        registration = RegistrationFactory(session=session)
        OutgoingMail.objects.create(
            key=f"x{registration.pk}",
            to_email=registration.email,
            from_email="a@example.org",
            subject="Your participation link",
            body_text="…",
            status=OutgoingMail.Status.FAILED,
            last_error="550 mailbox unavailable",
            related_type=ContentType.objects.get_for_model(Registration),
            related_id=str(registration.pk),
        )
    client = client_for(organiser)
    with django_assert_max_num_queries(12):
        response = client.get(url("registrants", session.pk))
    html = response.content.decode()
    assert html.count("550 mailbox unavailable") == 5
    assert "Your participation link: <strong>failed</strong>" in html


def test_the_registrant_list_filters_by_status(client_for, session, organiser):
    RegistrationFactory(session=session, name="Seated Person")
    RegistrationFactory(session=session, name="Waiting Person", status=Registration.Status.WAITING)
    html = (
        client_for(organiser)
        .get(url("registrants", session.pk), {"status": "waiting"})
        .content.decode()
    )
    assert "Waiting Person" in html
    assert "Seated Person" not in html


def test_the_csv_export_lists_registrants_and_defuses_formulas(client_for, session, organiser):
    RegistrationFactory(session=session, name="Ada Lovelace", email="ada@example.org", country="BE")
    RegistrationFactory(
        session=session, name="=HYPERLINK(1)", email="x@example.org", status="waiting"
    )
    RegistrationFactory(name="Elsewhere", email="else@example.org")
    response = client_for(organiser).get(url("registrants_csv", session.pk))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Email address"] for row in rows] == ["ada@example.org", "x@example.org"]
    assert rows[0]["Name"] == "Ada Lovelace"
    assert rows[0]["Country"] == "Belgium"
    assert rows[0]["Status"] == "confirmed"
    assert rows[1]["Name"] == "'=HYPERLINK(1)"
    assert rows[1]["Status"] == "on the waiting list"


def test_an_organiser_resends_the_link_to_one_registrant(client_for, session, organiser):
    session.participation_link = "https://meet.example.org/j/1"
    session.link_version = 1
    session.save()
    registration = RegistrationFactory(session=session, link_version_sent=1)
    client_for(organiser).post(url("registrant_resend_link", session.pk, registration.pk))
    assert OutgoingMail.objects.filter(to_email=registration.email).count() == 1


def test_attendance_is_marked_after_the_start(client_for, session, organiser):
    registration = RegistrationFactory(session=session)
    client = client_for(organiser)
    target = url("registrant_attendance", session.pk, registration.pk)
    client.post(target, {"attended": "1"})
    registration.refresh_from_db()
    assert registration.attended is False
    with time_machine.travel(session.starts_at + timedelta(minutes=30)):
        client_for(organiser).post(target, {"attended": "1"})  # signed in again: days later
    registration.refresh_from_db()
    assert registration.attended is True


# --- Every transition of the session workflow ---------------------------------------------

Status = Session.Status
ALL = [Status.DRAFT, Status.PUBLISHED, Status.CANCELLED]


@pytest.mark.parametrize(
    ("source", "target"), [(s, t) for s in ALL for t in ALL if s != t], ids=str
)
def test_session_transitions_follow_the_table(source, target, organiser):
    session = SessionFactory(status=source, organisers=[organiser])
    if (source, target) in SESSION_TRANSITIONS:
        transition(obj=session, to=target, actor=organiser, transitions=SESSION_TRANSITIONS)
        session.refresh_from_db()
        assert session.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            transition(obj=session, to=target, actor=organiser, transitions=SESSION_TRANSITIONS)


@pytest.mark.parametrize(("source", "target"), list(SESSION_TRANSITIONS), ids=str)
def test_another_sessions_organiser_cannot_move_a_session(source, target):
    session = SessionFactory(status=source)
    with pytest.raises(TransitionNotAllowed):
        transition(obj=session, to=target, actor=make_organiser(), transitions=SESSION_TRANSITIONS)


def test_a_session_with_registrants_cannot_go_back_to_draft(organiser, session):
    RegistrationFactory(session=session)
    with pytest.raises(TransitionNotAllowed):
        transition(obj=session, to=Status.DRAFT, actor=organiser, transitions=SESSION_TRANSITIONS)


def test_a_started_session_can_no_longer_be_published_or_cancelled(organiser):
    started = timezone.now() - timedelta(minutes=5)
    draft = SessionFactory(status=Status.DRAFT, starts_at=started, organisers=[organiser])
    published = SessionFactory(starts_at=started, organisers=[organiser])
    with pytest.raises(TransitionNotAllowed):
        transition(obj=draft, to=Status.PUBLISHED, actor=organiser, transitions=SESSION_TRANSITIONS)
    with pytest.raises(TransitionNotAllowed):
        transition(
            obj=published, to=Status.CANCELLED, actor=organiser, transitions=SESSION_TRANSITIONS
        )


def test_the_detail_page_counts_are_fixed(
    client_for, session, organiser, django_assert_max_num_queries
):
    SpeakerFactory.create_batch(4, session=session)
    RegistrationFactory.create_batch(4, session=session)
    client = client_for(organiser)
    with django_assert_max_num_queries(6):
        assert client.get(url("manage_detail", session.pk)).status_code == 200


SESSION_FORM = {
    "number": 12,
    "title_en": "Public procurement",
    "slug": "public-procurement",
    "starts_at": "2031-03-04T10:30",
    "ends_at": "2031-03-04T12:00",
}


def test_staff_choose_the_organisers_of_a_session(client_for, organiser):
    other = make_organiser()
    client = client_for(make_staff())
    assert "Organisers" in client.get(url("manage_create")).content.decode()
    client.post(url("manage_create"), {**SESSION_FORM, "organisers": [organiser.pk, other.pk]})
    created = Session.objects.get(number=12)
    assert set(created.organisers.all()) == {organiser, other}


def test_an_organiser_does_not_choose_organisers(client_for, organiser):
    client = client_for(organiser)
    assert 'name="organisers"' not in client.get(url("manage_create")).content.decode()


def test_moving_the_start_re_arms_the_reminders(client_for, organiser, session):
    registration = RegistrationFactory(session=session, reminded_24h_at=timezone.now())
    data = {**SESSION_FORM, "number": session.number, "slug": session.slug}
    client_for(organiser).post(url("manage_edit", session.pk), data)
    registration.refresh_from_db()
    session.refresh_from_db()
    assert session.local_start.year == 2031
    assert registration.reminded_24h_at is None


def test_the_registrant_list_shows_the_questions_for_the_speakers(client_for, session, organiser):
    RegistrationFactory(session=session, question="How do you train supervisors?")
    html = client_for(organiser).get(url("registrants", session.pk)).content.decode()
    assert "How do you train supervisors?" in html


def test_the_admin_never_shows_the_participation_link(client_for):
    session = SessionFactory(participation_link="https://meet.example.org/j/admin-secret")
    client = client_for(make_staff(is_superuser=True))
    response = client.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    assert response.status_code == 200
    assert session.title in response.content.decode()
    assert b"admin-secret" not in response.content


def test_the_csv_export_defuses_a_formula_hidden_in_an_email_address(
    client_for, session, organiser
):
    # "=" and "+" are valid in the local part of an address, so the form accepts it.
    RegistrationFactory(session=session, email="=1+cmd@example.org")
    response = client_for(organiser).get(url("registrants_csv", session.pk))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["Email address"] == "'=1+cmd@example.org"
