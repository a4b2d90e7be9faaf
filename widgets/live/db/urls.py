"""Room store URLs: the PostgreSQL ``?schema=`` option and passwords kept out of messages. Pure: stdlib only."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from widgets.live.errors import StoreUnavailable

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def split_postgres_url(url: str) -> tuple[str, str | None]:
    """``postgresql://...?schema=x`` -> (conninfo without ``schema``, ``x``). The schema keeps this
    course's tables apart from others in the same database; it must be a plain lower-case name."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise StoreUnavailable(f"'{schema}' is not a usable schema name: use lower-case letters, digits and _.")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


def redact(url: str) -> str:
    """``url`` with any password replaced, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


__all__ = ["redact", "split_postgres_url"]
