"""Pseudonymous ids for registry extracts (pure: no Django).

A pseudonym is a keyed hash (HMAC-SHA256, RFC 2104) of the patient's database id. The key
of each purpose is derived from the one secret (`COPRODUCE_PSEUDONYM_KEY`) and the purpose
name, so the same patient has the same pseudonym in every extract of one purpose (rows can
be linked over time) and unrelated pseudonyms in extracts of different purposes (a
registry file and a research file cannot be joined). Without the secret a pseudonym can
be neither reversed nor recomputed from a guessed id (NHS Digital, "Pseudonymisation",
keyed hashing; the ICO anonymisation guidance, chapter 3).
"""

from __future__ import annotations

import hashlib
import hmac

# 128 bits of the HMAC: collisions are negligible below billions of patients.
PSEUDONYM_HEX_CHARS = 32
MIN_SECRET_BYTES = 32


def purpose_key(secret: bytes, purpose: str) -> bytes:
    """The key for one purpose, derived from the secret (HMAC as a key-derivation step)."""
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the pseudonym secret must be at least {MIN_SECRET_BYTES} bytes")
    if not purpose:
        raise ValueError("a purpose is needed")
    return hmac.new(secret, b"coproduce-extract-purpose:" + purpose.encode(), "sha256").digest()


def pseudonym(key: bytes, patient_id: int) -> str:
    """The patient's pseudonymous id under a purpose key from `purpose_key`."""
    digest = hmac.new(key, str(int(patient_id)).encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_CHARS]
