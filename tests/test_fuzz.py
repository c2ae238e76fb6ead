"""Every public form and every catalogue parameter, fuzzed with hypothesis.

Whatever a visitor types or puts in an address (NUL and the other control characters, any
Unicode but surrogates, which no request can carry, very long strings, numbers out of range,
repeated and unknown parameters, files that are not what their name says), the portal never
answers with a server error, and every export streams to its end: the CSV parses, the JSON
loads, and both hold the practices that the list counts for the same parameters.

Each test runs ``QUICK`` examples in the default suite and ``SLOW_EXAMPLES`` under the ``slow``
marker (``make fuzz``), at least 10,000 in all. Generation is derandomised: every run tries the
same examples, in CI too. The rate limits of the forms are raised, so that submissions are
validated and saved rather than refused as too many.
"""

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from operator import mul
from urllib.parse import quote, urlencode

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from networks.models import Application
from practices.models import Practice, PracticeLanguage, PracticeType
from practices.selectors import SORTS
from practices.views import EXPORT_COLUMNS
from sessions_app.tokens import CANCEL, CONFIRM, registration_token
from tests.factories import NOT_PDFS, TEST_PASSWORD, UserFactory, pdf_bytes
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    MemberNetworkFactory,
    fee_schedule,
)
from tests.practices.factories import (
    PracticeFactory,
    SectorFactory,
    ThemeFactory,
    make_representative,
)
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

QUICK = 10
SLOW_EXAMPLES = {
    "catalogue": 2000,
    "feed": 800,
    "exports": 900,
    "fee_calculator": 600,
    "members": 500,
    "sessions": 400,
    "interest": 1000,
    "registration": 1000,
    "signup": 700,
    "login": 600,
    "password_reset": 500,
    "signed_links": 500,
    "password_reset_key": 400,
    "contribution": 700,
    "reasoned_request": 700,
}


def examples(name: str):
    """Parametrise a test with its number of examples: a few by default, many when slow."""
    return pytest.mark.parametrize(
        "examples",
        [
            pytest.param(QUICK, id="quick"),
            pytest.param(SLOW_EXAMPLES[name], id="slow", marks=pytest.mark.slow),
        ],
    )


def explore(strategy, check, *, examples: int) -> None:
    """Run ``check`` on ``examples`` values drawn from ``strategy`` (and on the shrunk one,
    should it fail). The test's fixtures are built once; ``check`` builds its own clients. Each
    example's writes are rolled back: every example starts from the same database, and one
    that fails leaves the next ones a usable connection."""
    runs = 0

    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def run(value):
        nonlocal runs
        runs += 1
        with transaction.atomic():
            check(value)
            transaction.set_rollback(True)

    run()
    assert runs >= examples


# --- What is typed --------------------------------------------------------------------------

UNICODE = st.characters(exclude_categories=["Cs"])
CONTROL = st.sampled_from(
    [chr(code) for code in range(0x20)]
    + ["\x7f", "\x85", "\x9f", "\u200b", "\u2028", "\u202e", "\ufeff", "\ufffe", "\uffff"]
)
TRICKY = [
    "",
    " ",
    "\x00",
    "%00",
    "'",
    '"',
    "\\",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}",
    "%(name)s",
    "../../etc/passwd",
    "a:*",
    "!",
    "&",
    "|",
    "(",
    "<->",
    "-",
    "*",
    "١٢٣",
    "ǅ",
    "½",
    "ⅷ",
    "😀",
    "e\u0301",
    "İ",
    "ß",
    "ﬁ",
]
NUMBERS = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(repr),
    st.sampled_from(
        [
            "0",
            "-0",
            "-1",
            "1.5",
            "1e309",
            "-1e309",
            "NaN",
            "Infinity",
            "0x10",
            "1_000",
            "+1",
            "００１",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775808",
        ]
    ),
)
SHORT = st.text(st.one_of(UNICODE, CONTROL), max_size=30)
EMAILS = st.one_of(
    st.emails(),
    st.sampled_from(
        [
            "a" * 64 + "@" + ".".join(["b" * 60] * 3 + ["c" * 30]) + ".org",  # valid, 282 long
            "member@example.org",
            "MEMBER@Example.ORG",
            "member+tag@example.org",
            '"quoted name"@example.org',
            "a@b",
            "user@localhost",
            "user@[127.0.0.1]",
        ]
    ),
)


def junk():
    """Anything: short text with control characters, tricky strings, numbers, very long text."""
    return st.one_of(
        SHORT,
        st.sampled_from(TRICKY),
        NUMBERS,
        st.builds(mul, SHORT.filter(bool) | st.sampled_from(TRICKY[1:]), st.integers(50, 3000)),
        st.lists(SHORT | st.sampled_from(TRICKY) | NUMBERS, max_size=4).map("".join),
    )


def text(max_size: int) -> st.SearchStrategy[str]:
    """Text a person could type in a field of ``max_size`` characters (controls included)."""
    return st.text(st.one_of(UNICODE, CONTROL), min_size=1, max_size=max_size)


def one_of_values(*values) -> st.SearchStrategy[str]:
    return st.sampled_from([str(v) for v in values])


def form(**fields) -> st.SearchStrategy[dict]:
    """A submission of a form whose valid values are ``fields`` (name: strategy): half the
    time every field valid (then the form is saved), else each field valid, junk, repeated or
    missing, plus unknown fields."""
    valid = st.fixed_dictionaries(
        {name: values.map(lambda v: [v]) for name, values in fields.items()}
    )
    fuzzed = st.fixed_dictionaries(
        {
            name: st.one_of(
                values.map(lambda v: [v]),
                junk().map(lambda v: [v]),
                st.lists(values | junk(), min_size=2, max_size=3),
                st.just([]),
            )
            for name, values in fields.items()
        }
    )
    unknown = st.dictionaries(junk(), st.lists(junk(), min_size=1, max_size=2), max_size=2)
    return st.builds(
        lambda data, extra: {**extra, **{k: v for k, v in data.items() if v}},
        st.one_of(valid, fuzzed),
        unknown,
    )


def query(**names) -> st.SearchStrategy[str]:
    """A query string: parameters among ``names`` (name: strategy of valid values), each valid or
    junk, repeated or not, in any order; unknown ones; now and then raw bytes that are not
    UTF-8 or broken percent escapes."""
    known = st.sampled_from(sorted(names)).flatmap(
        lambda name: st.tuples(st.just(name), names[name] | junk())
    )
    raw = st.sampled_from(
        ["", "", "", "q=%ff%fe", "q=%ED%A0%80", "q=%", "q=%zz", "=", "&&", "q", "page=%C0%80"]
    )
    return st.builds(
        lambda pairs, tail: "&".join(part for part in (urlencode(pairs), tail) if part),
        st.lists(known | st.tuples(junk(), junk()), max_size=12),
        raw,
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def get(client, path: str, query_string: str = ""):
    response = client.get(f"{path}?{query_string}" if query_string else path)
    assert response.status_code < 500, (path, query_string)
    return response


def post(client, path: str, data: dict):
    response = client.post(path, data)
    assert response.status_code < 500, (path, data)
    assert response.status_code != 429, "a rate limit was reached: raise it in the test"
    return response


def uploads() -> st.SearchStrategy:
    """No file, a real PDF, one of the NOT_PDFS or random bytes, under any name."""
    content = st.one_of(
        st.just(pdf_bytes()), st.sampled_from(list(NOT_PDFS.values())), st.binary(max_size=200)
    )
    name = st.one_of(st.just("document.pdf"), junk().map(lambda n: f"{n}.pdf"), junk())
    return st.one_of(st.none(), st.builds(_upload, name, content))


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    # A name that is no file name at all (empty, "..") cannot even be built: Django refuses it.
    usable = os.path.basename(name) not in {"", ".", ".."}
    return SimpleUploadedFile(name if usable else "file", content)


def with_files(data: dict, **files) -> dict:
    for name, upload in files.items():
        if upload is not None and upload.name:
            upload.seek(0)
            data[name] = upload
    return data


# --- The catalogue, its feed and exports ----------------------------------------------------


@pytest.fixture
def catalogue():
    recycling = SectorFactory(slug="recycling", label_en="Recycling", label_fr="Recyclage")
    catering = SectorFactory(slug="catering", label_en="Catering", label_fr="Restauration")
    youth = ThemeFactory(slug="youth", label_en="Youth", label_fr="Jeunesse")
    rows = [
        ("Atelier de réparation", "BE", [recycling], [youth], "initiative", "fr", 2012),
        ("Cantine solidaire, “bio”", "FR", [catering], [], "project", "fr", 2018),
        ("Repair café\nand workshop", "FI", [recycling, catering], [youth], "project", "en", 2021),
        ("Report; with, separators", "DE", [], [youth], "publication", "de", None),
    ]
    for n in range(3):
        for title, country, sectors, themes, kind, language, year in rows:
            PracticeFactory(
                title=f"{title} {n}",
                summary="Des personnes en insertion réparent et recyclent; people repair.",
                country=country,
                sectors=sectors,
                themes=themes,
                type=kind,
                language=language,
                year=year,
            )
    PracticeFactory(title="Draft", status=Practice.Status.DRAFT, published_at=None)


CATALOGUE_QUERY = query(
    q=one_of_values("repair", "réparation", "insertion", '"people repair"', "-bio", "recycl*"),
    country=one_of_values("BE", "FR", "FI", "DE", "be", "XX"),
    sector=one_of_values("recycling", "catering", "unknown-sector"),
    theme=one_of_values("youth", "unknown-theme"),
    type=one_of_values(*PracticeType.values),
    language=one_of_values(*PracticeLanguage.values),
    year_min=one_of_values(1950, 2010, 2018, 2100),
    year_max=one_of_values(1950, 2012, 2020, 2100),
    sort=one_of_values(*SORTS),
    page=one_of_values(1, 2, "last", 0, -1, 99999),
)


@examples("catalogue")
def test_the_catalogue_list_never_fails(catalogue, examples):
    explore(CATALOGUE_QUERY, lambda q: get(Client(), "/practices/", q), examples=examples)


@examples("feed")
def test_the_feed_is_always_valid_atom(catalogue, examples):
    def check(query_string):
        response = get(Client(), "/practices/feed/", query_string)
        if response.status_code == 200:
            ET.fromstring(response.content)  # noqa: S314 - our own feed

    explore(CATALOGUE_QUERY, check, examples=examples)


@examples("exports")
def test_both_exports_always_stream_every_listed_practice(catalogue, examples):
    def check(query_string):
        client = Client()
        listed = get(client, "/practices/", query_string)
        exported_csv = get(client, "/practices/export.csv", query_string)
        exported_json = get(client, "/practices/export.json", query_string)
        rows = list(csv.reader(io.StringIO(body(exported_csv).decode("utf-8-sig"), newline="")))
        assert rows[0] == EXPORT_COLUMNS
        assert all(len(row) == len(EXPORT_COLUMNS) for row in rows)
        records = json.loads(body(exported_json))
        assert len(rows) - 1 == len(records) == listed.context["catalogue"].total

    explore(CATALOGUE_QUERY, check, examples=examples)


# --- Public GET forms -----------------------------------------------------------------------

COUNTRY = one_of_values("FR", "BE", "DE", "HU", "fr", "XX")


@examples("fee_calculator")
def test_the_fee_calculator_never_fails(examples):
    fee_schedule(2020)
    explore(
        query(country=COUNTRY, wise_count=st.integers(0, 200).map(str)),
        lambda q: get(Client(), "/join/", q),
        examples=examples,
    )


@examples("members")
def test_the_members_directory_never_fails(examples):
    for country in ("FR", "BE", "HU"):
        MemberNetworkFactory(country=country)
    explore(
        query(country=COUNTRY, page=one_of_values(1, 2, "last", 0)),
        lambda q: get(Client(), "/members/", q),
        examples=examples,
    )


@examples("sessions")
def test_the_sessions_list_never_fails(examples):
    SessionFactory()
    explore(
        query(page=one_of_values(1, 2, "last", 0)),
        lambda q: get(Client(), "/sessions/", q),
        examples=examples,
    )


# --- Public POST forms ----------------------------------------------------------------------


@pytest.fixture
def open_limits(settings):
    """Rate limits far above the number of examples, so that every submission is handled."""
    settings.NETWORKS_INTEREST_RATE_LIMIT = 10**6
    settings.SESSIONS_REGISTER_RATE_LIMIT = 10**6
    settings.PRACTICES_CONTRIBUTE_RATE_LIMIT = 10**6
    settings.ACCOUNT_RATE_LIMITS = dict.fromkeys(settings.ACCOUNT_RATE_LIMITS, "1000000/m/ip")


WEBSITE = st.one_of(st.just(""), urls(), one_of_values("example.org", "https://ex.org/a?b=c"))


@examples("interest")
def test_the_interest_form_never_fails(open_limits, examples):
    explore(
        form(
            organisation=text(255),
            country=COUNTRY,
            contact_name=text(200),
            contact_email=EMAILS,
            website=WEBSITE,
            wise_count=st.integers(0, 100000).map(str),
            message=st.one_of(text(2000), junk()),
        ),
        lambda data: post(Client(), "/join/interest/", data),
        examples=examples,
    )


@examples("registration")
def test_the_session_registration_never_fails(open_limits, examples):
    path = f"/sessions/{SessionFactory(capacity=3).slug}/register/"
    explore(
        form(
            name=text(200),
            email=EMAILS,
            organisation=text(255),
            country=COUNTRY,
            question=st.one_of(text(2000), junk()),
            consent=st.just("on"),
        ),
        lambda data: post(Client(), path, data),
        examples=examples,
    )


@examples("signup")
def test_signing_up_never_fails(open_limits, examples):
    password = st.one_of(st.just(TEST_PASSWORD), text(40))
    explore(
        st.builds(
            lambda data, same: {**data, "password2": data.get("password1", [])} if same else data,
            form(
                email=EMAILS,
                password1=password,
                password2=password,
                display_name=text(150),
                organisation=text(200),
                preferred_language=one_of_values("en", "fr", "de"),
            ),
            st.booleans(),
        ),
        lambda data: post(Client(), "/accounts/signup/", data),
        examples=examples,
    )


@examples("login")
def test_signing_in_never_fails(open_limits, examples):
    user = UserFactory(email="member@example.org")
    explore(
        form(
            login=st.one_of(st.just(user.email), EMAILS),
            password=st.one_of(st.just(TEST_PASSWORD), text(40)),
            remember=st.just("on"),
        ),
        lambda data: post(Client(), "/accounts/login/", data),
        examples=examples,
    )


@examples("password_reset")
def test_asking_for_a_password_reset_never_fails(open_limits, examples):
    UserFactory(email="member@example.org")
    explore(
        form(email=st.one_of(st.just("member@example.org"), EMAILS)),
        lambda data: post(Client(), "/accounts/password/reset/", data),
        examples=examples,
    )


def mangled(token: str) -> st.SearchStrategy[str]:
    """``token`` cut short, with one character changed, or with junk added."""
    return st.one_of(
        st.integers(0, len(token)).map(lambda i: token[:i]),
        st.integers(0, len(token) - 1).map(lambda i: token[:i] + "A" + token[i + 1 :]),
        junk().map(lambda tail: token + tail),
    )


def in_path(value: str) -> str:
    return quote(value, safe="")


@examples("signed_links")
def test_the_emailed_confirm_and_cancel_links_never_fail(open_limits, examples):
    """Links pasted cut, changed or made up, opened (GET) or answered (POST), for a
    registration in each state."""
    session = SessionFactory(capacity=1)
    registrations = [
        RegistrationFactory(session=session, status=status)
        for status in ("pending", "confirmed", "waiting", "cancelled")
    ]
    tokens = [
        registration_token(registration=registration, purpose=purpose)
        for registration in registrations
        for purpose in (CONFIRM, CANCEL)
    ]
    token = st.one_of(st.sampled_from(tokens), st.sampled_from(tokens).flatmap(mangled), junk())
    acted = []  # the answers that went through (a redirect to the session's page)

    def check(value):
        purpose, token, method, data = value
        path = f"/sessions/registration/{purpose}/{in_path(token)}/"
        if method == "get":
            get(Client(), path)
        elif post(Client(), path, data).status_code == 302:
            acted.append(purpose)

    explore(
        st.tuples(
            st.sampled_from([CONFIRM, CANCEL]),
            token,
            st.sampled_from(["get", "post"]),
            form(confirm=one_of_values("yes", "1")),
        ),
        check,
        examples=examples,
    )
    # Many examples follow the real links too, not only made-up ones (a few may not).
    assert acted or examples == QUICK


@examples("password_reset_key")
def test_the_password_reset_link_never_fails(open_limits, examples):
    """The emailed link made up or changed, then the new password typed (any)."""
    user = UserFactory(email="member@example.org")
    uid, key = user_pk_to_url_str(user), default_token_generator.make_token(user)
    password = st.one_of(st.just("a-new-Passw0rd-2026"), text(40))
    opened = []  # the links that led to the new password form

    def check(value):
        uid_value, key_value, data = value
        client = Client()
        response = get(
            client, f"/accounts/password/reset/key/{in_path(uid_value)}-{in_path(key_value)}/"
        )
        if response.status_code == 302:  # a valid link: allauth moves the key out of the URL
            opened.append(post(client, response["Location"], data).status_code)

    explore(
        st.tuples(
            st.one_of(st.just(uid), junk()),
            st.one_of(st.just(key), mangled(key), junk()),
            st.builds(
                lambda data, same: (
                    {**data, "password2": data.get("password1", [])} if same else data
                ),
                form(password1=password, password2=password),
                st.booleans(),
            ),
        ),
        check,
        examples=examples,
    )
    assert opened or examples == QUICK  # as above: the real link was followed too


# --- Forms of signed-in users ---------------------------------------------------------------


@examples("contribution")
def test_the_contribution_form_never_fails(open_limits, examples):
    sectors = [str(SectorFactory(slug=slug).pk) for slug in ("recycling", "catering")]
    themes = [str(ThemeFactory(slug="youth").pk)]
    client = Client()
    client.force_login(make_representative())
    fields = form(
        title=text(200),
        summary=text(1000),
        body=st.one_of(text(3000), junk()),
        context=text(300),
        objectives=text(300),
        method=text(300),
        results=text(300),
        transferability=text(300),
        organisation=text(200),
        country=COUNTRY,
        region=text(100),
        sectors=st.sampled_from(sectors),
        themes=st.sampled_from(themes),
        type=one_of_values(*PracticeType.values),
        language=one_of_values(*PracticeLanguage.values),
        year=st.integers(1950, 2100).map(str),
        website=WEBSITE,
        source=text(200),
    )
    explore(
        st.tuples(fields, uploads(), st.sampled_from(["save", "submit"])),
        lambda value: post(
            client,
            "/practices/contribute/",
            with_files({**value[0], value[2]: "1"}, attachment=value[1]),
        ),
        examples=examples,
    )


@examples("reasoned_request")
def test_the_reasoned_request_form_never_fails(open_limits, examples):
    applicant = UserFactory()
    application = ApplicationFactory(
        status=Application.Status.MEETING_HELD, representative=applicant
    )
    assembly = GeneralAssemblyFactory()
    client = Client()
    client.force_login(applicant)
    path = f"/applications/{application.pk}/request/"
    fields = form(
        legal_name=text(255),
        legal_form=text(120),
        registration_number=text(120),
        head_office_address=text(500),
        head_office_country=COUNTRY,
        date_founded=st.dates().map(str),
        wise_count=st.integers(0, 10**6).map(str),
        sectors=text(500),
        regions_covered=text(500),
        representatives_info=text(500),
        website=WEBSITE,
        adheres_to_statutes=st.just("on"),
        adheres_to_declaration=st.just("on"),
        adheres_to_internal_rules=st.just("on"),
        assembly=st.just(str(assembly.pk)),
    )

    def check(value):
        data, letter, statutes, action = value
        data = with_files(
            {**data, action: ""}, motivation_letter_upload=letter, statutes_upload=statutes
        )
        post(client, path, data)

    explore(
        st.tuples(fields, uploads(), uploads(), st.sampled_from(["save", "submit"])),
        check,
        examples=examples,
    )


def test_the_slow_fuzz_runs_at_least_ten_thousand_examples():
    assert sum(SLOW_EXAMPLES.values()) >= 10_000
