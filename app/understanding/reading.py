"""What the classifier and entity finder read: a resident's own new words, as they meant them.

Safety cues never read this: they read the whole message as received, quoted history and all,
since a risk told further down a thread is still a risk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.understanding.entities import Entities, extract_entities
from app.understanding.nlu import FALLBACK_INTENT, NluBackend, NluResult
from app.understanding.reply_text import new_text
from app.understanding.speech import heard_as_meant
from app.vocabulary import Channel

# Quotes and signatures are looked for in this much of a message. The classifier reads the
# first 4,000 characters of what is left, so past this the answer cannot change, but the cost
# of a line-by-line pass in Python would (a megabyte of short lines takes about a second).
REPLY_SCAN_CHARS = 32_000


@dataclass(frozen=True)
class Reading:
    """`words` for the classifier: new text, no signature. `own` for the entity finder: the
    same with the resident's sign-off block, which holds their address and phone number (a
    quoted reply's postcode and phone are the council's own)."""

    words: str
    own: str


def reading_text(text: str, channel: Channel | None) -> Reading:
    """How the understanding should read `text`, sent by `channel` (None: typed text).

    A voice transcript has no quotes or signatures, and is where "toaster" means Towcester; in
    typed text only the mishearings that mean nothing else are put right (phones dictate texts
    and emails with the same recognisers).
    """
    if channel is Channel.VOICE:
        heard = heard_as_meant(text, spoken=True)
        return Reading(heard, heard)
    head = text[:REPLY_SCAN_CHARS]
    return Reading(
        heard_as_meant(new_text(head), spoken=False),
        heard_as_meant(new_text(head, keep_signature=True), spoken=False),
    )


def entities_of(own: str, original: str, reference_prefix: str) -> Entities:
    """Entities from the resident's `own` words; the case reference, if they gave none, from
    the `original` they quoted: "any news?" over our acknowledgement is about the case it names.
    """
    found = extract_entities(own, reference_prefix)
    if found.case_reference is not None or own == original:
        return found
    quoted = extract_entities(original, reference_prefix).case_reference
    return replace(found, case_reference=quoted)


def classify(nlu: NluBackend, words: str, original: str) -> NluResult:
    """The intent of the resident's new `words`; if they leave the classifier unsure, that of
    the `original` with what it quoted, when that is sure ("any update?" over our
    acknowledgement is about the case; the acknowledgement says so)."""
    result = nlu.parse(words)
    if result.intent != FALLBACK_INTENT or words == original:
        return result
    in_context = nlu.parse(original)
    return in_context if in_context.intent != FALLBACK_INTENT else result
