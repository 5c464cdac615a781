"""`frontdoor serve` and `frontdoor worker`."""

from __future__ import annotations

import os
from datetime import timedelta

import click
from redis import Redis
from rq.serializers import JSONSerializer

from app.cli.common import runtime_or_exit, settings_or_exit
from app.jobs import context, sweeper
from app.jobs.lifeline import LifelineWorker
from app.jobs.relay import InboundRelay, start_relay_process
from app.jobs.runner import QUEUE_NAME


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")))
def serve(host: str, port: int) -> None:
    """Run the development server (production uses gunicorn: see the Procfile)."""
    from app import create_app
    from app.config import ConfigError

    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    base = f"http://{host}:{port}"
    click.echo(
        "\nfrontdoor is running. Try:\n"
        f"  {base}/                     web chat (try 'when is my bin day? NN1 1AA')\n"
        f"  {base}/healthz              health check\n"
        '  .venv/bin/frontdoor explain "my bin wasnt collected again" --channel sms --json\n'
        '  .venv/bin/frontdoor simulate sms --from 07700900123 "bins?"\n'
        "  .venv/bin/frontdoor simulate call --from 07700900101   Doris rings about her"
        " complaint: say 'existing complaint', 'update', then key 204318\n"
    )
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an rq worker, with its scheduler and (on PostgreSQL) the inbound relay.

    Every process it starts dies with it, even if it is killed with SIGKILL (see lifeline).
    """
    settings = settings_or_exit()
    if settings.redis_url is None:
        raise click.ClickException("configuration: REDIS_URL: needed to run a worker")
    rt = runtime_or_exit(settings)
    context.install(rt)
    connection = Redis.from_url(settings.redis_url)
    if rt.announces_inbound:
        if burst:
            InboundRelay(settings.database_url, settings.redis_url).catch_up_once()
        else:
            start_relay_process(settings.database_url, settings.redis_url)
    if not burst:
        sweeper.schedule_next(rt, timedelta(seconds=settings.sweep_interval_seconds))
    LifelineWorker([QUEUE_NAME], connection=connection, serializer=JSONSerializer).work(
        burst=burst, with_scheduler=not burst
    )
