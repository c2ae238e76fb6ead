"""Full-text search on PostgreSQL: stemming in French and English, accents, rank, highlight."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from practices.models import Practice
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db
LIST = "/practices/"


def found(client, query: str) -> list[str]:
    response = client.get(LIST, {"q": query})
    return [p.title for p in response.context["catalogue"].page.object_list]


@pytest.fixture
def practices():
    return {
        "recycle": PracticeFactory(
            title="Atelier de réparation",
            summary="Recycler les appareils électriques et former des personnes en insertion.",
            language="fr",
        ),
        "economy": PracticeFactory(
            title="Observatoire",
            summary="Un observatoire de l’économie sociale et solidaire.",
            language="fr",
        ),
        "masks": PracticeFactory(
            title="Masks workshop",
            summary="People with disabilities sewing reusable masks during the crisis.",
            language="en",
        ),
        "other": PracticeFactory(title="Canteen", summary="Meals for schools.", language="en"),
    }


def test_the_search_vector_is_stored_and_gin_indexed(practices):
    assert Practice.objects.filter(search_vector__isnull=False).count() == 4
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'practices_practice'"
            " AND indexname = 'practice_search_vector_gin'"
        )
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


def test_french_stemming_finds_other_forms_of_a_word(client, practices):
    assert found(client, "recyclage") == ["Atelier de réparation"]
    assert found(client, "réparations") == ["Atelier de réparation"]
    assert found(client, "électrique") == ["Atelier de réparation"]


def test_english_stemming_finds_other_forms_of_a_word(client, practices):
    assert found(client, "mask") == ["Masks workshop"]
    assert found(client, "sew disability") == ["Masks workshop"]


def test_search_ignores_accents_both_ways(client, practices):
    assert found(client, "economie") == ["Observatoire"]
    assert found(client, "reparation") == ["Atelier de réparation"]
    assert found(client, "ÉCONOMIE") == ["Observatoire"]


def test_an_edit_updates_the_search_vector(client, practices):
    practices["other"].summary = "Repas bio préparés par des chômeurs de longue durée."
    practices["other"].save()
    assert found(client, "chomeur") == ["Canteen"]


def test_results_are_ranked_with_title_matches_first(client):
    PracticeFactory(title="Canteen news", summary="Nothing about it.", body="One repair café.")
    PracticeFactory(title="Repair café network", summary="Repair cafés across Europe.")
    assert found(client, "repair") == ["Repair café network", "Canteen news"]


def test_matching_words_are_highlighted_in_the_summary(client, practices):
    html = client.get(LIST, {"q": "recyclage"}).content.decode()
    assert "<mark>Recycler</mark> les appareils" in html


def test_highlighting_never_lets_html_through(client):
    PracticeFactory(title="Evil", summary="<b>bold</b> recycling <script>x()</script>")
    html = client.get(LIST, {"q": "recycling"}).content.decode()
    assert "<mark>recycling</mark>" in html
    assert "<b>bold" not in html
    assert "<script>x()" not in html


def test_a_query_with_operators_and_punctuation_does_not_fail(client, practices):
    for query in ['"économie sociale"', "masks -crisis", "a & b | !c", "l’économie", "(:*"]:
        assert client.get(LIST, {"q": query}).status_code == 200
    assert found(client, '"économie sociale"') == ["Observatoire"]


def test_a_query_longer_than_the_search_box_takes_is_ignored(client, practices):
    """The box takes 200 characters. Thousands of words in a crafted address made PostgreSQL
    highlight every one of them in each summary: minutes of work for one request."""
    response = client.get(LIST, {"q": "insertion " * 21})  # 210 characters
    assert response.status_code == 200
    assert response.context["catalogue"].query == ""
    assert response.context["catalogue"].total == len(practices)
    assert found(client, ("insertion " * 20).strip()) == ["Atelier de réparation"]


def test_search_combines_with_filters_and_facets(client, practices):
    response = client.get(LIST, {"q": "insertion", "language": "en"})
    assert response.context["catalogue"].total == 0
    counts = {
        o.value: o.count
        for f in response.context["catalogue"].facets
        if f.name == "language"
        for o in f.options
    }
    assert counts["fr"] == 1


def test_without_postgresql_the_search_is_a_simple_case_insensitive_match(
    client, practices, settings
):
    settings.IS_POSTGRES = False
    assert found(client, "OBSERVATOIRE") == ["Observatoire"]
    assert found(client, "masks") == ["Masks workshop"]


def test_a_broad_query_ranks_the_newest_matches_and_lists_the_older_ones_newest_first(
    client, monkeypatch, django_assert_max_num_queries
):
    from practices import selectors

    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 2)
    for day, (title, body) in enumerate(
        [
            ("Repair network", ""),  # the oldest: not among the ranked candidates
            ("Canteen", "A repair corner."),
            ("Repair café", ""),
            ("Garden", "Tools repair."),  # the newest
        ],
        start=1,
    ):
        published = datetime(2024, 1, day, tzinfo=UTC)
        PracticeFactory(
            title=title, summary="Social enterprise.", body=body, published_at=published
        )
    response = client.get(LIST, {"q": "repair"})
    assert response.context["catalogue"].total == 4
    assert found(client, "repair") == ["Repair café", "Garden", "Canteen", "Repair network"]
    # Page by page: the ranked candidates, then the older matches (a deep page).
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    with django_assert_max_num_queries(8):  # counts computed, deep page
        client.get(LIST, {"q": "repair", "page": 2, "year_min": 2000})
    pages = [client.get(LIST, {"q": "repair", "page": n}).context["catalogue"] for n in (1, 2)]
    assert [[p.title for p in c.page.object_list] for c in pages] == [
        ["Repair café", "Garden"],
        ["Canteen", "Repair network"],
    ]
