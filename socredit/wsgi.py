"""WSGI entry point (gunicorn ``socredit.wsgi:application``): see `socredit.common.wsgi`."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socredit.settings")

from socredit.common.wsgi import get_application  # noqa: E402 — after the settings module is known

application = get_application()
