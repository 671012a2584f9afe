#!/usr/bin/env python
"""Write the embedded default data set that ships in the package.

Two small StackExchange sites in the real data-dump format
(``stackexchange/<site>/Posts.xml``) and one WARC archive (``pages.warc.gz``) holding every
web page their answers cite plus unrelated pages on the same topics (hard negatives) and a
few off-topic ones. The words live in scripts/embedded_data/ (questions as YAML, pages as
Markdown, page templates as HTML, see its README); this script holds the logic. All text was
written for this project (CC BY-SA 4.0); every web host is a fictional subdomain of the
reserved example.org/.com/.net domains.

The output is byte-for-byte deterministic: fixed dates, record ids from uuid5 of the URL,
gzip members without timestamps. Run from the repository root:

    .venv/bin/python scripts/make_embedded_data.py [--out reasonrank_assets/data] [--content DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import yaml

DEFAULT_CONTENT = Path(__file__).resolve().parent / "embedded_data"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "reasonrank_assets" / "data"
CONTENT_LICENSE = "CC BY-SA 4.0"
CRAWL_START = datetime(2024, 5, 14, 9, 30, 0)
USER_AGENT = "reasonrank-crawler/0.1 (embedded sample)"


# --------------------------------------------------------------------------------------
# Content model


@dataclass(frozen=True)
class Answer:
    body: str  # post markup, see render_blocks
    score: int
    accepted: bool = False


@dataclass(frozen=True)
class Question:
    key: str  # stable handle for cross-links: [text](q:key)
    title: str
    body: str
    tags: tuple[str, ...]
    score: int
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Host:
    name: str
    style: str  # blog | extension | shop | wiki
    topic: str  # brew | garden | misc


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    published: str  # YYYY-MM-DD
    text: str  # page markup, see render_blocks
    role: str  # cited-full | cited-partial | negative | offtopic (documentation only)


@dataclass(frozen=True)
class Content:
    sites: dict[str, tuple[datetime, list[Question]]]  # site -> (first question's date, questions)
    pages: list[Page]
    hosts: dict[str, Host]
    navigation: dict[str, list[str]]  # topic -> menu labels
    templates: dict[str, str]  # style -> page body template (str.format fields)


# --------------------------------------------------------------------------------------
# Reading the content folder. A bad file stops the run with one line naming file and field.


def load_content(folder: Path) -> Content:
    hosts_file = read_yaml(folder / "hosts.yaml")
    navigation = fields(hosts_file, folder / "hosts.yaml", {"navigation": dict, "hosts": dict})["navigation"]
    hosts = {}
    for name, record in hosts_file["hosts"].items():
        record = fields(record, f"{folder / 'hosts.yaml'}: hosts.{name}", {"name": str, "style": str, "topic": str})
        hosts[name] = Host(record["name"], record["style"], record["topic"])
    sites = {}
    for path in sorted((folder / "stackexchange").glob("*.yaml")):
        record = fields(read_yaml(path), path, {"start": datetime, "questions": list})
        sites[path.stem] = (record["start"], [read_question(item, f"{path}: questions[{index}]")
                                              for index, item in enumerate(record["questions"])])
    if not sites:
        raise ValueError(f"{folder / 'stackexchange'}: no <site>.yaml file")
    pages = [read_page(path) for path in sorted((folder / "pages").rglob("*.md"))]
    templates = {path.stem: path.read_text(encoding="utf-8") for path in sorted((folder / "templates").glob("*.html"))}
    return Content(sites, pages, hosts, navigation, templates)


def read_question(record, where: str) -> Question:
    spec = {"key": str, "title": str, "tags": list, "score": int, "body": str, "answers": list}
    record = fields(record, where, spec)
    answers = []
    for number, item in enumerate(record["answers"]):
        item = fields(item, f"{where}.answers[{number}]", {"score": int, "accepted": bool, "body": str}, {"accepted"})
        answers.append(Answer(item["body"], item["score"], item.get("accepted", False)))
    return Question(record["key"], record["title"], record["body"], tuple(record["tags"]), record["score"], tuple(answers))


def read_page(path: Path) -> Page:
    """A page file: YAML front matter between two --- lines, then the text in page markup."""
    text = path.read_text(encoding="utf-8")
    head, end, body = text[4:].partition("\n---\n")
    if not text.startswith("---\n") or not end:
        raise ValueError(f"{path}: no front matter (a --- line, url/title/published/role, a --- line)")
    meta = fields(parse_yaml(head, path, lines_before=1), path, {"url": str, "title": str, "published": date, "role": str})
    return Page(meta["url"], meta["title"], meta["published"].isoformat(), body.strip(), meta["role"])


def read_yaml(path: Path):
    return parse_yaml(path.read_text(encoding="utf-8"), path)


def parse_yaml(text: str, path: Path, lines_before: int = 0):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {lines_before + mark.line + 1}" if mark else path
        raise ValueError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}") from None


def fields(record, where, spec: dict[str, type], optional: set[str] = frozenset()) -> dict:
    """record checked against spec (field -> type): no field missing, unknown or of the wrong type."""
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected a mapping of fields, got {type(record).__name__}")
    for name in record:
        if name not in spec:
            raise ValueError(f"{where}: unknown field {name!r} (fields: {', '.join(spec)})")
    for name, kind in spec.items():
        if name not in record:
            if name in optional:
                continue
            raise ValueError(f"{where}: missing field {name!r}")
        value = record[name]
        # bool is an int and datetime a date to isinstance; neither is what the field means
        if not isinstance(value, kind) or isinstance(value, {int: bool, date: datetime}.get(kind, ())):
            raise ValueError(f"{where}: field {name!r} should be {kind.__name__}, got {value!r}")
    return record


# --------------------------------------------------------------------------------------
# Deterministic "randomness": every varying attribute is a hash of a stable key.


def pick(key: str, low: int, high: int) -> int:
    """An integer in [low, high] fixed by key (stable across Python versions and runs)."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return low + digest % (high - low + 1)


def dump_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].rstrip("-")


# --------------------------------------------------------------------------------------
# Text markup -> HTML. Posts and pages are written as plain text with a few marks:
# blank line = new block; "- " lines = list; "> " = quote; "## " = heading;
# inline `code`, **strong**, *em*, [text](https://...) and [text](q:key).

INLINE_RULES = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\*([^*\s][^*]*)\*"), r"<em>\1</em>"),
]
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def render_inline(text: str, resolve_link) -> str:
    parts, last = [], 0
    for match in LINK.finditer(text):
        parts.append(_marks(text[last : match.start()]))
        label, target = match.groups()
        parts.append(resolve_link(target, _marks(label)))
        last = match.end()
    parts.append(_marks(text[last:]))
    return "".join(parts)


def _marks(text: str) -> str:
    text = html.escape(text, quote=False)
    for pattern, replacement in INLINE_RULES:
        text = pattern.sub(replacement, text)
    return text


def render_blocks(text: str, resolve_link) -> list[str]:
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.strip().splitlines()]
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{render_inline(line[2:], resolve_link)}</li>\n" for line in lines)
            blocks.append(f"<ul>\n{items}</ul>")
        elif lines[0].startswith("## "):
            heading = lines[0][3:]
            blocks.append(f'<h2 id="{slugify(heading)}">{render_inline(heading, resolve_link)}</h2>')
        elif all(line.startswith("> ") for line in lines):
            inner = render_inline(" ".join(line[2:] for line in lines), resolve_link)
            blocks.append(f"<blockquote>\n<p>{inner}</p>\n</blockquote>")
        else:
            blocks.append(f"<p>{render_inline(' '.join(lines), resolve_link)}</p>")
    return blocks


def plain_words(text: str) -> int:
    return len(LINK.sub(r"\1", text).replace("## ", "").replace("- ", "").split())


# --------------------------------------------------------------------------------------
# StackExchange dump


def xml_attr(value: str) -> str:
    """Escape an attribute the way the dump's .NET XmlWriter does (newlines as &#xA;)."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#xD;")
        .replace("\n", "&#xA;")
        .replace("\t", "&#x9;")
    )


@dataclass
class Post:
    question: Question
    answer: Answer | None
    created: datetime
    id: int = 0


def schedule(site: str, questions: list[Question], start: datetime) -> list[Post]:
    """Give every post a creation time; questions about two weeks apart, answers within days."""
    posts = []
    for index, item in enumerate(questions):
        asked = start + timedelta(days=16 * index, seconds=pick(f"{site}/{item.key}/t", 0, 86_399_999) / 1000)
        posts.append(Post(item, None, asked))
        for number, reply in enumerate(item.answers):
            delay = timedelta(minutes=pick(f"{site}/{item.key}/{number}/t", 20, 60 * 24 * 5))
            posts.append(Post(item, reply, asked + delay))
    posts.sort(key=lambda post: post.created)
    next_id = 1
    for post in posts:
        post.id = next_id
        next_id += 1 + (pick(f"{site}/gap/{next_id}", 0, 6) == 0)  # deleted posts leave gaps
    return posts


def site_dump(site: str, questions: list[Question], start: datetime) -> bytes:
    keys = [item.key for item in questions]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{site}: duplicate question keys")
    posts = schedule(site, questions, start)
    question_ids = {post.question.key: post.id for post in posts if post.answer is None}
    titles = {item.key: item.title for item in questions}

    def resolve_link(target: str, label: str) -> str:
        if target.startswith("q:"):
            key = target[2:]
            if key not in question_ids:
                raise ValueError(f"{site}: link to unknown question key {key!r}")
            url = f"https://{site}/questions/{question_ids[key]}/{slugify(titles[key])}"
            return f'<a href="{url}">{label}</a>'
        if not target.startswith(("https://", "http://")):
            raise ValueError(f"{site}: link target {target!r} is neither a URL nor q:key")
        return f'<a href="{html.escape(target)}" rel="nofollow noreferrer">{label}</a>'

    rows = [post_row(site, post, posts, resolve_link) for post in posts]
    text = '<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n' + "".join(rows) + "</posts>"
    return "\ufeff".encode() + text.encode("utf-8")  # the dump starts with a BOM, lines end CRLF


def post_row(site: str, post: Post, posts: list[Post], resolve_link) -> str:
    item, reply = post.question, post.answer
    key = f"{site}/{item.key}/{post.id}"
    body = "\n".join(render_blocks((reply or item).body, resolve_link)) + "\n"
    owner = pick(key + "/owner", 2, 60)
    last_activity = post.created
    attrs = [("Id", post.id)]
    if reply is None:
        answers = [other for other in posts if other.question is item and other.answer is not None]
        accepted = [other.id for other in answers if other.answer.accepted]
        attrs.append(("PostTypeId", 1))
        if accepted:
            attrs.append(("AcceptedAnswerId", accepted[0]))
        last_activity = max([post.created] + [other.created for other in answers])
    else:
        attrs += [("PostTypeId", 2), ("ParentId", next(p.id for p in posts if p.question is item and p.answer is None))]
    attrs.append(("CreationDate", dump_date(post.created)))
    attrs.append(("Score", (reply or item).score))
    if reply is None:
        attrs.append(("ViewCount", 40 * item.score + pick(key + "/views", 30, 900)))
    attrs += [("Body", body), ("OwnerUserId", owner)]
    if pick(key + "/edited", 0, 2) == 0:
        edited = post.created + timedelta(minutes=pick(key + "/edit-t", 3, 300))
        attrs += [("LastEditorUserId", pick(key + "/editor", 2, 60)), ("LastEditDate", dump_date(edited))]
        last_activity = max(last_activity, edited)
    attrs.append(("LastActivityDate", dump_date(last_activity)))
    if reply is None:
        attrs += [("Title", item.title), ("Tags", "".join(f"<{tag}>" for tag in item.tags))]
        attrs.append(("AnswerCount", len(item.answers)))
    attrs += [("CommentCount", pick(key + "/comments", 0, 4)), ("ContentLicense", CONTENT_LICENSE)]
    return "  <row " + " ".join(f'{name}="{xml_attr(str(value))}"' for name, value in attrs) + " />\r\n"


# --------------------------------------------------------------------------------------
# Web pages


def page_html(item: Page, host: Host, siblings: list[Page], content: Content) -> str:
    article = "\n".join(render_blocks(item.text, lambda target, label: label))
    summary = html.escape(re.split(r"(?<=[.!?])\s", item.text.strip(), maxsplit=1)[0], quote=True)
    title = html.escape(item.title, quote=False)
    site = html.escape(host.name, quote=False)
    nav = "".join(
        f'<li><a href="{nav_path(label)}">{html.escape(label, quote=False)}</a></li>' for label in content.navigation[host.topic]
    )
    related = "".join(
        f'<li><a href="{html.escape(urlsplit(other.url).path)}">{html.escape(other.title, quote=False)}</a></li>\n'
        for other in siblings[:4]
    )
    date = datetime.strptime(item.published, "%Y-%m-%d").strftime("%d %B %Y").lstrip("0")
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title} | {site}</title>\n"
        f'<meta name="description" content="{summary}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="canonical" href="{html.escape(item.url)}">\n'
        '<link rel="stylesheet" href="/static/site.css">\n</head>\n'
    )
    body = content.templates[host.style].format(
        site=site, nav=nav, title=title, date=date, iso=item.published, article=article, related=related or ""
    )
    return head + body + "</html>\n"


def nav_path(label: str) -> str:
    return "/" if label == "Home" else f"/{slugify(label)}/"


def warc_bytes(pages: list[Page], content: Content) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.0")
    info = {
        "software": "reasonrank scripts/make_embedded_data.py",
        "format": "WARC File Format 1.0",
        "description": "Embedded reasonrank sample: pages cited by the sample StackExchange answers, "
        "plus unrelated pages. Original text, CC BY-SA 4.0; all hosts are fictional example domains.",
        "isPartOf": "reasonrank-embedded",
    }
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO("".join(f"{k}: {v}\r\n" for k, v in info.items()).encode()),
            warc_headers_dict={
                "WARC-Record-ID": record_id("warcinfo", "pages.warc.gz"),
                "WARC-Date": warc_date(CRAWL_START),
                "WARC-Filename": "pages.warc.gz",
            },
        )
    )
    for index, item in enumerate(pages):
        host = content.hosts[urlsplit(item.url).hostname]
        siblings = [other for other in pages if other is not item and urlsplit(other.url).hostname == urlsplit(item.url).hostname]
        body = page_html(item, host, siblings, content).encode("utf-8")
        fetched = CRAWL_START + timedelta(seconds=7 * index + 3)
        response_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Date", fetched.strftime("%a, %d %b %Y %H:%M:%S GMT")),
                ("Server", "nginx"),
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ],
            protocol="HTTP/1.1",
        )
        response = writer.create_warc_record(
            item.url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=response_headers,
            warc_headers_dict={"WARC-Record-ID": record_id("response", item.url), "WARC-Date": warc_date(fetched)},
        )
        parts = urlsplit(item.url)
        request_headers = StatusAndHeaders(
            f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
            [("Host", parts.hostname), ("User-Agent", USER_AGENT), ("Accept", "text/html,application/xhtml+xml")],
            is_http_request=True,
        )
        request = writer.create_warc_record(
            item.url,
            "request",
            http_headers=request_headers,
            warc_headers_dict={"WARC-Record-ID": record_id("request", item.url), "WARC-Date": warc_date(fetched)},
        )
        writer.write_request_response_pair(request, response)
    return out.getvalue()


def record_id(kind: str, name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind}:{name}')}>"


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------
# Consistency checks: the generator refuses to write a data set that breaks its promises.


def cited_urls(questions: list[Question]) -> dict[str, str]:
    """External URL (fragment dropped) -> the first question key citing it."""
    cited = {}
    for item in questions:
        for reply in item.answers:
            for _, target in LINK.findall(reply.body):
                if target.startswith("http"):
                    cited.setdefault(urldefrag(target).url, item.key)
    return cited


def check(content: Content) -> None:
    pages = content.pages
    urls = [item.url for item in pages]
    duplicates = sorted({url for url in urls if urls.count(url) > 1})
    if duplicates:
        raise ValueError(f"pages defined twice: {duplicates}")
    cited = {}
    for _, questions in content.sites.values():
        cited.update(cited_urls(questions))
    missing = sorted(set(cited) - set(urls))
    if missing:
        raise ValueError(f"cited but no page written: {missing}")
    for item in pages:
        host = urlsplit(item.url).hostname
        if host not in content.hosts:
            raise ValueError(f"{item.url}: host {host} is not in hosts.yaml")
        words = plain_words(item.text)
        if not 150 <= words <= 400:
            raise ValueError(f"{item.url}: main text has {words} words, want 150-400")
        if item.role.startswith("cited") != (item.url in cited):
            raise ValueError(f"{item.url}: role {item.role!r} but cited={item.url in cited}")
    for name, host in content.hosts.items():
        if host.style not in content.templates:
            raise ValueError(f"hosts.yaml: {name} has style {host.style!r}, no such file in templates/")
        if host.topic not in content.navigation:
            raise ValueError(f"hosts.yaml: {name} has topic {host.topic!r}, not under navigation")


# --------------------------------------------------------------------------------------


def build(out: Path, content: Content) -> list[Path]:
    check(content)
    written = []
    for site, (start, questions) in content.sites.items():
        target = out / "stackexchange" / site / "Posts.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(site_dump(site, questions, start))
        written.append(target)
    target = out / "pages.warc.gz"
    target.write_bytes(warc_bytes(sorted(content.pages, key=lambda item: item.url), content))
    written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT, help="content folder (default: %(default)s)")
    args = parser.parse_args()
    try:
        written = build(args.out, load_content(args.content))  # checks the content before writing
    except (OSError, ValueError) as error:
        print(f"make_embedded_data: {error}", file=sys.stderr)
        sys.exit(2)
    for path in written:
        print(f"{path.stat().st_size:>9,d}  {path}")


if __name__ == "__main__":
    main()

