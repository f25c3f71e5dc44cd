"""WSGI entry point for gunicorn: ``gunicorn hcppcc.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcppcc.settings")

application = get_wsgi_application()
