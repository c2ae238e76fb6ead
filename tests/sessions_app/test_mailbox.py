import threading

import pytest

from sessions_app.inbound import parse_message
from sessions_app.mailbox import mailbox_config, mailbox_poll
from tests import mail_samples as samples

pytestmark = pytest.mark.integration

MESSAGES = [samples.PLUS_ADDRESSED, samples.FRENCH, samples.BOUNCE, samples.HTML_ONLY]


class Collector:
    """An idempotent handler, as the real one is: one entry per Message-ID."""

    def __init__(self, fail_on: str = ""):
        self.by_id = {}
        self.calls = 0
        self.fail_on = fail_on
        self.lock = threading.Lock()

    def __call__(self, raw: bytes):
        message = parse_message(raw)
        if message.message_id == self.fail_on:
            raise RuntimeError("interrupted")
        with self.lock:
            self.calls += 1
            self.by_id.setdefault(message.message_id, message)


def test_imap_url_is_read_with_folder_and_tls():
    config = mailbox_config("imaps://sessions%40ensie.org:p%40ss@mail.example.org/Registrations")
    assert (config.host, config.port, config.use_ssl) == ("mail.example.org", 993, True)
    assert (config.user, config.password, config.folder) == (
        "sessions@ensie.org",
        "p@ss",
        "Registrations",
    )
    assert mailbox_config("imap://u:p@127.0.0.1:1143").folder == "INBOX"


def test_every_message_is_handled_and_moved_to_the_processed_folder(imap_server):
    for raw in MESSAGES:
        imap_server.deliver(raw)
    collector = Collector()
    handled = mailbox_poll(config=mailbox_config(imap_server.url), handle=collector)
    assert handled == 4
    assert set(collector.by_id) == {parse_message(raw).message_id for raw in MESSAGES}
    assert imap_server.count("INBOX") == 0
    assert imap_server.count("Processed") == 4
    # Nothing left: a second poll hands nothing over.
    assert mailbox_poll(config=mailbox_config(imap_server.url), handle=collector) == 0


def test_a_message_that_cannot_be_handled_stays_and_does_not_stop_the_others(imap_server):
    for raw in MESSAGES:
        imap_server.deliver(raw)
    failing = Collector(fail_on=parse_message(samples.FRENCH).message_id)
    assert mailbox_poll(config=mailbox_config(imap_server.url), handle=failing) == 3
    assert imap_server.count("INBOX") == 1
    # The next poll, with the trouble gone, takes it.
    collector = Collector()
    assert mailbox_poll(config=mailbox_config(imap_server.url), handle=collector) == 1
    assert list(collector.by_id) == [parse_message(samples.FRENCH).message_id]


def test_a_huge_message_is_read_up_to_the_cap_and_still_handled(imap_server):
    imap_server.deliver(samples.with_huge_attachment(3 * 1024 * 1024))
    collector = Collector()
    assert mailbox_poll(config=mailbox_config(imap_server.url), handle=collector) == 1
    [message] = collector.by_id.values()
    assert message.text == "Please register me."


def test_two_polls_at_once_lose_nothing_and_hand_each_message_to_the_idempotent_handler(
    imap_server,
):
    for index in range(20):
        imap_server.deliver(
            samples.raw(subject=f"Session 7 ({index})", message_id=f"<c{index}@example.es>")
        )
    collector = Collector()
    config = mailbox_config(imap_server.url)
    threads = [
        threading.Thread(target=mailbox_poll, kwargs={"config": config, "handle": collector})
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = {f"<c{index}@example.es>" for index in range(20)}
    assert set(collector.by_id) == expected
    assert imap_server.count("INBOX") == 0
    # Both polls may move a message they both read; none is lost.
    assert set(imap_server.message_ids("Processed")) == expected
