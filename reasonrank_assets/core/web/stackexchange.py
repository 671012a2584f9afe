"""StackExchange data dumps -> post rows -> selected questions and the web pages their answers cite.

Reads a site's `Posts.xml` as published, or the site's `.7z` archive from the public data dump,
as a stream: lxml's pull parser gets the file in 1 MiB chunks and every row element is freed once
read, so memory stays flat on a multi-GB file. A 7z member is decompressed by py7zr in a thread
that hands chunks over a small bounded queue (nothing is extracted to disk).
"""

from __future__ import annotations

import queue
import re
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from reasonrank_assets.core.settings import setting

from .urls import normalize_url

CHUNK_BYTES = 1 << 20
QUESTION, ANSWER = 1, 2
_BLOCK_TAGS = {"p", "div", "pre", "blockquote", "li", "ul", "ol", "tr", "table", "hr",
               "h1", "h2", "h3", "h4", "h5", "h6"}


class DumpError(Exception):
    """A dump file that cannot be read on: not well-formed XML, a broken archive, no Posts.xml."""

    def __init__(self, file: Path | str, line: int | None, reason: str):
        self.file, self.line, self.reason = str(file), line, reason
        where = f"{file}, line {line}" if line else str(file)
        super().__init__(f"{where}: {reason}")


# ---------------------------------------------------------------- finding dumps


def find_site_dumps(inbox: Path) -> dict[str, Path]:
    """Site name -> dump file, for `<inbox>/<site>/Posts.xml` and `<inbox>/<site>.7z`.

    The data dump also names Stack Overflow's archive `stackoverflow.com-Posts.7z`; that spelling
    is accepted too. Where a site has both, the unpacked Posts.xml wins (it is faster to read).
    """
    inbox = Path(inbox)
    found: dict[str, Path] = {}
    for archive in sorted(inbox.glob("*.7z")):
        site = archive.name[: -len(".7z")]
        found[site.removesuffix("-Posts")] = archive
    for posts in sorted(inbox.glob("*/Posts.xml")):
        found[posts.parent.name] = posts
    return dict(sorted(found.items()))


# ---------------------------------------------------------------- reading posts


def read_posts(
    path: Path, site: str, errors: list[dict] | None = None, post_types: Iterable[int] = (QUESTION, ANSWER)
) -> Iterator[dict]:
    """Yield `stackexchange_posts` rows from a Posts.xml or a site .7z archive, streaming.

    Only questions and answers by default (`post_types`; tag wikis and the like are of no use).
    A malformed row is appended to `errors` as {"file", "line", "post_id", "error", "kind": "row"}
    and skipped. Where the file is not well-formed XML (a bad byte, a stray `<`, a file cut
    short), the fault goes to `errors` as well, with "kind": "xml", and reading resumes at the
    next line that starts a row: the dump has one row per line, so the rows before and after
    the fault are kept. Without `errors`, DumpError (file and line) is raised at the first fault,
    after the rows before it. A file with faults and no row read, or with more than
    MAX_XML_FAULTS faults, is no dump: DumpError.
    """
    path = Path(path)
    wanted = set(post_types)
    chunks = _read_7z_member(path) if path.suffix == ".7z" else _read_file(path)
    first_error, kept = len(errors or ()), 0
    try:
        for row in _parse_posts(_line_blocks(chunks), path, site, wanted, errors):
            kept += 1
            yield row
    finally:
        chunks.close()
    faults = [e for e in (errors or ())[first_error:] if e["kind"] == "xml"]
    if faults and not kept:
        raise DumpError(path, faults[0]["line"], f"{faults[0]['error']}; no row could be read")


MAX_XML_FAULTS = 100
_PARSER_POSITION = re.compile(r", line \d+, column \d+$")  # the parser's own line, not the file's
_MAX_LINE_BYTES = 64 << 20  # a longer "line" is fed as it is: no dump has one


def _parse_posts(blocks: Iterator[bytes], path: Path, site: str, wanted: set[int],
                 errors: list[dict] | None) -> Iterator[dict]:
    parser, shift = _posts_parser(), 0  # a line of the file = the parser's line + shift
    line, resume_from, faults = 1, None, 0  # resume_from: after a fault, look for a row from this line on

    def fault(exc: etree.XMLSyntaxError) -> int:
        nonlocal faults
        at = (exc.lineno or 1) + shift
        reason = f"not well-formed XML: {_PARSER_POSITION.sub('', exc.msg)} (column {exc.position[1]})"
        if errors is None:
            raise DumpError(path, at, reason) from exc
        faults += 1
        if faults > MAX_XML_FAULTS:
            raise DumpError(path, at, f"more than {MAX_XML_FAULTS} XML faults: not a Posts.xml dump?") from exc
        errors.append({"file": str(path), "line": at, "post_id": None, "kind": "xml", "error": reason})
        return at + 1

    for block in blocks:
        block_line, line = line, line + block.count(b"\n")
        while block:
            if resume_from is not None:
                found = _next_row_line(block, block_line, resume_from)
                if found is None:
                    break
                at, block_line = found
                block, resume_from = block[at:], None
                parser, shift = _posts_parser(), block_line - 2
                parser.feed(b"<posts>\n")
            try:
                parser.feed(block)
                block = b""
            except etree.XMLSyntaxError as exc:
                yield from _rows(parser, path, site, wanted, errors, shift)  # rows before the fault
                resume_from = fault(exc)
            yield from _rows(parser, path, site, wanted, errors, shift)
    if resume_from is None:
        try:
            parser.close()
        except etree.XMLSyntaxError as exc:  # a file cut short
            yield from _rows(parser, path, site, wanted, errors, shift)
            fault(exc)
        yield from _rows(parser, path, site, wanted, errors, shift)


def _posts_parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(events=("end",), tag="row", huge_tree=True, resolve_entities=False, no_network=True)


def _line_blocks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks cut again to end at a line end, so a fault can be skipped a whole line at a time."""
    rest = b""
    for chunk in chunks:
        cut = chunk.rfind(b"\n") + 1
        if cut == 0 and len(rest) + len(chunk) < _MAX_LINE_BYTES:
            rest += chunk
            continue
        cut = cut or len(chunk)
        yield rest + chunk[:cut]
        rest = chunk[cut:]
    if rest:
        yield rest


def _next_row_line(block: bytes, line: int, from_line: int) -> tuple[int, int] | None:
    """(byte index, line) of the first line at or after `from_line` in `block` that starts a row."""
    at = 0
    while at < len(block):
        end = block.find(b"\n", at) + 1 or len(block)
        if line >= from_line and block[at:end].lstrip().startswith(b"<row"):
            return at, line
        at, line = end, line + 1
    return None


def _rows(parser, path: Path, site: str, wanted: set[int], errors: list[dict] | None, shift: int = 0
          ) -> Iterator[dict]:
    for _, element in parser.read_events():
        attrib, line = dict(element.attrib), element.sourceline + shift
        _free(element)
        try:
            row = post_row(attrib, site) if _int(attrib, "PostTypeId", required=True) in wanted else None
        except ValueError as exc:
            if errors is not None:
                errors.append({"file": str(path), "line": line, "post_id": attrib.get("Id"), "kind": "row",
                               "error": str(exc)})
            continue
        if row is not None:
            yield row


def _free(element) -> None:
    """Drop a parsed row and its already-read siblings so the tree never grows."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _read_file(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk


def post_row(attrib: dict[str, str], site: str) -> dict:
    """One `stackexchange_posts` row from a dump row's attributes; ValueError names the bad field."""
    body_text, links = html_to_text(attrib.get("Body", ""))
    return {
        "site": site,
        "post_id": _int(attrib, "Id", required=True),
        "post_type_id": _int(attrib, "PostTypeId", required=True),
        "parent_id": _int(attrib, "ParentId"),
        "accepted_answer_id": _int(attrib, "AcceptedAnswerId"),
        "score": _int(attrib, "Score") or 0,
        "answer_count": _int(attrib, "AnswerCount"),
        "title": attrib.get("Title"),
        "body_text": body_text,
        "tags": parse_tags(attrib.get("Tags", "")),
        "creation_date": _date(attrib, "CreationDate"),
        "links": links,
    }


def _int(attrib: dict, name: str, required: bool = False) -> int | None:
    value = attrib.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"missing attribute {name}")
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"attribute {name}={value!r} is not an integer") from None


def _date(attrib: dict, name: str) -> datetime | None:
    value = attrib.get(name)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"attribute {name}={value!r} is not an ISO date") from None


def parse_tags(tags: str) -> list[str]:
    """Tags as published: `<a><b>` in older dumps, `|a|b|` since 2024."""
    separators = tags.replace("><", "|").strip("<>|")
    return [t for t in separators.split("|") if t]


def html_to_text(body: str) -> tuple[str, list[str]]:
    """Plain text of a post's HTML body (paragraphs kept apart, code kept as is) and its link hrefs."""
    if not body or not body.strip():
        return "", []
    root = etree.fromstring(f"<div>{body}</div>", _html_parser())  # plain lxml elements: fast
    if root is None:
        return body.strip(), []
    links = [href for a in root.iter("a") if (href := a.get("href"))]
    for element in root.iter("br", *_BLOCK_TAGS):
        if element.tag == "li":
            element.text = "- " + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        else:
            element.tail = ("\n" if element.tag == "br" else "\n\n") + (element.tail or "")
    text, blank = [], 0
    for line in "".join(root.itertext()).splitlines():
        line = line.rstrip()
        blank = blank + 1 if not line else 0
        if blank <= 1:
            text.append(line)
    return "\n".join(text).strip(), links


_local = threading.local()


def _html_parser():
    """One lxml HTML parser per thread (a parser must not be shared between threads)."""
    parser = getattr(_local, "html_parser", None)
    if parser is None:
        parser = _local.html_parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    return parser


# ---------------------------------------------------------------- 7z streaming


def _read_7z_member(path: Path, member: str = "Posts.xml") -> Iterator[bytes]:
    """Chunks of the archive's Posts.xml, decompressed by a thread, held at most a few at a time."""
    import py7zr
    from py7zr.io import Py7zIO, WriterFactory

    chunks: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()
    done = object()

    class Sink(Py7zIO):
        def write(self, s) -> int:
            while not stop.is_set():
                try:
                    chunks.put(bytes(s), timeout=0.1)
                    return len(s)
                except queue.Full:
                    continue
            raise _Stopped()

        def read(self, size=None) -> bytes:
            return b""

        def seek(self, offset, whence=0) -> int:
            return 0

        def flush(self) -> None:
            pass

        def size(self) -> int:
            return 0

    class Factory(WriterFactory):
        def create(self, filename: str) -> Py7zIO:
            return Sink()

    try:
        archive = py7zr.SevenZipFile(path, mode="r")
    except Exception as exc:  # py7zr raises several types for a broken archive
        raise DumpError(path, None, f"cannot open 7z archive: {exc}") from exc
    names = [n for n in archive.getnames() if n.rsplit("/", 1)[-1].lower() == member.lower()]
    if not names:
        archive.close()
        raise DumpError(path, None, f"no {member} in the archive")

    def extract() -> None:
        try:
            archive.extract(targets=names[:1], factory=Factory())
            chunks.put(done)
        except _Stopped:
            pass
        except Exception as exc:
            chunks.put(exc)
        finally:
            archive.close()

    worker = threading.Thread(target=extract, name=f"7z:{path.name}", daemon=True)
    worker.start()
    try:
        while (item := chunks.get()) is not done:
            if isinstance(item, Exception):
                raise DumpError(path, None, f"7z decompression failed: {item}") from item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


class _Stopped(Exception):
    """Raised inside py7zr's writer when the reader has gone away."""


# ---------------------------------------------------------------- selecting questions


@dataclass
class QuestionSettings:
    """Which questions make training data. Defaults: scored questions whose well-scored answers
    cite at least one web page outside StackExchange."""

    min_question_score: int = setting(1, "questions below this score are left out")
    require_accepted_answer: bool = setting(False, "only questions with an accepted answer")
    min_answer_score: int = setting(1, "answers below this are not trusted to cite good pages")
    accepted_answer_only: bool = setting(False, "cite only from the accepted answer")
    require_cited_url: bool = setting(True, "only questions whose answers cite a page outside StackExchange")
    tags_any: list[str] = field(default_factory=list, metadata={"help": "questions with any of these tags; empty: every tag"})
    max_questions: int | None = setting(None, "the highest-scoring ones (ties: lower id first)")


def question_text(title: str | None, body: str) -> str:
    """What every model is given as the question: title + body."""
    return f"{title or ''}\n\n{body}".strip()


def select_questions(posts: Iterable[dict], rules: QuestionSettings) -> tuple[list[dict], list[dict]]:
    """(`questions` rows, `cited_urls` rows) in one pass over post rows.

    Holds the questions that pass the question rules (their text zlib-compressed until they are
    known to be selected: answers may come much later in the dump) and, per answer that cites
    something, its normalised links: never the whole dump.
    """
    tags_any = set(rules.tags_any)
    candidates: dict[int, _Candidate] = {}
    citing_answers: dict[int, list[tuple[int, int, list[tuple[str, str]]]]] = defaultdict(list)
    for post in posts:
        if post["post_type_id"] == QUESTION and _question_passes(post, rules, tags_any):
            candidates[post["post_id"]] = _Candidate.of(post)
        elif post["post_type_id"] == ANSWER and post["parent_id"] is not None and post["score"] >= rules.min_answer_score:
            links = [(url, raw) for raw in post["links"] if (url := normalize_url(raw))]
            if links:
                citing_answers[post["parent_id"]].append((post["post_id"], post["score"], links))

    kept: list[tuple[_Candidate, list[dict]]] = []
    for candidate in candidates.values():
        rows = _cited_rows(candidate, citing_answers.get(candidate.post_id, []), rules)
        if rows or not rules.require_cited_url:
            kept.append((candidate, rows))
    if rules.max_questions is not None:
        kept.sort(key=lambda pair: (-pair[0].score, pair[0].post_id))
        kept = kept[: rules.max_questions]
    kept.sort(key=lambda pair: pair[0].post_id)
    questions = [candidate.row(n_cited_urls=len(rows)) for candidate, rows in kept]
    return questions, [row for _, rows in kept for row in rows]


@dataclass(slots=True)
class _Candidate:
    """A question that passed the rules, small while its answers are still being read."""

    site: str
    post_id: int
    score: int
    accepted_answer_id: int | None
    answer_count: int
    creation_date: datetime | None
    tags: list[str]
    packed: bytes  # zlib(title \0 body)

    @classmethod
    def of(cls, post: dict) -> _Candidate:
        packed = zlib.compress(f"{post['title'] or ''}\0{post['body_text']}".encode(), 1)
        return cls(post["site"], post["post_id"], post["score"], post["accepted_answer_id"],
                   post["answer_count"] or 0, post["creation_date"], post["tags"], packed)

    def row(self, n_cited_urls: int) -> dict:
        title, body = zlib.decompress(self.packed).decode().split("\0", 1)
        return {"site": self.site, "question_id": self.post_id, "title": title, "body": body,
                "text": question_text(title, body), "tags": self.tags, "score": self.score,
                "accepted_answer_id": self.accepted_answer_id, "answer_count": self.answer_count,
                "creation_date": self.creation_date, "n_cited_urls": n_cited_urls}


def _question_passes(post: dict, rules: QuestionSettings, tags_any: set[str]) -> bool:
    return (
        post["score"] >= rules.min_question_score
        and (not rules.require_accepted_answer or post["accepted_answer_id"] is not None)
        and (not tags_any or bool(tags_any.intersection(post["tags"])))
    )


def _cited_rows(question: _Candidate, answers: list, rules: QuestionSettings) -> list[dict]:
    """One row per distinct URL: cited by the accepted answer if it is, else by the best-scored one."""
    best: dict[str, dict] = {}
    for answer_id, answer_score, links in answers:
        is_accepted = answer_id == question.accepted_answer_id
        if rules.accepted_answer_only and not is_accepted:
            continue
        for url, raw in links:
            row = {"site": question.site, "question_id": question.post_id, "answer_id": answer_id,
                   "answer_score": answer_score, "is_accepted": is_accepted, "url": url, "raw_url": raw}
            current = best.get(url)
            if current is None or (is_accepted, answer_score) > (current["is_accepted"], current["answer_score"]):
                best[url] = row
    return sorted(best.values(), key=lambda r: (-r["is_accepted"], -r["answer_score"], r["answer_id"], r["url"]))
