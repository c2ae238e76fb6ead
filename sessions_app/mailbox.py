"""The registration mailbox over IMAP (``IMAP_URL``, e.g. ``imaps://user:pw@host/INBOX``).

:func:`mailbox_poll` hands every message in the folder to ``handle(raw_bytes)`` and then moves
it to the processed folder. ``handle`` must be idempotent (keyed on the Message-ID): a poll
interrupted between handling and moving, or two polls running at once, hand the same message
over again, and nothing may come of it twice.
"""

import contextlib
import imaplib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
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
