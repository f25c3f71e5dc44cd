"""The Celery app that runs background work: ``celery -A hcppcc worker``.

Its configuration is the ``CELERY_*`` names in settings.py. Without a broker
(``CELERY_BROKER_URL`` unset) tasks run eagerly in the calling process.
"""

import os

from celery import Celery

# The worker imports this module directly, not through manage.py or wsgi.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcppcc.settings")

app = Celery("hcppcc")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py.
app.autodiscover_tasks()
