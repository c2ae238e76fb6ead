"""The organisers' registrants page: what people they register are told, the CSV export, and
acting on one registrant (attendance, cancelling, re-sending the confirmation)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from ensie_portal.outbox.models import OutgoingMail
from sessions_app import bulk
from sessions_app.models import Registration
from tests.factories import make_organiser, make_staff
from tests.sessions_app.factories import RegistrationFactory, SessionFactory
from tests.sessions_app.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return make_organiser(display_name="Jeanne Martin")


@pytest.fixture
def session(organiser):
    return SessionFactory(organisers=[organiser])


def url(name, *args):
    return reverse(f"sessions_app:{name}", args=args)


def imported(session, organiser, text, *, vouched, language="en"):
    lines = bulk.bulk_lines_parse(text)
    bulk.bulk_registrations_import(
        session=session, lines=lines, actor=organiser, vouched=vouched, language=language
    )


# --- Who registered them ---------------------------------------------------------------------


def test_people_imported_for_confirmation_are_told_who_registered_them_and_why(session, organiser):
    imported(session, organiser, "Ana Lopez <ana@example.es>", vouched=False)
    [mail] = OutgoingMail.objects.filter(to_email="ana@example.es")
    assert "You asked to register" not in mail.body_text
    assert "Jeanne Martin registered you, on behalf of ENSIE" in mail.body_text
    assert "As you did not register yourself, we ask you to confirm" in mail.body_text
    assert "/registration/confirm/" in mail.body_text


def test_the_french_import_email_names_the_organiser_too(session, organiser):
    imported(session, organiser, "ana@example.es", vouched=False, language="fr")
    [mail] = OutgoingMail.objects.filter(to_email="ana@example.es")
    assert "Jeanne Martin vous a inscrit" in mail.body_text


def test_people_registered_on_an_organisers_word_are_told_who_did_it(session, organiser):
    imported(session, organiser, "ana@example.es", vouched=True)
    [mail] = OutgoingMail.objects.filter(to_email="ana@example.es")
    assert mail.subject.startswith("Registration confirmed")
    assert "Jeanne Martin registered you for this session on behalf of ENSIE." in mail.body_text


def test_the_first_link_of_someone_vouched_for_names_the_organiser(
    session, organiser, django_capture_on_commit_callbacks
):
    session.participation_link = "https://meet.example.org/j/1"
    session.link_version = 1
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        imported(session, organiser, "ana@example.es", vouched=True)
    [mail] = OutgoingMail.objects.filter(to_email="ana@example.es")
    assert "https://meet.example.org/j/1" in mail.body_text
    assert "Jeanne Martin registered you" in mail.body_text


def test_one_attendee_added_by_an_organiser_is_told_who_added_them(client_for, session, organiser):
    data = {"name": "Bo Berg", "email": "bo@example.se", "language": "en", "mode": "confirm"}
    client_for(organiser).post(url("attendee_add", session.pk), data)
    [mail] = OutgoingMail.objects.filter(to_email="bo@example.se")
    assert "Jeanne Martin registered you, on behalf of ENSIE" in mail.body_text
    assert session.registrations.get(email="bo@example.se").added_by == organiser


def test_someone_registering_themselves_is_still_told_they_asked(session):
    register(session, email="ada@example.org")
    [mail] = OutgoingMail.objects.filter(to_email="ada@example.org")
    assert "You asked to register" in mail.body_text
    assert "registered you" not in mail.body_text


# --- The CSV export ---------------------------------------------------------------------------


def test_the_csv_export_is_in_the_pages_language_and_brussels_time(client_for, session, organiser):
    registration = RegistrationFactory(
        session=session, name="Éric Durand", country="BE", language="fr", attended=True
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime(2031, 1, 10, 9, 30, 15, 123456, tzinfo=UTC),
        confirmed_at=datetime(2031, 7, 10, 9, 30, 15, 123456, tzinfo=UTC),
    )
    with translation.override("fr"):
        csv_url = url("registrants_csv", session.pk)
    assert csv_url.startswith("/fr/")
    response = client_for(organiser).get(csv_url)
    assert response.content.startswith("\ufeff".encode())
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["Nom"] == "Éric Durand"
    assert row["Statut"] == "confirmée"
    assert row["Pays"] == "Belgique"
    assert row["Langue des courriels"] == "Français"
    assert row["Présent"] == "oui"
    assert row["Inscrit le (heure de Bruxelles)"] == "2031-01-10 10:30"
    assert row["Confirmé le (heure de Bruxelles)"] == "2031-07-10 11:30"


# --- Attendance -------------------------------------------------------------------------------


def test_attendance_is_offered_only_once_the_session_has_started(client_for, session, organiser):
    RegistrationFactory(session=session)
    client = client_for(organiser)
    assert "Mark as attended" not in client.get(url("registrants", session.pk)).content.decode()
    with time_machine.travel(session.starts_at + timedelta(minutes=5)):
        client = client_for(organiser)  # signed in again: days later
        html = client.get(url("registrants", session.pk)).content.decode()
    assert "Mark as attended" in html


# --- Cancelling a registrant ------------------------------------------------------------------


def test_an_organiser_cancels_a_registrant_after_a_confirmation_page(
    client_for, session, organiser
):
    session.capacity = 1
    session.save()
    seated = RegistrationFactory(session=session, name="Seated Person")
    waiting = RegistrationFactory(session=session, status="waiting")
    client = client_for(organiser)
    target = url("registrant_cancel", session.pk, seated.pk)
    registrants = client.get(url("registrants", session.pk)).content.decode()
    assert target in registrants
    page = client.get(target).content.decode()
    assert "Seated Person" in page
    assert "Yes, cancel this registration" in page
    seated.refresh_from_db()
    assert seated.status == "confirmed"
    response = client.post(target, {"note": "You registered twice."}, follow=True)
    assert "is cancelled; they are told by email" in response.content.decode()
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == ("cancelled", "confirmed")
    [told] = OutgoingMail.objects.filter(to_email=seated.email)
    assert told.subject.startswith("Registration cancelled")
    assert "You registered twice." in told.body_text
    assert "/registration/cancel/" not in told.body_text
    assert OutgoingMail.objects.filter(to_email=waiting.email).exists()  # promoted, told


def test_staff_cancel_any_registrant_and_other_organisers_get_a_404(client_for, session):
    registration = RegistrationFactory(session=session)
    target = url("registrant_cancel", session.pk, registration.pk)
    stranger = client_for(make_organiser())
    assert stranger.get(target).status_code == 404
    assert stranger.post(target).status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    client_for(make_staff()).post(target)
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_registration_cannot_be_cancelled_once_the_session_is_over(
    client_for, session, organiser
):
    registration = RegistrationFactory(session=session)
    with time_machine.travel(session.ends_at + timedelta(minutes=1)):
        client = client_for(organiser)
        html = client.get(url("registrants", session.pk)).content.decode()
        response = client.post(url("registrant_cancel", session.pk, registration.pk), follow=True)
    assert url("registrant_cancel", session.pk, registration.pk) not in html
    assert "The session is over" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


# --- Re-sending the confirmation --------------------------------------------------------------


def test_an_organiser_resends_a_pending_confirmation_a_few_times_an_hour(
    client_for, session, organiser
):
    imported(session, organiser, "ana@example.es", vouched=False)
    registration = session.registrations.get(email="ana@example.es")
    client = client_for(organiser)
    target = url("registrant_resend_confirmation", session.pk, registration.pk)
    assert target in client.get(url("registrants", session.pk)).content.decode()
    for _ in range(3):
        response = client.post(target, follow=True)
        assert "The confirmation email is sent again" in response.content.decode()
    refused = client.post(target, follow=True).content.decode()
    assert "please wait before sending it again" in refused
    keys = list(
        OutgoingMail.objects.filter(to_email="ana@example.es")
        .order_by("pk")
        .values_list("key", flat=True)
    )
    assert keys == [f"sessions:confirm:{registration.pk}:{n}" for n in (1, 2, 3, 4)]
    resent = OutgoingMail.objects.get(key=f"sessions:confirm:{registration.pk}:2")
    assert "Jeanne Martin registered you" in resent.body_text


def test_only_a_pending_registration_gets_its_confirmation_again(client_for, session, organiser):
    registration = RegistrationFactory(session=session)
    client = client_for(organiser)
    response = client.post(
        url("registrant_resend_confirmation", session.pk, registration.pk), follow=True
    )
    assert "Only a registration awaiting confirmation" in response.content.decode()
    assert not OutgoingMail.objects.exists()
    stranger = client_for(make_organiser())
    pending = RegistrationFactory(session=session, status="pending")
    target = url("registrant_resend_confirmation", session.pk, pending.pk)
    assert stranger.post(target).status_code == 404
