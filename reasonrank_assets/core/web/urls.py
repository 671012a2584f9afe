"""URL normalisation for cited links: one canonical spelling per page, StackExchange links dropped.

courlan does the cleaning (lower-case host, default ports, tracking parameters, sorted query,
punycode); urllib splits and joins. Fragments are dropped: they name a place in a page, not a page.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

# Hosts of the StackExchange network (and their subdomains): links back into it are not web pages.
STACKEXCHANGE_HOSTS = (
    "stackexchange.com",
    "stackoverflow.com",
    "superuser.com",
    "serverfault.com",
    "askubuntu.com",
    "mathoverflow.net",
    "stackapps.com",
    "stack.imgur.com",
    "sstatic.net",
    "stackoverflow.email",
)


def is_stackexchange_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in STACKEXCHANGE_HOSTS)


def normalize_url(url: str) -> str | None:
    """Canonical http(s) URL, or None for what is not a web page to fetch.

    None for: relative links (inside the dump they point back into the site), other schemes,
    unparsable URLs and links into StackExchange sites.
    """
    from courlan import clean_url  # imported here: courlan pulls in urllib3 and more at import time
    from courlan.filters import is_valid_url

    url = (url or "").strip()
    if url.startswith("//"):
        url = "https:" + url
    cleaned = clean_url(url)
    if not cleaned:
        return None
    try:
        parts = urlsplit(cleaned)
        hostname = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not hostname or is_stackexchange_host(hostname):
        return None
    path = urljoin("/", parts.path) if parts.path else "/"  # resolves ./ and ../ segments
    normalized = urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    return normalized if is_valid_url(normalized) else None


def host_key(url: str) -> str:
    """The politeness unit: host and port (two ports of one machine are two servers)."""
    return urlsplit(url).netloc.lower()


def dedupe_urls(urls) -> list[str]:
    """Normalised, first-seen order, links to drop left out."""
    seen: dict[str, None] = {}
    for url in urls:
        normalized = normalize_url(url)
        if normalized is not None:
            seen.setdefault(normalized, None)
    return list(seen)
