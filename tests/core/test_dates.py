"""One date style per language, on every page and in every email: English "Thursday 7 January
2027, 10:00" (day first, 24-hour clock), French "jeudi 7 janvier 2027, 10 h 00"; tables and
records use the short form without the weekday ("7 January 2027")."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ensie_portal.core.i18n import format_when
from ensie_portal.outbox.services import mail_render
from practices.models import Practice
from tests.factories import UserFactory, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    MembershipFeeFactory,
    fill_reasoned_request,
)
from tests.practices.factories import PracticeFactory, make_representative
from tests.sessions_app.factories import SessionFactory

NBSP = "\u00a0"
# 10:00 in Brussels on Thursday 7 January 2027 (winter time, UTC+1).
MOMENT = datetime.datetime(2027, 1, 7, 9, 0, tzinfo=datetime.UTC)
# What the mixed styles of before looked like: "Jan. 7, 2027", "10 a.m.", "01/07/2027".
AMERICAN = re.compile(r"\b(a\.m\.|p\.m\.|noon|midnight)|\b[A-Z][a-z]{2}\. \d|\b\d{2}/\d{2}/\d{4}\b")


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "datetime", "Thursday 7 January 2027, 10:00"),
        ("en", "date", "Thursday 7 January 2027"),
        ("en", "time", "10:00"),
        ("en", "short_datetime", "7 January 2027, 10:00"),
        ("en", "short_date", "7 January 2027"),
        ("fr", "datetime", f"jeudi 7 janvier 2027, 10{NBSP}h{NBSP}00"),
        ("fr", "date", "jeudi 7 janvier 2027"),
        ("fr", "time", f"10{NBSP}h{NBSP}00"),
        ("fr", "short_datetime", f"7 janvier 2027, 10{NBSP}h{NBSP}00"),
        ("fr", "short_date", "7 janvier 2027"),
    ],
)
def test_one_style_per_language(language, style, expected):
    with translation.override(language):
        assert format_when(MOMENT, style) == expected


def test_a_date_alone_never_gets_a_time_and_a_time_alone_is_a_time():
    with translation.override("en"):
        assert format_when(datetime.date(2027, 1, 7)) == "Thursday 7 January 2027"
        assert format_when(datetime.date(2027, 1, 7), "short_datetime") == "7 January 2027"
        assert format_when(datetime.time(14, 5), "time") == "14:05"
        assert format_when(None) == ""


def test_english_forms_read_typed_dates_day_first():
    from django import forms

    field = forms.DateField()
    with translation.override("en"):
        assert field.clean("04/12/2026") == datetime.date(2026, 12, 4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "when", "end"),
    [
        ("en", "Thursday 7 January 2027, 10:00", "11:30"),
        ("fr", f"jeudi 7 janvier 2027, 10{NBSP}h{NBSP}00", f"11{NBSP}h{NBSP}30"),
    ],
)
def test_session_pages_show_the_one_style(client, language, when, end):
    session = SessionFactory(starts_at=MOMENT)
    prefix = "" if language == "en" else "/fr"
    for url in (reverse("sessions_app:list"), session.get_absolute_url()):
        with translation.override(language):
            page = html.unescape(client.get(prefix + url.removeprefix(prefix)).content.decode())
        assert f"{when}</time>–<time" in page
        assert f">{end}</time>" in page
        assert not AMERICAN.search(page)


@pytest.mark.django_db
def test_the_organisers_list_shows_the_short_style(client):
    staff = make_staff()
    SessionFactory(starts_at=MOMENT)
    client.force_login(staff)
    page = html.unescape(client.get(reverse("sessions_app:manage_list")).content.decode())
    assert "7 January 2027, 10:00" in page
    assert "Jan. 7" not in page


@pytest.mark.django_db
def test_my_practices_no_longer_show_american_dates(client):
    contributor = make_representative()
    practice = PracticeFactory(
        status=Practice.Status.DRAFT, published_at=None, submitted_by=contributor
    )
    Practice.objects.filter(pk=practice.pk).update(updated_at=MOMENT)
    client.force_login(contributor)
    page = html.unescape(client.get(reverse("practices:mine")).content.decode())
    assert "7 January 2027, 10:00" in page
    assert not AMERICAN.search(page)


@pytest.mark.django_db
def test_the_fee_list_shows_the_day_it_was_paid_day_first(client):
    MembershipFeeFactory(year=2030, paid_on=datetime.date(2030, 12, 4))
    client.force_login(make_staff())
    page = html.unescape(client.get(reverse("networks:fee_list"), {"year": 2030}).content.decode())
    assert "4 December 2030" in page
    assert not AMERICAN.search(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "date"), [("en", "Thursday 17 December 2026"), ("fr", "jeudi 17 décembre 2026")]
)
def test_emails_write_dates_in_the_one_style(language, date):
    application = ApplicationFactory(meeting_at=MOMENT, meeting_link="https://meet.example.org/x")
    assembly = GeneralAssemblyFactory(title="GA", date=datetime.date(2026, 12, 17))
    fill_reasoned_request(application, assembly=assembly)
    context = {
        "event": "on_agenda",
        "application": application,
        "network": application.network,
        "recipient": UserFactory(display_name="Lea"),
        "assembly": assembly,
        "url": "https://portal.example/app/",
    }
    _subject, text, body = mail_render(
        template="networks_application", context=context, language=language
    )
    for rendered in (text, body):
        assert date in html.unescape(rendered)
        assert not AMERICAN.search(rendered)
    context["event"] = "meeting_scheduled"
    _subject, text, _body = mail_render(
        template="networks_application", context=context, language=language
    )
    expected = {
        "en": "Thursday 7 January 2027, 10:00",
        "fr": f"jeudi 7 janvier 2027, 10{NBSP}h{NBSP}00",
    }
    assert expected[language] in text


TEMPLATES = Path(settings.BASE_DIR) / "templates"
SOURCES = [
    Path(settings.BASE_DIR) / name
    for name in ("ensie_portal", "networks", "sessions_app", "practices")
]
# Machine-readable (datetime attributes), the time zone's name, a year alone.
ALLOWED_DATE_FORMATS = {"c", "T", "Y"}
FORBIDDEN_IN_TEMPLATES = ("|time", "naturalday", "naturaltime", "localize")
FORBIDDEN_IN_PYTHON = (r"\bdate_format\(", r"\btime_format\(", r"\.strftime\(")


def test_every_template_writes_dates_through_the_one_filter():
    offenders = []
    for path in TEMPLATES.rglob("*.*"):
        text = path.read_text()
        name = path.relative_to(TEMPLATES)
        formats = re.findall(r"""\|date(?::["']([^"']*)["'])?""", text)
        offenders += [
            f"{name}: |date:{fmt!r}" for fmt in formats if fmt not in ALLOWED_DATE_FORMATS
        ]
        offenders += [f"{name}: {word}" for word in FORBIDDEN_IN_TEMPLATES if word in text]
    assert offenders == [], "use |when (core/templatetags/portal.py)"


def test_python_writes_dates_through_format_when():
    offenders = []
    for root in SOURCES:
        for path in root.rglob("*.py"):
            if "migrations" in path.parts or path.name == "i18n.py":
                continue
            text = path.read_text()
            name = path.relative_to(settings.BASE_DIR)
            offenders += [f"{name}: {p}" for p in FORBIDDEN_IN_PYTHON if re.search(p, text)]
    assert offenders == [], "use ensie_portal.core.i18n.format_when"
