"""The catalogue through the production cache (Redis): big catalogues, and Redis going away."""

import socket

import pytest

from practices import facet_index, services
from practices.models import Practice
from tests.practices.factories import PracticeFactory, make_editor

pytestmark = pytest.mark.django_db
LIST = "/practices/"


def total(response) -> int:
    assert response.status_code == 200
    return response.context["catalogue"].total


def country_counts(response) -> dict[str, int]:
    facets = {f.name: f for f in response.context["catalogue"].facets}
    return {o.value: o.count for o in facets["country"].options}


def test_search_works_once_the_catalogue_passes_fourteen_thousand_practices(client):
    # A bitset holds one bit per practice key: past key ~14,300 it has more than 4,300 decimal
    # digits, the most Python parses back from text (how Redis would store a bare int).
    PracticeFactory(pk=20_000, title="Repair café in Ghent", country="BE")
    PracticeFactory(pk=20_001, title="Canteen in Lyon", country="FR")
    response = client.get(f"{LIST}?q=repair")
    assert total(response) == 1
    facet_index._memo.clear()  # another process: the index and the matches come from Redis
    response = client.get(f"{LIST}?q=repair&country=BE")
    assert total(response) == 1
    assert country_counts(response) == {"BE": 1}
    assert total(client.get(f"{LIST}?country=FR")) == 1


def _unanswered_redis() -> str:
    """The address of a Redis that does not answer: a free port with nothing listening."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_the_catalogue_stays_right_through_a_redis_outage_and_after_it(
    client, settings, django_capture_on_commit_callbacks
):
    PracticeFactory(title="Repair café in Ghent", country="BE")
    PracticeFactory(title="Canteen in Lyon", country="FR")
    assert total(client.get(LIST)) == 2  # the index is in Redis and in this process
    working = settings.CACHES
    settings.CACHES = {"default": {**working["default"], "LOCATION": _unanswered_redis()}}

    assert total(client.get(LIST)) == 2
    assert total(client.get(f"{LIST}?q=repair")) == 1
    waiting = PracticeFactory(
        title="Repair shop in Tartu",
        country="EE",
        status=Practice.Status.SUBMITTED,
        published_at=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(practice=waiting, actor=make_editor())
    response = client.get(LIST)
    assert total(response) == 3
    assert country_counts(response) == {"BE": 1, "EE": 1, "FR": 1}
    assert total(client.get(f"{LIST}?q=repair")) == 2

    settings.CACHES = working  # Redis is back, still holding the index from before the outage
    for process in ("this one", "another one"):
        if process == "another one":
            facet_index._memo.clear()
        response = client.get(LIST)
        assert total(response) == 3
        assert country_counts(response) == {"BE": 1, "EE": 1, "FR": 1}
        assert total(client.get(f"{LIST}?q=repair")) == 2
