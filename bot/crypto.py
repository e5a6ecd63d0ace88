"""Encryption at rest: what the store writes in a personal column, with or without an operator key.

`Cipher` wraps `cryptography`'s MultiFernet over the keys of `COACH_ENCRYPTION_KEY`
(newest first): `seal` encrypts with the newest key, `open` reads a value sealed
with any of them, `reseal` moves a value to the newest key (or seals a value
still stored in clear). A sealed value is `PREFIX` + a Fernet token, so a clear
value (JSON, which starts with `{`) is told apart without guessing. Without
keys `seal` is the identity and `open` refuses sealed values: data is never
half-read. It knows nothing about tables or conversations.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"


class KeyProblem(Exception):
    """A key can't be used, or stored data can't be read with the keys given; the message names no key."""


class Cipher:
    """Seal and open stored text with the operator's keys (none: stored in clear)."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise KeyProblem(
                    f"COACH_ENCRYPTION_KEY: key {position} of {len(keys)} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes; make one with `coach db new-key`)"
                ) from None
        self._fernet: MultiFernet | None = MultiFernet(fernets) if fernets else None
        self.key_count = len(fernets)

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, text: str) -> str:
        """`text` encrypted with the newest key; unchanged when there is no key."""
        if self._fernet is None:
            return text
        return PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str:
        """The text of a stored value (sealed or clear); KeyProblem when it is sealed and no key reads it."""
        if not is_sealed(stored):
            return stored
        if self._fernet is None:
            raise KeyProblem("the database holds encrypted data but COACH_ENCRYPTION_KEY is not set")
        try:
            return self._fernet.decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise KeyProblem("COACH_ENCRYPTION_KEY does not open the stored data (a wrong or removed key?)") from None

    def reseal(self, stored: str) -> str:
        """The value sealed with the newest key (a clear value gets sealed); KeyProblem when unreadable."""
        if self._fernet is None:
            raise KeyProblem("COACH_ENCRYPTION_KEY is not set: there is no key to encrypt with")
        if not is_sealed(stored):
            return self.seal(stored)
        try:
            token = self._fernet.rotate(stored[len(PREFIX):].encode("ascii"))
        except (InvalidToken, UnicodeError):
            raise KeyProblem("COACH_ENCRYPTION_KEY does not open the stored data (a wrong or removed key?)") from None
        return PREFIX + token.decode("ascii")


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)  # type: ignore[union-attr]


def new_key() -> str:
    """A fresh random key, as COACH_ENCRYPTION_KEY expects it."""
    return Fernet.generate_key().decode("ascii")
