"""Hypothesis profiles: fixed in CI, wider on demand.

`HYPOTHESIS_PROFILE=long make test` (or `.venv/bin/pytest tests/channels --hypothesis-profile=long`)
runs 20 times the examples. Deadlines are off everywhere: speed is measured by bench/, and a
shared two-core machine makes per-example timings noise.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None)
# CI: the same examples every run, so a red build is reproducible, not a roll of the dice.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("long", deadline=None, max_examples=2000)


def load_profile() -> None:
    default = "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default))
