"""Fixtures shared by the web tests."""

from __future__ import annotations

from tests.web.sms_line import live

__all__ = ["live"]
