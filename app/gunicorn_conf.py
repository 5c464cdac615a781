"""gunicorn settings for the web: `gunicorn -c python:app.gunicorn_conf "app:create_app()"`.

Processes more than threads: a webhook's own work is Python, which one process runs a thread
at a time, so a call step queued behind another's transfer waits for the interpreter after
each round trip to PostgreSQL. Two threads a worker still cover those waits. On a 2-core
machine, 4 workers x 2 threads cut the IVR's p99 at four times a busy load from 37.6 ms to
30.3 ms against 2 x 4, and matched it at the normal load (bench/ivr_versions.py, 2026-11-23).
About two workers a core is the rule of thumb; each takes about 115 MB. WEB_CONCURRENCY and
WEB_THREADS tune them. Twilio waits at most 15 seconds for a webhook, so a request that takes
longer than `timeout` is already lost and its worker is better restarted.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from app.logging import gunicorn_logconfig

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 30
# "-" logs each request to stdout; WEB_ACCESS_LOG="" turns access logs off.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
# The path without its query string, and no referer: either could carry a resident's details.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
# Both logs rendered and redacted as the app's own are (app/logging.py).
logconfig_dict = gunicorn_logconfig(access_log=accesslog is not None)


def post_worker_init(worker: Any) -> None:
    """Freeze what the app loaded (routing rules, NLU, flows) out of the garbage collector's way.

    Those objects live as long as the worker, yet a full collection walks them all: about 85 ms
    on a small machine, paid by whichever webhook happens to trigger it.
    """
    gc.freeze()
