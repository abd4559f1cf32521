"""Pseudonymous ids (coproduce/extracts/pseudonyms.py)."""

import hashlib
import hmac

import pytest

from coproduce.extracts.pseudonyms import pseudonym, purpose_key

SECRET = b"s" * 32


def test_pseudonym_is_stable_within_a_purpose():
    key = purpose_key(SECRET, "registry")
    assert pseudonym(key, 42) == pseudonym(purpose_key(SECRET, "registry"), 42)


def test_pseudonym_differs_across_purposes_and_patients():
    registry, research = purpose_key(SECRET, "registry"), purpose_key(SECRET, "research")
    assert pseudonym(registry, 42) != pseudonym(research, 42)
    assert pseudonym(registry, 42) != pseudonym(registry, 43)


def test_pseudonym_depends_on_the_secret():
    other = purpose_key(b"t" * 32, "registry")
    assert pseudonym(purpose_key(SECRET, "registry"), 42) != pseudonym(other, 42)


def test_pseudonym_is_the_keyed_hash_not_a_plain_hash_of_the_id():
    key = purpose_key(SECRET, "registry")
    expected = hmac.new(key, b"42", hashlib.sha256).hexdigest()[:32]
    assert pseudonym(key, 42) == expected
    assert pseudonym(key, 42) not in hashlib.sha256(b"42").hexdigest()


def test_purpose_key_refuses_a_short_secret():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        purpose_key(b"short", "registry")
