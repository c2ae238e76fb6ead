import io

import pytest
from django.utils import translation

from sessions_app import demo
from sessions_app.models import Registration, Session

pytestmark = pytest.mark.django_db


def test_the_demo_has_session_7_from_the_seed_and_loads_twice_without_duplicates():
    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    session = Session.objects.get(number=7)
    assert session.title == "Work Integration Social Enterprises"
    assert [s.name for s in session.speakers.all()] == [
        "Olivier Dupuis",
        "László Jakubinyi",
        "Andreea Savin",
    ]
    assert session.partner_list == ["ENSIE", "EASPD"]
    assert (session.local_start.hour, session.local_start.minute) == (10, 30)
    assert (session.local_end.hour, session.local_end.minute) == (12, 0)
    assert Session.objects.count() == 5
    assert Session.objects.filter(ends_at__lt=session.starts_at).exists()
    assert Registration.objects.filter(status=Registration.Status.WAITING).exists()
    assert Registration.objects.count() == 20


def test_the_demo_sessions_are_in_french_where_their_source_is():
    demo.load(stdout=io.StringIO())
    seed = Session.objects.get(number=7)
    # The seed page of session 7 exists in English only.
    assert (seed.title_en, seed.title_fr, seed.description_fr) == (
        "Work Integration Social Enterprises",
        "",
        "",
    )
    with translation.override("fr"):
        assert seed.title.language == "en"
        other = Session.objects.get(number=6)
        assert other.title == "Économie sociale et circuits alimentaires locaux"
        assert other.title.language == "fr"
        assert other.summary.startswith("Des entreprises sociales d’insertion")
    assert not Session.objects.exclude(number=7).filter(title_fr="").exists()
