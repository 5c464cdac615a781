"""Reading TwiML back: what a caller would hear, and where their answer goes (simulator, tests)."""

from __future__ import annotations

from dataclasses import dataclass

from defusedxml import ElementTree


@dataclass(frozen=True)
class Heard:
    words: str  # every Say, in order, including those inside a Gather
    action: str | None  # the Gather's or Record's action URL, if the call waits for an answer
    records: bool  # the caller is asked to leave a recording
    ends: str | None  # "hangup", "enqueue <queue>" or "dial <number>" when the bot lets go
    transcribed_to: str | None = None  # where Twilio would send the recording's words


def read_twiml(twiml: str) -> Heard:
    root = ElementTree.fromstring(twiml)
    words = " ".join(" ".join((el.text or "").split()) for el in root.iter("Say"))
    action, records, ends, transcribed_to = None, False, None, None
    for element in root.iter():
        if element.tag in ("Gather", "Record"):
            action = element.get("action")
            records = records or element.tag == "Record"
            transcribed_to = transcribed_to or element.get("transcribeCallback")
        elif element.tag == "Hangup":
            ends = "hangup"
        elif element.tag in ("Enqueue", "Dial"):
            target = (element.text or "").strip() or element.get("workflowSid", "")
            ends = f"{element.tag.lower()} {target}"
    return Heard(words, action, records, ends, transcribed_to)
