"""Link targets that are safe in every output format."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

MAX_URL_CHARS = 2000
# Kept as they are in a URL; everything else (spaces, quotes, <>()[]{}|`\^, non-ASCII) is percent-encoded,
# so no format's link syntax can be closed from inside a URL.
_URL_SAFE = "/:?#@!$&*+,;=%~-._"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to be a link target in any format, or None (then the text is shown unlinked)."""
    if not url or len(url) > MAX_URL_CHARS:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe=_URL_SAFE)

