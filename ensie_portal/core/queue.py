"""Handing work to Celery without ever failing the request that asked for it.

Every piece of work the portal enqueues is also written in the database first (an outbox row,
a registrant still missing the participation link...), and a periodic job finds what was never
handed over. So when the broker (Redis) does not answer, enqueueing is logged and skipped: the
page answers normally, and the work is picked up once Redis is back.

Services name the task they enqueue (``task_enqueue("outbox.send", mail_id)``) rather than import
it: a task module imports its services, never the reverse. Each app registers its tasks when
Django starts (its ``AppConfig.ready`` imports its ``tasks`` module), so a name always resolves.
"""

import logging
import time

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_UNAVAILABLE = (KombuError, RedisError, OSError)
# After a refusal, this process does not try the broker again for this long: each try costs
# about half a second (the publish retries), which every page would pay during an outage.
BROKER_PAUSE_SECONDS = 5.0
_broker_paused_until = 0.0


def task_enqueue(task: str | Task, *args, countdown: int | None = None, **kwargs) -> bool:
    """Send ``task`` (its registered name, or the task itself) to the broker; False (logged)
    when the broker cannot take it."""
    global _broker_paused_until
    if isinstance(task, str):
        task = current_app.tasks[task]
    if time.monotonic() < _broker_paused_until:
        logger.warning("Broker unavailable: task %s not enqueued (paused).", task.name)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
    except BROKER_UNAVAILABLE as exc:
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Broker unavailable: task %s not enqueued (%s: %s); a periodic job will pick "
            "its work up.",
            task.name,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def task_enqueue_on_commit(task: str | Task, *args, **kwargs) -> None:
    """:func:`task_enqueue` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_enqueue(task, *args, **kwargs))
