"""The admin never deletes a record that is in a workflow (a note of issue 12, item 3): deleting
a registration would free its seat without moving the waiting list up, a session or an
application would vanish without anyone being told, a paid fee or a queued email would be lost
with its history. Such records change through their services; the admin deletes only what has
not entered a workflow yet, one record at a time from its own page."""

import pytest
from django.test import RequestFactory

from assemblies.models import GeneralAssembly
from ensie_portal.outbox.services import mail_queue
from sessions_app.models import Registration, Session
from tests.assemblies.factories import MotionFactory
from tests.core.test_admin_workflow_fields import REGISTRY, WORKFLOW_FIELDS, label
from tests.factories import make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    MembershipFeeFactory,
    NetworkFactory,
)
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

# Models with a workflow that staff may still delete, and why.
DELETABLE = {
    "practices.practice": "a practice has no one to tell and no seat or vote behind it",
}


@pytest.mark.parametrize(
    "model_admin",
    [
        model_admin
        for model, model_admin in REGISTRY
        if WORKFLOW_FIELDS[label(model)] and label(model) not in DELETABLE
    ],
    ids=str,
)
def test_no_admin_list_deletes_workflow_records_in_bulk(model_admin):
    request = RequestFactory().get("/admin/")
    request.user = make_staff(is_superuser=True)
    assert "delete_selected" not in model_admin.get_actions(request)
    for inline in model_admin.get_inline_instances(request):
        if WORKFLOW_FIELDS[label(inline.model)]:
            assert not (inline.can_delete and inline.has_delete_permission(request)), inline


def delete_through_the_admin(client, obj):
    opts = obj._meta
    path = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/delete/"
    client.force_login(make_staff(is_superuser=True))
    page = client.get(path)
    client.post(path, {"post": "yes"})
    return page, type(obj).objects.filter(pk=obj.pk).exists()


def queued_mail():
    return mail_queue(
        key="admin:kept",
        to="ana@example.org",
        template="notice",
        language="en",
        context={"subject": "Hello", "lines": ["A line"]},
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: RegistrationFactory(),
        lambda: RegistrationFactory(status=Registration.Status.CANCELLED),
        lambda: SessionFactory(),
        lambda: ApplicationFactory(),
        lambda: NetworkFactory(),
        lambda: MembershipFeeFactory(paid_on="2026-03-01"),
        lambda: MotionFactory().assembly,
        lambda: GeneralAssemblyFactory(status=GeneralAssembly.Status.CONVENED),
        queued_mail,
    ],
    ids=[
        "registration",
        "cancelled-registration",
        "published-session",
        "application",
        "network",
        "paid-fee",
        "assembly-with-an-agenda",
        "convened-assembly",
        "queued-email",
    ],
)
def test_a_record_in_a_workflow_cannot_be_deleted_in_the_admin(client, make):
    obj = make()
    page, still_there = delete_through_the_admin(client, obj)
    assert page.status_code == 403
    assert still_there


@pytest.mark.parametrize(
    "make",
    [
        lambda: SessionFactory(status=Session.Status.DRAFT),
        lambda: MembershipFeeFactory(paid_on=None),
        lambda: GeneralAssemblyFactory(status=GeneralAssembly.Status.PLANNED),
    ],
    ids=["draft-session-without-registrations", "unpaid-fee", "planned-assembly-without-agenda"],
)
def test_a_record_made_by_mistake_can_still_be_deleted(client, make):
    obj = make()
    page, still_there = delete_through_the_admin(client, obj)
    assert page.status_code == 200
    assert not still_there


def test_a_draft_session_with_registrations_is_kept(client):
    registration = RegistrationFactory(session=SessionFactory(status=Session.Status.DRAFT))
    page, still_there = delete_through_the_admin(client, registration.session)
    assert page.status_code == 403
    assert still_there
