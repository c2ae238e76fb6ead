"""Parallel requests on PostgreSQL, each thread with its own connection."""

import threading

import pytest
from django.db import connection

from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, Network
from networks.services import application_interest_create, reasoned_request_submit
from tests.factories import UserFactory
from tests.networks.factories import ApplicationFactory, fill_reasoned_request

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_parallel(count, work):
    """Start ``count`` threads on ``work(i)`` together; return their results or exceptions."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_double_submitted_interest_form_creates_one_application_and_one_account():
    results = run_in_parallel(
        4,
        lambda i: application_interest_create(
            organisation="Réseau parallèle",
            country="BE",
            contact_name="Lea",
            contact_email="lea@example.org",
            wise_count=10,
        ),
    )
    assert all(isinstance(result, Application) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert User.objects.filter(email="lea@example.org").count() == 1
    assert Network.objects.filter(legal_name="Réseau parallèle").count() == 1
    assert OutgoingMail.objects.filter(to_email="lea@example.org").count() == 1


def test_two_representatives_submitting_at_once_make_one_transition():
    first, second = UserFactory(), UserFactory()
    application = ApplicationFactory(status=Application.Status.MEETING_HELD, representative=first)
    application.network.representative_links.create(user=second)
    fill_reasoned_request(application)
    actors = [first, second]
    results = run_in_parallel(
        2,
        lambda i: reasoned_request_submit(
            application=Application.objects.get(pk=application.pk), actor=actors[i]
        ),
    )
    assert sum(isinstance(result, Application) for result in results) == 1
    assert sum(isinstance(result, DomainError) for result in results) == 1
    assert audit_trail(application).filter(to_state="request_submitted").count() == 1
    assert OutgoingMail.objects.filter(to_email=first.email).count() == 1
