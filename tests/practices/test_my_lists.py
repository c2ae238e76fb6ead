"""The contributor's list and the editors' queue grow with the catalogue: they are paginated and
their query count does not grow with the rows."""

import pytest
from django.urls import reverse

from practices.models import Practice
from tests.practices.factories import PracticeFactory, make_editor, make_representative

pytestmark = pytest.mark.django_db
PER_PAGE = 25


def test_the_moderation_queue_is_paginated_in_few_queries(client, django_assert_max_num_queries):
    for n in range(PER_PAGE + 3):
        PracticeFactory(
            title=f"Waiting {n}",
            status=Practice.Status.SUBMITTED,
            published_at=None,
            submitted_by=make_representative(),
        )
    client.force_login(make_editor())
    with django_assert_max_num_queries(10):
        first = client.get(reverse("practices:moderation"))
    assert len(first.context["practices"]) == PER_PAGE
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("practices:moderation"), {"page": 2})
    assert len(second.context["practices"]) == 3


def test_my_submitted_practices_are_paginated(client):
    contributor = make_representative()
    for n in range(PER_PAGE + 1):
        PracticeFactory(
            title=f"Mine {n}",
            status=Practice.Status.DRAFT,
            published_at=None,
            submitted_by=contributor,
        )
    client.force_login(contributor)
    first = client.get(reverse("practices:mine"))
    assert len(first.context["practices"]) == PER_PAGE
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(reverse("practices:mine"), {"page": 2}).context["practices"]) == 1
