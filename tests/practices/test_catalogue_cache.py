"""The catalogue through the production cache (Redis): big catalogues, and Redis going away."""

import pytest

from practices import facet_index
from tests.practices.factories import PracticeFactory

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

