"""Behind the production reverse proxy, each visitor has their own rate-limit counter."""

import pytest
from django.urls import reverse

from ensie_portal.core.ratelimit import client_ip
from sessions_app.models import Registration
from tests.sessions_app.factories import SessionFactory
from tests.sessions_app.test_public_pages import FORM

PROXY = "10.0.0.2"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(rf):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == PROXY


def test_behind_one_trusted_proxy_the_client_is_the_address_it_forwarded(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    spoofed_then_real = "198.51.100.1, 203.0.113.9"
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=spoofed_then_real)
    assert client_ip(request) == "203.0.113.9"


def test_a_request_that_bypassed_the_proxy_falls_back_to_its_own_address(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.7")) == "192.0.2.7"


@pytest.mark.django_db
def test_one_visitor_reaching_the_limit_does_not_block_the_next_one(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.SESSIONS_REGISTER_RATE_LIMIT = 1
    url = reverse("sessions_app:register", args=[SessionFactory().slug])

    def register(email, address):
        data = {**FORM, "email": email}
        return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)

    assert register("a@example.org", "203.0.113.1").status_code == 302
    assert register("b@example.org", "203.0.113.1").status_code == 429
    assert register("c@example.org", "203.0.113.2").status_code == 302
    assert Registration.objects.count() == 2
