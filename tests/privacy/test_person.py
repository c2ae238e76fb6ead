"""One person's records: found across the apps, exported, erased (services and selectors)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder

from assemblies.models import Vote
from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError
from ensie_portal.core.models import AuditEntry
from ensie_portal.outbox.models import OutgoingMail
from ensie_portal.outbox.services import mail_resend, outbox_sweep
from ensie_portal.privacy.addresses import PersonAddress
from ensie_portal.privacy.models import PersonalDataRequest
from ensie_portal.privacy.selectors import person_export, person_records
from ensie_portal.privacy.services import person_erase
from networks.models import Application, Network, Representative
from practices.models import Practice
from sessions_app.models import InboundEmail, Registration
from tests.factories import TEST_PASSWORD, make_staff

from .conftest import ANN, ANN_NAME, ANN_TAGGED, ANN_WORK, BOB, JOANN, holders

pytestmark = pytest.mark.django_db


def ann_person(**kwargs) -> PersonAddress:
    return PersonAddress(ANN.upper(), **kwargs)


def test_address_matching_counts_sub_addresses_of_the_same_mailbox_only():
    person = PersonAddress("Ann+News@Example.org")
    assert person.address == "ann+news@example.org"
    for same in ("ann@example.org", "ANN+other@example.org", "ann+news@example.org"):
        assert person.matches(same)
    for other in ("joann@example.org", "ann@example.com", "anne@example.org", "ann"):
        assert not person.matches(other)
    exact = PersonAddress("ann@example.org", include_subaddresses=False)
    assert exact.matches("ANN@example.org")
    assert not exact.matches("ann+news@example.org")
    # The log's hash: the same for the same address, never the address itself.
    assert person.digest == PersonAddress("ann+news@example.org").digest
    assert person.digest != PersonAddress("ann@example.org").digest
    assert "ann" not in person.digest


def test_every_record_of_the_person_is_found_and_none_of_anyone_else(people):
    ann = people["ann"]
    records = person_records(person=ann_person())
    assert records.users == [ann.user]
    assert {a.email for a in records.email_addresses} == {ANN, ANN_WORK}
    assert {r.pk for r in records.registrations} == {
        ann.registration.pk,
        ann.past_registration.pk,
    }
    assert [r.pk for r in records.inbound_emails] == [ann.inbound.pk]
    assert [a.pk for a in records.applications] == [ann.application.pk]
    assert [link.user_id for link in records.representative_links] == [ann.user.pk] * 2
    assert {p.title for p in records.practices} == {"Published practice 1", "Ann's draft"}
    assert records.votes == [people["vote"]]
    assert [e.action for e in records.audit_entries] == ["vote"]
    mails = records.outgoing_mails
    assert mails, "emails to Ann are found"
    for mail in mails:
        # To one of her addresses, or naming hers (the secretariat's notice of her interest).
        assert mail.to_email in (ANN, ANN_WORK, ANN_TAGGED) or ANN in mail.body_text
    assert any(mail.to_email == "secretariat@ensie.org" for mail in mails)
    assert records.addresses == sorted({ANN, ANN_TAGGED, ANN_WORK})


def test_without_sub_addresses_only_the_exact_address_is_found(people):
    records = person_records(person=ann_person(include_subaddresses=False))
    assert [r.pk for r in records.registrations] == [people["ann"].registration.pk]
    assert ANN_TAGGED not in records.addresses


def test_the_export_holds_every_record_of_the_person_and_nothing_of_another(people):
    ann = people["ann"]
    data = person_export(person_records(person=ann_person()))
    text = json.dumps(data, cls=DjangoJSONEncoder)
    for section in (
        "accounts",
        "session_registrations",
        "email_requests",
        "emails_sent_to_them",
        "applications_as_contact",
        "representative_of",
        "practices_submitted",
        "votes_cast",
        "actions_in_the_audit_trail",
    ):
        assert data[section], f"{section} is empty"
    assert data["accounts"][0]["email"] == ANN
    assert {a["email"] for a in data["accounts"][0]["email_addresses"]} == {ANN, ANN_WORK}
    assert {r["email"] for r in data["session_registrations"]} == {ANN, ANN_TAGGED}
    assert data["email_requests"][0]["text"] == f"Hello, please register me. {ANN_NAME}"
    assert data["applications_as_contact"][0]["network"] == ann.application.network.legal_name
    for neighbour in (JOANN, BOB, "Joann Other", "Bob Neighbour"):
        assert neighbour not in text
    # No secret leaves the portal: neither the password hash nor a signed link's key.
    assert ann.user.password not in text
    assert "md5$" not in text


def test_erasing_leaves_nothing_findable_by_the_address_or_the_name(people):
    staff = make_staff()
    for needle in (ANN, ANN_WORK, ANN_TAGGED, ANN_NAME):
        assert holders(needle), f"{needle} is stored before"
    person_erase(person=ann_person(), actor=staff)
    for needle in (ANN, ANN_WORK, ANN_TAGGED, ANN_NAME):
        assert holders(needle) == [], needle
    assert person_records(person=ann_person()).is_empty


def test_erasing_one_person_leaves_the_others_whole(people):
    before = {needle: holders(needle) for needle in (JOANN, BOB, "Joann Other", "Bob Neighbour")}
    person_erase(person=ann_person(), actor=make_staff())
    after = {needle: holders(needle) for needle in before}
    assert after == before
    for key in ("joann", "bob"):
        records = person_records(person=PersonAddress(people[key].address))
        assert records.users
        assert records.registrations
        assert records.inbound_emails
        assert records.applications
        assert records.outgoing_mails


def test_erasing_keeps_the_workflows_whole(people, django_capture_on_commit_callbacks):
    ann, bob = people["ann"], people["bob"]
    staff = make_staff()
    attachment_name = people["attachment"].file.name
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=ann_person(), actor=staff)
    # Her seat at the coming session went to Bob, who waited; the row stays, anonymised.
    registration = Registration.objects.get(pk=ann.registration.pk)
    assert registration.status == Registration.Status.CANCELLED
    assert registration.anonymised_at is not None
    assert (registration.name, registration.email) == ("", "")
    assert Registration.objects.get(pk=bob.registration.pk).status == "confirmed"
    # The past session keeps its counts: her attendance stays, anonymously.
    past = Registration.objects.get(pk=ann.past_registration.pk)
    assert (past.status, past.attended, past.email) == ("confirmed", True, "")
    # The email request keeps its status and session.
    inbound = InboundEmail.objects.get(pk=ann.inbound.pk)
    assert (inbound.sender, inbound.text, inbound.status) == ("", "", "accepted")
    assert inbound.erased_at is not None
    assert inbound.message_id.startswith("erased:")
    # The application and its network stay (an organisation's record), without the contact.
    application = Application.objects.get(pk=ann.application.pk)
    assert application.status == Application.Status.INTEREST
    assert (application.contact_name, application.contact_email) == ("", "")
    assert Network.objects.filter(pk=application.network_id).exists()
    assert not Representative.objects.filter(user=ann.user).exists()
    # The vote stays (the minutes), cast by the anonymised account.
    vote = Vote.objects.get(pk=people["vote"].pk)
    assert vote.cast_by_id == ann.user.pk
    # Her published practice stays without her; her draft is gone with its file.
    published = Practice.objects.get(title="Published practice 1")
    assert published.submitted_by is None
    assert not Practice.objects.filter(pk=people["draft"].pk).exists()
    assert not storages["private"].exists(attachment_name)
    # The account is a deactivated, anonymised row that no longer signs in.
    user = User.objects.get(pk=ann.user.pk)
    assert user.email == f"erased-{user.pk}@invalid"
    assert (user.display_name, user.organisation, user.is_active) == ("", "", False)
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert authenticate(username=ANN, password=TEST_PASSWORD) is None


def test_an_email_not_sent_yet_is_never_sent_and_cannot_be_sent_again(people):
    person_erase(person=ann_person(), actor=make_staff())
    mail = OutgoingMail.objects.get(key="test:queued-for-ann")
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.purged_at is not None
    assert (mail.to_email, mail.subject, mail.body_text) == ("erased@invalid", "", "")
    assert outbox_sweep() == []
    assert mail_resend(mail=mail) is False
    assert OutgoingMail.objects.get(pk=mail.pk).status == OutgoingMail.Status.FAILED


def test_the_erasure_is_logged_without_the_address(people):
    staff = make_staff()
    log = person_erase(person=ann_person(), actor=staff)
    log = PersonalDataRequest.objects.get(pk=log.pk)
    assert (log.kind, log.actor, log.include_subaddresses) == ("erase", staff, True)
    assert log.address_hash == PersonAddress(ANN).digest
    assert (log.counts["registrations"], log.counts["users"]) == (2, 1)
    entry = AuditEntry.objects.get(action="personal_data_erase")
    assert (entry.actor, entry.object_id) == (staff, str(log.pk))
    assert ANN not in json.dumps(entry.data) + log.address_hash


def test_staff_cannot_erase_their_own_account(people):
    staff = make_staff(email="me@example.org")
    with pytest.raises(DomainError):
        person_erase(person=PersonAddress("me@example.org"), actor=staff)
    assert User.objects.get(pk=staff.pk).is_active
    assert not PersonalDataRequest.objects.exists()


def test_erasing_twice_finds_nothing_the_second_time(people):
    staff = make_staff()
    person_erase(person=ann_person(), actor=staff)
    second = person_erase(person=ann_person(), actor=staff)
    assert second.counts == {}
