"""Long texts split politely; segments counted as carriers count them; the send rate holds."""

from __future__ import annotations

import threading
import time

from hypothesis import given
from hypothesis import strategies as st

from app.channels.send_rate import LocalSendRate, RedisSendRate
from app.channels.sms_text import polite_parts, segments


def test_segments_follow_gsm_and_ucs2_rules() -> None:
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert segments("Dzień dobry") == 1 and segments("ś" * 71) == 2  # UCS-2: 70, then 67 a part


def test_a_long_reply_splits_at_sentence_ends_and_is_numbered() -> None:
    sentence = "Your complaint is being investigated by our Highways team this week. "
    parts = polite_parts(sentence * 12)
    assert len(parts) == 2
    assert parts[0].endswith("this week. (1/2)") and parts[1].endswith("(2/2)")
    assert all(len(part) <= 459 for part in parts)


def test_a_short_reply_is_left_alone() -> None:
    assert polite_parts("Done.") == ["Done."]


@given(
    st.text(alphabet=st.characters(codec="ascii", categories=("L", "N", "Zs", "P")), max_size=3000)
)
def test_splitting_never_loses_a_word_or_exceeds_the_limit(text: str) -> None:
    parts = polite_parts(text, limit=200)
    assert all(len(part) <= 200 for part in parts)
    rejoined = "".join(p.rsplit(" (", 1)[0] if len(parts) > 1 else p for p in parts)
    assert rejoined.replace(" ", "") == "".join(text.split())


def test_the_local_rate_paces_one_sender() -> None:
    rate = LocalSendRate(per_second=20)
    started = time.monotonic()
    for _ in range(11):
        rate.wait_for_slot("+447700900000", 1)
    assert 0.45 <= time.monotonic() - started < 1.5  # 10 gaps of 50 ms


def test_two_workers_share_one_senders_budget_through_redis(redis_url: str) -> None:
    workers = [RedisSendRate(redis_url, per_second=20), RedisSendRate(redis_url, per_second=20)]
    started = time.monotonic()

    def send(rate: RedisSendRate) -> None:
        for _ in range(6):
            rate.wait_for_slot("+447700900001", 1)

    threads = [threading.Thread(target=send, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Twelve sends at 20 a second take at least 11 gaps of 50 ms, however many workers.
    assert time.monotonic() - started >= 0.5
