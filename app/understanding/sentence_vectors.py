"""Static sentence vectors from the weights wordllama ships inside its wheel.

wordllama's `l2_supercat_256` is a 32,000 x 256 token-embedding table distilled from large
language models, with Llama 2's tokenizer. A sentence's vector is the mean of its tokens' rows,
l2-normalised: one tokenizer call and one small gather, so meaning ("I won't need the sofa")
costs tens of microseconds, and nothing is fetched from the network, ever.

We read the two bundled files ourselves rather than through `WordLlama.load`: its loader would
download from Hugging Face if a file were missing, and importing `wordllama.inference` calls
`logging.basicConfig`, which would reconfigure our logs. The package is located, never imported.
Without wordllama installed, `bundled()` is None and the classifier is TF-IDF only (logged once).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

PACKAGE = "wordllama"
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
TENSOR = "embedding.weight"
# Names the table and the pooling; part of the classifier's cache key.
VECTORS_ID = "wordllama-l2_supercat_256-mean"
# Meaning is in the opening; capping the tokenizer's input keeps a long email within budget.
MAX_CHARS = 1_000

_log = logging.getLogger(__name__)


class SentenceVectors:
    """Mean-pooled, l2-normalised token embeddings."""

    name = VECTORS_ID

    def __init__(self, table: npt.NDArray[Any], tokenizer: Any, source: Path) -> None:
        self._table = table  # float16 as shipped: 16 MB, widened per message
        self._tokenizer = tokenizer
        self.source = source
        self.dim = int(table.shape[1])

    def token_ids(self, text: str) -> list[int]:
        ids: list[int] = self._tokenizer.encode(text[:MAX_CHARS], add_special_tokens=False).ids
        return ids

    def vector(self, text: str) -> FloatArray:
        """The unit vector of `text` (zeros when it has no tokens)."""
        ids = self.token_ids(text)
        if not ids:
            return np.zeros(self.dim)
        # The sum, not the mean: the direction is the same, and normalising removes the length.
        total = self._table[ids].astype(np.float64).sum(axis=0)
        norm = math.sqrt(total @ total)
        result: FloatArray = total / norm if norm > 0 else total
        return result

    def matrix(self, texts: Sequence[str]) -> FloatArray:
        """One row per text (a loop, not encode_batch: its thread pool does not survive fork)."""
        if not texts:
            return np.zeros((0, self.dim))
        return np.vstack([self.vector(text) for text in texts])


def package_dir() -> Path | None:
    """Where wordllama is installed, found without importing it; None when it is not."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def bundled() -> SentenceVectors | None:
    """The vectors from wordllama's own wheel, loaded once per process; None without it."""
    root = package_dir()
    if root is None or not (root / WEIGHTS).is_file() or not (root / TOKENIZER).is_file():
        _log.warning(
            "sentence vectors: wordllama (with its bundled %s) is not installed; the embedded "
            "classifier uses TF-IDF features only",
            WEIGHTS.name,
        )
        return None
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    table = load_file(str(root / WEIGHTS))[TENSOR]
    return SentenceVectors(table, Tokenizer.from_file(str(root / TOKENIZER)), root / WEIGHTS)
