"""Join codes, secret tokens and display names: the values that cross from a person to a room.

Join codes are typed by people reading them off a projector, so they use an alphabet without look-alike
characters (no 0/O, 1/I/L, no U) and are shown in two groups of three (``KXR-7PM``). Six characters of
30 give about 7.3e8 codes; with the per-browser and per-address limits on failed joins in the store, a
guesser at one address gets at most 5,760 tries a day, against a handful of open rooms.

Tokens (the facilitator's and each seat's) are long random strings that only their holder knows; the
database keeps their SHA-256, so a copy of the database does not let anyone act for a seat. A plain
hash is enough: the tokens carry 144 or more random bits and cannot be guessed the way passwords can.
Pure: stdlib only.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata

from widgets.live.errors import InvalidInput

#: 22 letters and 8 digits that cannot be mistaken for one another when read aloud or off a screen.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 6
#: Display names longer than this are refused (they would break the layout of every list they appear in).
MAX_NAME = 40
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    """A fresh random join code (6 characters from :data:`CODE_ALPHABET`)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """A code as people read it: ``KXR7PM`` becomes ``KXR-7PM``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalize_code(raw: str) -> str:
    """The code someone typed, upper-cased and without spaces or dashes; :class:`InvalidInput` when it
    cannot be a join code at all (so a typo is named before the database is asked)."""
    code = _SEPARATORS.sub("", str(raw or "")).upper()
    if not code:
        raise InvalidInput("Type the join code shown by your facilitator, for example KXR-7PM.")
    wrong = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if wrong:
        shown = ", ".join(repr(ch) for ch in wrong[:5])
        raise InvalidInput(f"A join code has only letters and the digits 2-9 (no 0, 1, I, L, O or U); "
                           f"{shown} cannot be in one. Check the code on the facilitator's screen.")
    if len(code) != CODE_LENGTH:
        raise InvalidInput(f"A join code has {CODE_LENGTH} characters, like KXR-7PM; "
                           f"'{format_code(code) if len(code) > 1 else code}' has {len(code)}.")
    return code


def new_token(nbytes: int = 18) -> str:
    """A URL-safe secret (18 bytes: 144 random bits, 24 characters)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What the database keeps instead of a token."""
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def new_id(nbytes: int = 6) -> str:
    """A short random public id for a room or a seat (never a secret)."""
    return secrets.token_hex(nbytes)


def clean_name(raw: str) -> str:
    """A display name as it will be stored and shown: NFC-normalised, with control and format
    characters removed and runs of whitespace made single. :class:`InvalidInput` if nothing visible
    is left or it is longer than :data:`MAX_NAME` characters.

    The name is *not* escaped here: it is stored as typed and escaped wherever it is shown.
    """
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \t\n")
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("Type a display name (your first name is enough).")
    if len(text) > MAX_NAME:
        raise InvalidInput(f"Display names can be at most {MAX_NAME} characters; this one has {len(text)}.")
    return text


def name_key(name: str) -> str:
    """The form two names are compared in: 'Mei' and 'MEI ' are the same person's name in one room."""
    return unicodedata.normalize("NFKC", name).casefold()


__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_NAME",
    "clean_name",
    "format_code",
    "name_key",
    "new_code",
    "new_id",
    "new_token",
    "normalize_code",
    "token_hash",
]
