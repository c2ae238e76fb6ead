"""Each retention rule: records younger than its limit stay, older ones are erased, and running
it again changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as LoginSession
from django.core.files.storage import storages
from django.utils import timezone

from ensie_portal.accounts.models import User
from ensie_portal.core.models import AuditEntry
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_resend
from ensie_portal.privacy.services import (
    RETENTION_RULES,
    retention_apply,
    retention_closed_applications,
    retention_inbound_emails,
    retention_login_sessions,
    retention_outbox,
    retention_session_registrations,
    retention_stale_interests,
    retention_unused_accounts,
)
from ensie_portal.privacy.tasks import apply_retention
from networks.models import Application, Network, Representative
from networks.services import application_interest_create
from sessions_app.inbound_emails import inbound_email_receive, inbound_email_reject
from sessions_app.models import InboundEmail, Registration
from sessions_app.services import participation_link_resend
from tests import mail_samples as samples
from tests.core.test_settings import run_manage
from tests.factories import UserFactory, make_organiser, make_staff
from tests.networks.factories import ApplicationFactory, MembershipFeeFactory, fill_reasoned_request
from tests.sessions_app.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def later(days: float):
    """Travel ``days`` from now (the rules read the clock)."""
    return time_machine.travel(timezone.now() + timedelta(days=days))


def test_the_daily_task_applies_every_rule_and_is_scheduled():
    assert django_settings.CELERY_BEAT_SCHEDULE["privacy-retention"] == {
        "task": "privacy.apply_retention",
        "schedule": 86400.0,
    }
    assert "sessions.anonymise" not in str(django_settings.CELERY_BEAT_SCHEDULE)
    assert set(apply_retention.delay().get()) == {rule.name for rule in RETENTION_RULES}


def test_a_retention_period_under_one_day_is_refused_at_start_up():
    result = run_manage("check", DEBUG="1", SESSIONS_REQUESTS_ERASE_AFTER_DAYS="0")
    assert result.returncode != 0
    assert "SESSIONS_REQUESTS_ERASE_AFTER_DAYS must be a number of days" in result.stderr


# --- Session registrants --------------------------------------------------------------------


def test_registrants_are_anonymised_after_the_configured_days_keeping_counts(settings):
    settings.SESSIONS_ANONYMISE_AFTER_DAYS = 30
    session = SessionFactory(participation_link="https://meet.example.org/j/1")
    attended = RegistrationFactory(session=session, attended=True, question="Why?")
    RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    RegistrationFactory(session=session, status=Registration.Status.PENDING)
    participation_link_resend(registration=attended, actor=make_staff())
    OutgoingMail.objects.update(status=OutgoingMail.Status.SENT)
    with time_machine.travel(session.ends_at + timedelta(days=29)):
        assert retention_session_registrations(now=timezone.now()) == 0
    assert session.registrations.filter(email=attended.email).exists()
    with time_machine.travel(session.ends_at + timedelta(days=30)):
        assert retention_session_registrations(now=timezone.now()) == 3
        assert retention_session_registrations(now=timezone.now()) == 0
    rows = list(session.registrations.values("name", "email", "organisation", "question"))
    assert rows == [{"name": "", "email": "", "organisation": "", "question": ""}] * 3
    assert session.registrations.filter(status="confirmed", attended=True).count() == 1
    assert session.registrations.count() == 3
    assert not OutgoingMail.objects.filter(to_email=attended.email).exists()
    link_mail = OutgoingMail.objects.get(key__startswith=f"sessions:link:{attended.pk}:")
    assert (link_mail.status, link_mail.body_text, link_mail.subject) == ("sent", "", "")


# --- Email requests -------------------------------------------------------------------------


def _inbound(number: int, *, to="sessions+7@ensie.org", sender="Dan <dan@example.de>"):
    return inbound_email_receive(
        raw=samples.raw(
            subject=f"Please register me {number}",
            body="Hello, I am Dan from Example GmbH. Thanks",
            sender=sender,
            to=to,
            message_id=f"<retention-{number}@example.de>",
        )
    )


@pytest.fixture
def mailbox(settings):
    settings.SESSIONS_MAILBOX_ADDRESS = samples.MAILBOX
    settings.SESSIONS_REQUESTS_ERASE_AFTER_DAYS = 90


def test_email_requests_are_erased_after_the_configured_days(mailbox):
    SessionFactory(number=7, starts_at=timezone.now() + timedelta(days=200))
    answered = _inbound(1)  # registered at once: the sender got the confirmation link
    waiting = _inbound(2, to=samples.MAILBOX)  # names no session: waits, unassigned
    assert (answered.status, waiting.status) == ("accepted", "unassigned")
    with later(89):
        assert retention_inbound_emails(now=timezone.now()) == 0
    assert InboundEmail.objects.filter(sender="dan@example.de").count() == 2
    with later(91):
        assert retention_inbound_emails(now=timezone.now()) == 2
        assert retention_inbound_emails(now=timezone.now()) == 0
    for inbound in InboundEmail.objects.all():
        assert (inbound.sender, inbound.sender_name, inbound.subject, inbound.text) == (
            "",
            "",
            "",
            "",
        )
        assert inbound.message_id.startswith("erased:")
        assert inbound.erased_at is not None
    # The accepted one keeps its status; the one nobody handled is closed, audited.
    assert InboundEmail.objects.get(pk=answered.pk).status == "accepted"
    closed = InboundEmail.objects.get(pk=waiting.pk)
    assert (closed.status, closed.reason) == ("ignored", "Personal data erased.")
    entry = AuditEntry.objects.get(object_id=str(waiting.pk), action="erase")
    assert (entry.from_state, entry.to_state, entry.actor) == ("unassigned", "ignored", None)


def test_a_request_decided_late_is_kept_as_long_after_the_decision(mailbox):
    organiser = make_organiser()
    inbound = _inbound(3, to=samples.MAILBOX)
    with later(60):
        inbound_email_reject(inbound=inbound, actor=organiser, reason="Dan, we are full.")
    with later(91):
        assert retention_inbound_emails(now=timezone.now()) == 0
    with later(151):
        assert retention_inbound_emails(now=timezone.now()) == 1
    # The organiser's reason (it names the person) is gone from the request and its audit.
    assert not AuditEntry.objects.filter(comment__contains="Dan").exists()
    answer = OutgoingMail.objects.get(key=f"sessions:inbound:answer:{inbound.pk}")
    assert (answer.to_email, answer.body_text, answer.headers) == ("erased@invalid", "", {})


def test_requests_go_at_the_latest_with_their_sessions_registrants(mailbox, settings):
    settings.SESSIONS_ANONYMISE_AFTER_DAYS = 10
    session = SessionFactory(number=7, starts_at=timezone.now() + timedelta(days=1))
    inbound = _inbound(4)
    assert inbound.session == session
    with time_machine.travel(session.ends_at + timedelta(days=11)):
        retention_session_registrations(now=timezone.now())
        assert retention_inbound_emails(now=timezone.now()) == 1
    assert InboundEmail.objects.get(pk=inbound.pk).erased_at is not None


# --- The outbox -----------------------------------------------------------------------------


def _mail(key: str, *, status: str, **fields) -> OutgoingMail:
    return OutgoingMail.objects.create(
        key=key,
        to_email="eve@example.org",
        from_email="noreply@ensie.org",
        reply_to="eve.reply@example.org",
        subject="Hello Eve",
        body_text="Dear Eve, here is your link https://portal/x/signed",
        body_html="<p>Dear Eve</p>",
        attachments=[{"filename": "a.ics", "mimetype": "text/calendar", "content_b64": "QQ=="}],
        status=status,
        **fields,
    )


def test_outbox_content_is_purged_after_the_configured_days_keeping_the_row(settings):
    settings.OUTBOX_PURGE_AFTER_DAYS = 30
    sent = _mail("account:email_confirmation:eve@example.org:abc", status="sent")
    failed = _mail(
        "notice:2",
        status="failed",
        last_error="SMTPRecipientsRefused: {'eve@example.org': (550, b'No such user')}",
    )
    queued = _mail("notice:3", status="queued")
    with later(29):
        assert retention_outbox(now=timezone.now()) == 0
    with later(31):
        assert retention_outbox(now=timezone.now()) == 2
        assert retention_outbox(now=timezone.now()) == 0
    for mail in (sent, failed):
        mail.refresh_from_db()
        assert (mail.to_email, mail.reply_to, mail.subject) == ("erased@invalid", "", "")
        assert (mail.body_text, mail.body_html, mail.attachments) == ("", "", [])
        assert mail.purged_at is not None
        assert "eve" not in mail.key + mail.last_error
    assert (sent.status, failed.status) == ("sent", "failed")
    assert sent.key == "account:email_confirmation:erased:abc"
    assert failed.last_error.startswith("SMTPRecipientsRefused: {'[erased]'")
    # A row still to send is left alone; a purged failed row cannot be sent again.
    queued.refresh_from_db()
    assert (queued.status, queued.to_email, queued.purged_at) == ("queued", "eve@example.org", None)
    assert mail_resend(mail=failed) is False


# --- Applications ---------------------------------------------------------------------------


def _interest(name="Stale Network", email="carla@example.org") -> Application:
    return application_interest_create(
        organisation=name, country="BE", contact_name="Carla Contact", contact_email=email
    )


def test_an_interest_nobody_took_further_is_erased_with_its_network_and_account(settings):
    settings.NETWORKS_INTEREST_ERASE_AFTER_DAYS = 365
    settings.ACCOUNTS_UNUSED_ERASE_AFTER_DAYS = 90
    stale = _interest()
    network, contact = stale.network, Representative.objects.get(network=stale.network).user
    with later(364):
        assert retention_stale_interests(now=timezone.now()) == 0
        assert retention_unused_accounts(now=timezone.now()) == 0  # still the contact
    with later(366):
        assert retention_apply()["stale_interests"] == 1
        assert retention_stale_interests(now=timezone.now()) == 0
    assert not Application.objects.filter(pk=stale.pk).exists()
    assert not Network.objects.filter(pk=network.pk).exists()
    assert not AuditEntry.objects.filter(object_id=str(stale.pk), action="interest").exists()
    # The contact never signed in: the account went in the same run.
    assert not User.objects.filter(pk=contact.pk).exists()
    assert not OutgoingMail.objects.filter(body_text__contains="carla@example.org").exists()


def test_an_interest_that_went_further_or_a_network_with_a_history_stays(settings):
    settings.NETWORKS_INTEREST_ERASE_AFTER_DAYS = 365
    met = _interest("Met Network", "met@example.org")
    Application.objects.filter(pk=met.pk).update(status=Application.Status.MEETING_SCHEDULED)
    former = _interest("Former Member", "former@example.org")
    MembershipFeeFactory(network=former.network, year=2020)
    with later(400):
        assert retention_stale_interests(now=timezone.now()) == 1
    assert Application.objects.filter(pk=met.pk).exists()
    # The interest of a network with a history goes; the network stays.
    assert not Application.objects.filter(pk=former.pk).exists()
    assert Network.objects.filter(pk=former.network_id).exists()


def test_applications_closed_without_admission_lose_contact_and_documents(
    settings, django_capture_on_commit_callbacks
):
    settings.NETWORKS_CLOSED_APPLICATION_ERASE_AFTER_DAYS = 730
    withdrawn = ApplicationFactory(contact_name="Wanda", contact_email="wanda@example.org")
    fill_reasoned_request(withdrawn)
    Application.objects.filter(pk=withdrawn.pk).update(
        status=Application.Status.WITHDRAWN, message="Wanda here"
    )
    admitted = ApplicationFactory(contact_name="Ada", status=Application.Status.ADMITTED)
    files = [withdrawn.motivation_letter.name, withdrawn.statutes.name]
    assert all(storages["private"].exists(name) for name in files)
    with later(729):
        assert retention_closed_applications(now=timezone.now()) == 0
    with later(731), django_capture_on_commit_callbacks(execute=True):
        assert retention_closed_applications(now=timezone.now()) == 1
        assert retention_closed_applications(now=timezone.now()) == 0
    withdrawn.refresh_from_db()
    assert (withdrawn.contact_name, withdrawn.contact_email, withdrawn.message) == ("", "", "")
    assert (withdrawn.representatives_info, withdrawn.motivation_letter.name) == ("", "")
    assert not any(storages["private"].exists(name) for name in files)
    # The organisation's record stays: its name, status and the Board's decision.
    assert (withdrawn.status, withdrawn.legal_name) == (
        "withdrawn",
        "Réseau des entreprises d'insertion",
    )
    admitted.refresh_from_db()
    assert (admitted.contact_name, admitted.personal_data_erased_at) == ("Ada", None)


# --- Accounts and login sessions ------------------------------------------------------------


def test_accounts_never_used_are_deleted_after_the_configured_days(settings):
    settings.ACCOUNTS_UNUSED_ERASE_AFTER_DAYS = 90
    unused = UserFactory()
    used = UserFactory(last_login=timezone.now())
    staff = make_staff()
    organiser = make_organiser()
    representative = ApplicationFactory(status=Application.Status.ADMITTED)
    rep_user = Representative.objects.get(network=representative.network).user
    with later(89):
        assert retention_unused_accounts(now=timezone.now()) == 0
    with later(91):
        assert retention_unused_accounts(now=timezone.now()) == 1
        assert retention_unused_accounts(now=timezone.now()) == 0
    assert not User.objects.filter(pk=unused.pk).exists()
    kept = {used.pk, staff.pk, organiser.pk, rep_user.pk}
    assert set(User.objects.filter(pk__in=kept).values_list("pk", flat=True)) == kept


def test_expired_login_sessions_are_deleted():
    expired, valid = SessionStore(), SessionStore()
    for store in (expired, valid):
        store["_auth_user_id"] = "1"
        store.create()
    LoginSession.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert retention_login_sessions(now=timezone.now()) == 1
    assert retention_login_sessions(now=timezone.now()) == 0
    assert LoginSession.objects.filter(session_key=valid.session_key).exists()


def test_the_mailbox_rule_does_nothing_without_a_mailbox(settings):
    settings.IMAP_URL = ""
    assert retention_apply()["mailbox"] == 0


def test_an_unreachable_mailbox_does_not_stop_the_other_rules(settings, caplog):
    settings.IMAP_URL = "imap://user:pw@127.0.0.1:9/INBOX"  # nothing listens on port 9
    settings.OUTBOX_PURGE_AFTER_DAYS = 1
    mail = _mail("notice:unreachable", status="sent")
    with later(2):
        done = retention_apply()
    assert (done["mailbox"], done["outbox"]) == (None, 1)
    assert OutgoingMail.objects.get(pk=mail.pk).purged_at is not None
    assert "Retention rule mailbox failed" in caplog.text
