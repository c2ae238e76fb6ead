from dataclasses import dataclass

import pytest

from sessions_app.inbound import AUTOMATIC, MALFORMED, REQUEST, match_session, parse_message
from tests import mail_samples as samples


@dataclass
class FakeSession:
    number: int
    title: str
    title_fr: str = ""

    @property
    def titles(self):
        return [title for title in (self.title, self.title_fr) if title]


SESSIONS = [
    FakeSession(6, "Social enterprises and public procurement"),
    FakeSession(7, "Work Integration Social Enterprises"),
]


def matched(raw):
    message = parse_message(raw)
    session = match_session(message, SESSIONS, mailbox=samples.MAILBOX)
    return session.number if session else None


def test_a_plus_address_names_the_session():
    assert matched(samples.PLUS_ADDRESSED) == 7


def test_a_number_in_the_subject_names_the_session():
    assert matched(samples.SUBJECT_NUMBER) == 7


def test_a_title_in_the_subject_names_the_session():
    assert matched(samples.SUBJECT_TITLE) == 7


def test_a_message_naming_no_session_matches_none():
    assert matched(samples.UNMATCHED) is None
    assert parse_message(samples.UNMATCHED).kind == REQUEST


def test_a_number_of_no_known_session_matches_none():
    message = parse_message(samples.raw(subject="Session 42", body="Register me please"))
    assert match_session(message, SESSIONS, mailbox=samples.MAILBOX) is None


def test_a_request_keeps_sender_subject_and_text():
    message = parse_message(samples.PLUS_ADDRESSED)
    assert (message.sender, message.sender_name) == ("ana@example.es", "Ana Lopez")
    assert message.subject == "Registration"
    assert "would like to attend" in message.text
    assert message.message_id == "<plus@example.es>"
    assert message.language == "en"


def test_a_french_message_is_recognised_as_french():
    message = parse_message(samples.FRENCH)
    assert message.language == "fr"
    assert message.kind == REQUEST


@pytest.mark.parametrize(
    "raw",
    [samples.AUTO_REPLY, samples.BOUNCE, samples.MAILING_LIST, samples.NO_SENDER],
    ids=["auto-reply", "bounce", "mailing-list", "no-sender"],
)
def test_messages_that_must_never_be_answered_are_recognised(raw):
    message = parse_message(raw)
    assert message.kind == AUTOMATIC
    assert message.reason


def test_an_html_only_message_gives_its_text():
    message = parse_message(samples.HTML_ONLY)
    assert message.kind == REQUEST
    assert "I would like to attend session 7." in message.text
    assert "<" not in message.text


def test_a_non_utf8_message_is_decoded():
    message = parse_message(samples.LATIN1)
    assert "séance numéro 7" in message.text
    assert message.language == "fr"


def test_an_unknown_charset_does_not_stop_parsing():
    message = parse_message(samples.UNKNOWN_CHARSET)
    assert message.kind == REQUEST
    assert "register me" in message.text


def test_a_message_without_text_waits_for_an_organiser():
    assert parse_message(samples.NO_TEXT).kind == MALFORMED


def test_a_huge_attachment_is_ignored_and_the_text_kept():
    message = parse_message(samples.with_huge_attachment())
    assert message.kind == REQUEST
    assert message.text == "Please register me."


def test_a_message_without_message_id_gets_a_stable_key():
    raw = samples.raw(subject="Session 7", body="Register me", message_id="")
    assert parse_message(raw).message_id == parse_message(raw).message_id
    assert parse_message(raw).message_id.startswith("sha256:")
