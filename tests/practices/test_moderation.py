"""Contributing and moderation: the transition table, who may do what, emails, audit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ensie_portal.core.errors import TransitionNotAllowed
from ensie_portal.core.models import AuditEntry
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Network
from practices import services
from practices.models import Practice
from tests.factories import UserFactory, make_staff, pdf_bytes
from tests.practices.factories import (
    PracticeFactory,
    SectorFactory,
    ThemeFactory,
    make_editor,
    make_representative,
)

pytestmark = pytest.mark.django_db
Status = Practice.Status


@pytest.fixture
def representative():
    return make_representative(preferred_language="fr")


@pytest.fixture
def editor():
    return make_editor()


def practice_of(user, status=Status.DRAFT, **kwargs):
    return PracticeFactory(submitted_by=user, status=status, published_at=None, **kwargs)


# --- The transition table: every allowed and every forbidden transition ----------------------

ALLOWED = [
    (Status.DRAFT, Status.SUBMITTED, "submitter"),
    (Status.RETURNED, Status.SUBMITTED, "submitter"),
    (Status.SUBMITTED, Status.PUBLISHED, "editor"),
    (Status.SUBMITTED, Status.RETURNED, "editor"),
]


def move(practice, to, actor):
    if to == Status.SUBMITTED:
        return services.practice_submit(practice=practice, actor=actor)
    if to == Status.PUBLISHED:
        return services.practice_publish(practice=practice, actor=actor)
    if to == Status.RETURNED:
        return services.practice_return(practice=practice, actor=actor, comment="Add results.")
    raise AssertionError(to)


@pytest.mark.parametrize(("source", "target", "who"), ALLOWED)
def test_allowed_transitions_are_recorded_with_who_and_when(
    representative, editor, source, target, who
):
    practice = practice_of(representative, source)
    actor = representative if who == "submitter" else editor
    move(practice, target, actor)
    practice.refresh_from_db()
    assert practice.status == target
    entry = audit_trail(practice).last()
    assert (entry.actor, entry.from_state, entry.to_state) == (actor, source, target)
    assert entry.created_at is not None


FORBIDDEN_STATES = [
    (source, target)
    for source in Status.values
    for target in (Status.SUBMITTED, Status.PUBLISHED, Status.RETURNED)
    if (source, target) not in {(a, b) for a, b, _who in ALLOWED}
]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN_STATES)
def test_forbidden_transitions_are_refused_and_change_nothing(
    representative, editor, source, target
):
    practice = practice_of(representative, source)
    with pytest.raises(TransitionNotAllowed):
        move(practice, target, editor if target != Status.SUBMITTED else representative)
    practice.refresh_from_db()
    assert practice.status == source
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("source", "target", "wrong"),
    [
        (Status.DRAFT, Status.SUBMITTED, "editor"),
        (Status.DRAFT, Status.SUBMITTED, "other"),
        (Status.SUBMITTED, Status.PUBLISHED, "submitter"),
        (Status.SUBMITTED, Status.RETURNED, "submitter"),
        (Status.SUBMITTED, Status.PUBLISHED, "other"),
    ],
)
def test_transitions_by_the_wrong_person_are_refused(representative, editor, source, target, wrong):
    practice = practice_of(representative, source)
    actor = {"editor": editor, "submitter": representative, "other": make_representative()}[wrong]
    with pytest.raises(TransitionNotAllowed):
        move(practice, target, actor)
    practice.refresh_from_db()
    assert practice.status == source


# --- Emails -----------------------------------------------------------------------------------


def test_publishing_emails_the_submitter_once_in_their_language(representative, editor):
    practice = practice_of(representative, Status.SUBMITTED, title="Atelier vélo")
    services.practice_publish(practice=practice, actor=editor)
    mail = OutgoingMail.objects.get()
    assert mail.to_email == representative.email
    assert mail.language == "fr"
    assert mail.subject == "Votre pratique « Atelier vélo » est publiée"
    assert practice.get_absolute_url() in mail.body_text
    practice.refresh_from_db()
    assert practice.published_at is not None


def test_returning_emails_the_comment_and_each_outcome_is_a_new_email(representative, editor):
    user = UserFactory(preferred_language="en")
    practice = practice_of(user, Status.SUBMITTED, title="Bike workshop")
    services.practice_return(practice=practice, actor=editor, comment="Please add the results.")
    services.practice_submit(practice=practice, actor=user)
    services.practice_return(practice=practice, actor=editor, comment="And a year.")
    mails = list(OutgoingMail.objects.order_by("pk"))
    assert [m.subject for m in mails] == ["Your practice “Bike workshop” needs changes"] * 2
    assert "Please add the results." in mails[0].body_text
    assert "And a year." in mails[1].body_text
    assert len({m.key for m in mails}) == 2


# --- Views: the permission matrix ---------------------------------------------------------


@pytest.fixture
def people(representative, editor):
    return {
        "anonymous": None,
        "representative": representative,
        "other member": make_representative(),
        "applicant representative": make_representative(network_status=Network.Status.APPLICANT),
        "editor": editor,
        "staff": make_staff(),
    }


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


CONTRIBUTE = {
    "anonymous": 302,
    "representative": 200,
    "other member": 200,
    "applicant representative": 403,
    "editor": 403,
    "staff": 200,
}


@pytest.mark.parametrize(("who", "status"), CONTRIBUTE.items())
def test_who_may_open_the_contribution_form(client, people, who, status):
    assert as_(client, people[who]).get("/practices/contribute/").status_code == status


QUEUE = {"anonymous": 302, "representative": 403, "other member": 403, "editor": 200, "staff": 200}


@pytest.mark.parametrize(("who", "status"), QUEUE.items())
def test_who_may_see_the_moderation_queue(client, people, who, status):
    assert as_(client, people[who]).get("/practices/moderation/").status_code == status


DRAFT_VISIBLE = {"anonymous": 404, "representative": 200, "other member": 404, "editor": 200}


@pytest.mark.parametrize(("who", "status"), DRAFT_VISIBLE.items())
def test_only_the_submitter_and_editors_see_an_unpublished_practice(client, people, who, status):
    practice = practice_of(people["representative"], Status.SUBMITTED)
    assert as_(client, people[who]).get(practice.get_absolute_url()).status_code == status


@pytest.mark.parametrize("who", ["other member", "editor"])
def test_another_users_draft_cannot_be_edited_or_submitted(client, people, who):
    practice = practice_of(people["representative"])
    client = as_(client, people[who])
    assert client.get(f"/practices/{practice.slug}/edit/").status_code == 404
    assert client.post(f"/practices/{practice.slug}/submit/").status_code == 404
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT


PUBLISH = {
    "anonymous": (302, Status.SUBMITTED),
    "representative": (403, Status.SUBMITTED),
    "other member": (403, Status.SUBMITTED),
    "editor": (302, Status.PUBLISHED),
    "staff": (302, Status.PUBLISHED),
}


@pytest.mark.parametrize(("who", "expected"), PUBLISH.items())
def test_who_may_publish(client, people, who, expected):
    practice = practice_of(people["representative"], Status.SUBMITTED)
    response = as_(client, people[who]).post(
        f"/practices/{practice.slug}/review/", {"action": "publish"}
    )
    practice.refresh_from_db()
    assert (response.status_code, practice.status) == expected


def test_publishing_is_post_only(client, editor, representative):
    practice = practice_of(representative, Status.SUBMITTED)
    client.force_login(editor)
    response = client.get(f"/practices/{practice.slug}/review/?action=publish")
    assert response.status_code == 200
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED


def test_returning_needs_a_comment_shown_next_to_the_field(client, editor, representative):
    practice = practice_of(representative, Status.SUBMITTED)
    client.force_login(editor)
    response = client.post(f"/practices/{practice.slug}/review/", {"action": "return"})
    html = response.content.decode()
    assert 'id="id_comment_errors"' in html
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    response = client.post(
        f"/practices/{practice.slug}/review/",
        {"action": "return", "comment": "Add a year."},
        follow=True,
    )
    assert "The practice was returned to its submitter." in response.content.decode()
    practice.refresh_from_db()
    assert (practice.status, practice.return_comment) == (Status.RETURNED, "Add a year.")


def test_publishing_twice_shows_a_message_instead_of_failing(client, editor, representative):
    practice = practice_of(representative, Status.PUBLISHED)
    client.force_login(editor)
    response = client.post(
        f"/practices/{practice.slug}/review/", {"action": "publish"}, follow=True
    )
    assert "This cannot be done now" in response.content.decode()


# --- Contributing -------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Vélo solidaire",
        "summary": "Des vélos réparés par des personnes en insertion.",
        "body": "Un atelier **vélo**.",
        "organisation": "Vélo & Co",
        "country": "FR",
        "type": "initiative",
        "language": "fr",
        "year": "2023",
        "sectors": [SectorFactory(slug="recycling").pk],
        "themes": [ThemeFactory(slug="environment").pk],
    }
    data.update(overrides)
    return data


def test_a_representative_saves_a_draft_then_submits_it(client, representative):
    client.force_login(representative)
    response = client.post("/practices/contribute/", form_data(save="1"), follow=True)
    assert "The draft was saved." in response.content.decode()
    practice = Practice.objects.get()
    assert (practice.status, practice.submitted_by) == (Status.DRAFT, representative)
    assert [s.slug for s in practice.sectors.all()] == ["recycling"]
    mine = client.get("/practices/mine/").content.decode()
    assert "Vélo solidaire" in mine
    assert "draft" in mine
    client.post(f"/practices/{practice.slug}/submit/")
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    # Submitted: no longer editable, and not public.
    assert client.get(f"/practices/{practice.slug}/edit/").status_code == 302
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_a_representative_submits_directly_with_a_pdf(client, representative):
    client.force_login(representative)
    pdf = SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")
    client.post("/practices/contribute/", form_data(submit="1", attachment=pdf))
    practice = Practice.objects.get()
    assert practice.status == Status.SUBMITTED
    assert practice.attachments.get().title == "report.pdf"


def test_bad_input_is_explained_next_to_each_field_and_kept(client, representative):
    client.force_login(representative)
    fake = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        "/practices/contribute/",
        form_data(title="", year="1200", website="not a url", attachment=fake),
    )
    html = response.content.decode()
    for name in ["title", "year", "website", "attachment"]:
        assert f'id="id_{name}_errors"' in html, name
    assert "“virus.pdf” is not a valid PDF document." in html
    assert "Des vélos réparés par des personnes en insertion." in html
    assert not Practice.objects.exists()


def test_a_returned_practice_is_edited_and_resubmitted(client, representative):
    practice = practice_of(representative, Status.RETURNED, return_comment="Add a year.")
    client.force_login(representative)
    page = client.get(f"/practices/{practice.slug}/edit/").content.decode()
    assert "Add a year." in page
    client.post(f"/practices/{practice.slug}/edit/", form_data(title="Better", submit="1"))
    practice.refresh_from_db()
    assert (practice.title, practice.status) == ("Better", Status.SUBMITTED)


def test_reserved_words_never_become_a_slug(representative):
    practice = services.practice_create(
        submitted_by=representative,
        data={**form_data(sectors=[], themes=[]), "title": "Feed", "year": 2020},
    )
    assert practice.slug == "feed-2"


def test_contributions_past_the_hourly_limit_are_refused_and_kept_on_the_page(
    client, representative, settings
):
    settings.PRACTICES_CONTRIBUTE_RATE_LIMIT = 2
    client.force_login(representative)
    for n in range(2):
        client.post("/practices/contribute/", form_data(title=f"Vélo {n}", save="1"))
    response = client.post("/practices/contribute/", form_data(title="Vélo 3", save="1"))
    page = response.content.decode()
    assert "Too many attempts. Please try again later." in page
    assert 'value="Vélo 3"' in page
    assert Practice.objects.count() == 2
