"""WSGI entry point: `gunicorn hexitime.wsgi` with src/ on the Python path."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hexitime.settings")
application = get_wsgi_application()
