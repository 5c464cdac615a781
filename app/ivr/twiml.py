"""What one call webhook answers with, in the flow's voice, built with twilio's VoiceResponse.

Every question takes speech as well as keys, and silence comes back to us as a failed attempt,
so no caller is stuck because they cannot use a keypad or said nothing.
"""

from __future__ import annotations

from twilio.twiml import TwiML
from twilio.twiml.voice_response import Gather, VoiceResponse

from app.ivr.flows import FlowSpec, RecordStep

SPEECH_WAIT_SECONDS = 6


class CallReply:
    def __init__(self, spec: FlowSpec, transcription_url: str | None = None) -> None:
        self.response = VoiceResponse()
        self._voice, self._language = spec.voice, spec.language
        self._transcription_url = transcription_url  # where Twilio sends a voicemail's words

    def say(self, text: str) -> None:
        self.response.say(text, voice=self._voice, language=self._language)

    def ask(self, action: str, prompt: str, hints: tuple[str, ...], num_digits: int | None) -> None:
        """A question whose answer, keyed or said, is posted to `action`."""
        gather = Gather(
            input="dtmf speech",
            action=action,
            method="POST",
            action_on_empty_result=True,  # silence comes back to us, as a failed attempt
            language=self._language,
            speech_timeout="auto",
            timeout=SPEECH_WAIT_SECONDS,
            hints=", ".join(hints) if hints else None,
            num_digits=num_digits,
        )
        gather.say(prompt, voice=self._voice, language=self._language)
        self.response.append(gather)

    def record(self, action: str, step: RecordStep) -> None:
        """A voicemail, transcribed unless the step says not to."""
        self.say(step.prompt)
        transcribe = step.transcribe and self._transcription_url is not None
        self.response.record(
            action=action, method="POST", max_length=step.max_seconds, finish_on_key="#",
            play_beep=True, transcribe=transcribe or None,
            transcribe_callback=self._transcription_url if transcribe else None,
        )  # fmt: skip

    def put_through(self, verb: TwiML) -> None:
        self.response.append(verb)

    def hangup(self) -> None:
        self.response.hangup()
