"""A small inverted index for "text on name / group / location"."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_TOKEN = re.compile(r"[a-z0-9]+")
FIELD_WEIGHTS = {"name": 4, "group": 3, "place": 2, "region": 1}


def tokens(text: str) -> list[str]:
    """Lowercase, accent-free word tokens ("Café  Serenity-Group" -> cafe, serenity, group)."""
    if not text:
        return []
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _TOKEN.findall(text.lower())


class TextIndex:
    """token -> (sorted row numbers, weights); prefix search on the last query word."""

    def __init__(self, postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.int16]]]):
        self.postings = postings
        self.vocabulary = sorted(postings)

    @classmethod
    def build(cls, fields: dict[str, Sequence[str]]) -> TextIndex:
        """Postings for every token of every field, built with array operations (300k
        meetings take about a second): tokenise, then sort (token, row) pairs once."""
        ids: dict[str, int] = {}  # token -> id, in order of first sight
        id_parts, row_parts, weight_parts = [], [], []
        for field, values in fields.items():
            per_row = [tokens(value) for value in values]
            counts = np.fromiter((len(t) for t in per_row), np.int64, len(per_row))
            flat = np.fromiter((ids.setdefault(t, len(ids)) for row in per_row for t in row), np.int64)
            if not flat.size:
                continue
            id_parts.append(flat)
            row_parts.append(np.repeat(np.arange(len(values), dtype=np.int32), counts))
            weight_parts.append(np.full(flat.size, FIELD_WEIGHTS[field], np.int16))
        if not id_parts:
            return cls({})
        vocabulary = list(ids)
        token_ids = np.concatenate(id_parts)
        rows = np.concatenate(row_parts)
        weights = np.concatenate(weight_parts)
        order = np.lexsort((-weights, rows, token_ids))  # by token, then row, strongest field first
        token_ids, rows, weights = token_ids[order], rows[order], weights[order]
        first = np.ones(len(rows), bool)
        first[1:] = (token_ids[1:] != token_ids[:-1]) | (rows[1:] != rows[:-1])
        token_ids, rows, weights = token_ids[first], rows[first], weights[first]
        bounds = np.flatnonzero(np.diff(token_ids)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(rows)]))
        postings = {vocabulary[int(token_ids[a])]: (rows[a:b], weights[a:b]) for a, b in zip(starts, ends, strict=True)}
        return cls(postings)

    def _prefix_rows(self, prefix: str, limit: int = 64) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int16]]:
        start = bisect_left(self.vocabulary, prefix)
        rows, weights = [], []
        for token in self.vocabulary[start : start + limit]:
            if not token.startswith(prefix):
                break
            r, w = self.postings[token]
            rows.append(r)
            weights.append(w)
        if not rows:
            return np.empty(0, np.int32), np.empty(0, np.int16)
        all_rows = np.concatenate(rows)
        all_weights = np.concatenate(weights)
        order = np.lexsort((-all_weights, all_rows))
        all_rows, all_weights = all_rows[order], all_weights[order]
        first = np.ones(len(all_rows), bool)
        first[1:] = all_rows[1:] != all_rows[:-1]
        return all_rows[first], all_weights[first]

    def search(self, query: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """Rows matching every query word (the last one as a prefix), with a relevance score."""
        words = tokens(query)
        if not words:
            return np.empty(0, np.int32), np.empty(0, np.float64)
        rows: npt.NDArray[np.int32] | None = None
        score: npt.NDArray[np.float64] | None = None
        for position, word in enumerate(words):
            last = position == len(words) - 1
            if last:
                found, weights = self._prefix_rows(word)
            else:
                found, weights = self.postings.get(word, (np.empty(0, np.int32), np.empty(0, np.int16)))
            if rows is None or score is None:
                rows, score = found, weights.astype(np.float64)
                continue
            common, left, right = np.intersect1d(rows, found, assume_unique=True, return_indices=True)
            rows, score = common, score[left] + weights[right]
            if rows.size == 0:
                break
        assert rows is not None and score is not None
        return rows, score
