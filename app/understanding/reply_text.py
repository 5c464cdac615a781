"""What a resident newly wrote in an email: quoted replies and signatures taken off.

A long email is mostly what it replies to and who sent it: "On … wrote:" and Outlook's
"From: … Sent: …" blocks, "> " lines, "Sent from my iPhone", a sign-off over a name and phone
number. The classifier and entity finder read only the new words, so the intent is the
resident's and not our own acknowledgement's; safety cues still read the whole email, and the
message body is kept as received. MailBot's reader shares this (issue 20).

Our own rules go line by line with patterns anchored at the line's start and bounded in
length, so a megabyte costs one pass. mail-parser-reply then splits what is left at reply
headers in other mail clients' languages (Polish "Dnia … napisał(a):", "Od: … Wysłano: …"),
but only on a short text with short lines: its header patterns backtrack quadratically on a
long line (14,000 characters took 7 s).
"""

from __future__ import annotations

import re

from mailparser_reply import EmailMessage  # type: ignore[import-untyped]

# A reply header is a short line; anything longer is a resident's sentence.
_HEADER_MAX = 300
_WROTE_START = re.compile(r"(?:on|dnia|em|în|in data|le|am|el)\s", re.IGNORECASE)
_WROTE_END = re.compile(
    r"(?:wrote|napisał(?:\(a\))?|escreveu|a scris|a écrit|schrieb|escribió|ha scritto)\s?:$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(r"-{2,}\s*(?:original message|reply message)\s*-{2,}$", re.IGNORECASE)
_FORWARDED = re.compile(
    r"(?:-{2,}\s*forwarded message\s*-{2,}|begin forwarded message:)$", re.IGNORECASE
)
_RULE = re.compile(r"_{10,}$")
_FIELD = re.compile(r"\*?(?:from|sent|date|to|cc|subject|reply-to)\*?:", re.IGNORECASE)
_FROM = re.compile(r"\*?from\*?:", re.IGNORECASE)
# Every header, quote and forward marker starts like this: a cheap test that most lines fail.
_MAYBE_HEADER = re.compile(r"[>_*-]|(?:on|dnia|em|în|in|le|am|el|begin)\s|from:", re.IGNORECASE)
_SUBJECT = re.compile(r"subject:[^\n]*\n\s*\n", re.IGNORECASE)

# Signatures: where they begin, the new words end.
_SIG_DELIMITER = re.compile(r"--\s?$")
_MOBILE = re.compile(
    r"(?:sent from (?:my|mail for|outlook|yahoo|samsung|aol)|get outlook for|sent via|"
    r"sent using|sent with|download outlook for)\b",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"(?:(?:kind|best|warm|warmest|many|with)\s+)?"
    r"(?:regards|wishes|thanks(?: again)?|thank you|cheers|best|respectfully)"
    r"|yours\s+(?:sincerely|faithfully|truly)|sincerely|thanks in advance|ta",
    re.IGNORECASE,
)
_SIGN_OFF_MAX = 40
_DISCLAIMER = re.compile(
    r"(?:this (?:e-?mail|message)|the information (?:in|contained)|confidential|disclaimer|"
    r"caution:|please consider the environment)",
    re.IGNORECASE,
)
# What may follow a sign-off: a name, job title, address and phone, a few short lines.
_SIG_BLOCK_LINES = 8
_SIG_LINE_MAX = 80
_NAME_WORDS = 5
_WORDS_BEFORE_SIGN_OFF = 3

# Bounds on the text handed to mail-parser-reply (see the module's docstring).
_LIBRARY_TEXT_MAX = 4_000
_LIBRARY_LINE_MAX = 400
_LIBRARY_LANGUAGES = ["en", "pl"]


def new_text(body: str, keep_signature: bool = False) -> str:
    """The words the resident newly wrote; the original (stripped) if nothing else is left.

    A leading "Subject: …" line and blank line (how an email's subject is folded in) is kept.
    `keep_signature` keeps the resident's own sign-off block, where their address and phone
    number are, for the entity finder; quoted history is never kept.
    """
    subject = _SUBJECT.match(body)
    head, rest = (body[: subject.end()], body[subject.end() :]) if subject else ("", body)
    lines = _own_lines(rest.replace("\r\n", "\n").split("\n"))
    if not keep_signature:
        lines = _without_signature(lines)
    kept = "\n".join(lines).strip()
    if kept and len(kept) <= _LIBRARY_TEXT_MAX and max(map(len, lines)) <= _LIBRARY_LINE_MAX:
        kept = _library_split(kept)
    if not kept:
        return body.strip()
    return f"{head}{kept}" if head else kept


def _own_lines(lines: list[str]) -> list[str]:
    """Unquoted lines before the first reply header; below it if nothing came before.

    Inline replies ("On … wrote:" then "> question" / answer / "> question" / answer) keep the
    answers, since everything above the header was empty.
    """
    kept: list[str] = []
    has_words = False
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line or not _MAYBE_HEADER.match(line):
            kept.append(lines[i])
            has_words = has_words or bool(line)
            i += 1
            continue
        if line.startswith(">"):
            i += 1
            continue
        header = _header_length(lines, i)
        if header:
            if has_words:
                return kept
            kept = []
            i = _past_fields(lines, i + header)
            continue
        if _FORWARDED.match(line):
            # A forwarded message is what the resident wants read: keep it, not its header.
            i = _past_fields(lines, i + 1)
            continue
        kept.append(lines[i])
        has_words = has_words or bool(line)
        i += 1
    return kept


def _past_fields(lines: list[str], i: int) -> int:
    """The first line from `i` that is not a header field (From:, Sent:, …) or blank."""
    while i < len(lines) and (_FIELD.match(lines[i].strip()) or not lines[i].strip()):
        i += 1
    return i


def _header_length(lines: list[str], i: int) -> int:
    """How many lines the reply header starting at line `i` takes; 0 if none starts there."""
    line = lines[i].strip()
    if len(line) > _HEADER_MAX:
        return 0
    if _ORIGINAL.match(line) or _RULE.match(line):
        return 1
    if _WROTE_START.match(line):
        if _WROTE_END.search(line):
            return 1
        # Mail clients wrap a long "On …, Name <address>" line before "wrote:".
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if len(following) <= _HEADER_MAX and _WROTE_END.search(following):
            return 2
    if _FROM.match(line):
        # Outlook's block: From: then Sent:/Date:/To: within the next three lines.
        span = [lines[j].strip() for j in range(i + 1, min(i + 4, len(lines)))]
        if any(_FIELD.match(later) for later in span):
            return 1
    return 0


def _without_signature(lines: list[str]) -> list[str]:
    """`lines` up to the first signature: "--", a mobile footer, or a sign-off over a name and a
    few short lines that run to the end (a sign-off followed by more message is not cut)."""
    content = [n for n, line in enumerate(lines) if line.strip()]
    words_before = 0
    for position, n in enumerate(content):
        line = lines[n].strip()
        if position > 0 and (_SIG_DELIMITER.fullmatch(line) or _MOBILE.match(line)):
            return lines[:n]
        # A sign-off after a greeting alone ("Hi / Thanks / any update") opens the message.
        if words_before >= _WORDS_BEFORE_SIGN_OFF and _signs_off(lines, content, position):
            return lines[:n]
        words_before += len(line.split())
    return lines


def _signs_off(lines: list[str], content: list[int], position: int) -> bool:
    line = lines[content[position]].strip()
    if len(line) > _SIGN_OFF_MAX or not _SIGN_OFF.fullmatch(line.rstrip(",.!- ")):
        return False
    if len(content) - position > _SIG_BLOCK_LINES:
        return False
    after = [lines[m].strip() for m in content[position + 1 :]]
    return (not after or _name_like(after[0])) and all(map(_signature_line, after))


def _name_like(line: str) -> bool:
    """ "Jo Bloggs", "Mrs K. Bennett", "Ravi & Meera Patel": a few words, capitalised."""
    if _MOBILE.match(line):
        return True
    return line[:1].isupper() and len(line.split()) <= _NAME_WORDS


def _signature_line(line: str) -> bool:
    """A name, title, address or phone (short, not a sentence), or a footer or disclaimer.

    "Thank you." over "I still have no bin." is a message, not a signature."""
    short_name = len(line) <= _SIG_LINE_MAX and not line.endswith((".", "?", "!"))
    return short_name or bool(_DISCLAIMER.match(line) or _MOBILE.match(line))


def _library_split(text: str) -> str:
    """The part above the first reply header mail-parser-reply knows; `text` if there is none
    or the text opens with one."""
    message = EmailMessage(text=text, languages=list(_LIBRARY_LANGUAGES), keep_hyphen_lists=True)
    replies = message.read().replies
    if not replies or replies[0].headers:
        return text
    return replies[0].content.strip() or text
