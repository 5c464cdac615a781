"""How a channel says a message can never be delivered, as opposed to 'try again later'."""

from __future__ import annotations


class PermanentDeliveryError(Exception):
    """The channel refused this message for good (opted out, invalid number, not configured)."""

    def __init__(self, reason: str, opted_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.opted_out = opted_out
