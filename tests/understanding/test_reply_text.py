"""new_text: what a resident newly wrote, each mail client's quoting and signature taken off."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.understanding.reply_text import new_text
from tests.deadline import within_deadline

ASK = "My grey bin has not been emptied since Tuesday, can someone come back for it?"

QUOTED = {
    "gmail": (
        f"{ASK}\n\nOn Mon, 30 Nov 2026 at 09:14, West Northamptonshire Council "
        "<customerservices@westnorthants.gov.uk> wrote:\n> Thank you for your council tax "
        "payment.\n> Revenues Team"
    ),
    "gmail wrapped": (
        f"{ASK}\n\nOn Mon, 30 Nov 2026 at 09:14, West Northamptonshire Council <\n"
        "customerservices@westnorthants.gov.uk> wrote:\n\n> Your council tax is overdue."
    ),
    "apple": f"{ASK}\n\nOn 28 Nov 2026, at 11:20, Parking <p@example.org> wrote:\n\n> Permit",
    "outlook": (
        f"{ASK}\n\n________________________________\nFrom: Council Tax <ct@example.org>\n"
        "Sent: 27 November 2026 15:42\nTo: jo@example.com\nSubject: RE: reminder\n\n"
        "Your instalment is overdue and a summons may be issued."
    ),
    "outlook without a rule": (
        f"{ASK}\n\nFrom: noreply@example.org\nSent: Tuesday, December 1, 2026 4:05 PM\n"
        "To: jo@example.com\nSubject: We have received your enquiry\n\nThank you."
    ),
    "bold outlook": f"{ASK}\n\n*From:* Council <c@example.org>\n*Sent:* Monday\n\nOld text",
    "original message": f"{ASK}\n-----Original Message-----\nFrom: x\nPay your council tax.",
    "outlook express": f"{ASK}\n\n----- Original Message -----\nFrom: x\nTo: y\nOld",
    "polish client": f"{ASK}\n\nDnia 1 grudnia 2026 Rada napisał(a):\n> Podatek lokalny",
    "inline quotes only": f"> When is my collection day?\n> Thursday.\n{ASK}",
}

SIGNED = {
    "iphone": f"{ASK}\n\nSent from my iPhone",
    "samsung": f"{ASK}\n\nSent from my Samsung Galaxy smartphone.",
    "outlook mobile": f"{ASK}\n\nGet Outlook for iOS",
    "delimiter": f"{ASK}\n-- \nJo Bloggs\nKingsthorpe Residents' Association",
    "sign-off block": f"{ASK}\n\nKind regards,\nJo Bloggs\n12 High Street\nNN1 1AA\n07700 900123",
    "sign-off and disclaimer": (
        f"{ASK}\n\nRegards\nJo Bloggs\nThis email and any attachments are confidential and "
        "intended solely for the addressee. If you are not the intended recipient, delete it."
    ),
    "yours sincerely": f"{ASK}\n\nYours sincerely\n\nMrs K. Bennett\n7 Vicarage Lane\nBrixworth",
}


@pytest.mark.parametrize("style", sorted(QUOTED))
def test_quoted_history_is_taken_off(style: str) -> None:
    assert new_text(QUOTED[style]) == ASK


@pytest.mark.parametrize("style", sorted(SIGNED))
def test_signatures_are_taken_off(style: str) -> None:
    assert new_text(SIGNED[style]) == ASK


def test_a_signature_and_a_quote_together() -> None:
    body = f"Hi,\n\n{ASK}\n\nThanks\nJo\n\nSent from my iPhone\n\n{QUOTED['gmail'][len(ASK) :]}"
    assert new_text(body) == f"Hi,\n\n{ASK}"


def test_the_resident_signature_is_kept_on_request() -> None:
    kept = new_text(SIGNED["sign-off block"], keep_signature=True)
    assert kept.endswith("NN1 1AA\n07700 900123") and kept.startswith(ASK)


def test_answers_between_inline_quotes_are_the_new_text() -> None:
    body = (
        "On Tue, 1 Dec 2026, Council <c@example.org> wrote:\n> What is your address?\n"
        "12 High Street\n> What went wrong?\nThe bin was not emptied"
    )
    assert new_text(body) == "12 High Street\nThe bin was not emptied"


def test_a_forwarded_message_is_kept_without_its_header() -> None:
    body = (
        "Please see below\n\n---------- Forwarded message ---------\nFrom: Landlord <l@x.org>\n"
        "Date: Mon, 30 Nov 2026\nSubject: notice\nTo: me\n\nYou must leave by Friday."
    )
    assert new_text(body) == "Please see below\n\nYou must leave by Friday."


def test_a_folded_in_subject_stays() -> None:
    body = f"Subject: Re: missed bin WNC-204318\n\n{QUOTED['outlook']}"
    assert new_text(body) == f"Subject: Re: missed bin WNC-204318\n\n{ASK}"


@pytest.mark.parametrize(
    "body",
    [
        "Can you collect:\n- a sofa\n- a fridge\n- two chairs",  # a list is not a signature
        "Thanks, but the bin is still there after two weeks, please send someone to empty it",
        "Hi\nThanks\nAny update on my case\nJo",  # a sign-off after a greeting alone opens it
        "Hi,\nThank you.\nI still have no bin.\nJo",  # sentences after it: not a signature
        "On Monday the crew left glass all over the road and nobody cleared it up",
        "From: the tenants of Elm Court\nWe have had no heating for a week",
    ],
)
def test_ordinary_messages_are_left_whole(body: str) -> None:
    assert new_text(body) == body


@pytest.mark.parametrize(
    "body",
    [
        "> only a quoted line",
        "On Mon, 30 Nov 2026, Council <c@example.org> wrote:\n> Thank you for your email",
        "Sent from my iPhone",
        "-----Original Message-----\nFrom: x\nTo: y",
        "   \n\n",
    ],
)
def test_never_empty_for_a_message_with_words(body: str) -> None:
    assert new_text(body) == body.strip()


MEGABYTE = 1_000_000
# One pass in Python over a megabyte of the worst lines takes about 1.5 s here; quadratic
# code (mail-parser-reply's header pattern on one long line) would take hours.
BUDGET_SECONDS = 6.0
DEADLINE_SECONDS = 30.0

_HOSTILE: dict[str, Callable[[], str]] = {
    "one long 'On' line": lambda: ("On " + "monday my bin " * MEGABYTE)[:MEGABYTE],
    "many 'On' lines": lambda: ("On a\n" * MEGABYTE)[:MEGABYTE],
    "many From: lines": lambda: ("From: x\n" * MEGABYTE)[:MEGABYTE],
    "many sign-offs": lambda: "Hello there everyone\n" + ("Kind regards\n" * MEGABYTE)[:MEGABYTE],
    "many quoted lines": lambda: ("> quoted text\n" * MEGABYTE)[:MEGABYTE],
    "blank lines": lambda: "hi" + "\n" * MEGABYTE,
    "a short text then a megabyte line": lambda: "Bins\n" + "x" * MEGABYTE,
}


@pytest.mark.parametrize("shape", sorted(_HOSTILE))
def test_a_megabyte_is_read_in_one_pass(shape: str) -> None:
    body = _HOSTILE[shape]()
    seconds, kept = within_deadline(lambda: len(new_text(body)), DEADLINE_SECONDS, shape)
    assert seconds < BUDGET_SECONDS, f"{shape}: {seconds:.2f} s"
    assert kept > 0
