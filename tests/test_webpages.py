"""Text extraction and WARC files as a page source (Common Crawl layout, the embedded sample)."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from reasonrank_assets.core.web.webpages import (
    WEB_PAGE_COLUMNS,
    WarcAppender,
    WarcError,
    content_hash,
    extract_text,
    read_warc_pages,
    read_warc_record,
)

ARTICLE = ("Dry hopping adds hop aroma without bitterness because the oils are not isomerised by boiling. "
           "Brewers add the hops after primary fermentation and leave them for three to five days. ") * 4
HTML = f"""<html><head><title>Dry hopping | Brew notes</title><script>var x = 1;</script></head>
<body><nav>Home | About | Contact</nav><article><h1>Dry hopping</h1><p>{ARTICLE}</p></article>
<footer>Copyright footer</footer></body></html>""".encode()


def test_extract_text_main_content_and_title():
    title, text = extract_text(HTML, "https://brew.example.org/dry-hopping")
    assert title == "Dry hopping | Brew notes"
    assert "not isomerised by boiling" in text and "var x" not in text and "Copyright footer" not in text


def test_extract_text_falls_back_to_visible_text_and_decodes_declared_charsets():
    title, text = extract_text(b"<html><head><style>p{}</style></head><body><span>Tiny page</span></body></html>",
                               "https://x.example.org/")
    assert title is None and text == "Tiny page"
    meta_only = '<html><head><meta charset="windows-1252"></head><body><p>\u201cSmart\u201d caf\u00e9</p></body></html>'
    assert extract_text(meta_only.encode("cp1252"), "https://x.example.org/")[1] == "\u201cSmart\u201d caf\u00e9"
    assert extract_text(b"Plain  text\n\n\nlines", "u", "text/plain; charset=utf-8") == (None, "Plain text\nlines")


def test_content_hash_ignores_whitespace_only():
    assert content_hash("a  b\n c") == content_hash("a b c") != content_hash("a b d")
    assert content_hash("") is None and content_hash(None) is None


def _response(writer, uri, status, body, content_type, date="2024-03-01T10:00:00Z"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), length=len(body),
                                                  http_headers=headers, warc_headers_dict={"WARC-Date": date}))


@pytest.fixture
def common_crawl_warc(tmp_path) -> Path:
    """A WARC laid out as Common Crawl segments are: warcinfo, then request/response pairs."""
    path = tmp_path / "segment.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record("segment.warc.gz", {"software": "test"}))
        for uri, status, body, kind in [
            ("https://Brew.example.org/dry-hopping#top", "200 OK", HTML, "text/html; charset=utf-8"),
            ("https://brew.example.org/gone", "404 Not Found", b"<html>gone</html>", "text/html"),
            ("https://brew.example.org/recipe.pdf", "200 OK", b"%PDF-1.4", "application/pdf"),
            ("https://brew.example.org/dry-hopping", "200 OK", HTML, "text/html"),  # a second capture
            ("https://other.example.net/latin", "200 OK",
             "<html><body><p>Br\u00e4u und K\u00fcche</p></body></html>".encode("latin-1"), "text/html; charset=latin-1"),
        ]:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            _response(writer, uri, status, body, kind)
    return path


def test_read_warc_pages_rows(common_crawl_warc):
    rows = list(read_warc_pages(common_crawl_warc))
    assert all(tuple(r) == WEB_PAGE_COLUMNS for r in rows)
    assert [r["url"] for r in rows] == ["https://brew.example.org/dry-hopping", "https://brew.example.org/gone",
                                        "https://brew.example.org/recipe.pdf", "https://other.example.net/latin"]
    page, gone, pdf, latin = rows
    assert page["source"] == "warc" and page["status"] == 200 and page["error"] is None
    assert page["final_url"] == "https://Brew.example.org/dry-hopping#top" and page["title"] == "Dry hopping | Brew notes"
    assert "not isomerised" in page["text"] and page["content_hash"] == content_hash(page["text"])
    assert page["fetched_at"] == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert read_warc_record(common_crawl_warc, page["warc_offset"])["body"] == HTML  # re-extraction needs no fetch
    assert gone["error_kind"] == "http_status" and gone["status"] == 404 and gone["text"] is None
    assert pdf["error_kind"] == "content_type"
    assert latin["text"] == "Br\u00e4u und K\u00fcche"

    only = list(read_warc_pages(common_crawl_warc, urls={"https://other.example.net/latin"}))
    assert [r["url"] for r in only] == ["https://other.example.net/latin"]


def test_warc_appender_records_read_back(tmp_path):
    warc = WarcAppender(tmp_path / "w" / "crawl.warc.gz")
    now = datetime.now(UTC)
    offsets = [warc.append(input_url=f"http://a.example.org/{i}", url=f"http://a.example.org/{i}?final", status=200,
                           reason="OK", headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                           body=HTML, fetched_at=now) for i in range(2)]
    warc.close()
    record = read_warc_record(tmp_path / "w" / "crawl.warc.gz", offsets[1])
    assert offsets[0] == 0 < offsets[1] and record["input_url"] == "http://a.example.org/1"
    assert record["url"] == "http://a.example.org/1?final" and record["body"] == HTML and record["status"] == 200
    assert ("Content-Encoding", "gzip") not in record["headers"]  # the body is stored decoded
    rows = list(read_warc_pages(tmp_path / "w" / "crawl.warc.gz"))
    assert [r["url"] for r in rows] == ["http://a.example.org/0", "http://a.example.org/1"]  # the URLs asked for


SAMPLE = Path(__file__).resolve().parents[1] / "reasonrank_assets" / "data" / "pages.warc.gz"


def test_embedded_sample_warc_reads():
    faults: list[WarcError] = []
    rows = list(read_warc_pages(SAMPLE, faults=faults))
    assert len(rows) == 103 and faults == []  # the 103 pages its README lists, every one readable
    assert all(r["error"] is None and r["text"] and r["title"] for r in rows)
    assert len({r["url"] for r in rows}) == len(rows)


def _members(path: Path) -> list[tuple[int, int]]:
    """(offset, length) of each gzip member, found with gzip's own reader, not the code under test."""
    data, members, offset = path.read_bytes(), [], 0
    while offset < len(data):
        inflate = zlib.decompressobj(wbits=31)
        inflate.decompress(data[offset:])
        length = len(data) - offset - len(inflate.unused_data)
        members.append((offset, length))
        offset += length
    return members


@pytest.mark.slow
def test_a_warc_cut_in_half_keeps_the_records_before_the_cut_and_names_the_offset(tmp_path):
    members = _members(SAMPLE)
    cut_at = SAMPLE.stat().st_size // 2
    torn = next(offset for offset, length in members if offset + length > cut_at)
    cut = tmp_path / "half.warc.gz"
    cut.write_bytes(SAMPLE.read_bytes()[:cut_at])

    faults: list[WarcError] = []
    rows = list(read_warc_pages(cut, faults=faults))
    whole = [r for r in read_warc_pages(SAMPLE) if r["warc_offset"] < torn]
    assert [(r["url"], r["text"]) for r in rows] == [(r["url"], r["text"]) for r in whole] and len(rows) > 40
    assert len(faults) == 1 and faults[0].truncated and faults[0].offset == torn
    assert str(faults[0]).startswith(f"{cut}, byte {torn}: ") and "cut short" in str(faults[0])
    with pytest.raises(WarcError, match=f"byte {torn}"):  # asked for no fault list: the fault is raised
        list(read_warc_pages(cut))


def _member(writer_args: tuple, edit=lambda raw: raw) -> bytes:
    """One response record as its own gzip member, its uncompressed bytes edited first."""
    raw = io.BytesIO()
    _response(WARCWriter(raw, gzip=False), *writer_args)
    return gzip.compress(edit(raw.getvalue()), mtime=0)


def _damaged(member: bytes) -> bytes:
    """The member with its CRC-32 (the 8 bytes before its last 4) flipped: it decompresses, then fails."""
    return member[:-8] + bytes(b ^ 0xFF for b in member[-8:-4]) + member[-4:]


def test_a_bad_record_is_skipped_with_its_offset_and_the_rest_is_read(tmp_path):
    def page(i: int, status: str = "200 OK") -> tuple:
        return (f"https://bad.example.org/{i}", status, HTML.replace(b"Dry hopping", f"Page {i}".encode()),
                "text/html")

    members = [
        _member(page(0)),
        _member(page(1), lambda raw: raw.replace(b"WARC/1.0", b"WARC/one", 1)),  # bad version line
        _member(page(2)),
        _member(page(3), lambda raw: re.sub(rb"\r\nContent-Length: \d+", b"\r\nContent-Length: 12a", raw, count=1)),
        _member(page(4, status="2x0 OK")),
        _damaged(_member(page(5))),
        _member(page(6)),
        _member(page(7), lambda raw: raw.replace(b"Content-Length: ", b"Content-Length: 9", 1)),  # longer than the record
        _member(page(8)),
    ]
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(b"".join(members))
    offsets = [sum(map(len, members[:i])) for i in range(len(members))]

    faults: list[WarcError] = []
    rows = list(read_warc_pages(path, faults=faults))
    assert [r["url"] for r in rows] == [f"https://bad.example.org/{i}" for i in (0, 2, 6, 8)]
    assert all(r["error"] is None and r["title"].startswith("Page") for r in rows)
    assert [r["warc_offset"] for r in rows] == [offsets[i] for i in (0, 2, 6, 8)]
    assert [f.offset for f in faults] == [offsets[i] for i in (1, 3, 4, 5, 7)]
    assert all(f.file == str(path) and not f.truncated for f in faults)
    version, length, status, damaged, short = (f.reason for f in faults)
    assert "WARC/one" in version and "Content-Length '12a' is not a number" in length
    assert "HTTP status '2x0'" in status and "gzip" in damaged and "shorter than its Content-Length" in short
