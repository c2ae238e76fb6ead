"""Reading registration requests that arrive by email (the seed's "request participation by
sending an email"): parse a raw message, recognise what must never be answered, guess the
language, and find which session it names.

Pure functions: no database, no network. The mailbox poller feeds them raw bytes.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.utils.translation import gettext_noop

MAX_TEXT = 20_000

REQUEST = "request"
AUTOMATIC = "automatic"  # bounces, auto-replies, mailing lists: never answered
MALFORMED = "malformed"  # kept for an organiser, never answered automatically

_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|r[ée]ponse automatique|"
    r"absence|abwesenheit|undeliver|delivery status notification|mail delivery failed|"
    r"returned mail|non remis|message non distribu)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|bounces?|no-?reply)@", re.IGNORECASE)
_SESSION_NUMBER = re.compile(
    r"(?:session|s[ée]ance|webinar|webinaire)\s*(?:n[°o.]?\s*|#\s*|number\s*|num[ée]ro\s*)?(\d{1,4})\b",
    re.IGNORECASE,
)
_FRENCH = set(
    "bonjour madame monsieur je souhaite souhaiterais voudrais inscrire inscription participer "
    "merci cordialement pour une des les le la du au aux vous nous est sur avec à être".split()
)
_ENGLISH = set(
    "hello dear would like register registration attend participate thanks thank regards "
    "please the to of and for with is on you we be".split()
)


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    language: str
    kind: str
    reason: str = ""
    recipients: list[str] = field(default_factory=list)


def parse_message(raw: bytes) -> InboundMessage:
    """Turn raw RFC 5322 bytes into an :class:`InboundMessage`; never raises on bad input."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception:  # pragma: no cover - the email package is lenient; belt and braces
        return InboundMessage(
            message_id=_fallback_id(raw), sender="", sender_name="", subject="", text="",
            language="en", kind=MALFORMED, reason=gettext_noop("unreadable message"),
        )  # fmt: skip
    message_id = _header(message, "Message-ID").strip() or _fallback_id(raw)
    name, address = parseaddr(_header(message, "Reply-To") or _header(message, "From"))
    sender = address.strip().lower() if "@" in address else ""
    subject = " ".join(_header(message, "Subject").split())[:500]
    recipients = [
        addr.lower()
        for _, addr in getaddresses(
            [_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")]
        )
        if "@" in addr
    ]
    text = _text_of(message)
    language = guess_language(f"{subject}\n{text}", _header(message, "Content-Language"))
    base = {
        "message_id": message_id[:255],
        "sender": sender,
        "sender_name": name.strip()[:150],
        "subject": subject,
        "text": (text or "")[:MAX_TEXT],
        "language": language,
        "recipients": recipients,
    }
    reason = automatic_reason(message, sender=sender, subject=subject)
    if reason:
        return InboundMessage(**base, kind=AUTOMATIC, reason=reason)
    if text is None:
        return InboundMessage(**base, kind=MALFORMED, reason=gettext_noop("no readable text part"))
    return InboundMessage(**base, kind=REQUEST)


def automatic_reason(message: EmailMessage, *, sender: str, subject: str) -> str:
    """Why this message must never be answered, or "" for a message written by a person.

    The reasons are stored untranslated (English) and shown in the reader's language.
    """
    if not sender:
        return gettext_noop("no sender")
    return_path = _header(message, "Return-Path").strip()
    if return_path == "<>":
        return gettext_noop("bounce (empty return path)")
    if message.get_content_type() == "multipart/report":
        return gettext_noop("bounce (delivery report)")
    if _BOUNCE_SENDERS.match(sender):
        return gettext_noop("bounce (system sender)")
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return gettext_noop("automatic reply (Auto-Submitted header)")
    if any(_header(message, h) for h in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")):
        return gettext_noop("automatic reply")
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return gettext_noop("automatic (Precedence header)")
    if any(_header(message, h) for h in ("List-Id", "List-Unsubscribe", "List-Post")):
        return gettext_noop("mailing list")
    if _AUTO_SUBJECT.match(subject):
        return gettext_noop("automatic reply (subject)")
    return ""


def guess_language(text: str, content_language: str = "") -> str:
    """ "fr" for a message written in French, otherwise "en"."""
    if content_language.strip().lower().startswith("fr"):
        return "fr"
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower())
    french = sum(word in _FRENCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    return "fr" if french > english else "en"


def session_number(message: InboundMessage, *, mailbox: str) -> int | None:
    """The session number named by a plus-address (``sessions+7@``) or by the subject."""
    local, _, domain = mailbox.lower().partition("@")
    plus = re.compile(rf"^{re.escape(local)}\+(\d{{1,4}})@{re.escape(domain)}$")
    for address in message.recipients:
        match = plus.match(address)
        if match:
            return int(match.group(1))
    match = _SESSION_NUMBER.search(message.subject)
    return int(match.group(1)) if match else None


def match_session(message: InboundMessage, sessions, *, mailbox: str):
    """The session (any object with ``number`` and ``titles``) the message names, or None.

    By number first (plus-address, then subject), then by a title (in English or in French)
    contained in the subject.
    """
    number = session_number(message, mailbox=mailbox)
    if number is not None:
        return next((s for s in sessions if s.number == number), None)
    subject = _fold(message.subject)
    if not subject:
        return None
    titled = [(len(title), s) for s in sessions for title in s.titles if _fold(title) in subject]
    return max(titled, key=lambda pair: pair[0])[1] if titled else None


def _text_of(message: EmailMessage) -> str | None:
    """The plain text of the message (from HTML if that is all there is), or None."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        if message.get_content_maintype() == "text":
            part = message
        else:
            return None
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("latin-1", errors="replace")
    if not isinstance(content, str):
        return None
    if part.get_content_subtype() == "html":
        content = _strip_html(content)
    return content.strip()


def _strip_html(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # malformed header: treat as absent
        return ""
    return str(value) if value is not None else ""


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _fallback_id(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()
