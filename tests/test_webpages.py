"""Text extraction and WARC files as a page source (Common Crawl layout, the embedded sample)."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from reasonrank_assets.core.webpages import (
    WEB_PAGE_COLUMNS,
    WarcAppender,
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
    assert extract_text("Plain  text\n\n\nlines".encode(), "u", "text/plain; charset=utf-8") == (None, "Plain text\nlines")


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
    assert page["fetched_at"] == datetime(2024, 3, 1, 10, tzinfo=timezone.utc)
    assert read_warc_record(common_crawl_warc, page["warc_offset"])["body"] == HTML  # re-extraction needs no fetch
    assert gone["error_kind"] == "http_status" and gone["status"] == 404 and gone["text"] is None
    assert pdf["error_kind"] == "content_type"
    assert latin["text"] == "Br\u00e4u und K\u00fcche"

    only = list(read_warc_pages(common_crawl_warc, urls={"https://other.example.net/latin"}))
    assert [r["url"] for r in only] == ["https://other.example.net/latin"]


def test_warc_appender_records_read_back(tmp_path):
    warc = WarcAppender(tmp_path / "w" / "crawl.warc.gz")
    now = datetime.now(timezone.utc)
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


def test_embedded_sample_warc_reads():
    sample = Path(__file__).resolve().parents[1] / "reasonrank_assets" / "data" / "pages.warc.gz"
    if not sample.exists():
        pytest.skip("embedded sample WARC not present")
    rows = list(read_warc_pages(sample))
    assert len(rows) > 50 and all(r["error"] is None and r["text"] and r["title"] for r in rows)
    assert len({r["url"] for r in rows}) == len(rows)
