"""Stable numbers for our string ids, for formats that need integers (BMLT)."""

from __future__ import annotations

import hashlib


def stable_number(text: str) -> int:
    """48 bits of a hash: stable across processes, exact in JavaScript numbers."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")
