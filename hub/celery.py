"""The Celery application of the hub: settings come from Django's (CELERY_* names).

Start a worker with ``celery -A hub worker`` and the scheduler with ``celery -A hub beat``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["outbound"])
