"""Gunicorn's settings for Grants (``gunicorn -c gunicorn.conf.py 'grants:create_app()'``).

Threaded workers, two per core plus one, two threads each: a thread waiting on PostgreSQL lets the
other run, and at most ``workers x threads`` password hashes (19 MiB each) run at once, which bounds
the memory a burst of sign-ins can take. ``bench/deadline_rush.py`` measures these settings;
``WEB_CONCURRENCY`` and ``GUNICORN_THREADS`` override them.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
# The app is built once and the workers forked from it share its memory (imports, catalogues)
# until they write to it; grants.database gives each worker its own database connections.
preload_app = True
# A stuck worker's limit, not a slow client's: a gthread worker stays alive while its threads wait
# on a client. Request bodies are paced by the app (grants.security.request_body); headers sent
# slowly hold a thread until the proxy in front gives up (nginx client_header_timeout), as
# gunicorn only bounds the wait for a connection's first byte.
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")
