"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from hub import garbage

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
application = get_asgi_application()
garbage.settle()
