"""The adhesion steps as services: what each one writes and which emails it queues."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from assemblies.selectors import network_has_paid
from assemblies.services import application_decide
from ensie_portal.accounts.models import User
from ensie_portal.core.errors import DomainError, TransitionNotAllowed
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.fees.services import membership_fee_create, membership_fee_mark_paid
from networks.models import (
    Application,
    BoardNote,
    Criterion,
    CriterionAssessment,
    MembershipFee,
    Network,
)
from networks.services import (
    application_agenda_place,
    application_board_decide,
    application_criteria_record,
    application_interest_create,
    application_meeting_held,
    application_meeting_schedule,
    application_review_start,
    application_withdraw,
    reasoned_request_submit,
)
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    assess_all,
    fee_schedule,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db
Status = Application.Status
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def mails_to(email):
    return list(OutgoingMail.objects.filter(to_email=email).order_by("pk"))


# --- Step 1 ---------------------------------------------------------------------------------


def test_interest_creates_applicant_network_application_and_unverified_account(settings):
    application = application_interest_create(
        organisation="Fédération des entreprises d'insertion",
        country="FR",
        contact_name="Claire Martin",
        contact_email="Claire@Example.org",
        website="https://example.org",
        wise_count=600,
        message="Nous souhaitons rejoindre ENSIE.",
        language="fr",
    )
    assert application.status == Status.INTEREST
    network = application.network
    assert network.status == Network.Status.APPLICANT
    assert (network.country.code, network.wise_count) == ("FR", 600)
    user = User.objects.get(email="claire@example.org")
    assert user.preferred_language == "fr"
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified
    assert network.representative_links.get().user == user
    assert audit_trail(application).get().to_state == Status.INTEREST


def test_interest_emails_the_contact_in_their_language_with_a_set_password_link(settings):
    application = application_interest_create(
        organisation="Szimbiózis",
        country="HU",
        contact_name="Anna",
        contact_email="anna@example.org",
        language="fr",
    )
    [contact_mail] = mails_to("anna@example.org")
    assert contact_mail.language == "fr"
    assert "Merci" in contact_mail.body_text or "merci" in contact_mail.body_text
    assert "/fr/accounts/password/reset/key/" in contact_mail.body_text
    [secretariat] = mails_to(settings.SECRETARIAT_EMAIL)
    assert "Szimbiózis" in secretariat.subject
    assert str(application.pk) in secretariat.body_text


def test_interest_from_an_existing_account_links_it_without_a_new_one():
    user = UserFactory(email="known@example.org")
    application = application_interest_create(
        organisation="Viitor Plus",
        country="RO",
        contact_name="Ion",
        contact_email="known@example.org",
    )
    assert application.network.representative_links.get().user == user
    assert User.objects.filter(email="known@example.org").count() == 1
    assert "password/reset/key" not in mails_to("known@example.org")[0].body_text


def test_setting_the_password_from_the_link_verifies_the_address(client):
    application_interest_create(
        organisation="Viitor Plus",
        country="RO",
        contact_name="Ion",
        contact_email="ion@example.org",
    )
    body = mails_to("ion@example.org")[0].body_text
    link = next(word for word in body.split() if "/password/reset/key/" in word)
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1" in link else link
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "a-New-passw0rd-123", "password2": "a-New-passw0rd-123"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="ion@example.org")
    assert user.check_password("a-New-passw0rd-123")
    assert EmailAddress.objects.get(user=user).verified


# --- Step 2 ---------------------------------------------------------------------------------


def test_scheduling_the_meeting_sends_an_ics_invitation_in_the_applicant_language():
    applicant = UserFactory(preferred_language="fr")
    application = ApplicationFactory(representative=applicant)
    starts = datetime.datetime(2030, 3, 4, 10, 0, tzinfo=BRUSSELS)
    application_meeting_schedule(
        application=application,
        actor=make_staff(),
        starts_at=starts,
        link="https://meet.example.org/ensie",
    )
    assert application.status == Status.MEETING_SCHEDULED
    [invitation] = mails_to(applicant.email)
    assert invitation.language == "fr"
    assert "réunion" in invitation.subject.lower()
    [attachment] = invitation.attachments
    assert attachment["filename"].endswith(".ics")
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"


def _invitation(mail):
    import base64

    from tests.calendars import calendar_check

    [attachment] = mail.attachments
    calendar = calendar_check(base64.b64decode(attachment["content_b64"]), method="REQUEST")
    [event] = calendar.walk("VEVENT")
    return event


def test_the_meeting_invitation_is_a_conformant_request_to_every_representative():
    from networks.models import Representative

    applicant = UserFactory(display_name="Ana López", preferred_language="fr")
    application = ApplicationFactory(representative=applicant)
    colleague = UserFactory(display_name="Bo Berg")
    Representative.objects.create(network=application.network, user=colleague)
    application_meeting_schedule(
        application=application,
        actor=make_staff(),
        starts_at=datetime.datetime(2030, 3, 4, 10, 0, tzinfo=BRUSSELS),
        link="https://meet.example.org/ensie",
    )
    for user in (applicant, colleague):
        [invitation] = mails_to(user.email)
        assert invitation.reply_to == "secretariat@ensie.org"
        event = _invitation(invitation)
        assert str(event["ORGANIZER"]) == "mailto:secretariat@ensie.org"
        attendees = {str(a): a.params for a in event["ATTENDEE"]}
        assert set(attendees) == {f"mailto:{applicant.email}", f"mailto:{colleague.email}"}
        assert attendees[f"mailto:{applicant.email}"]["CN"] == "Ana López"
        assert all(
            p["PARTSTAT"] == "NEEDS-ACTION" and p["RSVP"] == "TRUE" for p in attendees.values()
        )
        assert event.decoded("DTSTART").hour == 10
    assert _invitation(mails_to(applicant.email)[0])["ORGANIZER"].params["CN"] == (
        "Secrétariat de l’ENSIE"
    )


def test_the_invitation_is_sent_as_an_imip_request():
    """RFC 6047: the calendar part of an invitation says its method in its Content-Type."""
    from ensie_portal.outbox.services import mail_message_build

    applicant = UserFactory()
    application = ApplicationFactory(representative=applicant)
    application_meeting_schedule(
        application=application,
        actor=make_staff(),
        starts_at=datetime.datetime(2030, 3, 4, 10, 0, tzinfo=BRUSSELS),
        link="",
    )
    message = mail_message_build(mails_to(applicant.email)[0], connection=None).message()
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"


def test_moving_the_meeting_keeps_its_uid_and_raises_its_sequence():
    applicant = UserFactory()
    application = ApplicationFactory(representative=applicant)
    staff = make_staff()
    starts = datetime.datetime(2030, 3, 4, 10, 0, tzinfo=BRUSSELS)
    application_meeting_schedule(application=application, actor=staff, starts_at=starts, link="")
    application_meeting_schedule(
        application=application,
        actor=staff,
        starts_at=starts + datetime.timedelta(days=1),
        link="https://meet.example.org/x",
    )
    first, second = (_invitation(m) for m in mails_to(applicant.email))
    assert str(first["UID"]) == str(second["UID"])
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert second.decoded("DTSTART").day == 5


def test_moving_the_meeting_sends_an_updated_invitation_and_is_audited():
    applicant = UserFactory()
    application = ApplicationFactory(representative=applicant)
    staff = make_staff()
    starts = datetime.datetime(2030, 3, 4, 10, 0, tzinfo=BRUSSELS)
    application_meeting_schedule(application=application, actor=staff, starts_at=starts, link="")
    application_meeting_schedule(
        application=application,
        actor=staff,
        starts_at=starts + datetime.timedelta(days=1),
        link="https://meet.example.org/x",
    )
    application.refresh_from_db()
    assert application.meeting_sequence == 1
    assert len(mails_to(applicant.email)) == 2
    assert "moved" in mails_to(applicant.email)[1].subject
    assert audit_trail(application).last().action == "meeting_reschedule"


def test_only_staff_may_move_the_meeting():
    application = ApplicationFactory(status=Status.MEETING_SCHEDULED)
    with pytest.raises(DomainError):
        application_meeting_schedule(
            application=application,
            actor=make_board_member(),
            starts_at=timezone.now(),
            link="",
        )


def test_meeting_held_keeps_staff_notes_and_invites_the_request():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_SCHEDULED, representative=applicant)
    application_meeting_held(application=application, actor=make_staff(), notes="Good fit.")
    application.refresh_from_db()
    assert (application.status, application.meeting_notes) == (Status.MEETING_HELD, "Good fit.")
    assert "reasoned request" in mails_to(applicant.email)[0].subject


# --- Step 3: the 14-day rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "accepted"), [(15, True), (14, True), (13, False), (0, False)]
)
def test_submission_is_accepted_until_14_days_before_the_assembly(days_before, accepted):
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    assembly = GeneralAssemblyFactory(date=datetime.date(2030, 6, 20), title="GA 2030")
    later = GeneralAssemblyFactory(date=datetime.date(2030, 11, 20), title="Autumn GA 2030")
    fill_reasoned_request(application, assembly=assembly)
    today = assembly.date - datetime.timedelta(days=days_before)
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(23, 30), BRUSSELS)):
        if accepted:
            reasoned_request_submit(application=application, actor=applicant)
            assert application.status == Status.REQUEST_SUBMITTED
        else:
            with pytest.raises(TransitionNotAllowed) as refused:
                reasoned_request_submit(application=application, actor=applicant)
            assert "14 days" in str(refused.value)
            assert later.title in str(refused.value)
            application.refresh_from_db()
            assert application.status == Status.MEETING_HELD


def test_submission_too_late_with_no_later_assembly_says_so():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    assembly = GeneralAssemblyFactory(date=timezone.localdate() + datetime.timedelta(days=3))
    fill_reasoned_request(application, assembly=assembly)
    with pytest.raises(TransitionNotAllowed, match="No later assembly"):
        reasoned_request_submit(application=application, actor=applicant)


def test_incomplete_request_is_refused_naming_what_is_missing():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    fill_reasoned_request(application)
    application.statutes = ""
    application.adheres_to_internal_rules = False
    application.save()
    with pytest.raises(TransitionNotAllowed, match=r"statutes.*internal rules"):
        reasoned_request_submit(application=application, actor=applicant)


def test_submission_tells_the_applicant_and_every_board_member_in_their_language(settings):
    applicant = UserFactory(preferred_language="fr")
    board_en = make_board_member(preferred_language="en")
    board_fr = make_board_member(preferred_language="fr")
    application = ApplicationFactory(status=Status.MEETING_HELD, representative=applicant)
    fill_reasoned_request(application)
    reasoned_request_submit(application=application, actor=applicant)
    assert mails_to(applicant.email)[0].language == "fr"
    assert "reçue" in mails_to(applicant.email)[0].subject
    assert mails_to(board_en.email)[0].language == "en"
    assert "to review" in mails_to(board_en.email)[0].subject
    assert mails_to(board_fr.email)[0].language == "fr"
    assert len(mails_to(settings.SECRETARIAT_EMAIL)) == 1


# --- Step 4: the Board ----------------------------------------------------------------------


@pytest.fixture
def under_review():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.UNDER_REVIEW, representative=applicant)
    fill_reasoned_request(application)
    return application, applicant


def test_one_criterion_not_met_forbids_eligible(under_review):
    application, _applicant = under_review
    board = make_board_member()
    assess_all(application)
    application_criteria_record(
        application=application,
        actor=board,
        findings={Criterion.SSE_DEMOCRATIC_GOVERNANCE: ("not_met", "No general meeting.")},
    )
    with pytest.raises(TransitionNotAllowed, match="Democratic governance"):
        application_board_decide(application=application, actor=board, decision=Status.ELIGIBLE)
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW


def test_one_criterion_unclear_or_not_assessed_forbids_eligible(under_review):
    application, _applicant = under_review
    board = make_board_member()
    assess_all(application)
    CriterionAssessment.objects.filter(criterion=Criterion.WISE_PEDAGOGY).update(result="unclear")
    with pytest.raises(TransitionNotAllowed):
        application_board_decide(application=application, actor=board, decision=Status.ELIGIBLE)
    CriterionAssessment.objects.filter(criterion=Criterion.WISE_PEDAGOGY).delete()
    with pytest.raises(TransitionNotAllowed):
        application_board_decide(application=application, actor=board, decision=Status.ELIGIBLE)


def test_every_criterion_met_allows_eligible_and_the_applicant_is_told(under_review):
    application, applicant = under_review
    board = make_board_member()
    application_criteria_record(
        application=application,
        actor=board,
        findings=dict.fromkeys(Criterion.values, ("met", "")),
    )
    application_board_decide(
        application=application, actor=board, decision=Status.ELIGIBLE, internal_note="Strong file."
    )
    assert application.status == Status.ELIGIBLE
    [told] = mails_to(applicant.email)
    assert "eligible" in told.subject
    assert "Strong file" not in told.body_text
    assert BoardNote.objects.get(application=application).text == "Strong file."


def test_criteria_notes_and_internal_notes_never_reach_the_applicant(under_review):
    application, applicant = under_review
    board = make_board_member()
    application_criteria_record(
        application=application,
        actor=board,
        findings={Criterion.LEGAL_ENTITY: ("unclear", "SECRET-criterion-note")},
    )
    application_board_decide(
        application=application,
        actor=board,
        decision=Status.CHANGES_REQUESTED,
        message="Please send the registered statutes.",
        internal_note="SECRET-internal-note",
    )
    [told] = mails_to(applicant.email)
    assert "Please send the registered statutes." in told.body_text
    assert "SECRET" not in told.body_text + told.body_html


@pytest.mark.parametrize("decision", [Status.NOT_ELIGIBLE, Status.CHANGES_REQUESTED])
def test_refusal_or_changes_need_a_message_for_the_applicant(under_review, decision):
    application, _applicant = under_review
    with pytest.raises(DomainError, match="Tell the applicant"):
        application_board_decide(
            application=application, actor=make_board_member(), decision=decision, message=" "
        )


def test_not_eligible_tells_the_reasons(under_review):
    application, applicant = under_review
    application_board_decide(
        application=application,
        actor=make_board_member(),
        decision=Status.NOT_ELIGIBLE,
        message="The head office is outside Europe.",
    )
    assert "outside Europe" in mails_to(applicant.email)[0].body_text


def test_criteria_are_recorded_only_during_the_review_and_only_by_the_board(under_review):
    application, applicant = under_review
    with pytest.raises(DomainError):
        application_criteria_record(
            application=application, actor=make_staff(), findings={"legal_entity": ("met", "")}
        )
    with pytest.raises(DomainError):
        application_criteria_record(
            application=application, actor=applicant, findings={"legal_entity": ("met", "")}
        )
    application.status = Status.REQUEST_SUBMITTED
    application.save()
    with pytest.raises(DomainError):
        application_criteria_record(
            application=application,
            actor=make_board_member(),
            findings={"legal_entity": ("met", "")},
        )


def test_review_start_tells_the_applicant():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.REQUEST_SUBMITTED, representative=applicant)
    application_review_start(application=application, actor=make_board_member())
    assert "reviewing" in mails_to(applicant.email)[0].subject


# --- Step 5 and the vote --------------------------------------------------------------------


def test_placing_on_an_assembly_tells_the_applicant_when():
    applicant = UserFactory(preferred_language="fr")
    application = ApplicationFactory(status=Status.ELIGIBLE, representative=applicant)
    assembly = GeneralAssemblyFactory(date=datetime.date(2031, 6, 5), title="AG 2031")
    application_agenda_place(application=application, actor=make_staff(), assembly=assembly)
    assert (application.status, application.assembly) == (Status.ON_AGENDA, assembly)
    told = mails_to(applicant.email)[0]
    assert "AG 2031" in told.body_text
    assert "2031" in told.body_text
    assert told.language == "fr"


def test_an_assembly_in_the_past_cannot_take_an_application():
    application = ApplicationFactory(status=Status.ELIGIBLE)
    past = GeneralAssemblyFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        application_agenda_place(application=application, actor=make_staff(), assembly=past)


def test_admission_by_the_vote_makes_a_member_with_its_fee_record_and_a_welcome():
    fee_schedule(2031)
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.ON_AGENDA, representative=applicant)
    fill_reasoned_request(application)
    assembly = GeneralAssemblyFactory(date=datetime.date(2031, 6, 5))
    application_decide(application=application, admitted=True, assembly=assembly)
    network = Network.objects.get(pk=application.network_id)
    assert network.status == Network.Status.MEMBER
    assert network.member_since == datetime.date(2031, 6, 5)
    assert network.wise_count == 42
    fee = MembershipFee.objects.get(network=network, year=2031)
    assert fee.amount_due == Decimal("1000")
    assert not network_has_paid(network, 2031)
    assert "Welcome" in mails_to(applicant.email)[0].subject


def test_rejection_by_the_vote_tells_the_applicant_and_makes_no_member():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.ON_AGENDA, representative=applicant)
    assembly = GeneralAssemblyFactory()
    application_decide(application=application, admitted=False, assembly=assembly)
    assert application.status == Status.REJECTED
    assert Network.objects.get(pk=application.network_id).status == Network.Status.APPLICANT
    assert not MembershipFee.objects.exists()
    assert "vote" in mails_to(applicant.email)[0].subject


def test_withdrawal_tells_the_applicant_and_the_secretariat(settings):
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.UNDER_REVIEW, representative=applicant)
    application_withdraw(application=application, actor=applicant, reason="Not now.")
    assert application.status == Status.WITHDRAWN
    assert audit_trail(application).last().comment == "Not now."
    assert "withdrawn" in mails_to(applicant.email)[0].subject
    assert "withdrawn" in mails_to(settings.SECRETARIAT_EMAIL)[0].subject


def test_each_step_email_is_queued_once_even_when_the_outbox_is_asked_twice():
    applicant = UserFactory()
    application = ApplicationFactory(status=Status.MEETING_SCHEDULED, representative=applicant)
    application_meeting_held(application=application, actor=make_staff(), notes="")
    mail.outbox.clear()
    assert OutgoingMail.objects.filter(to_email=applicant.email).count() == 1


# --- Fees -----------------------------------------------------------------------------------


def test_fee_record_is_created_once_per_network_and_year():
    fee_schedule(2030)
    application = ApplicationFactory(network__status=Network.Status.MEMBER)
    first = membership_fee_create(network=application.network, year=2030)
    second = membership_fee_create(network=application.network, year=2030)
    assert first.pk == second.pk


def test_staff_mark_a_fee_paid_which_gives_the_right_to_vote():
    network = ApplicationFactory().network
    fee = MembershipFee.objects.create(network=network, year=2030, amount_due=Decimal("500"))
    with pytest.raises(DomainError):
        membership_fee_mark_paid(fee=fee, actor=make_board_member())
    membership_fee_mark_paid(fee=fee, actor=make_staff(), paid_on=datetime.date(2030, 2, 1))
    assert network_has_paid(network, 2030)
    assert not network_has_paid(network, 2031)
    with pytest.raises(DomainError, match="already"):
        membership_fee_mark_paid(fee=fee, actor=make_staff())
