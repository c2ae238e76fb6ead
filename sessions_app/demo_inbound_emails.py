"""Demo inbound emails waiting in the organisers' queue (the seed: "Please request
participation by sending an email"). Idempotent: keyed on the Message-ID."""

from .models import InboundEmail, Session

INBOUND_EMAILS = [
    {
        "message_id": "<demo-request-1@demo-wise.pl>",
        "sender": "marta@demo-wise.pl",
        "sender_name": "Marta Kowalska",
        "subject": "Online sessions",
        "text": "Dear ENSIE,\n\nI would like to take part in your next online session about work "
        "integration. Could you register me?\n\nKind regards,\nMarta",
        "language": "en",
        "kind": InboundEmail.Kind.REQUEST,
        "status": InboundEmail.Status.UNASSIGNED,
    },
    {
        "message_id": "<demo-request-2@demo-ei.fr>",
        "sender": "luc@demo-ei.fr",
        "sender_name": "Luc Bernard",
        "subject": "Inscription",
        "text": "Bonjour,\n\nJe souhaiterais participer à la prochaine séance en ligne.\n\n"
        "Cordialement,\nLuc",
        "language": "fr",
        "kind": InboundEmail.Kind.REQUEST,
        "status": InboundEmail.Status.UNASSIGNED,
    },
    {
        "message_id": "<demo-request-3@demo-wise.be>",
        "sender": "an@demo-wise.be",
        "sender_name": "An Peeters",
        "subject": "Session 7",
        "text": "",
        "language": "en",
        "kind": InboundEmail.Kind.MALFORMED,
        "status": InboundEmail.Status.PENDING,
        "reason": "no readable text part",
        "session_number": 7,
    },
]


def load(*, stdout) -> None:
    for item in INBOUND_EMAILS:
        item = dict(item)
        number = item.pop("session_number", None)
        item["session"] = Session.objects.filter(number=number).first() if number else None
        InboundEmail.objects.update_or_create(message_id=item.pop("message_id"), defaults=item)
    stdout.write(f"Sessions: {len(INBOUND_EMAILS)} email requests in the organisers' queue.")
