"""Web pages: text extraction, WARC records (writing and reading), the `web_pages` row shape.

Raw responses live in WARC files (warcio) so text can be extracted again without refetching.
Text comes from trafilatura; where it finds no main content (tiny or odd pages) the page's
visible text from lxml stands in. A page's identity for duplicate detection is the SHA-256 of
its extracted text with whitespace collapsed.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

from .urls import normalize_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
DEFAULT_CONTENT_TYPES = HTML_TYPES + ("text/plain",)
INPUT_URI_HEADER = "X-Crawl-Input-URI"  # WARC extension field: the URL asked for, before redirects

WEB_PAGE_COLUMNS = (
    "url", "final_url", "source", "status", "content_type", "fetched_at", "checked_at",
    "content_hash", "duplicate_of", "title", "text", "error_kind", "error", "etag",
    "last_modified", "warc_path", "warc_offset", "n_bytes", "redirects",
)


def page_row(url: str, **fields) -> dict:
    """A `web_pages` row with every column present (missing ones None)."""
    unknown = set(fields) - set(WEB_PAGE_COLUMNS)
    if unknown:
        raise KeyError(f"not web_pages columns: {sorted(unknown)}")
    row = dict.fromkeys(WEB_PAGE_COLUMNS)
    row.update(url=url, **fields)
    return row


# ---------------------------------------------------------------- decoding and extraction


def media_type(content_type: str | None) -> str:
    """'text/html; charset=x' -> 'text/html'."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()


def _meta_charset(body: bytes) -> str | None:
    """The charset a page declares in <meta charset> or <meta http-equiv=Content-Type>."""
    from lxml import html as lxml_html

    try:
        head = lxml_html.fromstring(body[:4096])
    except Exception:
        return None
    for meta in head.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset").strip().lower()
        if (meta.get("http-equiv") or "").lower() == "content-type":
            return _charset(meta.get("content"))
    return None


def decode_html(body: bytes | str, content_type: str | None = None) -> str:
    """Text of a response body: the HTTP charset, else the page's meta charset, else UTF-8,
    else a detected encoding (charset_normalizer, through trafilatura)."""
    if isinstance(body, str):
        return body
    for charset in (_charset(content_type), _meta_charset(body)):
        if charset:
            try:
                return body.decode(charset, errors="replace")
            except LookupError:
                pass
    from trafilatura.utils import decode_file

    return decode_file(body)


def extract_text(html: bytes | str, url: str, content_type: str | None = None) -> tuple[str | None, str]:
    """(title, main text) of a page. Plain-text responses are returned as they are."""
    document = decode_html(html, content_type)
    if media_type(content_type) == "text/plain":
        return None, _collapse(document)
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(document)
    if tree is None:
        return None, _collapse(document)
    title = _title(tree)
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True)
    if not text:
        text = _visible_text(load_html(document))  # trafilatura prunes the tree it was given
    return title, _collapse(text or "")


def _title(tree) -> str | None:
    for element in tree.iter("title"):
        text = " ".join((element.text_content() or "").split())
        if text:
            return text
    return None


def _visible_text(tree) -> str:
    if tree is None:
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    return tree.text_content()


def _collapse(text: str) -> str:
    """Spaces collapsed within lines, blank lines dropped."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def content_hash(text: str | None) -> str | None:
    """SHA-256 of the extracted text with whitespace collapsed; None for no text."""
    words = " ".join((text or "").split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest() if words else None


# ---------------------------------------------------------------- WARC


class WarcAppender:
    """Appends response records, one gzip member each, to a WARC file created on first use.

    Each record is flushed before its offset is handed out, so an offset recorded elsewhere
    always points at a complete record.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file = None
        self._writer = None

    def append(self, *, input_url: str, url: str, status: int, reason: str, headers: list[tuple[str, str]],
               body: bytes, fetched_at: datetime) -> int:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")
            self._writer = WARCWriter(self._file, gzip=True)
        # The body is stored decoded: drop the encodings it no longer has, state its length.
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": _warc_date(fetched_at), INPUT_URI_HEADER: input_url},
        )
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        return offset

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class WarcError(ValueError):
    """A WARC record that cannot be read: its file, its byte offset and why.

    `truncated`: nothing from `offset` to the end of the file can be read (most often a file
    cut short inside the record: an interrupted download or write).
    """

    def __init__(self, file: Path | str, offset: int, reason: str, truncated: bool = False):
        self.file, self.offset, self.reason, self.truncated = str(file), offset, reason, truncated
        super().__init__(f"{file}, byte {offset}: {reason}")


def read_warc_record(path: Path, offset: int) -> dict:
    """The response record at `offset`: {"url", "input_url", "status", "headers", "body", "date"}."""
    for found, _, fields in iter_warc_responses(path, start=offset):
        if found != offset:
            break
        return fields
    raise WarcError(path, offset, "no response record starts here")


def iter_warc_responses(path: Path, start: int = 0, faults: list[WarcError] | None = None
                        ) -> Iterator[tuple[int, int, dict]]:
    """(offset, length, fields) of each HTTP response record from byte `start` on.

    Records are read one gzip member at a time (a record per member, as the WARC standard
    recommends and Common Crawl and warcio write), so a bad record costs only itself. With
    `faults` given, a record that cannot be read is appended there as a WarcError and reading
    goes on at the next member; without, the WarcError is raised.
    """
    path = Path(path)
    with open(path, "rb") as f:
        for offset, length, member in _gzip_members(f, start, path):
            try:
                if isinstance(member, WarcError):
                    raise member
                records = _member_responses(member, path, offset)
            except WarcError as fault:
                if faults is None:
                    raise
                faults.append(fault)
                continue
            for fields in records:
                yield offset, length, fields


_GZIP_MAGIC = b"\x1f\x8b\x08"
_BLANK_LINES = re.compile(rb"[\r\n]*")
_READ_BYTES = 1 << 20


def _gzip_members(f, start: int, path: Path) -> Iterator[tuple[int, int, bytes | WarcError]]:
    """(offset, compressed length, decompressed bytes) of each gzip member from byte `start`.

    A member that does not decompress comes as a WarcError, and reading goes on at the next gzip
    header; a member the file ends inside comes as a WarcError with `truncated`, and is the last.
    """
    f.seek(start)
    offset, data = start, b""
    while data or (data := f.read(_READ_BYTES)):
        inflate, parts, used = zlib.decompressobj(wbits=31), [], 0
        try:
            while not inflate.eof:
                if not data and not (data := f.read(_READ_BYTES)):
                    yield offset, used, WarcError(path, offset, f"the file ends inside this record, {used} bytes "
                                                  "into it: it was cut short", truncated=True)
                    return
                parts.append(inflate.decompress(data))
                used += len(data) - len(inflate.unused_data)
                data = inflate.unused_data
        except zlib.error as exc:
            resume = _find_gzip_header(f, offset + 1)
            skipped = f"skipped to byte {resume}" if resume is not None else "nothing after it could be read"
            yield offset, used, WarcError(path, offset, f"not a readable gzip member ({exc}); {skipped}",
                                          truncated=resume is None)
            if resume is None:
                return
            f.seek(resume)
            offset, data = resume, b""
            continue
        yield offset, used, b"".join(parts)
        offset += used


def _find_gzip_header(f, start: int) -> int | None:
    f.seek(start)
    position, tail = start, b""
    while chunk := f.read(_READ_BYTES):
        found = (tail + chunk).find(_GZIP_MAGIC)
        if found >= 0:
            return position - len(tail) + found
        position += len(chunk)
        tail = chunk[-(len(_GZIP_MAGIC) - 1):]
    return None


def _member_responses(member: bytes, path: Path, offset: int) -> list[dict]:
    """The response records' fields in one decompressed gzip member; WarcError for a bad record."""
    from warcio.recordloader import ArchiveLoadFailed, ArcWarcRecordLoader

    found, stream, end = [], io.BytesIO(member), len(member)
    try:
        while stream.tell() < end:
            record = ArcWarcRecordLoader().parse_record_stream(stream)
            length = record.rec_headers.get_header("Content-Length") or ""
            if not length.isdigit():
                raise ValueError(f"Content-Length {length!r} is not a number")
            if record.rec_type == "response" and record.http_headers is not None:
                found.append(_record_fields(record))
            record.raw_stream.read()
            if record.raw_stream.limit:
                raise ValueError(f"the record is shorter than its Content-Length {length}")
            stream.seek(_BLANK_LINES.match(member, stream.tell()).end())  # the blank lines ending a record
    except Exception as exc:  # warcio raises many types for a malformed record; each names the fault
        reason = (f"not a WARC record: {exc}" if isinstance(exc, ArchiveLoadFailed)
                  else str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}")
        raise WarcError(path, offset, reason) from None
    return found


def _record_fields(record) -> dict:
    status = record.http_headers.get_statuscode() or ""
    if not (len(status) == 3 and status.isdigit()):
        raise ValueError(f"HTTP status {status!r} is not a three-digit number")
    return {
        "url": record.rec_headers.get_header("WARC-Target-URI"),
        "input_url": record.rec_headers.get_header(INPUT_URI_HEADER),
        "status": int(status),
        "headers": record.http_headers.headers,
        "content_type": record.http_headers.get_header("Content-Type"),
        "etag": record.http_headers.get_header("ETag"),
        "last_modified": record.http_headers.get_header("Last-Modified"),
        "body": record.content_stream().read(),
        "date": _parse_warc_date(record.rec_headers.get_header("WARC-Date")),
    }


def row_from_record(fields: dict, *, warc_path: Path, offset: int, source: str, url: str | None = None,
                    allowed_content_types=DEFAULT_CONTENT_TYPES) -> dict:
    """A `web_pages` row from a WARC response record, text extracted again."""
    final_url = fields["url"]
    url = url or fields["input_url"] or normalize_url(final_url) or final_url
    kind = media_type(fields["content_type"])
    base = dict(final_url=final_url, source=source, status=fields["status"], content_type=kind or None,
                fetched_at=fields["date"], checked_at=fields["date"], etag=fields["etag"],
                last_modified=fields["last_modified"], warc_path=str(warc_path), warc_offset=offset,
                n_bytes=len(fields["body"]))
    if not 200 <= fields["status"] < 300:
        return page_row(url, **base, error_kind="http_status", error=f"HTTP {fields['status']}")
    if kind not in allowed_content_types:
        return page_row(url, **base, error_kind="content_type", error=f"content type not allowed: {kind or 'none'}")
    title, text = extract_text(fields["body"], final_url, fields["content_type"])
    return page_row(url, **base, title=title, text=text, content_hash=content_hash(text))


def read_warc_pages(path: Path, urls: set[str] | None = None, faults: list[WarcError] | None = None,
                    **kwargs) -> Iterator[dict]:
    """`web_pages` rows (source "warc") from the response records of a WARC file.

    `url` is the record's normalised target URI, so rows join with `cited_urls`; with `urls`
    given, only those pages are read (matched on the raw or normalised URI). A URL that occurs
    again after a successful record is skipped: one row per page. Records that cannot be read
    go to `faults` (see `iter_warc_responses`).
    """
    path = Path(path)
    done: set[str] = set()
    for offset, _, fields in iter_warc_responses(path, faults=faults):
        target = fields["url"] or ""
        url = normalize_url(target) or target
        if urls is not None and url not in urls and target not in urls:
            continue
        if url in done:
            continue
        row = row_from_record(fields, warc_path=path, offset=offset, source="warc", url=url, **kwargs)
        if row["error"] is None:
            done.add(url)
        yield row
