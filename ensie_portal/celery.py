"""The portal's Celery app.

Production: ``celery -A ensie_portal worker`` and ``celery -A ensie_portal beat``.
Without ``REDIS_URL`` tasks run in-process (eager), so nothing else needs to run.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ensie_portal.settings")

app = Celery("ensie_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
