"""Real-looking raw emails for the mailbox tests (registration requests and what is not)."""

from email.header import Header
from email.utils import formataddr, parseaddr

MAILBOX = "sessions@ensie.org"


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8")


def raw(
    *,
    subject: str,
    body: str = "",
    sender: str = "Ana Lopez <ana@example.es>",
    to: str = MAILBOX,
    message_id: str = "<m1@example.es>",
    headers: dict | None = None,
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "utf-8",
) -> bytes:
    lines = [f"From: {_address(sender)}"] if sender else []
    lines += [
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode() if not subject.isascii() else subject}",
        f"Message-ID: {message_id}",
        "Date: Mon, 01 Jun 2026 09:00:00 +0200",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
        "Content-Transfer-Encoding: 8bit",
    ]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body.encode(encoding) + b"\r\n"


PLUS_ADDRESSED = raw(
    subject="Registration",
    body="Hello, I would like to attend the session. Regards, Ana",
    to="sessions+7@ensie.org",
    message_id="<plus@example.es>",
)
SUBJECT_NUMBER = raw(
    subject="Request to participate in online session 7",
    body="Dear ENSIE, please register me. Thank you.",
    message_id="<subject@example.es>",
)
SUBJECT_TITLE = raw(
    subject="Work Integration Social Enterprises - participation",
    body="Please register me for the meeting.",
    message_id="<title@example.es>",
)
UNMATCHED = raw(
    subject="Question",
    body="Hello, when is the next meeting? Thanks",
    message_id="<unmatched@example.es>",
)
FRENCH = raw(
    subject="Inscription à la séance 7",
    body="Bonjour, je souhaite m'inscrire à la session. Merci et cordialement, Jeanne",
    sender="Jeanne Martin <jeanne@example.fr>",
    message_id="<french@example.fr>",
)
AUTO_REPLY = raw(
    subject="Automatic reply: session 7",
    body="I am out of the office until Monday.",
    message_id="<auto@example.es>",
    headers={"Auto-Submitted": "auto-replied"},
)
BOUNCE = (
    b"From: Mail Delivery System <MAILER-DAEMON@mx.example.es>\r\n"
    b"To: sessions@ensie.org\r\nSubject: Undelivered Mail Returned to Sender\r\n"
    b"Message-ID: <bounce@mx.example.es>\r\nReturn-Path: <>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n"
    b"--b1\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b1--\r\n"
)
MAILING_LIST = raw(
    subject="[social-economy] Newsletter session 7",
    body="This week in the social economy...",
    message_id="<list@lists.example.org>",
    headers={"List-Id": "<social-economy.lists.example.org>", "Precedence": "list"},
)
NO_SENDER = raw(subject="session 7", body="Register me", sender="", message_id="<nosender@x>")
HTML_ONLY = raw(
    subject="Session 7 registration",
    body="<html><body><p>Hello,</p><p>I would like to <b>attend</b> session 7.</p></body></html>",
    content_type="text/html; charset=utf-8",
    message_id="<html@example.es>",
)
LATIN1 = raw(
    subject="Inscription",
    body="Bonjour, je souhaite participer à la séance numéro 7. Amitiés, Hélène",
    sender="Hélène Dupont <helene@example.be>",
    content_type="text/plain; charset=iso-8859-1",
    encoding="iso-8859-1",
    message_id="<latin1@example.be>",
)
UNKNOWN_CHARSET = raw(
    subject="Session 7",
    body="Please register me",
    content_type="text/plain; charset=x-no-such-charset",
    message_id="<charset@example.es>",
)
NO_TEXT = (
    b"From: Ana <ana@example.es>\r\nTo: sessions@ensie.org\r\nSubject: session 7\r\n"
    b"Message-ID: <notext@example.es>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
)


def with_huge_attachment(size: int = 3 * 1024 * 1024) -> bytes:
    chunk = b"QUJD" * 19 + b"\r\n"
    body = chunk * (size // len(chunk))
    return (
        b"From: Ana <ana@example.es>\r\nTo: sessions+7@ensie.org\r\nSubject: Registration\r\n"
        b"Message-ID: <huge@example.es>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="h1"\r\n\r\n'
        b"--h1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease register me.\r\n"
        b"--h1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="big.bin"\r\n\r\n' + body + b"--h1--\r\n"
    )
