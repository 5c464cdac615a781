"""`frontdoor simulate call`: walk the IVR in a terminal, through the real webhooks and TwiML.

The simulator signs each request as Twilio would (with a throwaway token of its own), so the
menu designer exercises exactly what a phone would: signature check, steps, TwiML.

A call tried while the lines are closed (an evening, a weekend) would only ever reach the
closed menu, so without `--at` it is rehearsed at the lines' next opening, and says so.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import click
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from app import create_app
from app.calendar import CouncilCalendar
from app.cli.common import settings_or_exit
from app.config import ConfigError
from app.contact_points import InvalidContactPointError, normalise_phone
from app.ivr.twiml_reader import Heard, read_twiml
from app.lifecycle.wording import friendly_date
from app.routing.yaml_source import DataFileError

COUNCIL_LINE = "+441604837837"
_KEYS = re.compile(r"^[0-9*#]+$")
_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
REAL_CLOCK = "now"


class _Moment(click.ParamType[datetime | str]):
    """A local time, or "now" for the real clock."""

    name = "TIME"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime | str:
        if value == REAL_CLOCK:
            return REAL_CLOCK
        if isinstance(value, datetime):
            return value
        return click.DateTime(_FORMATS).convert(value, param, ctx)


def rehearsal(calendar: CouncilCalendar, now: datetime) -> tuple[datetime, str] | None:
    """When the lines are closed at `now`, their next opening and a line saying so."""
    if calendar.is_open(now):
        return None
    opens = calendar.next_opening(now)
    if opens is None:
        return None
    local = calendar.local(now)
    return opens, (
        f"The lines are closed now ({local:%A %H:%M}); rehearsing at the next opening, "
        f"{friendly_date(opens.date())} {opens:%H:%M}. Use --at now to hear the closed lines."
    )


class SimulatedPhone:
    """One call placed through a Flask test client."""

    def __init__(self, client: FlaskClient, token: str, public: str, caller: str) -> None:
        self._client, self._validator, self._public = client, RequestValidator(token), public
        self._form = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                      "From": caller, "To": COUNCIL_LINE, "CallStatus": "in-progress"}  # fmt: skip
        self.heard: Heard | None = None

    def dial(self) -> Heard:
        return self._post(f"{self._public}/webhooks/twilio/voice", {})

    def answer(self, typed: str) -> Heard:
        """Digits if it is all keypad characters, else speech; at a recording, the words of the
        message, delivered afterwards as Twilio's transcription would be."""
        assert self.heard is not None and self.heard.action is not None
        if self.heard.records:
            return self._leave_message(self.heard, typed)
        if not typed:
            return self._post(self.heard.action, {})
        if _KEYS.match(typed):
            return self._post(self.heard.action, {"Digits": typed})
        return self._post(self.heard.action, {"SpeechResult": typed, "Confidence": "0.9"})

    def _leave_message(self, asked: Heard, words: str) -> Heard:
        assert asked.action is not None
        recording = f"https://api.twilio.com/simulated/Recordings/RE{uuid.uuid4().hex}"
        heard = self._post(asked.action, {"RecordingUrl": recording})
        if asked.transcribed_to and words:
            self._post(asked.transcribed_to, {
                "TranscriptionSid": "TR" + uuid.uuid4().hex, "TranscriptionText": words,
                "TranscriptionStatus": "completed", "RecordingUrl": recording,
            })  # fmt: skip
            self.heard = heard
        return heard

    def _post(self, url: str, fields: dict[str, str]) -> Heard:
        form = {**self._form, **fields}
        path = url.removeprefix(self._public)
        signature = self._validator.compute_signature(url, form)
        response = self._client.post(path, data=form, headers={"X-Twilio-Signature": signature})
        if response.status_code not in (200, 204):  # a transcription callback answers 204
            raise click.ClickException(f"webhook answered {response.status_code}: {response.text}")
        self.heard = read_twiml(response.text or "<Response/>")
        return self.heard


@click.command("call")
@click.option("--from", "caller", default="+447700900123", show_default=True)
@click.option(
    "--at",
    "moment",
    type=_Moment(),
    help='Pretend it is this local time, or "now" for the real clock. Without it, a call '
    "while the lines are closed is rehearsed at their next opening.",
)
@click.option(
    "--now",
    "real_now",
    type=click.DateTime(_FORMATS),
    hidden=True,
    help="Tests: the local time to take as the real clock's.",
)
def call(caller: str, moment: datetime | str | None, real_now: datetime | None) -> None:
    """Walk the IVR: type digits for keys, words for speech, Enter for silence; at a
    voicemail, the words of the message."""
    try:
        number = normalise_phone(caller)
    except InvalidContactPointError as exc:
        raise click.BadParameter(str(exc), param_hint="--from") from None
    settings = settings_or_exit()
    token = secrets.token_hex(16)
    try:
        app = create_app({"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": token})
    except (ConfigError, DataFileError) as exc:
        raise click.ClickException(str(exc)) from None
    rt = app.extensions["frontdoor"]
    if real_now is not None:
        rt.clock = _stopped(real_now.replace(tzinfo=rt.calendar.zone))
    if isinstance(moment, datetime):
        rt.clock = _stopped(moment.replace(tzinfo=rt.calendar.zone))
    elif moment is None and (rehearsed := rehearsal(rt.calendar, rt.clock())) is not None:
        opens, said = rehearsed
        click.echo(said)
        rt.clock = _stopped(opens)
    phone = SimulatedPhone(
        app.test_client(), token, str(settings.public_base_url).rstrip("/"), number
    )
    heard = phone.dial()
    while True:
        click.echo(f"council: {heard.words}")
        if heard.action is None:
            click.echo(f"[call {heard.ends or 'ended'}]")
            return
        prompt = "your message" if heard.records else "you"
        try:
            typed = click.prompt(prompt, default="", show_default=False).strip()
        except click.Abort:
            click.echo("\n[caller hung up]")
            return
        heard = phone.answer(typed)


def _stopped(moment: datetime) -> Callable[[], datetime]:
    """A clock that always reads `moment`, in UTC as the real one does."""
    fixed = moment.astimezone(UTC)
    return lambda: fixed
