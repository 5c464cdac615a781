"""The `frontdoor` command: serve, worker, demo, explain, rules lint, ivr, simulate, db."""

from __future__ import annotations

import click

from app.cli.case import case_group, sla_group
from app.cli.db import db
from app.cli.demo import demo
from app.cli.explain import explain
from app.cli.ivr import ivr
from app.cli.nlu import nlu
from app.cli.rules import rules
from app.cli.serve import serve, worker
from app.cli.simulate import simulate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """frontdoor: one front door for a council's residents."""


for command in (serve, worker, demo, explain, rules, db, nlu, case_group, sla_group, simulate, ivr):
    main.add_command(command)
