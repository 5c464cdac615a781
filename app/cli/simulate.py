"""`frontdoor simulate sms`: a text through the real pipeline, locally, no Twilio account needed."""

from __future__ import annotations

import uuid

import click

from app.channels.base import InboundMessage, OutboundMessage
from app.cli.common import runtime_or_exit
from app.cli.simulate_call import call as call_command
from app.contact_points import InvalidContactPointError, normalise_phone
from app.jobs.entrypoints import HANDLERS
from app.jobs.runner import InlineJobRunner
from app.models import ContactKind
from app.pipeline.sms_intake import receive_sms
from app.vocabulary import Channel

COUNCIL_NUMBER = "+447700900000"


class PrintingSms:
    """Stands in for Twilio in the terminal: every text the council sends is printed."""

    channel = Channel.SMS

    def parse(self, request: object) -> InboundMessage:
        raise NotImplementedError("the simulator builds its own messages")

    def send(self, message: OutboundMessage) -> str:
        click.echo(f"council -> {message.to_address}: {message.body}")
        return f"SIM{uuid.uuid4().hex}"


@click.group()
def simulate() -> None:
    """Try a channel locally."""


@simulate.command("sms")
@click.option("--from", "sender", required=True, help="The resident's number.")
@click.option("--to", "council", default=COUNCIL_NUMBER, show_default=True)
@click.argument("text")
def sms(sender: str, council: str, text: str) -> None:
    """Play TEXT from --from through the pipeline and print what the council texts back."""
    try:
        number = normalise_phone(sender)
    except InvalidContactPointError as exc:
        raise click.BadParameter(str(exc), param_hint="--from") from None
    rt = runtime_or_exit()
    rt.adapters = {**rt.adapters, Channel.SMS: PrintingSms()}
    rt.jobs = InlineJobRunner(rt, HANDLERS)  # everything happens now, in this terminal
    inbound = InboundMessage(
        channel=Channel.SMS,
        external_id=f"SIM{uuid.uuid4().hex}",
        thread_key=f"{number}|{council}",
        body=text,
        from_address=number,
        from_kind=ContactKind.PHONE,
        to_address=council,
    )
    click.echo(f"{number} -> council: {text}")
    _ingested, reply = receive_sms(rt, inbound)
    if reply:
        click.echo(f"council -> {number}: {reply}")


simulate.add_command(call_command)
