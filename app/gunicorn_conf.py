"""gunicorn settings for the web: `gunicorn -c python:app.gunicorn_conf "app:create_app()"`.

Threads, because a webhook spends much of its time waiting on PostgreSQL; WEB_CONCURRENCY and
WEB_THREADS tune them. Twilio waits at most 15 seconds for a webhook, so a request that takes
longer than `timeout` is already lost and its worker is better restarted.
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
# "-" logs each request to stdout; WEB_ACCESS_LOG="" turns access logs off.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None


def post_worker_init(worker: Any) -> None:
    """Freeze what the app loaded (routing rules, NLU, flows) out of the garbage collector's way.

    Those objects live as long as the worker, yet a full collection walks them all: about 85 ms
    on a small machine, paid by whichever webhook happens to trigger it.
    """
    gc.freeze()
