"""The embedded default data set: real dump format, every cited page archived, reproducible.

Reads the committed files under reasonrank_assets/data with lxml and warcio only, so it checks
the data itself and not any reader built on top of it.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from itertools import islice
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import lxml.html
import pytest
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "reasonrank_assets" / "data"
SCRIPT = ROOT / "scripts" / "make_embedded_data.py"
CONTENT = ROOT / "scripts" / "embedded_data"
SITES = ["gardening.stackexchange.com", "homebrew.stackexchange.com"]
OUTPUTS = [f"stackexchange/{site}/Posts.xml" for site in SITES] + ["pages.warc.gz"]

QUESTION_ATTRS = {"Id", "PostTypeId", "CreationDate", "Score", "ViewCount", "Body", "OwnerUserId",
                  "LastActivityDate", "Title", "Tags", "AnswerCount", "CommentCount", "ContentLicense"}
ANSWER_ATTRS = {"Id", "PostTypeId", "ParentId", "CreationDate", "Score", "Body", "OwnerUserId",
                "LastActivityDate", "CommentCount", "ContentLicense"}
OPTIONAL_ATTRS = {"AcceptedAnswerId", "LastEditorUserId", "LastEditDate"}
DUMP_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")


def rows(site: str) -> list[dict]:
    root = etree.parse(str(DATA / "stackexchange" / site / "Posts.xml")).getroot()
    assert root.tag == "posts"
    return [dict(row.attrib) for row in root.iterchildren("row")]


def links(body: str) -> list[str]:
    return [a.get("href") for a in lxml.html.fragment_fromstring(body, create_parent="div").iter("a")]


def is_stackexchange(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith("stackexchange.com")


def cited_by_question(site: str) -> dict[int, set[str]]:
    """Question id -> the external pages its answers cite (fragments dropped, as a crawler would)."""
    cited: dict[int, set[str]] = {}
    for row in rows(site):
        if row["PostTypeId"] == "2":
            urls = {urldefrag(url).url for url in links(row["Body"]) if not is_stackexchange(url)}
            cited.setdefault(int(row["ParentId"]), set()).update(urls)
    return cited


@pytest.fixture(scope="module")
def warc() -> dict[str, list]:
    """WARC-Type -> [(warc headers, http headers, payload bytes)], digests verified while reading."""
    records: dict[str, list] = {}
    with open(DATA / "pages.warc.gz", "rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            payload = record.content_stream().read()
            records.setdefault(record.rec_type, []).append((record.rec_headers, record.http_headers, payload))
    return records


def test_posts_files_have_the_dump_layout():
    for site in SITES:
        raw = (DATA / "stackexchange" / site / "Posts.xml").read_bytes()
        # like the published dump: BOM, XML declaration, one CRLF-terminated <row .../> per line
        assert raw.startswith('\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n'.encode())
        assert raw.endswith(b" />\r\n</posts>")
        assert all(line.startswith(b"  <row Id=") for line in raw.split(b"\r\n")[2:-1])


def test_rows_have_the_dump_attributes_and_consistent_ids():
    for site in SITES:
        posts = rows(site)
        ids = [int(row["Id"]) for row in posts]
        assert ids == sorted(set(ids)), f"{site}: ids must be unique and in file order"
        by_id = {int(row["Id"]): row for row in posts}
        answers_of = Counter(int(row["ParentId"]) for row in posts if row["PostTypeId"] == "2")
        for row in posts:
            where = f"{site} row {row['Id']}"
            required = QUESTION_ATTRS if row["PostTypeId"] == "1" else ANSWER_ATTRS
            assert required <= set(row), f"{where}: missing {required - set(row)}"
            assert set(row) <= required | OPTIONAL_ATTRS, f"{where}: unexpected {set(row) - required - OPTIONAL_ATTRS}"
            assert all(DUMP_DATE.match(row[name]) for name in row if name.endswith("Date")), where
            assert row["LastActivityDate"] >= row["CreationDate"], where
            assert row["Body"].startswith("<p>") and row["Body"].endswith("\n"), where
            if row["PostTypeId"] == "1":
                assert re.fullmatch(r"(<[a-z0-9.+#-]+>)+", row["Tags"]), where
                assert int(row["AnswerCount"]) == answers_of[int(row["Id"])], where
                if "AcceptedAnswerId" in row:
                    assert by_id[int(row["AcceptedAnswerId"])]["ParentId"] == row["Id"], where
            else:
                parent = by_id[int(row["ParentId"])]
                assert parent["PostTypeId"] == "1" and parent["CreationDate"] < row["CreationDate"], where


def test_attribute_names_match_the_real_dump(shared_data):
    real = shared_data / "stackexchange" / "beer.stackexchange.com" / "Posts.xml"
    names = set()
    for _, row in islice(etree.iterparse(str(real), tag="row"), 500):
        names.update(row.attrib)
    ours = {name for site in SITES for row in rows(site) for name in row}
    # ContentLicense is in every dump since 2019; the beer sample predates it
    assert ours - names == {"ContentLicense"}


def test_enough_questions_cite_pages_and_some_cite_none():
    with_pages = without = 0
    for site in SITES:
        cited = cited_by_question(site)
        questions = [int(row["Id"]) for row in rows(site) if row["PostTypeId"] == "1"]
        assert len(questions) >= 20, site
        with_pages += sum(1 for q in questions if cited.get(q))
        without += sum(1 for q in questions if not cited.get(q))
    assert with_pages >= 40
    assert 2 <= without <= 10  # the pipeline must filter these out


def test_some_answers_link_back_into_the_same_site():
    for site in SITES:
        question_ids = {row["Id"] for row in rows(site) if row["PostTypeId"] == "1"}
        internal = [url for row in rows(site) if row["PostTypeId"] == "2" for url in links(row["Body"]) if is_stackexchange(url)]
        assert internal, site
        for url in internal:
            match = re.fullmatch(rf"https://{re.escape(site)}/questions/(\d+)/[a-z0-9-]+", url)
            assert match and match.group(1) in question_ids, url


def test_every_cited_page_has_a_200_html_response(warc):
    responses = {headers.get_header("WARC-Target-URI"): (http, body) for headers, http, body in warc["response"]}
    cited = {url for site in SITES for urls in cited_by_question(site).values() for url in urls}
    assert len(cited) >= 50
    assert cited <= set(responses), sorted(cited - set(responses))
    for url, (http, body) in responses.items():
        assert http.get_statuscode() == "200", url
        assert http.get_header("Content-Type") == "text/html; charset=utf-8", url
        assert int(http.get_header("Content-Length")) == len(body), url
        page = lxml.html.document_fromstring(body.decode("utf-8"))
        assert page.findtext(".//title"), url
        assert page.find(".//link[@rel='canonical']").get("href") == url
        article = page.find(".//h1").getparent()  # the article, plus any related-links list
        words = len(" ".join(article.xpath(".//p//text() | .//li[not(a)]//text()")).split())
        assert 150 <= words <= 450, f"{url}: {words} words of article text"


def test_warc_holds_unrelated_pages_too(warc):
    cited = {url for site in SITES for urls in cited_by_question(site).values() for url in urls}
    archived = [headers.get_header("WARC-Target-URI") for headers, _, _ in warc["response"]]
    uncited = [url for url in archived if url not in cited]
    cited_hosts = {urlsplit(url).hostname for url in cited}
    assert 100 <= len(archived) <= 130 and len(set(archived)) == len(archived)
    assert len(uncited) >= 30
    # hard negatives: uncited pages from the very hosts the answers cite
    assert sum(urlsplit(url).hostname in cited_hosts for url in uncited) >= 25


def test_warc_records_are_well_formed(warc):
    assert [headers.get_header("WARC-Filename") for headers, _, _ in warc["warcinfo"]] == ["pages.warc.gz"]
    ids = [headers.get_header("WARC-Record-ID") for kind in warc.values() for headers, _, _ in kind]
    assert len(ids) == len(set(ids))
    responses = {headers.get_header("WARC-Record-ID"): headers for headers, _, _ in warc["response"]}
    assert len(warc["request"]) == len(responses)
    for headers, http, _ in warc["request"]:
        response = responses[headers.get_header("WARC-Concurrent-To")]
        assert headers.get_header("WARC-Target-URI") == response.get_header("WARC-Target-URI")
        assert http.get_header("Host") == urlsplit(headers.get_header("WARC-Target-URI")).hostname
    assert (DATA / "pages.warc.gz").stat().st_size < 1_000_000


def test_generator_reproduces_the_committed_bytes(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert written == sorted(OUTPUTS)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs: rerun the generator"


BAD_CONTENT = [
    # (file under scripts/embedded_data, text to replace, replacement, what the one line must name)
    ("stackexchange/homebrew.stackexchange.com.yaml", "  score: 9\n", "  score: nine\n",
     ["homebrew.stackexchange.com.yaml", "questions[0]", "'score'"]),
    ("stackexchange/gardening.stackexchange.com.yaml", "    accepted: true\n", "    acepted: true\n",
     ["gardening.stackexchange.com.yaml", "answers[0]", "'acepted'"]),
    ("hosts.yaml", "navigation:\n", "navigation: [\n", ["hosts.yaml", "not valid YAML"]),
    ("pages/yeastlab.example.net/learn-stuck-fermentation.md", "---\nurl:", "url:",
     ["learn-stuck-fermentation.md", "front matter"]),
    ("pages/yeastlab.example.net/learn-stuck-fermentation.md", "published: 2018-09-12", "published: last year",
     ["learn-stuck-fermentation.md", "'published'"]),
    ("pages/yeastlab.example.net/learn-stuck-fermentation.md", "url: https://yeastlab.example.net/learn/stuck-",
     "url: https://yeastlab.example.net/learn/", ["cited but no page written", "learn/stuck-fermentation"]),
]


@pytest.mark.parametrize("name, old, new, named", BAD_CONTENT, ids=[case[3][-1] for case in BAD_CONTENT])
def test_bad_content_stops_the_generator_with_one_line(tmp_path, name, old, new, named):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    target = content / name
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    args = [sys.executable, str(SCRIPT), "--content", str(content), "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
    for part in named:
        assert part in done.stderr
    assert not out.exists()  # nothing written from a broken content folder
