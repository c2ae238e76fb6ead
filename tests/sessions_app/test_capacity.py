"""The capacity of a session changes through the organisers' service, which gives the seats it
frees to the waiting list (issue 12, item 3); the admin shows it read-only and saves a session
through that same service."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from sessions_app.models import Registration, Session
from tests.factories import make_organiser, make_staff
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


def edit_form(session, **changes):
    local = timezone.localtime(session.starts_at)
    return {
        "number": session.number,
        "title_en": session.title,
        "slug": session.slug,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": session.capacity or "",
        **changes,
    }


@pytest.fixture
def full_session():
    organiser = make_organiser()
    session = SessionFactory(organisers=[organiser], capacity=1)
    RegistrationFactory(session=session, status=Status.CONFIRMED)
    first = RegistrationFactory(session=session, status=Status.WAITING, email="first@example.org")
    second = RegistrationFactory(session=session, status=Status.WAITING, email="second@example.org")
    return session, organiser, first, second


def test_raising_the_capacity_on_the_organisers_page_promotes_the_people_waiting(
    client_for, full_session
):
    session, organiser, first, second = full_session
    client = client_for(organiser)
    response = client.post(
        reverse("sessions_app:manage_edit", args=[session.pk]), edit_form(session, capacity=2)
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITING)
    assert OutgoingMail.objects.filter(to_email="first@example.org").exists()
    assert [e.action for e in audit_trail(first)] == ["promote"]


def test_removing_the_limit_promotes_everyone_waiting(client_for, full_session):
    session, organiser, _first, _second = full_session
    client_for(organiser).post(
        reverse("sessions_app:manage_edit", args=[session.pk]), edit_form(session, capacity="")
    )
    assert set(session.registrations.values_list("status", flat=True)) == {Status.CONFIRMED}


def test_the_admin_saves_a_session_through_the_service(client):
    session = SessionFactory(capacity=5, status=Session.Status.PUBLISHED)
    registration = RegistrationFactory(session=session, reminded_24h_at=timezone.now())
    client.force_login(make_staff(is_superuser=True))
    url = reverse("admin:sessions_app_session_change", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'name="capacity"' not in page
    assert 'name="status"' not in page
    moved = timezone.localtime(session.starts_at + timedelta(days=1))
    response = client.post(
        url,
        {
            "number": session.number,
            "title_en": "A new title",
            "slug": session.slug,
            "starts_at_0": moved.strftime("%Y-%m-%d"),
            "starts_at_1": moved.strftime("%H:%M:%S"),
            "ends_at_0": (moved + timedelta(hours=2)).strftime("%Y-%m-%d"),
            "ends_at_1": (moved + timedelta(hours=2)).strftime("%H:%M:%S"),
            "speakers-TOTAL_FORMS": "0",
            "speakers-INITIAL_FORMS": "0",
            "speakers-MIN_NUM_FORMS": "0",
            "speakers-MAX_NUM_FORMS": "1000",
            # A forged field is ignored: the status is not part of the form.
            "status": Session.Status.CANCELLED,
            "capacity": "500",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    registration.refresh_from_db()
    assert session.title == "A new title"
    assert (session.status, session.capacity) == (Session.Status.PUBLISHED, 5)
    assert registration.reminded_24h_at is None
    # The day moved: a change of time, told to the registrants like on the organisers page.
    assert [e.action for e in audit_trail(session)] == ["edit", "reschedule"]
