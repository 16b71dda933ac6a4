import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Each request runs in a thread of its own under ASGI: a connection kept for the next request
# would stay with a thread that is gone. Connections are closed after each request, or reused
# from a pool with DATABASE_POOL=true (decision 0014).
os.environ.setdefault("CONN_MAX_AGE", "0")
application = get_asgi_application()
