"""The registration mailbox over IMAP (``IMAP_URL``, e.g. ``imaps://user:pw@host/INBOX``).

:func:`mailbox_poll` hands every message in the folder to ``handle(raw_bytes)`` and then moves
it to the processed folder. ``handle`` must be idempotent (keyed on the Message-ID): a poll
interrupted between handling and moving, or two polls running at once, hand the same message
over again, and nothing may come of it twice.

The processed folder keeps the original messages; :func:`mailbox_prune` deletes those older
than the retention period and :func:`mailbox_erase_senders` those of one person (README,
"Personal data").
"""

import contextlib
import datetime
import imaplib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.utils import getaddresses
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

# A message is read up to this size: enough for any text, not for huge attachments.
MAX_FETCH_BYTES = 1_000_000


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    use_ssl: bool
    user: str
    password: str
    folder: str = "INBOX"
    processed_folder: str = "Processed"


def mailbox_config(url: str, *, processed_folder: str = "Processed") -> MailboxConfig:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError("IMAP_URL must start with imap:// or imaps://")
    use_ssl = parts.scheme == "imaps"
    return MailboxConfig(
        host=parts.hostname or "localhost",
        port=parts.port or (993 if use_ssl else 143),
        use_ssl=use_ssl,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        processed_folder=processed_folder,
    )


def _connect(config: MailboxConfig) -> imaplib.IMAP4:
    if config.use_ssl:
        client = imaplib.IMAP4_SSL(
            config.host, config.port, ssl_context=ssl.create_default_context(), timeout=30
        )
    else:
        client = imaplib.IMAP4(config.host, config.port, timeout=30)
    client.login(config.user, config.password)
    return client


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mailbox_poll(
    *, config: MailboxConfig, handle: Callable[[bytes], None], limit: int = 200
) -> int:
    """Handle and move up to ``limit`` messages; returns how many were handled.

    A message whose handling raises stays in the folder for the next poll; the others go on.
    """
    client = _connect(config)
    handled = 0
    try:
        client.create(_quote(config.processed_folder))  # "already exists" is fine
        status, _ = client.select(_quote(config.folder))
        if status != "OK":
            raise RuntimeError(f"cannot open the folder {config.folder}")
        status, data = client.uid("SEARCH", None, "ALL")
        uids = data[0].split()[:limit] if status == "OK" and data and data[0] else []
        can_move = "MOVE" in client.capabilities
        for uid in uids:
            client.noop()  # learn of messages a concurrent poll has moved meanwhile
            raw = _fetch(client, uid)
            if raw is None:
                continue  # taken by a concurrent poll
            try:
                handle(raw)
            except Exception:
                logger.exception("Could not handle message uid %s; left in the mailbox", uid)
                continue
            handled += 1
            _move(client, uid, config.processed_folder, can_move=can_move)
        if not can_move:
            client.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return handled


def _fetch(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, data = client.uid("FETCH", uid, f"(BODY.PEEK[]<0.{MAX_FETCH_BYTES}>)")
    if status != "OK":
        return None
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2 and re.search(rb"BODY\[\]", item[0]):
            return item[1]
    return None


def _move(client: imaplib.IMAP4, uid: bytes, folder: str, *, can_move: bool) -> None:
    if can_move:
        client.uid("MOVE", uid, _quote(folder))
        return
    status, _ = client.uid("COPY", uid, _quote(folder))
    if status == "OK":
        client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")


# IMAP dates name the month in English whatever the locale ("01-Feb-2026").
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _imap_date(day: datetime.date) -> str:
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


@contextlib.contextmanager
def _processed_folder(config: MailboxConfig):
    """A client with the processed folder selected for writing (None when it does not exist or
    is empty)."""
    client = _connect(config)
    try:
        status, data = client.select(_quote(config.processed_folder))
        empty = status != "OK" or not data or data[0] in (b"0", None)
        yield None if empty else client
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _delete(client: imaplib.IMAP4, uids: list[bytes]) -> None:
    for start in range(0, len(uids), 500):
        client.uid("STORE", b",".join(uids[start : start + 500]), "+FLAGS.SILENT", r"(\Deleted)")
    client.expunge()


def mailbox_prune(*, config: MailboxConfig, before: datetime.date) -> int:
    """Delete the messages of the processed folder that arrived before ``before`` (their IMAP
    internal date); returns how many."""
    with _processed_folder(config) as client:
        if client is None:
            return 0
        status, data = client.uid("SEARCH", None, "BEFORE", _imap_date(before))
        uids = data[0].split() if status == "OK" and data and data[0] else []
        if uids:
            _delete(client, uids)
        return len(uids)


def mailbox_erase_senders(*, config: MailboxConfig, matches: Callable[[str], bool]) -> int:
    """Delete the messages of the processed folder whose sender (From or Reply-To) ``matches``;
    returns how many. IMAP searches match substrings, so every message's two headers are read
    and compared here."""
    with _processed_folder(config) as client:
        if client is None:
            return 0
        status, data = client.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (FROM REPLY-TO)])")
        if status != "OK":
            return 0
        uids = []
        for item in data or ():
            if not (isinstance(item, tuple) and len(item) == 2):
                continue
            uid = re.search(rb"UID (\d+)", item[0])
            headers = message_from_bytes(item[1], policy=policy.compat32)
            senders = [
                address
                for _name, address in getaddresses(
                    [
                        str(value)
                        for value in headers.get_all("From", []) + headers.get_all("Reply-To", [])
                    ]
                )
                if "@" in address
            ]
            if uid and any(matches(address) for address in senders):
                uids.append(uid.group(1))
        if uids:
            _delete(client, uids)
        return len(uids)
