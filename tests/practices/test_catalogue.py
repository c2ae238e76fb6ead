"""The public catalogue: filters, facets, sorting, pagination, chips, detail page."""

import json
import re

import pytest
from django.urls import reverse

from practices.models import Practice
from tests.practices.factories import PracticeFactory, SectorFactory, ThemeFactory

pytestmark = pytest.mark.django_db
LIST = "/practices/"


def titles(response) -> list[str]:
    return [p.title for p in response.context["catalogue"].page.object_list]


def facet(response, name) -> dict[str, tuple[int, bool]]:
    facets = {f.name: f for f in response.context["catalogue"].facets}
    return {o.value: (o.count, o.selected) for o in facets[name].options}


@pytest.fixture
def catalogue():
    recycling = SectorFactory(slug="recycling", label_en="Recycling", label_fr="Recyclage")
    catering = SectorFactory(slug="catering", label_en="Catering", label_fr="Restauration")
    disability = ThemeFactory(slug="disability", label_en="Disability", label_fr="Handicap")
    youth = ThemeFactory(slug="youth", label_en="Youth", label_fr="Jeunesse")
    rows = [
        ("Belgian repair shop", "BE", [recycling], [disability], "initiative", "fr", 2012),
        ("Belgian canteen", "BE", [catering], [youth], "project", "fr", 2018),
        (
            "French repair café",
            "FR",
            [recycling, catering],
            [disability, youth],
            "project",
            "fr",
            2020,
        ),
        ("French report", "FR", [], [youth], "publication", "en", 2008),
        ("Finnish workshop", "FI", [recycling], [], "initiative", "en", 2021),
    ]
    practices = [
        PracticeFactory(
            title=title,
            country=country,
            sectors=sectors,
            themes=themes,
            type=kind,
            language=language,
            year=year,
        )
        for title, country, sectors, themes, kind, language, year in rows
    ]
    PracticeFactory(title="Draft never shown", country="BE", status=Practice.Status.DRAFT)
    PracticeFactory(title="Submitted never shown", status=Practice.Status.SUBMITTED)
    return practices


def test_the_list_shows_only_published_practices(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(p.title for p in catalogue)
    assert "Draft never shown" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=BE", {"Belgian repair shop", "Belgian canteen"}),
        ("country=BE&country=FI", {"Belgian repair shop", "Belgian canteen", "Finnish workshop"}),
        ("sector=recycling", {"Belgian repair shop", "French repair café", "Finnish workshop"}),
        ("theme=youth&country=FR", {"French repair café", "French report"}),
        ("sector=recycling&theme=disability&country=FR", {"French repair café"}),
        ("type=project&language=fr", {"Belgian canteen", "French repair café"}),
        (
            "year_min=2012&year_max=2020",
            {"Belgian repair shop", "Belgian canteen", "French repair café"},
        ),
        ("sector=catering&year_min=2019", {"French repair café"}),
        ("country=DE", set()),
        ("sector=no-such-sector", set()),
    ],
)
def test_filters_combine(client, catalogue, query, expected):
    assert set(titles(client.get(f"{LIST}?{query}"))) == expected


def test_empty_filter_values_are_ignored(client, catalogue):
    """A form sending its empty choices (``?country=``) shows the whole catalogue, not none."""
    response = client.get(f"{LIST}?q=&country=&sector=&theme=&type=&language=&year_min=")
    assert sorted(titles(response)) == sorted(p.title for p in catalogue)


@pytest.mark.parametrize("bound", ["year_min=-1", "year_max=99999999999", "year_max=1e16"])
def test_a_year_bound_out_of_range_is_ignored_by_the_list_and_the_exports_alike(
    client, catalogue, bound
):
    """Beyond the column's range the database dropped the condition, and the exports listed
    the practices without a year that the list left out."""
    PracticeFactory(title="Practice without a year", year=None)
    listed = client.get(f"{LIST}?{bound}")
    exported = json.loads(b"".join(client.get(f"/practices/export.json?{bound}").streaming_content))
    assert listed.context["catalogue"].total == len(exported) == len(catalogue) + 1


def test_a_practice_in_two_chosen_sectors_is_listed_once(client, catalogue):
    response = client.get(f"{LIST}?sector=recycling&sector=catering")
    assert titles(response).count("French repair café") == 1
    assert response.context["catalogue"].total == 4


FACET_CASES = ["", "country=FR", "sector=recycling", "theme=youth&type=project", "language=en"]


@pytest.mark.parametrize("query", FACET_CASES)
def test_facet_counts_match_a_brute_force_count_with_the_other_filters(client, catalogue, query):
    response = client.get(f"{LIST}?{query}")
    published = list(Practice.objects.published().prefetch_related("sectors", "themes"))
    chosen = {}
    for part in filter(None, query.split("&")):
        name, value = part.split("=")
        chosen.setdefault(name, set()).add(value)

    def values(practice, name):
        if name in ("sector", "theme"):
            return {t.slug for t in getattr(practice, f"{name}s").all()}
        return {str(getattr(practice, name))}

    def matches(practice, skip):
        return all(values(practice, n) & v for n, v in chosen.items() if n != skip)

    for name in ("country", "sector", "theme", "type", "language"):
        counts = facet(response, name)
        for value, (count, _selected) in counts.items():
            brute = sum(1 for p in published if matches(p, name) and value in values(p, name))
            assert count == brute, (name, value)


ORACLE_CASES = [
    "",
    "q=repair",
    "q=repair&country=FR",
    "q=workshop&type=initiative",
    "year_min=2012&year_max=2020&sector=recycling",
    "year_min=2015",
    "year_max=2010&language=en",
    "country=BE&country=FI&theme=youth",
    "sector=recycling&sector=catering&theme=disability",
]


@pytest.mark.parametrize("portable", [False, True], ids=["postgresql", "portable"])
@pytest.mark.parametrize("query", ORACLE_CASES)
def test_each_count_is_the_number_of_results_that_option_gives(
    client, settings, catalogue, query, portable
):
    """Beside every option: how many results the list shows with it (and the other filters).

    ``portable`` runs the SQLite code paths (term keys from the many-to-many tables, a plain
    substring match for the text query) on the same data.
    """
    from django.http import QueryDict

    from practices.filters import PracticeFilter

    settings.IS_POSTGRES = not portable
    response = client.get(f"{LIST}?{query}")
    params = QueryDict(query)

    def results(**replace):
        data = params.copy()
        for name, value in replace.items():
            data.setlist(name, [value])
        return PracticeFilter(data, queryset=Practice.objects.published()).qs.count()

    assert response.context["catalogue"].total == results() > 0
    for name in ("country", "sector", "theme", "type", "language"):
        for value, (count, _selected) in facet(response, name).items():
            assert count == results(**{name: value}), (name, value)


def test_choosing_a_country_updates_the_sector_counts_and_disables_empty_options(client, catalogue):
    response = client.get(f"{LIST}?country=FI")
    assert facet(response, "sector")["recycling"] == (1, False)
    assert facet(response, "sector")["catering"] == (0, False)
    html = response.content.decode()
    assert re.search(r'value="catering" id="facet-sector-catering"\s+disabled', html)
    # The country facet itself still counts every country (its own filter is not applied).
    assert facet(response, "country")["BE"] == (2, False)
    assert facet(response, "country")["FI"] == (1, True)


def test_the_list_page_makes_few_queries_whatever_the_filters(
    client, catalogue, django_assert_max_num_queries
):
    PracticeFactory.create_batch(30, sectors=[catalogue[0].sectors.first()])
    for query in ["", "country=BE&sector=recycling&theme=disability", "q=repair", "page=2"]:
        with django_assert_max_num_queries(8):
            assert client.get(f"{LIST}?{query}").status_code == 200


def test_pagination_shows_twenty_practices_and_the_total(client):
    PracticeFactory.create_batch(45)
    response = client.get(f"{LIST}?page=3")
    assert len(titles(response)) == 5
    assert response.context["catalogue"].total == 45
    html = response.content.decode()
    assert "45 practices" in html
    assert "Page 3 of 3" in html
    assert len(titles(client.get(f"{LIST}?page=1"))) == 20
    # A page out of range shows the last page rather than an error.
    assert len(titles(client.get(f"{LIST}?page=99"))) == 5


@pytest.mark.parametrize(
    ("sort", "first"),
    [("title", "Belgian canteen"), ("year", "Finnish workshop"), ("newest", "Finnish workshop")],
)
def test_sorting(client, catalogue, sort, first):
    assert titles(client.get(f"{LIST}?sort={sort}"))[0] == first


def test_title_sort_is_alphabetical(client, catalogue):
    shown = titles(client.get(f"{LIST}?sort=title"))
    assert shown == sorted(shown)


def test_active_filters_are_removable_chips_and_there_is_a_clear_all_link(client, catalogue):
    response = client.get(f"{LIST}?country=BE&sector=recycling&page=1")
    chips = {c.label: c.remove_url for c in response.context["catalogue"].chips}
    assert chips == {"Country: Belgium": "?sector=recycling", "Sector: Recycling": "?country=BE"}
    html = response.content.decode()
    assert 'href="?sector=recycling"' in html
    assert f'href="{reverse("practices:list")}">Clear all filters' in html


def test_an_empty_result_explains_what_to_do(client, catalogue):
    html = client.get(f"{LIST}?country=FI&sector=catering").content.decode()
    assert "No practice matches these filters." in html
    assert "see all the practices" in html


def test_an_invalid_year_is_reported_next_to_the_field_and_kept(client, catalogue):
    html = client.get(f"{LIST}?year_min=soon").content.decode()
    assert 'id="id_year_min_errors"' in html
    assert 'aria-describedby="id_year_min_errors"' in html
    # The other filters still apply; the bad value is ignored.
    assert "5 practices" in html


def test_the_filter_form_works_without_javascript(client, catalogue):
    html = client.get(LIST).content.decode()
    assert '<form method="get" action="/practices/"' in html
    assert '<button type="submit">Apply filters</button>' in html
    # Only the optional enhancement (filters applied on a tick), from this site, deferred.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/catalogue.js" defer>']


def test_the_detail_page_shows_every_field_related_practices_and_the_way_back(client, catalogue):
    practice = catalogue[2]
    practice.website = "https://example.org/repair"
    practice.source = "CRESS Bretagne, 2012"
    practice.region = "Lyon"
    practice.method = "Volunteers **train** newcomers."
    practice.save()
    response = client.get(f"{practice.get_absolute_url()}?back=country%3DFR%26page%3D2")
    html = response.content.decode()
    for text in [
        "French repair café",
        "France",
        "Lyon",
        "Recycling",
        "Catering",
        "Disability",
        "Youth",
        "project",
        "French",
        "2020",
        "https://example.org/repair",
        "CRESS Bretagne, 2012",
        "<strong>train</strong>",
    ]:
        assert text in html, text
    assert 'href="/practices/?country=FR&amp;page=2">Back to the results' in html
    related = {p.title for p in response.context["related"]}
    assert related == {
        "Belgian repair shop",
        "Belgian canteen",
        "French report",
        "Finnish workshop",
    }


def test_an_unpublished_practice_is_not_found_by_the_public(client, catalogue):
    draft = Practice.objects.get(title="Draft never shown")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_script_in_a_contribution_is_rendered_inert(client):
    practice = PracticeFactory(
        title="<script>alert('t')</script>Title",
        summary="<script>alert('s')</script>",
        body=(
            "Hello <script>alert('b')</script> <img src=x onerror=alert(1)> "
            "[x](javascript:alert(2))"
        ),
        results="<script>alert('r')</script>",
    )
    for url in [practice.get_absolute_url(), LIST, f"{LIST}?q=alert"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "onerror" not in html
        assert "javascript:" not in html


def test_the_catalogue_speaks_french(client, catalogue):
    response = client.get("/fr/practices/?country=BE&sector=recycling")
    html = response.content.decode()
    for text in [
        "Bonnes pratiques",
        "Filtrer par",
        "Pays",
        "Secteur",
        "Thème",
        "Recyclage",
        "Belgique",
        "Appliquer les filtres",
        "Effacer tous les filtres",
        "1 pratique",
    ]:
        assert text in html, text
    assert 'lang="fr"' in html


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_theme_labels_follow_the_interface_language(client, catalogue, lang):
    url = "/fr/practices/" if lang == "fr" else LIST
    labels = {
        o.label
        for f in client.get(url).context["catalogue"].facets
        if f.name == "theme"
        for o in f.options
    }
    assert labels == ({"Handicap", "Jeunesse"} if lang == "fr" else {"Disability", "Youth"})


def test_the_facet_index_is_rebuilt_when_a_practice_is_published(
    client, catalogue, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from practices import services
    from tests.practices.factories import make_editor

    assert client.get(LIST).context["catalogue"].total == 5
    # Other filters: the counts come from the index; only the catalogue version and the page
    # are read (keys, then rows).
    with django_assert_max_num_queries(3):
        client.get(f"{LIST}?country=BE&theme=youth")
    waiting = PracticeFactory(
        title="Newly published", country="FI", status=Practice.Status.SUBMITTED, published_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(practice=waiting, actor=make_editor())
    # The publication built the new facet index (a task): the next visitor only reads the
    # version and a page.
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    assert response.context["catalogue"].total == 6
    assert facet(response, "country")["FI"] == (2, False)


def test_facet_counts_follow_terms_added_removed_and_deleted(client, catalogue):
    from practices.services import practice_catalogue_changed

    repair_shop, canteen, _cafe, _report, finnish = catalogue
    recycling = repair_shop.sectors.get()
    canteen.sectors.add(recycling)
    assert facet(client.get(LIST), "sector")["recycling"] == (4, False)
    # Changes outside the services and the admin keep the same version (and facet index).
    practice_catalogue_changed()
    repair_shop.sectors.remove(recycling)
    finnish.sectors.clear()
    assert facet(client.get(LIST), "sector")["recycling"] == (2, False)
    practice_catalogue_changed()
    canteen.themes.get().delete()  # the "youth" theme: the practices lose it
    response = client.get(f"{LIST}?sector=recycling")
    assert facet(response, "theme") == {"disability": (1, False)}
    assert facet(response, "country") == {"BE": (1, False), "FR": (1, False)}


def test_another_process_reads_the_facet_index_from_the_shared_cache(
    client, catalogue, django_assert_max_num_queries
):
    from practices import facet_index

    client.get(LIST)  # the first visitor builds the index of this catalogue version
    facet_index._memo.clear()  # as in another worker process, which has none in memory
    with django_assert_max_num_queries(3):  # the version and the page
        response = client.get(f"{LIST}?country=BE")
    assert response.context["catalogue"].total == 2
    assert facet(response, "country")["FR"] == (2, False)


def test_a_visitor_waits_for_the_index_another_process_is_building(
    client, catalogue, django_assert_max_num_queries
):
    from threading import Timer

    from django.core.cache import cache

    from practices import facet_index
    from practices.selectors import catalogue_version

    version = catalogue_version()
    ready = facet_index.facet_index_build(version)
    cache.add(f"{facet_index.INDEX_KEY}:{version}:building", 1, 60)  # the task is building it
    Timer(0.3, facet_index.facet_index_share, (ready,)).start()
    with django_assert_max_num_queries(3):  # version and page: no second read of the catalogue
        response = client.get(LIST)
    assert response.context["catalogue"].total == 5


def test_words_searched_before_a_publication_stay_quick_after_it(
    client, catalogue, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from practices import services
    from tests.practices.factories import make_editor

    client.get(f"{LIST}?q=repair")  # the first search reads the matches
    with CaptureQueriesContext(connection) as again:
        client.get(f"{LIST}?q=repair")
    waiting = PracticeFactory(
        title="Repair workshop in Tartu", status=Practice.Status.SUBMITTED, published_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(practice=waiting, actor=make_editor())
    # The task read the matches of "repair" anew: the next search needs no more queries than
    # a repeated one, and finds the new practice.
    with django_assert_num_queries(len(again)):
        response = client.get(f"{LIST}?q=repair")
    assert response.context["catalogue"].total == 3
    assert "Repair workshop in Tartu" in titles(response)
