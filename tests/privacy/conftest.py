"""A person with a record of every kind (Ann), and neighbours who must never be touched: Joann
(whose address contains Ann's) and Bob."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import CharField, FileField, JSONField, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from assemblies.models import Vote
from ensie_portal.accounts.models import User
from ensie_portal.core.workflow import audit_record
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, Representative
from networks.services import application_interest_create
from practices.models import Attachment
from sessions_app.inbound_emails import inbound_email_receive
from sessions_app.models import InboundEmail, Registration
from sessions_app.services import registration_confirm
from tests import mail_samples as samples
from tests.assemblies.factories import MotionFactory, member
from tests.factories import UserFactory
from tests.practices.factories import PracticeFactory
from tests.sessions_app.factories import SessionFactory
from tests.sessions_app.helpers import register

ANN = "ann@example.org"
ANN_NAME = "Ann Example-Person"
ANN_TAGGED = "ann+events@example.org"
ANN_WORK = "ann.work@example.com"  # a second address of Ann's account
JOANN = "joann@example.org"
BOB = "bob@example.org"
TEXT_FIELDS = (CharField, TextField, JSONField, FileField)


@dataclass
class Person:
    address: str
    name: str
    user: User | None = None
    registration: Registration | None = None
    past_registration: Registration | None = None
    inbound: InboundEmail | None = None
    application: Application | None = None


def _inbound(number: int, sender: str, name: str) -> InboundEmail:
    return inbound_email_receive(
        raw=samples.raw(
            subject=f"Registration {name}",
            body=f"Hello, please register me. {name}",
            sender=f"{name} <{sender}>",
            to="sessions+7@ensie.org",
            message_id=f"<req-{number}-{sender}>",
        )
    )


def make_person(address: str, name: str, *, number: int, session, past_session) -> Person:
    """A person with an account, registrations (one upcoming, one past under a sub-address), an
    inbound email, an expression of interest they are the contact of (which emails the
    secretariat their address), their network link and their practices."""
    local, _at, domain = address.partition("@")
    user = UserFactory(email=address, display_name=name)
    person = Person(address=address, name=name, user=user)
    person.registration = register(session, email=address, name=name)
    registration_confirm(registration=person.registration)
    person.past_registration = Registration.objects.create(
        session=past_session,
        name=name,
        email=f"{local}+events@{domain}",
        organisation="A WISE",
        status=Registration.Status.CONFIRMED,
        attended=True,
    )
    person.inbound = _inbound(number, address, name)
    person.application = application_interest_create(
        organisation=f"Network number {number}",
        country="BE",
        contact_name=name,
        contact_email=address,
        message="We would like to join.",
    )
    PracticeFactory(submitted_by=user, title=f"Published practice {number}")
    return person


@pytest.fixture
def people(settings, tmp_path):
    settings.SESSIONS_MAILBOX_ADDRESS = samples.MAILBOX
    session = SessionFactory(number=7, capacity=2)
    past_session = SessionFactory(
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=10) + timedelta(hours=1),
    )
    ann = make_person(ANN, ANN_NAME, number=1, session=session, past_session=past_session)
    joann = make_person(JOANN, "Joann Other", number=2, session=session, past_session=past_session)
    # The session is full: Bob waits for a seat (Ann's leaving gives it to him).
    bob = make_person(BOB, "Bob Neighbour", number=3, session=session, past_session=past_session)
    # Ann's account has a second address; a draft practice with an attachment; she voted for
    # her member network and recorded an action in the audit trail.
    EmailAddress.objects.create(user=ann.user, email=ANN_WORK, verified=True, primary=False)
    draft = PracticeFactory(
        submitted_by=ann.user, status="draft", published_at=None, title="Ann's draft"
    )
    attachment = Attachment(practice=draft, title="Slides", size=4)
    attachment.file.save("slides.pdf", ContentFile(b"%PDF"), save=True)
    motion = MotionFactory()
    network, _user = member(motion.assembly, representative=ann.user)
    Vote.objects.create(
        item=motion, network=network, choice="yes", cast_by=ann.user, cast_at=timezone.now()
    )
    audit_record(obj=motion, actor=ann.user, action="vote")
    # An email to Ann at her second address, still to be sent.
    OutgoingMail.objects.create(
        key="test:queued-for-ann",
        to_email=ANN_WORK,
        from_email="noreply@ensie.org",
        subject="Still queued",
        body_text=f"Dear {ANN_NAME}",
    )
    return {
        "ann": ann,
        "joann": joann,
        "bob": bob,
        "session": session,
        "draft": draft,
        "attachment": attachment,
        "vote": Vote.objects.get(cast_by=ann.user),
        "representative": Representative.objects.get(network=network, user=ann.user),
    }


def holders(needle: str) -> list[str]:
    """Every model field (of every installed app) whose stored text contains ``needle`` as a
    whole word or address (``ann@example.org`` is not in ``joann@example.org``),
    case-insensitively: ``app.Model.field``."""
    pattern = rf"(^|[^a-z0-9._%+-]){re.escape(needle.lower())}($|[^a-z0-9_-])"
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            rows = model._default_manager.annotate(_text=Cast(field.name, TextField())).filter(
                _text__iregex=pattern
            )
            if rows.exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found
