import re
import threading

from django.db import connections

from ensie_portal.outbox.models import OutgoingMail
from sessions_app.services import registration_start


def register(session, *, email="ada@example.org", name="Ada Lovelace", **kwargs):
    kwargs.setdefault("organisation", "A WISE")
    kwargs.setdefault("country", "BE")
    kwargs.setdefault("language", "en")
    return registration_start(session=session, name=name, email=email, **kwargs)


def mails_to(email: str, *, prefix: str = "sessions:"):
    return list(OutgoingMail.objects.filter(to_email=email, key__startswith=prefix).order_by("pk"))


def token_in(mail: OutgoingMail, purpose: str) -> str:
    match = re.search(rf"/registration/{purpose}/([^/\s]+)/", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def run_in_parallel(target, arguments: list[tuple]) -> list[Exception]:
    """Run ``target(*args)`` in one thread per entry, all released at once; each thread has
    its own database connection, closed at the end. Returns the exceptions raised."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def run(*args):
        try:
            barrier.wait()
            target(*args)
        except Exception as exc:  # pragma: no cover - returned to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
