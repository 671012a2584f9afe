#!/usr/bin/env python
"""Write the embedded default data set that ships in the package.

Two small StackExchange sites in the real data-dump format
(``stackexchange/<site>/Posts.xml``) and one WARC archive (``pages.warc.gz``) holding every
web page their answers cite plus unrelated pages on the same topics (hard negatives) and a
few off-topic ones. All text below was written for this project (CC BY-SA 4.0); every web
host is a fictional subdomain of the reserved example.org/.com/.net domains.

The output is byte-for-byte deterministic: fixed dates, record ids from uuid5 of the URL,
gzip members without timestamps. Run from the repository root:

    .venv/bin/python scripts/make_embedded_data.py [--out reasonrank_assets/data]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "reasonrank_assets" / "data"
CONTENT_LICENSE = "CC BY-SA 4.0"
CRAWL_START = datetime(2024, 5, 14, 9, 30, 0)
USER_AGENT = "reasonrank-crawler/0.1 (embedded sample)"


# --------------------------------------------------------------------------------------
# Content model


@dataclass(frozen=True)
class Answer:
    body: str  # post markup, see render_post
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


def question(key, title, body, tags, score, answers) -> Question:
    return Question(key, title, body, tuple(tags.split()), score, tuple(answers))


def answer(body, score, accepted=False) -> Answer:
    return Answer(body, score, accepted)


def page(url, title, published, text, role) -> Page:
    return Page(url, title, published, text, role)


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


NAV = {
    "brew": ["Home", "Brewing", "Ingredients", "Recipes", "Equipment", "About"],
    "garden": ["Home", "Vegetables", "Fruit", "Lawns", "Pests &amp; Diseases", "About"],
    "misc": ["Home", "Articles", "Archive", "About"],
}


def page_html(item: Page, host: Host, siblings: list[Page]) -> str:
    article = "\n".join(render_blocks(item.text, lambda target, label: label))
    summary = html.escape(re.split(r"(?<=[.!?])\s", item.text.strip(), maxsplit=1)[0], quote=True)
    title = html.escape(item.title, quote=False)
    site = html.escape(host.name, quote=False)
    nav = "".join(f'<li><a href="{nav_path(label)}">{label}</a></li>' for label in NAV[host.topic])
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
    body = STYLES[host.style].format(
        site=site, nav=nav, title=title, date=date, iso=item.published, article=article, related=related or ""
    )
    return head + body + "</html>\n"


def nav_path(label: str) -> str:
    return "/" if label == "Home" else f"/{slugify(html.unescape(label))}/"


STYLES = {
    "blog": """<body class="post">
<header class="site-header">
<a class="logo" href="/">{site}</a>
<nav class="menu"><ul>{nav}</ul></nav>
</header>
<div class="wrap">
<main id="main">
<article class="post">
<h1 class="entry-title">{title}</h1>
<p class="meta">Posted on <time datetime="{iso}">{date}</time></p>
<div class="entry-content">
{article}
</div>
<p class="share">Share this post: <a href="#">Email</a> <a href="#">Print</a></p>
</article>
</main>
<aside class="sidebar">
<h2>Recent posts</h2>
<ul>
{related}</ul>
<h2>Newsletter</h2>
<p>Get new posts by email. No spam, unsubscribe at any time.</p>
</aside>
</div>
<footer class="site-footer">
<p>&copy; {site}. Text written for the reasonrank embedded sample, CC BY-SA 4.0.</p>
<p><a href="/privacy/">Privacy</a> &middot; <a href="/contact/">Contact</a></p>
</footer>
</body>
""",
    "extension": """<body>
<div class="banner">{site}</div>
<nav class="top"><ul>{nav}</ul></nav>
<p class="breadcrumb"><a href="/">Home</a> &rsaquo; <a href="/publications/">Publications</a> &rsaquo; {title}</p>
<main>
<div class="factsheet">
<h1>{title}</h1>
<p class="reviewed">Fact sheet. Last reviewed <time datetime="{iso}">{date}</time>.</p>
{article}
</div>
<div class="related">
<h2>Related publications</h2>
<ul>
{related}</ul>
</div>
</main>
<footer>
<p>{site}. Programs and publications are open to all without regard to background.</p>
<p>Text written for the reasonrank embedded sample, CC BY-SA 4.0. <a href="/accessibility/">Accessibility</a></p>
</footer>
</body>
""",
    "shop": """<body>
<div class="promo">Free shipping on orders over $59</div>
<header><a class="brand" href="/">{site}</a>
<form class="search" action="/search"><input name="q" placeholder="Search products"></form>
<a class="cart" href="/cart/">Cart (0)</a></header>
<nav><ul>{nav}</ul></nav>
<main class="learn">
<h1>{title}</h1>
<p class="updated">Learning center &middot; updated <time datetime="{iso}">{date}</time></p>
<section class="article-body">
{article}
</section>
<section class="more">
<h2>More from the learning center</h2>
<ul>
{related}</ul>
</section>
</main>
<div class="signup"><h2>Join our mailing list</h2><p>Deals and new arrivals every month.</p></div>
<footer><p>&copy; {site}. Text written for the reasonrank embedded sample, CC BY-SA 4.0.</p>
<p><a href="/shipping/">Shipping</a> &middot; <a href="/returns/">Returns</a> &middot; <a href="/privacy/">Privacy</a></p></footer>
</body>
""",
    "wiki": """<body class="wiki">
<div id="top-bar"><a href="/">{site}</a> <a href="/random">Random page</a> <a href="/login">Log in</a></div>
<nav id="sidebar"><ul>{nav}</ul></nav>
<div id="content">
<h1 id="firstHeading">{title}</h1>
<div id="siteSub">From {site}, the free reference</div>
<div id="bodyContent">
{article}
</div>
<div id="see-also">
<h2>See also</h2>
<ul>
{related}</ul>
</div>
<div id="footer-info">This page was last edited on <time datetime="{iso}">{date}</time>.</div>
</div>
<footer id="footer"><p>Text written for the reasonrank embedded sample, available under CC BY-SA 4.0.</p>
<p><a href="/about/">About {site}</a> &middot; <a href="/disclaimer/">Disclaimers</a></p></footer>
</body>
""",
}


def warc_bytes(pages: list[Page]) -> bytes:
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
        host = HOSTS[urlsplit(item.url).hostname]
        siblings = [other for other in pages if other is not item and urlsplit(other.url).hostname == urlsplit(item.url).hostname]
        body = page_html(item, host, siblings).encode("utf-8")
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


def check(sites: dict[str, list[Question]], pages: list[Page]) -> None:
    urls = [item.url for item in pages]
    duplicates = sorted({url for url in urls if urls.count(url) > 1})
    if duplicates:
        raise ValueError(f"pages defined twice: {duplicates}")
    cited = {}
    for questions in sites.values():
        cited.update(cited_urls(questions))
    missing = sorted(set(cited) - set(urls))
    if missing:
        raise ValueError(f"cited but no page written: {missing}")
    for item in pages:
        host = urlsplit(item.url).hostname
        if host not in HOSTS:
            raise ValueError(f"{item.url}: host {host} is not in HOSTS")
        words = plain_words(item.text)
        if not 150 <= words <= 400:
            raise ValueError(f"{item.url}: main text has {words} words, want 150-400")
        if item.role.startswith("cited") != (item.url in cited):
            raise ValueError(f"{item.url}: role {item.role!r} but cited={item.url in cited}")


# --------------------------------------------------------------------------------------


def build(out: Path) -> list[Path]:
    sites = {"homebrew.stackexchange.com": HOMEBREW, "gardening.stackexchange.com": GARDENING}
    starts = {"homebrew.stackexchange.com": datetime(2019, 1, 7, 0, 0), "gardening.stackexchange.com": datetime(2019, 2, 11, 0, 0)}
    check(sites, PAGES)
    written = []
    for site, questions in sites.items():
        target = out / "stackexchange" / site / "Posts.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(site_dump(site, questions, starts[site]))
        written.append(target)
    target = out / "pages.warc.gz"
    target.write_bytes(warc_bytes(sorted(PAGES, key=lambda item: item.url)))
    written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args()
    for path in build(args.out):
        print(f"{path.stat().st_size:>9,d}  {path}")


# ======================================================================================
# CONTENT. Everything below is original text written for this project.
# ======================================================================================

HOSTS = {
    # brewing
    "brewing-science.example.org": Host("Brewing Science Notes", "blog", "brew"),
    "yeastlab.example.net": Host("YeastLab Learning Center", "shop", "brew"),
    "homebrew-wiki.example.org": Host("HomebrewWiki", "wiki", "brew"),
    "maltandmash.example.com": Host("Malt & Mash", "blog", "brew"),
    "brewwater.example.org": Host("Brew Water Basics", "blog", "brew"),
    "kegworks-supply.example.com": Host("Kegworks Supply", "shop", "brew"),
    "meadmakers.example.org": Host("The Mead Makers' Circle", "blog", "brew"),
    "sourbeer-lab.example.net": Host("Sour Beer Lab", "blog", "brew"),
    "fermentation.uni-extension.example.org": Host("Fermentation Science Extension", "extension", "brew"),
    # gardening
    "hortextension.example.org": Host("State Horticulture Extension", "extension", "garden"),
    "gardenhelp.example.org": Host("Garden Help Society", "extension", "garden"),
    "soilsense.example.com": Host("SoilSense", "blog", "garden"),
    "plantclinic.example.net": Host("Plant Disease Clinic", "extension", "garden"),
    "greenthumb-supply.example.com": Host("Green Thumb Supply", "shop", "garden"),
    "lawnlab.example.org": Host("Lawn Lab", "blog", "garden"),
    "fruitgrowers.example.org": Host("Home Fruit Growers' Wiki", "wiki", "garden"),
    "houseplant-journal.example.com": Host("The Houseplant Journal", "blog", "garden"),
    "invasives.example.org": Host("Invasive Species Council", "extension", "garden"),
    "pestwise.example.net": Host("PestWise", "blog", "garden"),
    # neighbouring and unrelated topics
    "aquarium-keepers.example.org": Host("Aquarium Keepers' Wiki", "wiki", "misc"),
    "cellar-and-vine.example.com": Host("Cellar & Vine", "blog", "misc"),
    "breadcraft.example.net": Host("Breadcraft", "blog", "misc"),
    "chainline.example.com": Host("Chainline Cycling", "blog", "misc"),
    "kitchen-notes.example.net": Host("Kitchen Notes", "blog", "misc"),
    "fizzlab.example.com": Host("FizzLab", "shop", "misc"),
}

HOMEBREW: list[Question] = []
GARDENING: list[Question] = []
PAGES: list[Page] = []

# ---------------------------------------------------------------------- homebrewing

HOMEBREW.append(question(
    "stuck-stout",
    "Oatmeal stout stuck at 1.030 after two weeks - how do I get it going again?",
    """I brewed an all-grain oatmeal stout (OG 1.068) and pitched one pack of dry English ale yeast at 19 °C. It fermented hard for three days, then stopped. Two weeks later the gravity is still 1.030 on three readings in a row.

The recipe had 15% crystal and chocolate malts and I mashed at about 70 °C because I wanted a full body. Is this a stuck fermentation, or is 1.030 just where this beer will finish? What can I do to get a few more points off it?""",
    "fermentation yeast stout", 9,
    [
        answer("""Before you treat it as stuck, work out whether there is anything left to ferment. A 70 °C mash makes a lot of unfermentable dextrins, and with 15% crystal malt a finishing gravity in the low 1.020s would be normal. 1.030 is still high, though.

The YeastLab guide on [restarting a stuck fermentation](https://yeastlab.example.net/learn/stuck-fermentation) gives the order I would follow:

- Move the fermenter somewhere 2-3 °C warmer and gently rouse the yeast by swirling.
- If nothing happens in 48 hours, pitch an actively fermenting starter of a highly attenuative strain, not dry yeast straight from the packet.
- Do a forced fermentation test on a small sample first so you know the real floor.

English strains flocculate early and often drop out when the temperature falls overnight, which is probably what happened here.""", 11, accepted=True),
        answer("""Your mash temperature is most of the story. This article on [mash temperature and fermentability](https://brewing-science.example.org/2017/mash-temperature-fermentability) shows how the beta-amylase rest shrinks as you go above 68 °C. You can add a little amylase enzyme to chew through dextrins, but it works slowly and keeps working, so bottle only after the gravity has been stable for a week.""", 4),
    ],
))
PAGES += [
    page("https://yeastlab.example.net/learn/stuck-fermentation", "How to restart a stuck fermentation", "2018-09-12", """
A fermentation is stuck when the gravity stops falling well above the value the wort could reach. A fermentation that is merely slow is still dropping a point or two per day. Confirm with two hydrometer readings taken two days apart before you change anything.

## Common causes

- Temperature fell, so the yeast flocculated and dropped out. English ale strains are the most prone to this.
- Too little yeast was pitched for the gravity, or the yeast was old.
- The wort was short of oxygen or of nutrients such as zinc.
- The wort simply has little fermentable sugar left, which is a recipe problem rather than a yeast problem.

## Find the real floor first

Take a sample of wort or beer, add a generous pinch of fresh yeast and keep it warm for two to three days. The gravity this forced fermentation test reaches is the lowest the batch can go. If your beer is already there, it is finished, not stuck.

## Restarting, in order

Raise the temperature by two or three degrees and rouse the yeast by swirling the fermenter without splashing. Many fermentations restart within a day. If they do not, pitch an actively fermenting starter of an attenuative strain at high krausen. Yeast pitched dry into beer that already holds alcohol often fails to start, because the cells are stressed and there is no oxygen to help them build healthy membranes. Adding yeast nutrient at this stage rarely helps on its own.

Do not bottle until the gravity has held steady for several days, or you risk over-carbonated bottles.
""", "cited-full"),
    page("https://brewing-science.example.org/2017/mash-temperature-fermentability", "Mash temperature and wort fermentability", "2017-03-04", """
Two enzymes do most of the work in a mash. Beta-amylase trims maltose units from the ends of starch chains and makes a highly fermentable wort, but it is denatured quickly above about 65 °C. Alpha-amylase cuts chains in the middle and survives up to about 72 °C, leaving larger branched fragments, the limit dextrins, that brewing yeast cannot ferment.

A mash held at 63-64 °C therefore gives a dry, highly attenuated beer, while one held at 69-70 °C leaves more dextrin, more body and a higher final gravity. In our trials with the same grist and yeast, raising the mash from 64 °C to 70 °C lifted the final gravity of a 1.060 wort from 1.009 to 1.019.

Recipe matters as much as temperature. Crystal and roasted malts contribute sugars that are largely unfermentable, so a stout with 15% specialty malt mashed warm may legitimately finish above 1.020. Mash thickness and time also play a part: a thin mash and a longer rest favour beta-amylase activity.

If a beer finishes higher than planned because of an unfermentable wort, more yeast will not help. Exogenous enzymes such as glucoamylase will keep breaking down dextrins for weeks, which can dry the beer out completely and cause over-carbonation if it is bottled too early.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "buttery-lager",
    "Why does my Czech pilsner taste like buttered popcorn?",
    """My first lager, a Czech-style pilsner, was fermented at 10 °C for two weeks, then I dropped it straight to 2 °C and kegged it a week later. It tastes and smells strongly of butter, almost like movie popcorn.

I have read that this is diacetyl. Where does it come from, and can I still fix this keg or is the batch lost?""",
    "lager off-flavors diacetyl fermentation", 14,
    [
        answer("""Yes, that is diacetyl. Yeast excrete its precursor (alpha-acetolactate) during growth, and it turns into diacetyl outside the cell. Healthy yeast reabsorb and reduce it, but only if they are still active and warm enough. By crashing to 2 °C straight after primary you put the yeast to sleep before the cleanup.

The usual cure is a [diacetyl rest](https://homebrew-wiki.example.org/wiki/Diacetyl_rest): let the beer rise to 16-18 °C for two or three days near the end of fermentation. You can still rescue the keg: let it warm to room temperature, add a small amount of actively fermenting lager yeast (krausen), wait several days and taste again before chilling.""", 16, accepted=True),
        answer("""Also check your lines. A bacterial infection (*Pediococcus*) makes diacetyl too, and then a rest will not fix it. If the butter comes with sourness or a ropey texture, it is an infection. The Kegworks article on [cleaning draft lines](https://kegworks-supply.example.com/learn/cleaning-beer-lines) covers what to do.""", 5),
    ],
))
PAGES += [
    page("https://homebrew-wiki.example.org/wiki/Diacetyl_rest", "Diacetyl rest", "2020-06-21", """
A diacetyl rest is a short period of warmer fermentation used mainly with lager yeast to remove diacetyl, the compound that gives beer a butter or butterscotch aroma. Most tasters notice it above about 0.1 mg/L.

## Where diacetyl comes from

During growth, yeast make the amino acid valine. A by-product, alpha-acetolactate, leaks out of the cell and is slowly converted to diacetyl by a non-enzymatic oxidation. Yeast can take diacetyl back up and reduce it to flavourless compounds, but they do this slowly, and slower still at cold lager temperatures. A beer that is chilled or separated from its yeast too early keeps the precursor, which can go on to form diacetyl even after packaging.

## How to do it

When the beer is about two thirds of the way from original to final gravity, let it warm to 16-18 °C and hold it there for two to four days. Then taste a warmed sample: if no butter is detectable, cool the beer gradually for lagering. Some brewers heat a sample to 60 °C for twenty minutes first, which converts any remaining precursor so that the test is honest.

## Rescuing a finished beer

Packaged beer with diacetyl can often be saved by warming it and adding active yeast, called krausening. The new yeast need some fermentable sugar and a few days to work.

If diacetyl appears together with sourness or a slick texture, the cause is probably bacteria such as Pediococcus, and a rest will not help.
""", "cited-full"),
    page("https://kegworks-supply.example.com/learn/cleaning-beer-lines", "Cleaning draft beer lines at home", "2021-02-08", """
Draft lines should be cleaned every two weeks while a keg is on tap, and whenever you change kegs. Beer stone, yeast and bacteria build up in the tubing and faucet and spoil even a well-made beer.

## What you need

- An alkaline line cleaner made for draft systems, mixed at the label rate.
- A hand pump cleaning bottle or a spare keg filled with cleaner.
- A faucet brush and wrench.

## Step by step

Disconnect the coupler or keg post, attach the cleaning bottle and push cleaner through until it runs out of the faucet. Let it soak in the line for at least fifteen minutes, then push it through again. Remove the faucet, take it apart and scrub each part with the brush. Rinse everything with clean water until no cleaner remains, because residue tastes soapy and bitter.

Every few months, follow the alkaline clean with an acid line cleaner. Acid removes beer stone (calcium oxalate) that alkaline cleaners leave behind.

## Signs your lines need attention

A buttery or sour taste that appears in the glass but not in a sample pulled from the keg itself usually means bacteria in the line. Foaming can mean a dirty faucet, though it is more often a balance problem between line length and pressure. Vinyl tubing should be replaced yearly, since it absorbs flavours and scratches easily.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "chloramine-water",
    "My city switched to chloramine. Will it ruin my beer, and how do I remove it?",
    """The water utility just sent a notice that they are changing from chlorine to chloramine for disinfection. Until now I let my brewing water stand overnight or boiled it to get rid of the chlorine.

I have heard chloramine does not boil off and causes medicinal flavours in beer. Is that true, and what is the simplest way to treat 30 litres of water on brew day?""",
    "water chemistry off-flavors", 12,
    [
        answer("""It is true: chloramine is far more stable than free chlorine, so standing or boiling removes very little of it. Chlorine compounds react with phenols from the malt and yeast to form chlorophenols, which taste like plastic, band-aids or mouthwash at tiny concentrations.

The simplest fix is potassium metabisulfite, sold as Campden tablets. Brew Water Basics has a good explanation of [treating chloramine with Campden tablets](https://brewwater.example.org/chloramine-campden-tablets): one tablet treats about 75 litres, reacts within a couple of minutes, and the leftover sulfate and chloride are negligible.""", 15, accepted=True),
        answer("""A carbon filter also works, but for chloramine it needs a much slower flow than for chlorine. Ask the utility for the full water report while you are at it. [This page on reading a water report](https://brewwater.example.org/reading-a-water-report) explains what the numbers mean for brewing.""", 6),
    ],
))
PAGES += [
    page("https://brewwater.example.org/chloramine-campden-tablets", "Removing chlorine and chloramine with Campden tablets", "2016-11-30", """
Most water utilities disinfect with either free chlorine or chloramine, a compound of chlorine and ammonia. Both must be removed from brewing water. Chlorine reacts with phenolic compounds from malt and yeast to form chlorophenols, which most people can taste at a few parts per billion as a plastic, medicinal or band-aid flavour.

## Why boiling is not enough

Free chlorine escapes if water stands uncovered overnight or is boiled for fifteen minutes. Chloramine was adopted by utilities precisely because it is stable: it survives days in the pipes, and standing or boiling removes only a small fraction. If your utility uses chloramine, you need a chemical treatment or a carbon filter.

## Campden tablets

Campden tablets are potassium or sodium metabisulfite. The sulfite reduces chlorine and chloramine to chloride, while the sulfite becomes sulfate. One crushed tablet of about 0.44 g treats roughly 75 litres of typical tap water, so half a tablet is plenty for most homebrew batches. Stir it in and wait a few minutes; the reaction is fast. The amounts of sulfate and chloride left behind are far too small to change the taste or your water profile.

Potassium metabisulfite from a wine shop works just as well, at about 0.1 g per 20 litres.

## Carbon filtration

Activated carbon removes chloramine too, but slowly. Run water through a block filter at no more than about 0.5 litre per minute, much slower than you would for chlorine.
""", "cited-full"),
    page("https://brewwater.example.org/reading-a-water-report", "How to read your water report for brewing", "2016-08-14", """
A utility water report lists dozens of values, but only a handful matter for brewing: calcium, magnesium, sodium, chloride, sulfate and alkalinity (sometimes reported as bicarbonate). The pH of the tap water itself matters much less than people expect; alkalinity is what pushes mash pH up.

## The useful numbers

- Calcium helps enzymes, yeast flocculation and clarity. Aim for at least 50 mg/L for most beers.
- Sulfate accentuates hop bitterness and gives a drier finish.
- Chloride gives a fuller, rounder malt impression.
- Alkalinity, as CaCO3, resists the acidity of the malt. Pale beers want little of it; dark roasted malts can handle more.
- Sodium above about 100 mg/L can taste salty or harsh.

The ratio of sulfate to chloride is a handy guide to balance: hoppy pale ales often use two or three parts sulfate to one of chloride, and malty beers the reverse.

## What reports leave out

Reports are often yearly averages, and many cities blend sources, so the water can change with the seasons. A home test kit for alkalinity and hardness gives you a current figure for a few dollars. The report will also say which disinfectant the utility uses, which decides whether you need to treat for chlorine or chloramine, but it will not tell you how to remove it.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "dry-hop-grassy",
    "When should I dry hop, and how long can the hops stay in without grassy flavours?",
    """My last two IPAs came out with a grassy, almost vegetal edge. I dry hopped with 100 g of pellets in a 20 litre batch and left them in for ten days while I was away.

Is the timing the problem? I see advice to dry hop during active fermentation and also advice to wait until it is finished. How long should the hops stay in contact with the beer?""",
    "dry-hopping hops ipa", 8,
    [
        answer("""Ten days is long, and contact time is the most likely cause. Most of the aroma is extracted within 24-72 hours; after that you mostly pull out polyphenols and plant matter, which read as grassy or harsh.

[This dry hopping guide](https://maltandmash.example.com/dry-hopping-timing-and-contact-time) covers both schools on timing. Dry hopping near the end of active fermentation lets the escaping CO2 scrub oxygen and can give biotransformation of some hop compounds; dry hopping after fermentation keeps more of the delicate aroma. Either way, keep contact to two to four days at fermentation temperature, then cold crash and package.""", 10, accepted=True),
    ],
))
PAGES += [
    page("https://maltandmash.example.com/dry-hopping-timing-and-contact-time", "Dry hopping: timing and contact time", "2019-05-17", """
Dry hopping means adding hops after the boil, usually to the fermenter, to gain aroma without bitterness. The two questions we hear most are when to add the hops and how long to leave them.

## When to add them

There are two common schools. Adding hops while fermentation is still active, roughly when the gravity is a few points from final, has two benefits: the yeast consume oxygen picked up with the hops, and some hop compounds, such as geraniol, are transformed by yeast enzymes into more citrusy forms. The cost is that escaping CO2 carries some aroma out of the airlock.

Adding hops after fermentation is complete keeps more of the volatile oils in the beer. Many brewers now split the charge between the two points.

## How long to leave them

Extraction is fast. Studies of hop oil uptake show most linalool and myrcene are in solution within a day at 18-20 °C, especially if the beer is gently roused. After about three or four days you gain little aroma and start to extract more polyphenols and chlorophyll-derived compounds. These give grassy, vegetal or astringent notes, especially with large doses of pellets.

Our rule of thumb: two to four days warm, then cold crash to drop the hop material and package promptly. Long contact also increases the chance of hop creep, where enzymes in the hops release fermentable sugar and restart fermentation.
""", "cited-full"),
]

HOMEBREW.append(question(
    "priming-belgian",
    "How much priming sugar for a highly carbonated Belgian tripel, and are my bottles safe?",
    """I want to bottle a tripel at about 3.5 volumes of CO2, like the commercial ones. The beer finished at 1.008 and has been at 20 °C. Online calculators give around 190 g of table sugar for 19 litres, which seems like a lot.

I am using ordinary brown 330 ml beer bottles. Will they hold that pressure, or am I building bottle bombs?""",
    "bottling carbonation priming belgian", 7,
    [
        answer("""Your sugar number is about right, but check two things first. The calculator needs the highest temperature the beer reached after fermentation, because that sets how much CO2 is already dissolved; see [how priming sugar calculators work](https://homebrew-wiki.example.org/wiki/Priming_sugar). And the beer must be truly finished: a tripel that is still dropping will over-carbonate on top of the priming.

For the bottles, [this article on bottle pressure ratings](https://kegworks-supply.example.com/learn/bottle-strength-high-carbonation) is worth reading. Standard single-use bottles are usually considered safe to around 3 volumes; for 3.5 or more, use heavier Belgian-style or champagne bottles.""", 9, accepted=True),
        answer("""I bottle my Belgians at 3.2 volumes in normal bottles without trouble, but I store them in a closed plastic crate for the first three weeks. Also see [this earlier question](q:stuck-stout) for how to confirm fermentation has finished before bottling.""", 2),
    ],
))
PAGES += [
    page("https://homebrew-wiki.example.org/wiki/Priming_sugar", "Priming sugar", "2021-10-03", """
Priming sugar is fermentable sugar added to finished beer at bottling so that yeast in the bottle produce carbon dioxide. The amount needed depends on the target carbonation and on how much CO2 is already dissolved in the beer.

## Residual carbon dioxide

Beer that has finished fermenting is saturated with CO2 at its temperature. Cold beer holds more: beer at 10 °C already contains about 1.2 volumes, at 20 °C about 0.86 volumes. Calculators ask for the highest temperature the beer reached after active fermentation, because CO2 lost as the beer warmed does not come back when it is cooled again.

## The arithmetic

Roughly 4 g of sucrose per litre raises carbonation by one volume. Glucose (corn sugar) is about 10% less efficient by weight, and dry malt extract about 30% less efficient. For example, to reach 2.5 volumes in 20 litres of beer that sat at 20 °C, you need (2.5 - 0.86) x 4 x 20, about 130 g of sucrose.

## Typical targets

- British ales: 1.5-2.0 volumes
- American ales and lagers: 2.4-2.7 volumes
- German wheat beers and Belgian ales: 3.0-4.0 volumes

Dissolve the sugar in a little boiled water and mix it gently into the whole batch rather than dosing bottles one by one. The beer must have reached final gravity first; remaining fermentable sugar adds to the priming and is the usual cause of gushers and burst bottles.
""", "cited-full"),
    page("https://kegworks-supply.example.com/learn/bottle-strength-high-carbonation", "Which bottles can handle high carbonation?", "2020-04-19", """
Glass bottles differ a lot in wall thickness. When customers ask which bottle to use for a highly carbonated style, the answer depends on the bottle rather than on the colour.

Ordinary single-use 330 ml and 12 oz crown-cap bottles are designed for commercial beers carbonated to about 2.5-2.8 volumes. Brewers generally treat about 3 volumes as a sensible ceiling for them, with a margin for bottles that have been scratched or reused many times.

Heavier returnable bottles, Belgian-style cork-and-cage bottles and champagne bottles have thicker walls and are made for 4 volumes or more. Swing-top bottles vary: good-quality ones are strong, but the rubber seals can leak at high pressure.

Whatever the bottle, inspect each one before filling. Chips at the lip, cracks and scratches from bottle washers weaken the glass. Store freshly filled bottles in a closed box at cellar temperature for the first few weeks so that a failure does not send glass across the room.

Over-carbonation, not the bottle, is the usual cause of bursts. Make sure fermentation has finished before priming, measure the sugar by weight, and mix it evenly into the batch. We stock 750 ml Belgian bottles, champagne bottles and 29 mm caps for brewers who like their saisons lively.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "force-carb-time",
    "How long does it take to force carbonate a keg at serving pressure?",
    """I just filled my first 19 litre corny keg with a pale ale at 4 °C. I want about 2.5 volumes. Some people say set the regulator to 12 psi and wait, others shake the keg at 30 psi.

How long does the set-and-forget method take, and is the shaking method risky?""",
    "kegging carbonation", 6,
    [
        answer("""At 4 °C, about 11-12 psi gives 2.5 volumes at equilibrium. Set-and-forget takes roughly 10-14 days to get there for a full keg, because gas only dissolves through the small liquid surface.

[This force carbonation chart and guide](https://kegworks-supply.example.com/learn/force-carbonation-chart) explains the trade-off. Shaking at high pressure works in an hour, but it is easy to overshoot and it can fob for days. A middle way is 30 psi for 24-36 hours, then vent and drop to serving pressure.""", 8, accepted=True),
        answer("""I do the burst method all the time: 40 psi for 24 hours then serving pressure. Just do not forget it on high pressure over the weekend. If it still pours as foam once it has settled, the problem is usually line length rather than carbonation; see [balancing a draft system](https://kegworks-supply.example.com/learn/balancing-draft-lines).""", 3),
    ],
))
PAGES += [
    page("https://kegworks-supply.example.com/learn/force-carbonation-chart", "Force carbonation: chart, timing and methods", "2019-12-02", """
Force carbonation dissolves CO2 into beer from a gas cylinder instead of relying on yeast. The carbonation level the beer eventually reaches depends only on its temperature and on the regulator pressure; the method only changes how fast it gets there.

## Equilibrium pressures

For 2.5 volumes of CO2, set the regulator to about 9 psi at 1 °C, 11 psi at 4 °C and 14 psi at 8 °C. For 2.2 volumes use about 2 psi less; for 2.8 volumes about 2 psi more. Colder beer absorbs gas faster and holds more of it, so chill the keg completely before you start.

## Set and forget

Connect the gas at serving pressure and wait. A full 19 litre keg usually reaches equilibrium in 10-14 days. This method cannot overshoot, which makes it the safest choice for new keggers.

## Burst carbonation

Set 30-40 psi for 24-36 hours, then vent the head space and drop to serving pressure. The beer will be close to ready in two or three days. The risk is over-carbonation if you leave it too long.

## Rolling or shaking

Shaking the keg at 30 psi forces gas in within minutes by increasing the contact surface. It is quick but hard to control, and a freshly shaken keg pours mostly foam until it settles.

If the beer foams at the correct pressure, check line length before blaming the carbonation: short lines do not provide enough resistance.
""", "cited-full"),
]

HOMEBREW.append(question(
    "biab-efficiency",
    "Brew-in-a-bag efficiency stuck around 60% - what should I change first?",
    """I brew 20 litre batches in a bag, full volume, with a 60 minute mash at 66 °C. My brewhouse efficiency is always 58-62%, so I keep adding extra grain to hit my gravities.

The grain comes pre-crushed from my local shop. I squeeze the bag at the end. What are the biggest levers for improving BIAB efficiency?""",
    "biab efficiency all-grain mash", 10,
    [
        answer("""With BIAB the single biggest lever is the crush. The bag does the filtering, so you can mill much finer than a lauter tun would tolerate. Shops set their mills coarse for people with false bottoms. [This article on crush for BIAB](https://maltandmash.example.com/biab-crush-and-efficiency) reports a jump from the low 60s to the high 70s just from a finer gap.

Other things worth checking, roughly in order of effect: stir the mash well at dough-in to break up dough balls, extend the mash to 75-90 minutes, and check your [mash pH](https://brewwater.example.org/mash-ph-explained#adjusting-it) is in the 5.2-5.6 range.""", 12, accepted=True),
        answer("""A dunk sparge helps too: lift the bag, steep it for ten minutes in a second pot of hot water, then add that to the kettle. It typically adds 5 points of efficiency.""", 4),
    ],
))
PAGES += [
    page("https://maltandmash.example.com/biab-crush-and-efficiency", "Why your BIAB efficiency is low (it is probably the crush)", "2018-02-11", """
Brew in a bag (BIAB) replaces the mash tun, false bottom and sparge with a single kettle and a fine mesh bag. It is a simple method, but many brewers who switch to it find their efficiency disappointing, often around 60%.

## Crush finer

In a traditional lauter tun the husks form the filter bed, so the grain must be milled coarsely enough to keep them intact. In BIAB the bag is the filter. You can and should mill much finer. We tested the same recipe at three mill gaps: 1.1 mm gave 63% brewhouse efficiency, 0.9 mm gave 71% and 0.7 mm gave 78%. Finer grist exposes more starch to the enzymes and lets the sugar diffuse out faster.

Pre-crushed grain from a shop is usually milled for three-vessel systems. Ask the shop to run your grain through twice, or buy a mill.

## Stir and wait

Dough balls trap dry flour. Stir thoroughly at dough-in and again halfway through. Full-volume BIAB mashes are thin, which favours conversion but slows diffusion, so a 90-minute mash often gains a few points.

## Squeeze and rinse

Squeezing the bag recovers wort that would otherwise be lost with the grain. A short dunk sparge in a second pot of hot water recovers more.

Measure before you change anything: record pre-boil volume and gravity every batch, or you will not know which change helped.
""", "cited-full"),
    page("https://brewwater.example.org/mash-ph-explained", "Mash pH explained: targets and how to adjust them", "2017-01-22", """
Mash pH affects enzyme activity, the extraction of tannins from husks, hop utilisation and the final flavour of the beer. The target most brewers use is 5.2 to 5.6, measured on a sample cooled to room temperature.

## What sets mash pH

The malt itself is acidic: pale malts bring the pH down modestly and crystal and roasted malts bring it down strongly. The water pushes the other way. Its alkalinity, mostly bicarbonate, neutralises malt acidity, while calcium and magnesium react with malt phosphates and release acid. The result is a balance between grist and water, which is why the same water can suit a stout and spoil a pilsner.

## Adjusting it

- To lower pH, add lactic or phosphoric acid, acidulated malt, or calcium salts such as gypsum and calcium chloride.
- To raise pH, for example with soft water and lots of dark malt, add baking soda or chalk dissolved in acid, or hold the dark malts back until the end of the mash.
- Brewing software estimates the effect of each addition, but check with a calibrated meter.

## Why it matters

A mash that is too high in pH extracts more harsh tannins and can taste dull. A slightly low mash pH gives crisper flavour. The effect on conversion efficiency within the normal range is small; large efficiency problems usually come from crush or lautering.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "starter-needed",
    "Do I need a yeast starter for a 1.070 ale with one pack of liquid yeast?",
    """I am brewing a 1.070 American IPA, 20 litres, with a single pouch of liquid American ale yeast that was made about two months ago.

The pouch says it is enough for 20 litres, but my brewing software says I should pitch two and a half pouches or make a starter. Is the starter really needed, and how big should it be?""",
    "yeast starter pitching-rate", 8,
    [
        answer("""The software is being conservative, but for 1.070 with two-month-old yeast I would make a starter. Liquid yeast loses viability every week in the fridge; a two-month-old pouch may have well under half its original cells.

See the [YeastLab pitching rate guide](https://yeastlab.example.net/learn/pitching-rates-and-starters). The common target for ales is 0.75 million cells per millilitre per degree Plato. For your beer that is roughly 260 billion cells, and a 1.5-2 litre starter on a stir plate will get one pouch there.""", 9, accepted=True),
        answer("""Or skip the starter and use two sachets of dry yeast, which hold far more cells than a liquid pouch and keep well. [This comparison of dry and liquid yeast](https://brewing-science.example.org/2018/dry-vs-liquid-yeast) is a fair summary of the trade-offs.""", 4),
    ],
))
PAGES += [
    page("https://yeastlab.example.net/learn/pitching-rates-and-starters", "Pitching rates and yeast starters", "2019-03-26", """
Pitching the right amount of healthy yeast is the easiest way to get a clean, complete fermentation. Under-pitching stresses the yeast, which can produce more esters, fusel alcohols and diacetyl and can leave a beer under-attenuated. Over-pitching is rarely a problem at home.

## How much yeast

A common rule is 0.75 million cells per millilitre of wort per degree Plato for ales, and 1.5 million for lagers. A 20 litre batch of 1.050 (12.4 °P) ale therefore needs about 185 billion cells; the same volume at 1.070 needs about 260 billion.

## Viability falls with age

Our liquid yeast packs contain about 100 billion cells when made. Viability falls by roughly 20% per month in the refrigerator, so a three-month-old pack may hold 40 billion healthy cells. Check the manufacture date, not only the best-before date.

## Making a starter

- Boil 100 g of dry malt extract per litre of water for ten minutes, cool it and transfer it to a sanitised flask.
- Pitch the yeast and keep the starter at room temperature, ideally on a stir plate, which roughly doubles growth compared with occasional shaking.
- After 18-36 hours, either pitch the whole starter at high krausen or chill it, decant the spent wort and pitch the slurry.

For very strong beers, build the starter in two steps rather than one large one. Dry yeast is a different case: a sachet holds a large number of cells and needs no starter.
""", "cited-full"),
]

HOMEBREW.append(question(
    "white-film",
    "White film on top of my beer in secondary - is it infected?",
    """I racked a saison into a glass carboy for secondary three weeks ago. Now there is a thin white film on the surface with a few bubbles stuck in it, and it looks a bit wrinkled near the edges.

Is this an infection? If so, is the beer safe to drink, and can I still bottle it?""",
    "infection sanitation saison", 13,
    [
        answer("""That is a pellicle, and yes, it means something other than brewer's yeast has got in: usually wild yeast such as *Brettanomyces*, or *Acetobacter* if there is a lot of headspace and oxygen. None of the organisms that grow in finished beer are dangerous to people; the alcohol and low pH keep pathogens out.

[This guide to pellicles and infections](https://sourbeer-lab.example.net/pellicles-what-they-mean) shows photos of the different types. Taste a sample. If it tastes fine or pleasantly funky, you can bottle it, but use heavy bottles and wait for a stable gravity, because Brett keeps fermenting sugars normal yeast left behind.""", 15, accepted=True),
        answer("""Could also just be yeast rafts or hop debris, which look patchy rather than a continuous skin. If the film is continuous and wrinkled, it is a pellicle.""", 3),
    ],
))
PAGES += [
    page("https://sourbeer-lab.example.net/pellicles-what-they-mean", "Pellicles: what that film on your beer means", "2018-07-09", """
A pellicle is a skin that some microorganisms form on the surface of beer, wine or cider when oxygen is available. Seeing one in a beer you did not plan to sour is alarming, but it is not a health hazard: pathogens cannot grow in fermented, hopped beer.

## What the different films look like

- Brettanomyces forms a thin white film that often wrinkles or bubbles as it ages, and it smells of barnyard, leather or tropical fruit.
- Acetic acid bacteria form a smooth, greyish or slightly pink skin and produce vinegar. They need oxygen, so they show up in fermenters with large headspace or leaky seals.
- Film yeasts such as Pichia make a chalky white layer and solvent-like aromas.
- Mould is different: fuzzy, raised spots of green, blue or black. Beer with mould on it should be thrown away.

## What to do with an infected batch

Taste it. Many accidental Brett beers are good. If you want to keep it, rack from beneath the pellicle, let the beer finish completely and bottle in heavy bottles; Brettanomyces can ferment dextrins and will keep raising carbonation for months. If it tastes of vinegar or solvent, it will not improve.

## Preventing the next one

Replace scratched plastic, soak gaskets and valves in sanitiser, minimise headspace during long secondary aging, and keep sour-beer equipment separate from your clean equipment.
""", "cited-full"),
]

HOMEBREW.append(question(
    "chill-haze",
    "Beer is clear at room temperature but cloudy from the fridge",
    """My pale ale looks crystal clear in a glass at room temperature, but when I pour it straight from the fridge it has a dull haze. If I let it warm up, the haze goes away.

What causes this and how do I prevent it in the next batch? I do not use any finings at the moment.""",
    "clarity haze finings", 7,
    [
        answer("""That is textbook chill haze: proteins and polyphenols from malt and hops bond weakly together in cold beer and form particles big enough to scatter light, then dissolve again as it warms. [This page on chill haze](https://homebrew-wiki.example.org/wiki/Chill_haze) lists the fixes.

The main ones are a vigorous boil and a fast chill so that the hot and cold break form and drop out, a kettle fining such as Irish moss or Whirlfloc, and a few days of cold conditioning before packaging. Gelatin or silica finings in the keg clear it quickly.""", 8, accepted=True),
    ],
))
PAGES += [
    page("https://homebrew-wiki.example.org/wiki/Chill_haze", "Chill haze", "2022-01-14", """
Chill haze is a cloudiness that appears when beer is cooled near freezing and disappears when it warms to room temperature. It is caused by weak complexes of haze-active proteins and polyphenols (tannins) from malt and hops. At low temperature these complexes grow large enough to scatter light; as the beer warms they dissolve. Over months, the complexes become permanent, so chill haze is also an early sign of permanent haze.

## Reducing it in the brewhouse

- Boil vigorously for at least 60 minutes so that proteins coagulate as hot break.
- Add a kettle fining, Irish moss or Whirlfloc (carrageenan), in the last 10-15 minutes of the boil.
- Chill the wort quickly to form a good cold break and leave as much of the trub behind as practical.
- Avoid over-sparging and high sparge water pH, which extract extra polyphenols from the husks.

## Reducing it after fermentation

Cold condition the beer near 0 °C for several days to a few weeks so that the haze forms and settles. Finings speed this up: gelatin binds polyphenols and protein; silica gel removes haze-active protein; PVPP removes polyphenols. Enzymes such as proline-specific endoprotease, added at the start of fermentation, prevent chill haze by cutting the proteins that form it, and the same enzyme is used to make gluten-reduced beer.

Chill haze has no effect on flavour, so for many homebrewers it is only cosmetic.
""", "cited-full"),
]

HOMEBREW.append(question(
    "rinse-star-san",
    "Do I need to rinse off Star San foam before filling the fermenter?",
    """I sanitise my fermenter and bottles with an acid no-rinse sanitiser (Star San type). It leaves a lot of foam behind and I always worry about pouring wort on top of it.

Is it really safe to leave the foam, or should I rinse with tap water? Will it affect the flavour or the yeast?""",
    "sanitation equipment", 11,
    [
        answer("""Don't rinse. Tap water is not sanitary and would undo the point of sanitising. The foam is harmless at the normal dilution: the active ingredients are phosphoric acid and a surfactant, both at very low concentration, and once diluted into wort they are food for the yeast.

[This sanitiser guide](https://fermentation.uni-extension.example.org/publications/cleaning-and-sanitizing-for-home-fermenters) explains the difference between cleaning and sanitising and the contact times. "Don't fear the foam" is the standard advice.""", 14, accepted=True),
        answer("""One exception: mixing it with hard or alkaline water makes it cloudy and less effective. Mix with distilled water if your tap water is hard and it will last for weeks in a spray bottle.""", 6),
    ],
))
PAGES += [
    page("https://fermentation.uni-extension.example.org/publications/cleaning-and-sanitizing-for-home-fermenters", "Cleaning and sanitizing for home fermenters", "2019-09-30", """
Cleaning and sanitising are separate steps. Cleaning removes soil: dried wort, yeast, proteins and beer stone. Sanitising reduces the remaining microorganisms to a safe level. A sanitiser cannot work on a dirty surface, because organic deposits shield the microbes beneath them.

## Cleaning

Use an alkaline cleaner such as sodium percarbonate or a commercial brewery wash in warm water. Soak, then scrub gently with a soft cloth; scratches in plastic harbour bacteria. Rinse thoroughly after cleaning.

## Sanitising

Common no-rinse sanitisers for home use are:

- Acid-anionic sanitisers, based on phosphoric acid and a surfactant. They need about one minute of contact at the label dilution. They foam, and the foam is acceptable to leave in the vessel; at normal dilution the residue is negligible and does not affect fermentation or flavour. The solution stays active as long as its pH remains below about 3, which can be checked with a pH strip.
- Iodophor, an iodine complex, at 12.5-25 ppm with two minutes of contact. It may stain plastic.
- Peracetic acid, which breaks down to acetic acid, water and oxygen.

Do not rinse after a no-rinse sanitiser. Tap water can reintroduce microorganisms.

## Water matters

Hard or alkaline water neutralises acid sanitisers and makes them cloudy. Mixing with distilled or reverse-osmosis water keeps a batch effective for longer. Chlorine bleach is an effective sanitiser but must be rinsed thoroughly, because residual chlorine forms chlorophenols in beer.
""", "cited-full"),
]

HOMEBREW.append(question(
    "sorghum-gluten-free",
    "Gluten-free beer with sorghum syrup tastes thin and sour - how do I improve it?",
    """My partner has coeliac disease, so I have started brewing gluten-free beer from sorghum syrup and a little rice syrup. It ferments fine, but the result is thin, slightly sour and tinny.

Are there ways to improve sorghum beers, or should I be using malted gluten-free grains instead?""",
    "gluten-free sorghum extract", 9,
    [
        answer("""Sorghum syrup is notorious for that sour, metallic edge. [This article on brewing gluten-free beer](https://maltandmash.example.com/gluten-free-brewing-beyond-sorghum) covers both routes. For extract brewing: boil the sorghum for the full hour, blend it with maltodextrin for body, and use darker candi syrup or toasted buckwheat for flavour. Many people find malted millet and buckwheat give better beer, but they need added enzymes because they convert poorly on their own.""", 7, accepted=True),
        answer("""Beware of gluten-reduced beers made with barley and an enzyme: they are not considered safe for coeliacs. See [this explainer](https://fermentation.uni-extension.example.org/publications/gluten-reduced-beer-labels) for why.""", 5),
    ],
))
PAGES += [
    page("https://maltandmash.example.com/gluten-free-brewing-beyond-sorghum", "Gluten-free brewing beyond sorghum", "2020-08-23", """
For years, gluten-free homebrew meant sorghum syrup. It ferments well, but beers made mostly from sorghum extract tend to be thin and have a sour, slightly metallic tang that many drinkers dislike.

## Improving extract beers

- Boil the sorghum syrup for the full hour; a short boil makes the tang more noticeable.
- Limit sorghum to about half the fermentables. Rice syrup, candi syrup and honey lighten it; maltodextrin adds body.
- Use more hops, especially late hops, and a clean, low-ester yeast. Darker styles such as brown ales and porters hide the sorghum character well.
- Toast buckwheat or millet in the oven and steep it to add grainy and nutty flavours.

## All-grain with gluten-free malts

Maltsters now produce malted millet, buckwheat, rice and oats certified gluten-free. These make a fuller, more beer-like wort. Their diastatic power is low and their starch gelatinises at higher temperatures than barley starch, so most recipes need a cereal mash or exogenous enzymes, such as a heat-stable alpha-amylase and glucoamylase, to convert fully. Lautering can be slow because some of these grains are huskless; rice hulls help.

Keep a dedicated set of equipment for gluten-free brewing, or clean shared equipment meticulously, because barley dust and residue can contaminate a gluten-free batch.
""", "cited-full"),
    page("https://fermentation.uni-extension.example.org/publications/gluten-reduced-beer-labels", "What 'gluten-reduced' beer labels mean", "2021-05-05", """
Beer labelled gluten-reduced, or crafted to remove gluten, is brewed from barley or wheat and then treated with an enzyme, usually a proline-specific endoprotease. The enzyme cuts gluten proteins into small fragments, and standard tests then find little intact gluten.

## Why it is controversial

The common sandwich ELISA test detects intact gluten well but can miss the fragments. Whether those fragments can still trigger an immune response in people with coeliac disease is debated, and small studies have reported reactions in some patients. For this reason, food regulators in several countries do not allow these beers to be labelled gluten-free, and coeliac support organisations advise against them.

Beer brewed only from naturally gluten-free ingredients, such as sorghum, rice, millet, buckwheat or certified oats, can be labelled gluten-free if it meets the legal limit, commonly 20 parts per million.

## For people making beer at home

The same enzyme is sold to homebrewers, mainly to prevent chill haze. Using it does not make a barley beer safe for a coeliac guest. If you brew for someone who must avoid gluten, use gluten-free ingredients and separate or thoroughly cleaned equipment.

This publication explains labelling. It does not cover recipe design or how to get good flavour from gluten-free grains.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "neipa-oxidation",
    "My NEIPA turns dull and brownish within two weeks of kegging",
    """I brew hazy New England IPAs with big dry hop additions. They taste amazing for about a week, then the colour goes from bright orange-yellow to a muddy brown and the hop aroma turns into something like cardboard and sweet tea.

I open the fermenter to add the dry hops and transfer to the keg with a siphon. What am I doing wrong?""",
    "ipa oxidation kegging dry-hopping", 16,
    [
        answer("""Oxygen. Hazy IPAs are especially sensitive because the hop compounds that give them their colour and aroma oxidise quickly, and the haze itself carries a lot of polyphenols that darken. Darkening to brown is the classic sign.

[This article on oxidation in hoppy beers](https://brewing-science.example.org/2021/oxidation-in-hazy-ipa) explains the chemistry and how little oxygen it takes. The fixes are to dry hop while fermentation is still active so the yeast scavenge the oxygen you add, and to purge the keg with CO2 before filling it.

For the transfer itself, see this guide to [closed transfers from fermenter to keg](https://kegworks-supply.example.com/learn/closed-transfer-to-keg).""", 18, accepted=True),
        answer("""Also keep it cold all the time after packaging. Warm storage speeds oxidation up several times over.""", 4),
    ],
))
PAGES += [
    page("https://brewing-science.example.org/2021/oxidation-in-hazy-ipa", "Why hazy IPAs go brown: oxidation explained", "2021-03-18", """
Hazy, heavily dry hopped IPAs are among the most oxidation-sensitive beers a brewer can make. A few hundred parts per billion of dissolved oxygen picked up after fermentation is enough to change them visibly within two weeks.

## What happens

Hop polyphenols and the haze-forming compounds that give these beers their look react with oxygen to form larger, coloured compounds. The beer darkens from yellow-orange towards grey, purple or brown. At the same time, aromatic hop oils such as myrcene and thiols are oxidised and lose their character, and stale notes of cardboard, sherry and sweet tea appear. Heat speeds all of this up: a keg stored at room temperature stales several times faster than one kept cold.

## Where the oxygen comes from

- Opening the fermenter to add dry hops after fermentation has ended. Hop pellets themselves carry trapped air.
- Siphoning or pouring into an unpurged keg or bottling bucket.
- Headspace in bottles and kegs.

## Preventing it

Dry hop while some fermentation remains, so active yeast consume the oxygen introduced. Purge kegs by filling them with sanitiser and pushing it out with CO2, then transfer under pressure so that the beer never touches air. Bottling these beers is difficult; if you must, cap on foam and add a little priming sugar so that the yeast consume headspace oxygen.

Some brewers add small doses of antioxidants such as potassium metabisulfite at packaging, with mixed results.
""", "cited-full"),
    page("https://kegworks-supply.example.com/learn/closed-transfer-to-keg", "How to do a closed transfer from fermenter to keg", "2021-07-27", """
A closed transfer moves beer from the fermenter to a keg without exposing it to air. It is the single most useful upgrade for brewers who keg hoppy beer.

## What you need

- A fermenter that can hold a few psi of pressure, or a lid with a gas inlet and a liquid outlet.
- A corny keg, a CO2 cylinder with a regulator, and a length of beer line with a liquid disconnect on one end.
- A spare gas disconnect with a short length of tubing, used as a vent.

## Purging the keg

Fill the keg to the brim with sanitiser, seal it and push the sanitiser out through the liquid post with CO2. This leaves the keg full of CO2 with far less oxygen than purging by pressurising and venting several times.

## Moving the beer

Connect the fermenter outlet to the keg liquid post. Apply 1-2 psi of CO2 to the fermenter head space, then open the keg vent slightly. Beer flows into the keg while the gas it displaces escapes through the vent. When beer reaches the right level, close everything, disconnect, and pressurise the keg.

## Common problems

If the beer will not flow, check for hop debris blocking the outlet; a mesh screen or a floating dip tube helps. If the keg overfills, the vent line will spit beer, so keep it in a jug.

We sell pressure fermenters, floating dip tubes and spunding valves that make this simpler.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "lactic-acid-pilsner",
    "How much lactic acid do I need to bring my mash pH down for a pilsner?",
    """My tap water has an alkalinity of about 180 mg/L as CaCO3. For dark beers it is fine, but my pilsners come out dull and slightly harsh and my meter reads a mash pH of 5.8.

How do I work out how much 80% lactic acid to add, and is there a point where I will taste it?""",
    "water-chemistry mash ph lager", 6,
    [
        answer("""180 mg/L alkalinity is a lot for a pale beer; 5.8 is what you would expect. The usual first step is to cut your water with distilled or RO water, then use acid for the rest.

[This guide](https://brewwater.example.org/mash-ph-explained) explains the balance between grist acidity and water alkalinity. As a rough guide, 1 ml of 80% lactic acid neutralises about 25 mg/L of alkalinity (as CaCO3) in 20 litres of water, but the malt also buffers, so check with a calibrated meter and add acid in small steps.

Most people start tasting lactic acid above roughly 3-4% acidulated malt equivalent. Beyond that, use phosphoric acid, which is flavour-neutral.""", 7, accepted=True),
    ],
))

HOMEBREW.append(question(
    "whirlpool-ibu",
    "How do I calculate IBUs from whirlpool hop additions?",
    """I am moving most of my hops into the whirlpool, at 80 °C for 30 minutes, to get more aroma. My brewing software lets me enter a whirlpool addition, but the IBU numbers it gives look very low compared with what I taste.

Is there a reliable way to estimate bitterness from whirlpool hops?""",
    "hops ibu whirlpool recipe-design", 9,
    [
        answer("""There is no formula everyone trusts, because the usual IBU models (Tinseth, Rager) were fitted to boiling additions. Isomerisation of alpha acids slows down sharply as the wort cools, and it practically stops below about 70 °C.

[This article on whirlpool utilisation](https://brewing-science.example.org/2019/whirlpool-hops-and-ibu) compares a few approaches and measured values. It does not settle the question, but it gives a sensible starting point: treat the stand as a boil addition with a reduced utilisation factor that depends on temperature, and calibrate against your own taste or lab measurements.""", 6),
        answer("""Your software might be ignoring the time it takes to chill, too. For a slow immersion chiller, hops keep isomerising during cooling and a flame-out addition behaves like a 10-15 minute boil addition.""", 3),
    ],
))
PAGES += [
    page("https://brewing-science.example.org/2019/whirlpool-hops-and-ibu", "Whirlpool hops and IBUs: what we know", "2019-10-06", """
Brewers love whirlpool and hop stand additions because they deliver aroma and flavour with a softer bitterness. Estimating how much bitterness they add is harder than it looks.

## Why the usual models fail

The Tinseth and Rager formulas estimate utilisation from boil time and wort gravity. They assume boiling temperature. The isomerisation of alpha acids into bitter iso-alpha acids is strongly temperature dependent: at 90 °C it runs at roughly half the boiling rate, and below about 70 °C it becomes very slow. A 30-minute stand at 80 °C therefore contributes much less than a 30-minute boil, but more than zero.

## Approaches in use

- Ignore the stand entirely. Simple, and wrong for large additions.
- Treat it as a boil addition of a few minutes. This works for a hop stand at near-boiling temperature but over-estimates cooler stands.
- Scale boil utilisation by a temperature factor. Some software uses an exponential decay of rate with temperature fitted to lab data.

We sent several beers to a lab. A 100 g addition at 80 °C for 30 minutes in 20 litres measured between 9 and 14 IBU, depending on hop variety; the software estimates ranged from 3 to 25.

Measured IBU also misses something. Oxidised alpha acids and hop polyphenols add perceived bitterness that is not counted as iso-alpha acid, so heavily hopped beers can taste more bitter than their number suggests. We do not yet have a model we would recommend without calibration.
""", "cited-partial"),
]

HOMEBREW.append(question(
    "warm-lager",
    "Can I ferment lager yeast at ale temperatures?",
    """I don't have a fermentation chamber, and my basement sits at about 18 °C all year. I would still like to brew a Munich helles.

Is it possible to ferment a lager yeast that warm, and what will the beer taste like? I have heard of Kveik and pressure fermentation as alternatives.""",
    "lager fermentation temperature yeast", 12,
    [
        answer("""Yes, within limits. Some lager strains, notably the Saflager W-34/70 type, produce surprisingly clean beer at 16-18 °C. Others throw sulfur and fruity esters. [This writeup on warm lager fermentation](https://maltandmash.example.com/warm-fermented-lagers-tested) tested several strains side by side and found the best ones indistinguishable from cold fermented controls in a triangle test.

Fermenting under pressure, about 1 bar, suppresses ester formation further and is another option if you have a pressure-capable fermenter.""", 10, accepted=True),
        answer("""A clean [Kveik](https://homebrew-wiki.example.org/wiki/Kveik) strain such as Lutra makes a convincing pseudo-lager at room temperature, but it is technically an ale.""", 5),
    ],
))
PAGES += [
    page("https://maltandmash.example.com/warm-fermented-lagers-tested", "Warm-fermented lagers: four strains tested", "2020-11-15", """
Classic lager fermentation at 8-12 °C needs temperature control that many homebrewers do not have. We wanted to know how far a lager yeast can be pushed before the beer stops tasting like a lager.

## The test

We brewed 80 litres of the same helles wort and split it into eight fermenters. Four lager strains were each fermented at 10 °C and at 18 °C, with the same pitch rate of about 1.5 million cells per millilitre per degree Plato. After four weeks of cold conditioning, thirty tasters did blind triangle tests comparing each warm beer with its cold twin.

## Results

The strain sold as W-34/70 was the clear winner: tasters could not reliably tell the warm and cold beers apart. A second German strain was close. Two others produced noticeable sulfur and pear-like esters at 18 °C, and more tasters picked the odd beer than chance would allow.

## Tips for warm lagers

- Pitch plenty of healthy yeast; under-pitching exaggerates esters.
- Start cool if you can, even for the first day or two, when most esters are formed.
- Give the beer a diacetyl check before packaging, and lager it cold for a few weeks for clarity.
- Fermenting under about 1 bar of pressure reduces ester formation, and is widely used for fast lagers.

Warm fermentation will not give every style of lager its full character, but for a helles or pilsner from a basement without a fridge it works well.
""", "cited-full"),
]

HOMEBREW.append(question(
    "kettle-sour-ph",
    "Kettle sour with Lactobacillus won't drop below pH 4.0",
    """I am trying to make a Berliner weisse by kettle souring. I boiled the wort briefly, cooled it to 38 °C, pitched a pack of Lactobacillus plantarum and covered the kettle with cling film. After 48 hours the pH only went from 5.2 to 4.0 and the wort smells a bit like vomit.

How do I get it down to 3.3 quickly and what went wrong with the smell?""",
    "sour-beer lactobacillus kettle-souring", 8,
    [
        answer("""Two things: pre-acidify and keep oxygen out. [This kettle souring guide](https://sourbeer-lab.example.net/kettle-souring-step-by-step) covers both. Lower the wort to about pH 4.5 with lactic acid before pitching, which keeps other bacteria such as Clostridium and Enterobacter from getting a foothold; the vomit or cheesy smell is their butyric and isovaleric acid, not the Lactobacillus.

Purge the headspace with CO2 and hold the temperature steady; many L. plantarum strains sour best around 30-37 °C. Also avoid hops before souring, because even a few IBU inhibit many Lactobacillus strains.""", 9, accepted=True),
    ],
))
PAGES += [
    page("https://sourbeer-lab.example.net/kettle-souring-step-by-step", "Kettle souring, step by step", "2019-06-02", """
Kettle souring makes tart beers in days instead of months. Lactobacillus sours unhopped wort in the kettle, the wort is boiled to kill the bacteria, and then it is fermented with ordinary yeast. Nothing souring reaches your fermenters.

## The steps

- Brew and lauter as normal, then boil the wort for a few minutes to sanitise it. Do not add hops: iso-alpha acids inhibit most Lactobacillus.
- Cool to the temperature your strain prefers, usually 30-40 °C.
- Add lactic acid to bring the wort to about pH 4.5. This is the most important step. It stops Clostridium, Enterobacter and other spoilers that grow fast in sweet, unacidified wort and produce cheesy, vomit-like or fecal smells.
- Pitch the Lactobacillus, purge the headspace with CO2 and seal the kettle. Lactobacillus does not need oxygen, and oxygen helps many spoilers.
- Hold the temperature and check the pH every 12 hours. Most brewers aim for 3.2-3.5, which usually takes 24-72 hours.
- When it reaches the target, boil, add hops and ferment with your chosen yeast.

## Troubleshooting

Slow souring usually means the temperature is too low or the strain is sensitive to something in the wort. Probiotic and commercial brewing cultures differ a lot in speed. Off smells mean other bacteria took hold; the batch can rarely be saved, because boiling does not remove the compounds already formed.

Keep the wort above 30 °C overnight with an immersion heater or a well-insulated kettle.
""", "cited-full"),
]

HOMEBREW.append(question(
    "mead-nutrients",
    "Traditional mead stalled at 1.040 after a week - do I need more nutrients?",
    """I made 5 litres of traditional mead: 1.8 kg of wildflower honey, water, and a packet of wine yeast (EC-1118 type). Starting gravity 1.110. I added a teaspoon of generic yeast nutrient at the start. It bubbled well for five days and now sits at 1.040 with a faint rotten egg smell.

Is this a nutrient problem? What should I add now?""",
    "mead nutrients fermentation", 10,
    [
        answer("""Almost certainly nutrients. Honey has very little of the nitrogen yeast need, and a single dose at the start is not enough for a 1.110 must. The sulfur smell is a stress signal from hungry yeast.

The usual method now is staggered nutrient additions; see [this guide to staggered nutrient additions for mead](https://meadmakers.example.org/guides/staggered-nutrient-additions). Degas the must gently, add an organic nutrient in small doses, and keep the temperature steady. At 1.040 you are past the one-third sugar break, so add only a small dose now; late nutrients are poorly used and can leave a yeasty taste.""", 11, accepted=True),
        answer("""Check the pH too. Meads often crash below pH 3.0 partway through, and that alone can stall them. A little potassium bicarbonate brings it back.""", 6),
    ],
))
PAGES += [
    page("https://meadmakers.example.org/guides/staggered-nutrient-additions", "Staggered nutrient additions for mead", "2018-12-01", """
Honey is mostly sugar and contains very little yeast-available nitrogen. A mead made without nutrients often ferments slowly for months, produces sulfur and solvent aromas, and can stop well before dryness. Staggered nutrient additions, usually called SNA, solve this by feeding the yeast several times during the first part of fermentation.

## The schedule

- Rehydrate dry yeast with a rehydration nutrient, following the packet.
- Work out the total nutrient dose from the gravity and the yeast strain's nitrogen needs. Online calculators do this.
- Add the dose in three or four equal parts: 24 hours after pitching, 48 hours, 72 hours, and at the one-third sugar break (when a third of the gravity points have been used).
- Stop adding nutrients after the one-third break. Late additions are poorly used, can feed spoilage organisms and may leave a metallic or yeasty taste.

## Degassing

Stir gently before each addition to release dissolved CO2, which stresses yeast. Add nutrients slowly, because powder dropped into a must full of gas can foam violently.

## Other causes of stalls

Meads have little buffering, so the pH can fall below 3.0 partway through and halt the yeast. Check it and raise it with potassium bicarbonate if needed. Temperature swings and extreme starting gravities also cause stalls.

A hydrogen sulfide smell during fermentation is a sign of nitrogen stress. Correcting it early, with nutrient and aeration, usually removes it.
""", "cited-full"),
]

HOMEBREW.append(question(
    "lid-on-dms",
    "Should I boil with the lid on? My pilsner tastes like cooked corn",
    """To save gas and reduce boil-off, I boiled my last pilsner with the lid mostly on. The beer has a distinct cooked corn or canned vegetable smell.

Is the lid the cause? I used 100% pilsner malt.""",
    "boil off-flavors dms lager", 7,
    [
        answer("""Yes. Pilsner malt is rich in S-methylmethionine, which breaks down to dimethyl sulfide (DMS) when heated. DMS is volatile, so an open, vigorous boil drives it off. With the lid on, the condensate drips back in and the DMS with it.

[This page on DMS](https://homebrew-wiki.example.org/wiki/Dimethyl_sulfide) also recommends a 90-minute boil for pilsner malt and fast chilling, since DMS keeps forming in hot wort after the boil.""", 9, accepted=True),
    ],
))
PAGES += [
    page("https://homebrew-wiki.example.org/wiki/Dimethyl_sulfide", "Dimethyl sulfide", "2021-08-30", """
Dimethyl sulfide (DMS) is a sulfur compound that smells of cooked corn, canned vegetables or tomato juice. Low levels are part of the character of some pale lagers, but at higher levels it is considered a fault.

## Where it comes from

Barley malt contains S-methylmethionine (SMM). Heat converts SMM to DMS. Lightly kilned malts, especially pilsner malt, keep much more SMM than pale ale malts, because high kilning temperatures drive it off at the maltings.

## Removing it in the boil

DMS has a low boiling point and leaves the wort with the steam. A rolling, uncovered boil removes it as fast as it forms. If the kettle is covered, condensate carrying DMS falls back into the wort. This is why brewers boil with the lid off, and why many boil pilsner-malt worts for 90 minutes.

## After the boil

Hot wort keeps converting SMM to DMS, but without boiling the DMS is no longer driven off. Long whirlpools and slow cooling can raise DMS levels noticeably. Chill quickly, especially with pale lager worts.

## Other sources

Some bacteria, particularly wort spoilers that grow when the wort sits before the yeast is pitched, produce DMS too. A cooked vegetable aroma in a beer made from pale ale malt, with a good boil, suggests an infection rather than the boil.

Vigorous fermentation carries some DMS out with the CO2.
""", "cited-full"),
]

HOMEBREW.append(question(
    "cold-crash-suckback",
    "Cold crashing sucks airlock liquid back into the fermenter",
    """When I cold crash my fermenter from 20 °C to 2 °C, the gas in the headspace contracts and pulls the sanitiser from the airlock into the beer, and air with it.

How do people avoid this? I ferment in a plastic bucket.""",
    "cold-crashing equipment oxidation", 5,
    [
        answer("""The easiest fix in a bucket is to replace the airlock with a balloon or a bag filled with CO2 that can collapse as the gas contracts. [This article on cold crash suck-back](https://maltandmash.example.com/cold-crash-suck-back) compares the options: a CO2-filled bag, a one-way valve with a gas line, or crashing under slight pressure in a vessel rated for it.

At least use vodka or sanitiser in the airlock so that anything sucked in is harmless.""", 6, accepted=True),
        answer("""Related: [why hazy IPAs go brown](q:neipa-oxidation). Suck-back is one of the main ways air gets into a finished beer.""", 2),
    ],
))
PAGES += [
    page("https://maltandmash.example.com/cold-crash-suck-back", "Cold crashing without suck-back", "2020-02-29", """
Cold crashing, chilling a finished beer close to freezing for a day or two before packaging, drops yeast and hop debris and gives a clearer beer. It has a side effect. As the headspace cools from fermentation temperature to near 0 °C, the gas in it contracts by about 7%, and the fermenter sucks in whatever is on the other side of the airlock: sanitiser, then air.

## Options

- A collapsible reservoir. Replace the airlock with a tube leading to a bag or balloon filled with CO2. When the headspace contracts, the bag empties instead of drawing air. Cheap and effective.
- A CO2 line at very low pressure. Connect a gas cylinder through a low-pressure regulator so that CO2 flows in as needed. This needs a fermenter with a gas port.
- Crash under pressure. In a pressure-rated fermenter, close it off at the end of fermentation with a spunding valve so the headspace holds a few psi of CO2. The pressure drops as it cools but never goes negative. Do not try this with buckets or glass carboys.
- Use a liquid in the airlock you are happy to drink, such as vodka, so that at least it does no harm.

## Is it worth it?

For a stout that will be bottled quickly, a little air may go unnoticed. For hoppy pale beers, oxygen pulled in during a crash is one of the main causes of faded aroma. If you cannot prevent suck-back, a shorter crash at a milder temperature is a reasonable compromise.
""", "cited-full"),
]

HOMEBREW.append(question(
    "refractometer-fg",
    "Refractometer says my beer finished at 1.020 but the hydrometer says 1.010",
    """I bought a refractometer to save wort. Pre-boil and original gravity readings match my hydrometer well. But at the end of fermentation the refractometer reads 6.5 Brix, which I read as about 1.025, while the hydrometer says 1.010.

Which one is right?""",
    "hydrometer refractometer gravity", 8,
    [
        answer("""Trust the hydrometer. Alcohol bends light more strongly than water, so once fermentation starts a refractometer over-reads. The raw reading must be corrected using the original gravity; see [this explanation of refractometer correction](https://homebrew-wiki.example.org/wiki/Refractometer). Most brewing software has a correction calculator.

Also calibrate the wort correction factor for your instrument, usually around 1.02-1.04, by comparing readings on unfermented wort.""", 8, accepted=True),
    ],
))
PAGES += [
    page("https://homebrew-wiki.example.org/wiki/Refractometer", "Refractometer", "2022-04-09", """
A refractometer measures the refractive index of a liquid, from which the sugar content can be estimated. Brewers use handheld models scaled in Brix because they need only a few drops, which makes them handy for checking mash runnings and pre-boil gravity.

## Reading unfermented wort

Brix scales are calibrated for pure sucrose solutions. Wort contains other sugars and dissolved solids, so most brewers divide the reading by a wort correction factor, commonly around 1.04, before converting to specific gravity. The factor varies between instruments, so measure yours by comparing several wort samples with a calibrated hydrometer.

## Reading fermenting or finished beer

Ethanol has a higher refractive index than water. Once fermentation begins, a refractometer reading no longer reflects sugar alone and reads too high. A beer at 1.010 by hydrometer might read 6-7 Brix. The reading can be corrected with an empirical formula, such as the ones published by Terrill or by Bonham, that uses both the original and the current Brix reading. The correction is an approximation with an error of a few gravity points.

## Temperature

Most modern refractometers have automatic temperature compensation, but readings are most reliable when the sample has cooled to room temperature. Warm samples evaporate quickly on the prism.

## Calibration

Zero the instrument with distilled water at 20 °C before use. Clean the prism gently with a soft damp cloth.
""", "cited-full"),
]

HOMEBREW.append(question(
    "fruit-wheat",
    "When and how should I add raspberries to a wheat beer?",
    """I want to make a raspberry wheat beer. I have 1.5 kg of frozen raspberries for a 20 litre batch.

Should they go in the boil, the primary or a secondary? Do I need to sanitise them somehow, and how do I keep the seeds and pulp out of my bottles?""",
    "fruit wheat-beer recipe", 6,
    [
        answer("""Add them after primary fermentation has slowed. Adding fruit to the boil drives off aroma and sets pectin, which causes haze; adding it at the start of primary lets the vigorous fermentation scrub out most of the aroma.

Freezing already helps: it bursts the cells so the juice comes out, and frozen fruit from a sealed bag carries few microbes. This [guide to fruit in beer](https://homebrew-wiki.example.org/wiki/Fruit_beer) suggests 100-150 g per litre for a clear raspberry character, so your 1.5 kg is on the low end. Put the fruit in a sanitised mesh bag to keep the pulp out of the way and cold crash before bottling.""", 7, accepted=True),
    ],
))
PAGES += [
    page("https://homebrew-wiki.example.org/wiki/Fruit_beer", "Fruit beer", "2021-06-12", """
Fruit beers are beers brewed with fruit or fruit products added to the wort or the fermenting beer. Almost any style can carry fruit, but wheat beers, sour beers and stouts are the most common bases.

## Forms of fruit

Fresh or frozen whole fruit gives the most authentic flavour. Freezing ruptures cell walls and releases juice, which is why many brewers freeze even fresh fruit before use. Purees are convenient and consistent. Extracts and flavourings are the easiest to dose but can taste artificial.

## When to add it

- In the boil or at flame-out: sanitises the fruit, but heat drives off aroma and can set pectin, causing haze.
- At the start of primary: fruit sugars ferment easily, but much of the aroma is carried away by the CO2.
- After primary slows: the most common choice. The yeast ferment the fruit sugars, and aroma is retained.

## How much

Typical rates are 50-100 g per litre for a subtle character and 150-250 g per litre for a pronounced one. Raspberries and cherries are strong; strawberries and peaches need more.

## Practical points

Fruit adds fermentable sugar, so fermentation restarts; leave room in the fermenter and wait for a stable gravity before bottling. A sanitised mesh bag keeps seeds and pulp out of the siphon. Pectic enzyme helps clear haze. Sanitising fruit with sulfites, as winemakers do, is rarely needed for frozen fruit added to fermenting beer.
""", "cited-full"),
]

HOMEBREW.append(question(
    "airlock-stopped",
    "Airlock stopped bubbling after three days - is fermentation done?",
    """This is my second batch, an extract pale ale. The airlock bubbled like crazy for two days and now it has almost stopped on day three. The instructions say to bottle after a week.

Should I worry, or bottle early since it seems finished?""",
    "fermentation beginner", 4,
    [
        answer("""The airlock tells you very little. Fermentation can continue slowly without visible bubbling, and a leaky bucket lid can hide it completely. Use a hydrometer: when the gravity is the same on two readings a couple of days apart, it is done.

Three days is normal for the vigorous phase at room temperature. Give it the full week or two; the yeast also clean up by-products during that time. If it does stop high, see [this question about a stuck fermentation](q:stuck-stout).""", 6, accepted=True),
        answer("""Don't bottle based on bubbles. You'll get gushers. Take a gravity reading.""", 2),
    ],
))

HOMEBREW.append(question(
    "first-style",
    "What is a forgiving beer style for a first all-grain batch?",
    """I have done four extract batches and just bought an all-grain setup. For the first all-grain beer I would like a style that hides small mistakes in mash temperature, water and fermentation.

What would you recommend and why?""",
    "all-grain beginner recipe-design", 3,
    [
        answer("""A brown ale or a stout. Dark malts buffer the mash pH of most tap waters towards the right range, roast and caramel flavours cover minor faults, and English ale yeasts are tolerant of temperature swings. Avoid pale lagers and delicate blonde ales; they show every flaw.

Keep the recipe simple: one base malt, two or three specialty malts and one hop variety. Then you can tell which change did what on the next batch.""", 5, accepted=True),
        answer("""I'd say an American pale ale. Plenty of hops hides a lot, and you learn the process on a beer you'll actually want to drink a lot of.""", 2),
    ],
))

HOMEBREW.append(question(
    "hop-storage",
    "How long do vacuum-sealed hop pellets keep in the freezer?",
    """I bought a 1 kg bag of Cascade pellets that I split into 100 g vacuum-sealed bags and put in the freezer. It will take me a couple of years to use them all.

How fast do frozen hops lose alpha acids and aroma, and is there a point where I should throw them out?""",
    "hops storage", 5,
    [],
))

# ---------------------------------------------------------------------- gardening

GARDENING.append(question(
    "blossom-end-rot",
    "Black, leathery patches on the bottom of my tomatoes",
    """My paste tomatoes (Roma) in containers are developing sunken black patches on the blossom end of the fruit, even on green ones. The plants themselves look healthy.

A neighbour told me to crush eggshells into the pots for calcium. Will that help, or is something else going on?""",
    "tomatoes containers calcium", 18,
    [
        answer("""That is blossom end rot. It is a calcium deficiency in the fruit, but it is rarely caused by a lack of calcium in the soil. Calcium moves in the water stream of the plant, so when watering is irregular and the pot dries out, the fast-growing fruit tip misses out.

The extension fact sheet on [blossom end rot](https://hortextension.example.org/factsheets/blossom-end-rot-tomatoes-peppers) recommends consistent watering and mulch, not added calcium. Eggshells break down far too slowly to make any difference this season. Containers dry out quickly in summer, so you may need to water daily. Pick and discard the affected fruit; later trusses usually come good.""", 22, accepted=True),
        answer("""Paste tomatoes are more susceptible than round ones. Also avoid heavy nitrogen feeding, which pushes leaf growth that competes with the fruit for calcium.""", 7),
    ],
))
PAGES += [
    page("https://hortextension.example.org/factsheets/blossom-end-rot-tomatoes-peppers", "Blossom end rot of tomatoes and peppers", "2019-07-02", """
Blossom end rot is a disorder, not a disease, of tomato, pepper, squash and watermelon fruit. A small water-soaked spot appears at the blossom end, the end opposite the stem, and enlarges into a sunken, leathery patch that turns dark brown or black. Secondary moulds often grow on the damaged tissue.

## Cause

The disorder results from too little calcium reaching the developing fruit. Calcium moves through the plant with the water drawn up by transpiration, and most of that water goes to the leaves rather than the fruit. When soil moisture fluctuates, the fruit tip, which grows fastest, runs short of calcium and its cells collapse.

Most garden soils contain enough calcium. A soil test will tell you if yours does not. Adding calcium to a soil that already has enough does not prevent the problem.

## Management

- Water deeply and regularly so that the soil stays evenly moist. Plants in containers may need water every day in hot weather.
- Mulch to reduce evaporation and temperature swings.
- Avoid heavy applications of high-nitrogen or ammonium fertilisers.
- Do not cultivate deeply near the plants, which damages roots.
- Lime only if a soil test shows low pH or low calcium.

Crushed eggshells release calcium too slowly to help the current crop. Calcium sprays on the leaves have given inconsistent results, because little of the calcium moves from the leaves to the fruit.

Affected fruit will not recover. Remove it; fruit that set later usually develop normally once watering is even.
""", "cited-full"),
]

GARDENING.append(question(
    "tomato-lower-leaves",
    "Lower leaves on my tomato plants turn yellow with brown rings",
    """About a month after planting out, the lowest leaves on several tomato plants started turning yellow. Now there are brown spots with concentric rings, like a target, and the yellowing is moving up the plant.

Is this a nutrient deficiency or a disease? What can I do without spraying fungicides?""",
    "tomatoes diseases fungus", 11,
    [
        answer("""Brown spots with target-like rings on the oldest leaves are the classic sign of early blight (*Alternaria*). A deficiency would give more uniform yellowing without distinct spots.

The Plant Disease Clinic has a good page on [early blight of tomato](https://plantclinic.example.net/diseases/early-blight-tomato) with photos. Without fungicides: remove the affected lower leaves, mulch so rain does not splash soil spores onto the plant, water at the base in the morning, and stake or prune for air flow. Rotate tomatoes to a new bed next year.""", 14, accepted=True),
        answer("""If it is only yellowing without spots, it can simply be nitrogen moving from old leaves to new growth: see this page on [nitrogen deficiency symptoms](https://soilsense.example.com/blog/nitrogen-deficiency-in-vegetables).""", 4),
    ],
))
PAGES += [
    page("https://plantclinic.example.net/diseases/early-blight-tomato", "Early blight of tomato", "2020-05-20", """
Early blight, caused by the fungus Alternaria solani and related species, is one of the most common diseases of tomatoes in home gardens. Despite its name, it usually appears once plants are carrying fruit, in warm, humid weather.

## Symptoms

The first spots appear on the oldest, lowest leaves. They are dark brown, up to about a centimetre across, and have concentric rings that give a target or bullseye pattern. The tissue around the spots turns yellow, and badly affected leaves die and drop. The disease moves up the plant. Dark sunken lesions can also form on stems and at the stem end of fruit.

## How it spreads

The fungus survives on infected plant debris in the soil and on volunteer tomatoes and potatoes. Spores are splashed onto the lower leaves by rain and irrigation, and spread further by wind. Leaves that stay wet for long periods are most at risk.

## Management without chemicals

- Remove and dispose of infected lower leaves as soon as spots appear.
- Mulch the soil to stop spores splashing up.
- Water at the base of the plant, in the morning, so leaves dry quickly.
- Stake, cage or prune plants to improve air movement.
- Rotate: do not plant tomatoes, potatoes, peppers or aubergines in the same bed for three years.
- Choose varieties with tolerance to early blight.

Copper and other fungicides can slow the disease but must be applied before it is widespread. Early blight is different from late blight, which causes large greasy grey-green patches and can kill plants within days.
""", "cited-full"),
    page("https://soilsense.example.com/blog/nitrogen-deficiency-in-vegetables", "Reading the leaves: nitrogen deficiency in vegetables", "2018-04-15", """
Nitrogen is the nutrient vegetables use in the largest amounts, and its deficiency is the most common one gardeners see. Learning to recognise it saves a lot of guesswork.

## The telltale pattern

Nitrogen is mobile inside the plant. When supply runs short, the plant moves nitrogen out of its older leaves into new growth. The result is uniform pale green to yellow colour starting on the lowest, oldest leaves, while the young leaves at the top stay green. Growth slows, and stems may be thin and reddish in tomatoes and brassicas. There are no spots or rings; spotting points to disease instead.

By contrast, deficiencies of immobile nutrients such as iron and calcium show up first on the youngest leaves.

## Causes

- Sandy soils from which nitrate has leached after heavy rain.
- Fresh wood chips or sawdust dug into the soil, which lock up nitrogen while they decompose.
- Cold, waterlogged soil, which slows the microbes that release nitrogen from organic matter.

## Fixing it

A side-dressing of a nitrogen fertiliser, a liquid feed or well-rotted manure usually greens plants within a week or two. Blood meal and fish emulsion work quickly; compost works slowly but builds the soil. Avoid overdoing it with fruiting crops: too much nitrogen gives lush leaves and fewer flowers.

A soil test once every few years tells you what your soil actually needs.
""", "cited-partial"),
]

GARDENING.append(question(
    "hydrangea-blue",
    "How do I turn my pink hydrangea blue?",
    """I have a bigleaf hydrangea (Hydrangea macrophylla) that flowered blue the year I bought it and has been pink ever since. I would like it blue again.

I have heard about burying rusty nails and coffee grounds. What actually works, and how long does it take?""",
    "hydrangea soil-ph flowers", 15,
    [
        answer("""The colour depends on aluminium being available to the plant, which happens in acidic soil. Nurseries often grow them blue in acidic compost; once planted in neutral or alkaline garden soil, they go pink.

This page on [changing hydrangea flower colour](https://gardenhelp.example.org/advice/hydrangea-flower-colour) explains the method: test the soil pH, aim for 5.0-5.5, apply sulfur to lower the pH and aluminium sulfate to supply aluminium, and water with rainwater if your tap water is hard. Expect it to take a season or two. Rusty nails supply iron, not aluminium, so they do nothing for colour.""", 19, accepted=True),
        answer("""Note that white-flowered varieties stay white whatever you do. Only pink and blue types change.""", 8),
    ],
))
PAGES += [
    page("https://gardenhelp.example.org/advice/hydrangea-flower-colour", "Changing the flower colour of hydrangeas", "2018-05-30", """
The flowers of bigleaf and mountain hydrangeas (Hydrangea macrophylla and H. serrata) can be blue, pink or an in-between mauve depending on the soil. White varieties are not affected.

## Why the colour changes

The pigment in the sepals, delphinidin, turns blue when it binds aluminium. Aluminium is only soluble enough for the plant to take up when the soil is acidic, roughly below pH 5.5. In neutral or alkaline soil the aluminium is locked up and the flowers are pink. Phosphorus also binds aluminium, so heavy phosphate feeding can turn flowers pink even in acid soil.

## Getting blue flowers

- Test the soil pH first. If it is above 6.5, lowering it enough may be impractical, and growing in a container of ericaceous compost is easier.
- Lower the pH with garden sulfur, applied in autumn or early spring, following the rate for your soil type.
- Apply aluminium sulfate, dissolved in water, to the root zone several times during the growing season.
- Water with rainwater where tap water is hard, because the lime in it raises pH.
- Use a fertiliser low in phosphorus.

Changes take time. Expect mixed colours the first year and the full effect the following season.

## Getting pink flowers

Raise the pH to 6.0-6.5 with ground limestone and use a fertiliser with more phosphorus.

Home remedies such as rusty nails, tea leaves and coffee grounds have little or no reliable effect.
""", "cited-full"),
]

GARDENING.append(question(
    "squash-powdery-mildew",
    "White powder on my courgette leaves every August",
    """Every year my courgette (zucchini) and pumpkin plants get white powdery patches on the leaves from about August. The leaves then turn yellow and die, and the plants stop producing.

Can I prevent this? I have seen milk sprays recommended online. Do they work?""",
    "squash zucchini powdery-mildew organic", 13,
    [
        answer("""That is powdery mildew, and on cucurbits in late summer it is almost inevitable. Unlike most fungal diseases it does not need wet leaves; it thrives in warm days, cool nights and dry soil.

The [powdery mildew fact sheet](https://plantclinic.example.net/diseases/powdery-mildew-cucurbits) covers the options: resistant varieties (marked PM or 'powdery mildew resistant'), good spacing, keeping the plants well watered, and removing the worst leaves. Milk sprays have some trial evidence behind them on courgettes when started early and repeated weekly, as do potassium bicarbonate sprays. They slow it down rather than cure it.""", 15, accepted=True),
        answer("""Sow a second batch of courgettes in early July. By the time the first plants are covered in mildew the new ones are producing.""", 9),
    ],
))
PAGES += [
    page("https://plantclinic.example.net/diseases/powdery-mildew-cucurbits", "Powdery mildew on squash, courgettes and pumpkins", "2019-08-11", """
Powdery mildew is the most common leaf disease of cucurbits. Several fungi cause it, most often Podosphaera xanthii. It appears as white, talc-like spots on the upper and lower leaf surfaces that spread until leaves are covered. Affected leaves yellow, brown and die early, exposing fruit to sunscald and shortening the harvest.

## Conditions that favour it

Unlike most fungal diseases, powdery mildew does not need water on the leaf to infect. It is favoured by dense plantings, shade, high humidity at night and moderate temperatures. In many regions it appears reliably from midsummer. Plants under drought stress are more susceptible.

## Prevention

- Grow resistant varieties. Seed catalogues mark them with PM or powdery mildew resistance codes.
- Space plants generously and plant in full sun.
- Water regularly at the base of the plants.
- Remove badly infected leaves to slow spread, and clear all plant debris at the end of the season.

## Sprays

Protectant sprays work best when started at the first sign of infection and repeated every 7-10 days.

- Potassium bicarbonate products are approved for organic growing.
- Sulfur is effective but can scorch cucurbit leaves in hot weather.
- Diluted milk, typically one part milk to two to nine parts water, reduced mildew in several small trials on courgettes and pumpkins, though results vary.
- Horticultural oils and neem oil also suppress it; do not combine oils with sulfur.

No spray will clear established infections. The goal is to keep enough healthy leaf to ripen the crop.
""", "cited-full"),
]

GARDENING.append(question(
    "climbing-rose-no-flowers",
    "My climbing rose grows long canes but hardly flowers",
    """I planted a climbing rose against a fence three years ago. It now sends up vigorous canes over 3 metres long, but only produces a handful of flowers at the very top.

I prune it hard every winter like my bush roses. Is that the problem?""",
    "roses pruning climbers", 10,
    [
        answer("""Yes, that is very likely the problem. Climbing roses flower on short side shoots (laterals) that grow from the main canes. Cutting the canes back every winter removes the wood that would flower.

This guide to [pruning climbing roses](https://gardenhelp.example.org/advice/pruning-climbing-roses) explains the right approach: keep the long canes, tie them in as close to horizontal as you can, and in winter shorten only the side shoots to two or three buds. Bending the canes sideways encourages flowering shoots all along their length instead of only at the tip.""", 12, accepted=True),
    ],
))
PAGES += [
    page("https://gardenhelp.example.org/advice/pruning-climbing-roses", "Pruning and training climbing roses", "2017-11-20", """
Climbing roses are pruned differently from bush roses. Treating them the same way, by cutting back all growth in winter, is the most common reason for a climber that grows strongly but barely flowers.

## How climbers flower

Climbers produce long, stiff main canes. Flowers are carried on shorter side shoots, called laterals, that grow from buds along these canes. A cane that grows straight up tends to produce laterals only near its tip. A cane trained close to horizontal breaks buds along its whole length and flowers much more freely.

## Training

Tie in new canes as they grow, fanning them out along wires or a trellis and bending them towards the horizontal. On a pillar or post, wind them in a spiral. Use soft ties that will not cut into the stems.

## Pruning

Prune in late winter or early spring while the plant is dormant.

- Remove dead, damaged and diseased wood.
- Shorten the laterals that flowered last year to two or three buds from the main cane.
- Once the plant is established, remove one or two of the oldest, least productive canes at the base each year, and tie in vigorous new canes to replace them.
- Do not shorten healthy main canes unless they have outgrown their space.

## Ramblers

Rambling roses are pruned differently again: they flower once a year on wood made the previous summer, and are pruned just after flowering.

Newly planted climbers need no pruning for their first two years beyond removing damaged wood.
""", "cited-full"),
]

GARDENING.append(question(
    "moss-shady-lawn",
    "Moss is taking over the shady side of my lawn",
    """The north side of my lawn, under a big maple, is now more moss than grass. Every spring I rake out the moss and reseed, and by the next year it is back.

How do I get rid of the moss for good?""",
    "lawn moss shade", 9,
    [
        answer("""Moss does not push grass out; it fills in where grass is failing. Under a maple on the north side, the grass is short of light and water and the soil is likely compacted and acidic. Until you change those conditions, the moss will keep returning.

[This Lawn Lab article on moss](https://lawnlab.example.org/moss-in-lawns-causes-and-cures) lists the causes and fixes: raise the tree canopy, aerate, check pH, switch to a shade-tolerant grass such as fine fescue, and mow higher. In deep shade, a mulched bed or shade-loving ground cover is often the more honest answer.""", 11, accepted=True),
        answer("""Iron sulfate kills moss quickly and turns it black, but it is a cosmetic fix unless you deal with the shade. If you reseed, use a proper shade mix; [this article on overseeding shady lawns](https://lawnlab.example.org/overseeding-shady-lawns) explains which grasses cope.""", 3),
    ],
))
PAGES += [
    page("https://lawnlab.example.org/moss-in-lawns-causes-and-cures", "Moss in lawns: causes and cures", "2020-03-08", """
Moss in a lawn is a symptom, not a cause. Mosses are opportunists that cannot compete with healthy turf, but they thrive where grass struggles. Killing the moss without changing the conditions that weakened the grass gives you a bare patch that fills with moss again.

## What weakens grass

- Shade. Most lawn grasses need at least four hours of direct sun. Under trees and on north-facing slopes, grass thins out.
- Compaction and poor drainage, which keep the surface wet and starve roots of air.
- Acidic soil, below about pH 5.5.
- Low fertility, and mowing too short, which weakens grass and lets light reach the soil surface.

## What to do

Remove the moss by raking or scarifying in early autumn or spring. Moss killers based on iron sulfate blacken the moss within days and make raking easier.

Then tackle the causes. Thin the tree canopy by removing lower branches to let in more light. Aerate compacted areas with a hollow-tine aerator. Test the pH and lime only if it is low. Overseed with a shade-tolerant mixture, typically fine fescues, and raise the mowing height to 5-7 cm in shaded areas. Feed in autumn.

## Knowing when to stop

In deep shade, no lawn grass will thrive. A bed of shade-loving ground cover, a woodland planting or a mulched area is a better answer than an annual fight. Some gardeners simply accept the moss: it is green, soft and needs no mowing.
""", "cited-full"),
]

GARDENING.append(question(
    "compost-ammonia",
    "My compost bin smells of ammonia and is slimy",
    """I started a plastic compost bin in spring and fill it mostly with grass clippings and kitchen scraps. It has turned into a wet, slimy mass that smells strongly of ammonia.

What have I done wrong and how do I rescue it?""",
    "compost soil", 12,
    [
        answer("""Too much nitrogen-rich green material and not enough carbon-rich brown material. Grass clippings are very high in nitrogen and pack down into a wet mat with no air; the excess nitrogen escapes as ammonia.

Fix it by mixing in plenty of dry browns: shredded cardboard, dry leaves, straw or wood chips. The guide to [balancing greens and browns](https://soilsense.example.com/blog/compost-carbon-nitrogen-ratio) suggests roughly two to three parts brown to one part green by volume, and turning the heap to let air in.""", 14, accepted=True),
        answer("""Leave the grass clippings on the lawn instead ([grasscycling](https://lawnlab.example.org/grasscycling-leave-the-clippings)), or let them dry for a day before adding to the bin.""", 5),
    ],
))
PAGES += [
    page("https://soilsense.example.com/blog/compost-carbon-nitrogen-ratio", "Greens and browns: getting the compost balance right", "2019-04-21", """
A compost heap is a population of microbes, and like any population it needs a balanced diet: carbon for energy and nitrogen for protein. Gardeners talk about browns (carbon-rich) and greens (nitrogen-rich).

## Browns and greens

- Browns: dry leaves, straw, shredded cardboard and paper, wood chips, sawdust, dead stems.
- Greens: grass clippings, kitchen scraps, coffee grounds, fresh plant trimmings, manure.

Microbes work fastest at a carbon to nitrogen ratio of about 25-30 to 1. Because browns are much higher in carbon than greens, that works out at roughly two to three buckets of browns for every bucket of greens.

## Signs of imbalance

Too many greens: the heap turns wet, slimy and compacted, and smells of ammonia or rotten eggs. Nitrogen is lost to the air as ammonia, and the lack of air lets anaerobic bacteria take over. Grass clippings are the usual culprit.

Too many browns: the heap stays dry and cool and barely changes for months.

## Rescuing a smelly heap

Fork it out, mix in generous amounts of shredded cardboard or dry leaves, and rebuild it in layers, breaking up clumps of clippings. Turn it every week or two to let air in. The smell usually fades within days.

## Moisture

A working heap should be as damp as a wrung-out sponge. Add water to dry browns as you build, and cover the heap in heavy rain. Turning speeds everything up, but a balanced heap left alone still makes compost, only more slowly.
""", "cited-full"),
]

GARDENING.append(question(
    "fiddle-leaf-drop",
    "Fiddle leaf fig dropping leaves after moving house",
    """My fiddle leaf fig (Ficus lyrata), about 1.5 m tall, has dropped eight big leaves in the three weeks since we moved. Some leaves have brown patches spreading from the edges and the middle. It now stands about 3 m from a west-facing window.

I water it once a week with about a litre. Is it the move, the light or the watering?""",
    "houseplants ficus watering", 8,
    [
        answer("""Fiddle leaf figs hate change, so some leaf drop after a move is expected. But brown patches in the middle of the leaf, rather than crispy edges, often point to overwatering and root rot, especially with less light than before: at 3 m from the window it uses far less water than it did.

This article on [why fiddle leaf figs drop leaves](https://houseplant-journal.example.com/fiddle-leaf-fig-leaf-drop) walks through the diagnosis. Check the roots: firm and white is healthy, brown and mushy is rot. Water only when the top 5 cm of compost is dry, and move it within a metre of the window.""", 9, accepted=True),
        answer("""If the roots turn out to be rotten, you will need to repot. Do it carefully, because repotting is a shock of its own; [these notes on repotting houseplants](https://houseplant-journal.example.com/repotting-houseplants-without-shock) cover it.""", 3),
    ],
))
PAGES += [
    page("https://houseplant-journal.example.com/fiddle-leaf-fig-leaf-drop", "Why is my fiddle leaf fig dropping leaves?", "2021-01-17", """
Fiddle leaf figs (Ficus lyrata) have a reputation as dramatic houseplants. They are not especially fragile, but they respond to change by shedding leaves, and the pattern of damage usually tells you what is wrong.

## Change of place

Moving the plant, even to another room, changes the light it receives. Figs often drop a few lower leaves in the weeks after a move while they adjust. If new leaves keep coming at the top, there is no need to worry.

## Too much water

Overwatering is the most common killer. Signs are dark brown patches that appear in the middle of the leaf or spread from the edges, often with yellowing, and lower leaves falling. The potting mix stays wet for a week or more. Check the roots: healthy roots are firm and pale, rotten ones are brown, soft and smell bad. Cut away rotten roots and repot into fresh, free-draining mix in a pot with drainage holes.

## Too little water

Underwatering gives light brown, crispy edges and drooping leaves, with dry compost pulling away from the pot.

## Light

These plants need bright light, ideally some direct sun, within a metre or so of a large window. In dim corners, they grow slowly, use little water and are easily overwatered.

## Watering rhythm

Water thoroughly when the top 5 cm of mix is dry, then let it drain. Water less in winter. A fixed weekly schedule ignores changes in light and season and causes most problems.
""", "cited-full"),
]

GARDENING.append(question(
    "leggy-seedlings",
    "Tomato seedlings are tall, thin and falling over",
    """I started tomato and pepper seeds on a windowsill in March. They came up quickly but are now 10 cm tall with thin pale stems and tiny leaves, and several have flopped over.

Are they salvageable? What should I do differently next year?""",
    "seedlings seed-starting lighting tomatoes", 10,
    [
        answer("""They are leggy from lack of light. Seedlings stretch towards the light when it is too weak, and a windowsill in March is nowhere near bright enough. Warmth makes it worse because it speeds growth without the light to support it.

See [this guide to leggy seedlings](https://greenthumb-supply.example.com/learn/leggy-seedlings-causes-fixes). Tomatoes can be rescued: repot them deeper, burying the stem up to the first leaves, because tomatoes root along buried stems. Peppers cannot be buried in the same way. Next year, use a simple LED grow light 10-20 cm above the seedlings for 14-16 hours a day, and keep them a little cooler once they have germinated.""", 13, accepted=True),
        answer("""A small fan blowing gently on them makes stems sturdier too. If you buy a light, [this guide to LED grow lights](https://greenthumb-supply.example.com/learn/choosing-led-grow-lights) explains what the numbers on the box mean.""", 4),
    ],
))
PAGES += [
    page("https://greenthumb-supply.example.com/learn/leggy-seedlings-causes-fixes", "Leggy seedlings: causes and fixes", "2022-02-14", """
Leggy seedlings have long, thin, pale stems with widely spaced leaves, and often flop over. It is one of the most common problems when starting seeds indoors, and it is almost always about light.

## Why seedlings stretch

Seedlings that sense too little light put their energy into growing taller to reach it. A south-facing windowsill in late winter provides a fraction of the light of a summer day outdoors, and the light comes from one side. Warm rooms make things worse, since warmth speeds up growth that the light cannot support.

## Prevention

- Use grow lights. Inexpensive LED shop lights or panels work well. Keep them 10-20 cm above the seedlings and raise them as the plants grow.
- Give 14-16 hours of light a day, using a timer.
- After germination, move seedlings somewhere cooler, around 16-18 °C.
- Brush your hand over the tops of the seedlings daily, or run a small fan. Movement makes stems thicker.
- Do not sow too early. Seedlings that wait weeks for planting weather become leggy even under good light.

## Rescuing leggy seedlings

Tomatoes, and to some extent brassicas, can be repotted deeper with the stem buried up to the seed leaves; tomatoes grow new roots along the buried stem. Most other seedlings, including peppers, do not tolerate deep planting. Give them more light immediately, and stake floppy ones with a small stick.

We stock LED seedling lights, timers and heat mats in our seed starting range.
""", "cited-full"),
]

GARDENING.append(question(
    "raised-bed-fill",
    "What should I fill a new raised bed with?",
    """I built a raised bed 2.4 m by 1.2 m and 45 cm deep for vegetables. Bagged raised-bed mix would cost a fortune at that volume.

Can I fill the bottom with logs and branches and top it with soil? What mix of topsoil and compost is good for vegetables?""",
    "raised-beds soil vegetables", 14,
    [
        answer("""Filling the bottom with logs and branches is a form of hugelkultur, and it works in a deep bed. The wood holds moisture as it rots. The catch is that the bed sinks as the wood decays, and the decomposing wood can tie up nitrogen, so keep at least 30 cm of good soil on top.

For the soil itself, [this article on raised bed soil](https://soilsense.example.com/blog/raised-bed-soil-mix) suggests a blend of about 60% screened topsoil and 40% compost, bought loose by the cubic metre, which is far cheaper than bags.""", 10),
        answer("""Don't put weed-killer-treated grass or manure from horses grazing on treated pasture in it. Some herbicides survive composting and damage tomatoes and beans.""", 7),
    ],
))
PAGES += [
    page("https://soilsense.example.com/blog/raised-bed-soil-mix", "What to put in a raised bed", "2020-04-05", """
A raised bed is only as good as what you put in it. The good news is that you do not need an expensive bagged mix for large beds.

## A simple, reliable blend

For vegetables, a mix of roughly 60% screened topsoil and 40% well-rotted compost by volume works well in most climates. Topsoil gives structure and holds nutrients; compost adds organic matter, life and slow-release nutrients. Buying both loose by the cubic metre from a landscape supplier is far cheaper than bags. Ask for screened topsoil from a known source, free of perennial weed roots.

A bed 2.4 by 1.2 metres and 30 cm deep holds about 0.86 cubic metres, so plan for a little extra to allow for settling.

## What to avoid

- Pure compost. It shrinks a lot, can be too rich in salts and dries out quickly.
- Garden soil dug from clay, which compacts in a bed.
- Peat-based potting mixes on their own, which are expensive and hard to re-wet.

## Top up every year

Organic matter breaks down, so the level drops by a few centimetres each season. Add 3-5 cm of compost each spring.

## Depth

Most vegetables root happily in 30 cm of good soil, especially if the ground beneath has been loosened. Deeper beds are easier on the back. Some gardeners fill the bottom of very deep beds with logs or coarse organic material; this saves soil but the surface will settle as it decays.

Test the pH after the first season; most vegetables like 6.0-7.0.
""", "cited-partial"),
]

GARDENING.append(question(
    "garlic-planting",
    "When should I plant garlic, and can I use garlic from the supermarket?",
    """I'd like to grow garlic for the first time. I live in a place with cold winters, usually with snow from December to March.

When is the right time to plant, how deep, and is supermarket garlic OK to plant?""",
    "garlic planting alliums", 16,
    [
        answer("""In cold-winter areas, plant in autumn, roughly two to four weeks before the ground freezes. The cloves need a period of cold to form bulbs, and an autumn start gives them time to root.

This [garlic growing guide](https://hortextension.example.org/factsheets/growing-garlic) covers the details: plant individual cloves pointed end up, 5 cm deep, 15 cm apart, and mulch heavily after the ground starts to freeze. Supermarket garlic is often a softneck type grown in a mild climate, may have been treated to stop sprouting, and can carry disease. Buy seed garlic from a local supplier; hardneck varieties are the better choice where winters are cold.""", 18, accepted=True),
    ],
))
PAGES += [
    page("https://hortextension.example.org/factsheets/growing-garlic", "Growing garlic in the home garden", "2018-09-04", """
Garlic is one of the easiest crops for home gardeners, provided it is planted at the right time. It is grown from individual cloves, each of which develops into a new bulb.

## Types

Hardneck garlic produces a flowering stalk, called a scape, and usually has fewer, larger cloves. It is very cold hardy and is the best choice in regions with severe winters. Softneck garlic does not usually form a scape, stores longer and is preferred in mild climates.

## When to plant

Garlic needs a period of cold, about 0-10 °C for several weeks, to form proper bulbs. In cold-winter regions, plant in autumn, two to four weeks before the soil freezes, so the cloves can grow roots but little top growth. In mild regions, plant in late autumn or early winter. Spring-planted garlic often forms small, single-clove bulbs.

## How to plant

- Break bulbs into cloves just before planting and use the largest ones.
- Plant cloves pointed end up, 5 cm deep, 15 cm apart in rows 30 cm apart.
- After the ground begins to freeze, mulch with 10-15 cm of straw or shredded leaves. Pull some back in spring once growth starts.

## Seed stock

Use certified seed garlic from a garden supplier. Supermarket garlic may be a variety unsuited to your climate, may be treated with a sprout inhibitor, and can introduce diseases and pests such as white rot and nematodes.

## Harvest

Harvest in summer when about half the leaves have browned. Cure the bulbs in a dry, airy place for two to three weeks.
""", "cited-full"),
]

GARDENING.append(question(
    "blueberry-yellow",
    "Blueberry leaves yellow with green veins, few berries",
    """I planted two blueberry bushes in my ordinary garden soil two years ago. They have barely grown, the new leaves are yellow with green veins, and I got about a dozen berries.

Other plants in that bed grow fine. What is wrong with the blueberries?""",
    "blueberries soil-ph fruit", 11,
    [
        answer("""Yellow leaves with green veins on new growth is iron chlorosis, and on blueberries it almost always means the soil pH is too high. Blueberries need acidic soil, pH 4.5-5.5. In neutral soil they cannot take up iron even when it is there.

The fruit growers' wiki has a good page on [soil pH for blueberries](https://fruitgrowers.example.org/wiki/Blueberry_soil_pH). Test the soil first. If it is around 7, lowering it with sulfur takes a year or more, and in alkaline soil it rarely lasts; many people move blueberries to large containers or raised beds of ericaceous compost instead. Also water with rainwater if your tap water is hard.""", 12, accepted=True),
        answer("""You need two different varieties for good pollination, too, so check your two bushes are not the same cultivar.""", 3),
    ],
))
PAGES += [
    page("https://fruitgrowers.example.org/wiki/Blueberry_soil_pH", "Blueberry soil pH", "2021-03-22", """
Highbush and lowbush blueberries are members of the heath family and, like rhododendrons and heathers, are adapted to acidic soils. Soil pH is the single most important factor in growing them successfully.

## Target range

Blueberries grow best at a soil pH of 4.5 to 5.5. Above about 5.5 growth slows, and above 6.0 plants often fail.

## Symptoms of high pH

In soil that is not acidic enough, blueberries cannot take up iron and manganese. New leaves turn yellow while the veins stay green, a pattern called interveinal chlorosis. Growth is weak, leaves may redden early, and yields are poor. Other garden plants in the same soil may look healthy, because most tolerate a wider pH range.

## Lowering pH

Test the soil before planting. Elemental sulfur is the standard amendment; soil bacteria convert it to sulfuric acid over several months. The amount depends on the starting pH and the soil texture: sandy soils need less, clay soils more. Mix it in a year before planting if possible. Aluminium sulfate acts faster but can harm roots in large doses.

Adding peat and pine bark mulch helps keep the root zone acidic. Hard tap water contains lime that raises pH over time, so use rainwater where you can.

## When soil is alkaline

On chalky or limestone soils, lowering the pH is a constant struggle. Growing blueberries in large containers or raised beds filled with ericaceous compost is more reliable.

Iron chelate sprays can green up leaves temporarily but do not solve the underlying problem.
""", "cited-full"),
]

GARDENING.append(question(
    "apple-no-fruit",
    "Young apple tree flowers well but sets almost no fruit",
    """I have a five-year-old 'Bramley' apple tree in my back garden. It flowers heavily every spring, but only a handful of apples develop, and most drop in June.

There are no other apple trees in my garden. Could it be a pollination problem?""",
    "apple-trees pollination fruit-trees", 9,
    [
        answer("""Very likely. Bramley is a triploid: its pollen is almost sterile, so it cannot pollinate itself or other trees, and it needs a partner. In fact it needs two, since the partner must also be pollinated.

The wiki page on [apple pollination groups](https://fruitgrowers.example.org/wiki/Apple_pollination_groups) explains how to choose: pick diploid varieties that flower at the same time, in the same or an adjacent pollination group. A crab apple also works. Check the neighbourhood first; trees within about 100 m may already be doing the job if bees are around.""", 10, accepted=True),
        answer("""Some June drop is normal even in a well-pollinated tree, because it sheds fruit it cannot support. But losing nearly all of them suggests poor pollination or frost at blossom time.""", 5),
    ],
))
PAGES += [
    page("https://fruitgrowers.example.org/wiki/Apple_pollination_groups", "Apple pollination groups", "2020-10-10", """
Most apple varieties are not self-fertile. To set a good crop, their flowers need pollen from a different variety that blooms at the same time, carried by bees and other insects.

## Pollination groups

Nurseries assign varieties to flowering groups, usually numbered or lettered from early to late. A variety is best pollinated by another variety in the same group, and usually also by one in the group immediately before or after, because their flowering periods overlap.

## Diploids and triploids

Most apples are diploid and produce plenty of viable pollen. Some well-known varieties, including Bramley's Seedling, Jonagold and Gravenstein, are triploid. Their pollen is poor, so they cannot pollinate other trees. A triploid needs a diploid partner, and that partner needs another diploid to pollinate it in turn, so a triploid is best planted with two diploids.

## Self-fertile varieties

A few varieties, such as some forms of Cox and many modern cultivars, are partly self-fertile. Even these crop better with a partner.

## Crab apples and neighbours

Ornamental crab apples are excellent pollinators because they flower over a long period. Trees in neighbouring gardens, within about 100 metres, can provide pollen too.

## Other reasons for poor fruit set

Late frost during flowering kills blossom. Cold, wet and windy weather keeps bees from flying. Trees that cropped very heavily one year may flower poorly the next, a habit called biennial bearing. Some shedding of small fruitlets in early summer, the June drop, is normal.
""", "cited-full"),
]

GARDENING.append(question(
    "knotweed",
    "How do I get rid of Japanese knotweed in my garden?",
    """I have just found a patch of what I am fairly sure is Japanese knotweed (bamboo-like red-speckled stems, shield-shaped leaves) along the back fence, spreading from the neighbour's side.

Can I dig it out myself? What is the most effective way to kill it?""",
    "invasive-species weeds", 17,
    [
        answer("""Do not dig it out or cut it and leave the pieces around. The rhizomes go down two metres and spread several metres sideways, and fragments the size of a fingernail can regrow. In some countries, moving the soil or cut stems off your property is regulated.

The [Invasive Species Council guidance](https://invasives.example.org/species/japanese-knotweed-control) is the most thorough I have seen: repeated glyphosate treatment in late summer or autumn, when the plant moves sugars down to the roots, over three or more years, or stem injection near water. Coordinate with your neighbour, because treating only your side just pushes it back later.""", 20, accepted=True),
        answer("""For a small patch, covering it with heavy root barrier membrane and keeping it covered for several years can work without chemicals, but check the edges every few weeks.""", 6),
    ],
))
PAGES += [
    page("https://invasives.example.org/species/japanese-knotweed-control", "Japanese knotweed: identification and control", "2019-06-18", """
Japanese knotweed (Reynoutria japonica, also Fallopia japonica) is a vigorous perennial that spreads by underground rhizomes. Introduced as an ornamental, it now forms dense stands along rivers, roads and gardens in many countries, where it crowds out other plants and can damage paving and drains.

## Identification

Stems are hollow and bamboo-like, green with red or purple speckles, and grow up to 3 metres tall in a season. Leaves are broad, shield- or heart-shaped with a flat base, arranged in a zigzag pattern along the stem. Clusters of small creamy-white flowers appear in late summer. Stems die back to brown canes in winter.

## Why it is hard to control

The rhizomes can reach 2 metres deep and spread several metres sideways. A piece of rhizome a few grams in weight can grow into a new plant. Cutting, mowing or digging without removing all rhizome tends to spread it.

## Control options

- Herbicide. Glyphosate applied as a foliar spray in late summer to autumn, when the plant is translocating to its roots, is the most widely used method. Treatment must usually be repeated for three or more years. Stem injection reduces spray drift near water.
- Excavation. Complete removal by digging is possible but expensive, and the soil is treated as controlled waste in some jurisdictions.
- Covering with root barrier membrane can suppress small stands over several years.

## Legal points

In several countries it is an offence to allow knotweed to spread into the wild or to dispose of it with household waste. Check local rules, and work with neighbours where a stand crosses a boundary.
""", "cited-full"),
]

GARDENING.append(question(
    "aphids-roses",
    "Aphids all over my rose buds - organic control?",
    """Every spring the new shoots and buds of my roses get covered in green aphids. I don't want to use insecticides because I have a pond with frogs nearby.

What are my options?""",
    "roses aphids organic pest-control", 8,
    [
        answer("""Squash them by hand or knock them off with a strong jet of water every couple of days; it works better than you would think. Then give the predators time. Ladybirds, lacewings, hoverflies and small parasitic wasps usually arrive a week or two after the aphids and bring them under control.

[PestWise has a good article on aphid control without pesticides](https://pestwise.example.net/aphids-natural-control). The key point is not to spray anything, even soap, once the predators are there, because it kills them too. Go easy on nitrogen fertiliser, which produces the soft growth aphids love.""", 9, accepted=True),
        answer("""Learn to recognise ladybird larvae: they look like tiny grey and orange alligators and eat far more aphids than the adults. Many people squash them by mistake. [This page on the ladybird life cycle](https://pestwise.example.net/ladybird-life-cycle) has pictures of every stage.""", 6),
    ],
))
PAGES += [
    page("https://pestwise.example.net/aphids-natural-control", "Aphids: natural control without pesticides", "2021-04-25", """
Aphids are small, soft-bodied insects that suck sap from the tips of young shoots and flower buds. In spring their numbers can explode, because females give birth to live young without mating, and those young are themselves ready to reproduce within about a week.

## Damage

Heavy infestations distort young leaves and buds and weaken growth. Aphids excrete sticky honeydew, on which black sooty mould grows. Some species spread plant viruses. On established shrubs such as roses, however, the damage is mostly cosmetic.

## Let the predators work

Ladybird adults and larvae, lacewing larvae, hoverfly larvae and tiny parasitic wasps all feed on aphids. Predators arrive after their prey, so there is usually a lag of one to two weeks in spring when aphids seem to be winning. Mummified, bronze-coloured aphids are a sign that parasitic wasps are at work.

Any spray, including soft soap, oils and plant-based insecticides, kills beneficial insects as well. Avoid them if you want the natural balance to establish itself.

## What you can do

- Rub aphids off by hand, or blast them with a jet of water every few days.
- Avoid excess nitrogen fertiliser, which produces soft, sappy growth.
- Grow flowers with open, shallow blooms, such as yarrow, fennel and calendula, to feed adult hoverflies and parasitic wasps.
- Control ants, which protect aphid colonies from predators in exchange for honeydew.

If control is essential, soft soap or fatty-acid sprays act on contact and do not persist, but they must hit the aphids directly.
""", "cited-full"),
]

GARDENING.append(question(
    "clay-drainage",
    "Should I add sand to my heavy clay soil to improve drainage?",
    """My new garden is on heavy clay. After rain, water stands on the beds for days, and in summer the soil sets like concrete and cracks.

Someone at the garden centre suggested digging in a lot of sand. Others say gypsum. What actually works?""",
    "clay soil drainage soil-amendment", 13,
    [
        answer("""Don't add sand unless you can add an enormous amount. Small amounts of sand in clay can make something closer to concrete, because the fine clay particles fill the gaps between the sand grains.

[This article on improving clay soil](https://soilsense.example.com/blog/improving-clay-soil) explains what does work: organic matter, year after year. Spread compost, leaf mould or well-rotted manure as a thick mulch and let worms mix it in; avoid working the soil when it is wet; and use raised beds where water really pools. Gypsum only helps on sodic clay, which is uncommon in gardens outside dry regions.""", 15, accepted=True),
        answer("""If water stands for days, check whether there is a compacted layer from construction a spade's depth down. Breaking that up once with a fork can make a big difference.""", 6),
    ],
))
PAGES += [
    page("https://soilsense.example.com/blog/improving-clay-soil", "Improving clay soil: what works and what doesn't", "2018-10-28", """
Clay soils have a bad reputation, but they are often fertile, holding water and nutrients much better than sandy soils. Their problem is structure: the tiny, plate-like particles pack together, leaving few large pores for air and drainage. The aim is to build a crumbly structure rather than to change the soil's texture.

## Organic matter

Organic matter is the most reliable improver. As soil organisms break it down, they produce gums and fungal threads that glue clay particles into crumbs, and worms open up channels. Add compost, leaf mould, well-rotted manure or composted bark, ideally 5-10 cm a year, either dug in or spread as a mulch for worms to incorporate. Results build over several years.

## Sand: usually a mistake

Adding sand to clay only improves drainage if sand makes up more than about half of the final volume, which means huge quantities. Smaller amounts can leave the soil denser than before, as clay fills the spaces between the sand grains.

## Gypsum: only on some clays

Gypsum (calcium sulfate) helps on sodic clays, which are high in sodium and disperse into mud when wet. These are mainly found in dry regions and near the coast. Most garden clays are not sodic, and gypsum does little for them. A simple test is to drop a dry crumb of soil into distilled water: if the water around it turns cloudy within hours, the clay is dispersive.

## Good habits

Never dig or walk on clay when it is wet. Use raised beds or mounds for plants that need drainage. Grow green manures in winter to protect the surface.
""", "cited-full"),
]

GARDENING.append(question(
    "dahlia-tubers",
    "How do I store dahlia tubers over winter so they don't rot?",
    """Last year I lifted my dahlias after the first frost, put the tubers in a cardboard box in the garage, and by spring half were mushy and the rest had shrivelled to nothing.

What is the right way to store them?""",
    "dahlias overwintering bulbs", 7,
    [
        answer("""Two things went wrong at once: the ones that rotted were probably put away damp, and the ones that shrivelled dried out in open air. You want dry skins but moist insides.

This guide on [lifting and storing dahlia tubers](https://gardenhelp.example.org/advice/lifting-and-storing-dahlia-tubers) has the method I use: let the frost blacken the foliage, lift, wash and let the clumps dry upside down for a few days, then pack them in slightly moist peat-free compost, wood shavings or vermiculite in a box kept frost-free at about 4-8 °C. Check them monthly and remove any that soften.""", 8, accepted=True),
    ],
))
PAGES += [
    page("https://gardenhelp.example.org/advice/lifting-and-storing-dahlia-tubers", "Lifting and storing dahlia tubers", "2019-10-15", """
Dahlias are tender perennials. In mild regions with well-drained soil, they can stay in the ground under a thick mulch, but where winters are cold or soils are wet, the tubers are best lifted and stored indoors.

## When to lift

Wait until the first frost has blackened the foliage. This signals the plant to go dormant and helps the tubers mature. Cut the stems down to about 15 cm.

## Lifting and drying

Loosen the soil with a fork well away from the crown, then lift the whole clump carefully; the necks where tubers join the stem break easily. Shake off the soil or wash it off, and label each clump. Turn the clumps upside down in a dry, frost-free place for a few days so that water drains out of the hollow stems. Storing them wet is the main cause of rot.

## Storage

Pack the clumps in boxes or crates in a dry medium that holds a little moisture: peat-free compost, wood shavings, vermiculite or sand. Leave the crowns just showing. Store at 4-8 °C in a frost-free shed, garage or cellar.

Tubers stored too dry shrivel and die; those kept too warm and humid sprout early or rot. Check them once a month. Cut away any soft or mouldy parts and dust the cut with sulfur; lightly mist shrivelling tubers.

## In spring

Pot the tubers up in early spring under cover and plant out after the last frost. Large clumps can be divided, making sure each piece has a bit of the crown with an eye.
""", "cited-full"),
]

GARDENING.append(question(
    "bitter-cucumbers",
    "Why are my cucumbers bitter?",
    """This summer many of my cucumbers are so bitter they are inedible, especially near the stem end. Others from the same plants are fine.

We had a very hot, dry spell in July. Is that related? Can I do anything?""",
    "cucumbers vegetables watering", 9,
    [
        answer("""Yes, heat and drought are the usual trigger. The bitterness comes from cucurbitacins, compounds all cucurbits can make. Stressed plants make more of them, and they concentrate near the stem end and just under the skin.

See this [Plant Clinic page on bitter cucumbers](https://plantclinic.example.net/disorders/bitter-cucumbers). Keep the soil evenly moist and mulched, shade plants in extreme heat, and grow modern varieties labelled 'burpless' or bitter-free, which have been bred to produce little cucurbitacin. Peeling and cutting off the stem end removes most of it from the affected fruit.""", 11, accepted=True),
    ],
))
PAGES += [
    page("https://plantclinic.example.net/disorders/bitter-cucumbers", "Bitter cucumbers", "2020-08-03", """
Bitter cucumbers are a common complaint in hot summers. The bitterness is caused by cucurbitacins, a group of compounds produced by cucumbers and other members of the gourd family. In wild relatives, they protect the plant against herbivores. Cultivated varieties have been selected for low levels, but most can still produce them when stressed.

## Why fruit turn bitter

Cucurbitacin levels rise when plants are under stress. Common stresses are:

- Irregular watering and drought, especially during hot weather.
- Extreme heat or large swings between day and night temperatures.
- Low soil fertility or poor root health.

The compounds are concentrated at the stem end of the fruit and in and just beneath the skin. That is why the same cucumber can taste bitter at one end and mild at the other, and why peeling helps.

## Prevention

- Water regularly and deeply, and mulch to keep soil moisture even.
- Provide light shade in very hot spells.
- Grow varieties described as bitter-free or burpless. Some lack the ability to produce cucurbitacins in the fruit altogether; these also tend to be less attractive to cucumber beetles.

## Safety

Cucurbitacins are toxic in large amounts, but commercially grown and garden cucumbers rarely contain dangerous levels. An extremely bitter courgette or squash, however, can cause stomach upset and should not be eaten; this usually happens when seeds saved from plants that crossed with ornamental gourds are grown.

Bitterness does not spread to other fruit after picking, and cooking does not remove it.
""", "cited-full"),
]

GARDENING.append(question(
    "potted-lemon-yellow",
    "Potted lemon tree has yellow leaves and drops them in winter",
    """I keep a Meyer lemon in a 40 cm pot. It spends summer on the patio and winter indoors near a south window. Every winter it drops a lot of leaves, and many of the remaining ones are pale yellow, some with green veins.

I feed it with general houseplant fertiliser. What is it missing?""",
    "citrus containers fertilizer houseplants", 10,
    [
        answer("""Two separate things are going on. Leaf drop in winter is mostly the move indoors: less light, dry heated air and often overwatering, since the tree uses much less water. Some drop is almost unavoidable.

The yellowing with green veins is a nutrient problem, typically magnesium or iron. Citrus are heavy feeders and need a fertiliser with more nitrogen and added trace elements than general houseplant feeds. This [guide to feeding citrus in containers](https://greenthumb-supply.example.com/learn/feeding-citrus-in-pots) recommends a dedicated citrus feed, a summer and a winter formula, and Epsom salts if magnesium is short.""", 12, accepted=True),
        answer("""Cool it down in winter if you can. Citrus overwinter much better at 10-15 °C in bright light than in a warm living room. This article on [overwintering citrus indoors](https://fruitgrowers.example.org/wiki/Overwintering_citrus) explains why.""", 6),
    ],
))
PAGES += [
    page("https://greenthumb-supply.example.com/learn/feeding-citrus-in-pots", "Feeding citrus trees in pots", "2021-09-09", """
Lemons, limes, oranges and other citrus are hungry plants. In containers, where the roots can only reach a limited volume of compost and nutrients wash out every time you water, feeding is essential for dark green leaves and good fruit.

## What citrus need

Citrus need more nitrogen than most flowering houseplants, plus magnesium, iron, zinc and manganese. General-purpose liquid feeds are often too low in these trace elements.

## Summer and winter feeds

Specialist citrus fertilisers come in two formulas. The summer feed, used from spring to autumn while the tree is growing strongly, is high in nitrogen. The winter feed has a more balanced ratio to support flowering and fruit without forcing soft growth. Feed at every watering or weekly at the label rate, and reduce it when growth slows.

## Reading the leaves

- Uniformly pale or yellow older leaves: nitrogen deficiency.
- Yellow patches between the veins of older leaves, often an inverted green V at the base: magnesium deficiency. A solution of Epsom salts, about one teaspoon per litre, applied monthly helps.
- Yellow young leaves with sharply green veins: iron deficiency, often caused by hard water raising the compost pH.
- Small, narrow, mottled young leaves: zinc or manganese deficiency.

## Compost and water

Use a free-draining, slightly acidic compost made for citrus or a loam-based mix with added grit. Use rainwater if tap water is hard. Repot young trees every two to three years; for large specimens, replace the top few centimetres of compost each spring.

We stock citrus summer and winter feeds and citrus potting compost.
""", "cited-full"),
    page("https://fruitgrowers.example.org/wiki/Overwintering_citrus", "Overwintering citrus", "2022-10-02", """
In climates with frosty winters, citrus grown in containers are usually brought under cover for the cold months. How they are kept there decides whether they come through in good shape.

## Temperature

Most citrus prefer a cool rest in winter, around 10-15 °C. Lemons and calamondins tolerate a few degrees lower; limes are more tender and are best kept above 10 °C. In a cool, bright room the tree slows down, uses little water and holds its leaves.

## Light

Light is the limiting factor indoors. Give the tree the brightest spot available, such as a conservatory, an unheated sunroom or directly in front of a south-facing window. A warm, dim living room is the worst combination: warmth keeps the tree active while there is too little light to support it, and leaves are shed.

## Water and humidity

Water sparingly, only when the top few centimetres of compost are dry. Overwatering in winter is the main cause of root damage. Heated rooms have very dry air, which can cause leaf drop and encourages spider mites and scale insects; keep the tree away from radiators.

## Moving in and out

Bring trees inside before night temperatures fall below about 5 °C, and take them out again in late spring once frost has passed. Acclimatise them gradually in both directions by placing them in partial shade at first; sudden changes in light cause leaf drop and scorch.

## Pests

Check leaves regularly for scale insects, mealybugs and spider mites, which multiply fast indoors in winter.
""", "cited-partial"),
]

GARDENING.append(question(
    "dog-urine-lawn",
    "Brown spots with dark green rings on the lawn where the dog pees",
    """Since we got a female dog, our lawn is covered with round brown patches about 20-30 cm across, each with a ring of very lush dark green grass around it.

Is there anything I can put on the lawn, or a supplement for the dog, to stop this?""",
    "lawn dogs lawn-care", 12,
    [
        answer("""The brown centre is nitrogen burn: dog urine is concentrated urea, and in one spot it is like a large dose of fertiliser. The green ring is where it is diluted enough to act as a feed.

[Lawn Lab's article on dog urine spots](https://lawnlab.example.org/dog-urine-spots-on-lawns) covers what works: water the spot thoroughly soon after the dog goes, train her to use a mulched area, and reseed dead patches with a tougher grass such as perennial ryegrass or tall fescue. Supplements that claim to change urine pH are not supported by evidence, and some can harm dogs. Talk to a vet before trying them.""", 13, accepted=True),
        answer("""Make sure it really is the dog. Circular brown patches with a darker edge can also be a fungal disease. This page on [brown patch disease](https://plantclinic.example.net/diseases/brown-patch-turfgrass) shows the difference: urine spots have lush green grass around them, fungal patches don't.""", 5),
    ],
))
PAGES += [
    page("https://lawnlab.example.org/dog-urine-spots-on-lawns", "Dog urine spots on lawns", "2021-06-06", """
Round dead patches with a ring of extra-green grass are the classic mark of a dog on a lawn. Female dogs and males that squat are more likely to cause them, simply because they empty the bladder in one spot.

## Why it happens

Urine contains a lot of nitrogen, mainly as urea, along with salts. A small amount acts like fertiliser, which is why the edge of each patch turns dark green and grows fast. At the centre, the dose is so concentrated that it burns the grass, like spilling a handful of fertiliser in one place. Dry, hot weather and lawns that are already well fertilised make the damage worse.

## What helps

- Water the spot heavily within a few hours to dilute the urine.
- Train the dog to use a designated area of gravel, bark or tougher grass.
- Reduce lawn fertiliser in areas the dog uses.
- Reseed dead patches. Rake out the dead grass, loosen the soil, water well to flush the salts and sow a hard-wearing mix. Perennial ryegrass and tall fescue tolerate urine better than bentgrass and Kentucky bluegrass.

## What does not

Dietary supplements and 'lawn rocks' placed in the water bowl are widely sold. There is little evidence that they work, and products that change urine pH can increase the risk of bladder stones in some dogs. Damage is caused by nitrogen, not acidity. Ask a vet before changing a dog's diet.

Encouraging the dog to drink more water dilutes the urine and can reduce damage.
""", "cited-full"),
    page("https://plantclinic.example.net/diseases/brown-patch-turfgrass", "Brown patch of turfgrass", "2019-07-24", """
Brown patch is a fungal disease of lawns caused by Rhizoctonia solani. It is most common on tall fescue, perennial ryegrass and bentgrass during hot, humid summer weather, when nights stay above about 20 °C and the grass is wet for long periods.

## Symptoms

Roughly circular patches of tan or brown grass appear, from 15 cm to more than a metre across. In the early morning, an active patch may have a thin, dark, smoky ring at its edge, where fungal threads are growing into healthy grass. Individual leaf blades show tan lesions with dark brown borders. Grass in the centre of a patch sometimes recovers, leaving a ring shape.

## Telling it apart from other problems

Dog urine spots are similar in size, but the grass around them is greener and lusher than the rest of the lawn, and no leaf lesions are present. Drought stress shows up first on slopes and over shallow soils. Insect damage from grubs lets the turf be lifted like a carpet.

## Management

- Water deeply but infrequently, early in the morning, so that the grass does not stay wet overnight.
- Avoid heavy nitrogen fertiliser in late spring and summer, which produces lush, susceptible growth.
- Improve air movement and reduce shade.
- Collect clippings from infected areas while the disease is active.

Fungicides are seldom needed on home lawns. Grass usually recovers from the crowns once the weather cools.
""", "cited-partial"),
]

GARDENING.append(question(
    "potato-scab",
    "Rough corky patches on my potato skins",
    """My potatoes this year have rough, corky, scabby patches on the skin. Underneath the peel they look fine. I spread lime on the vegetable garden last autumn because the soil test said it was slightly acidic.

Is the lime related? Are the potatoes safe to eat?""",
    "potatoes diseases soil-ph", 9,
    [
        answer("""That is common scab, caused by Streptomyces bacteria that live in most soils. It is strongly favoured by higher pH and dry soil while the tubers are forming, so your liming very likely made it worse. The potatoes are perfectly safe to eat once peeled.

See this page on [common scab of potato](https://plantclinic.example.net/diseases/common-scab-potato). Keep the soil moist for the six weeks after the plants start forming tubers, don't lime before potatoes (lime after them in the rotation instead), and grow scab-resistant varieties.""", 10, accepted=True),
        answer("""Lime only when a test says you need it, and time it in the rotation. [When to lime your vegetable garden](https://soilsense.example.com/blog/when-to-lime-your-garden) has a simple plan for a four-bed rotation.""", 4),
    ],
))
PAGES += [
    page("https://plantclinic.example.net/diseases/common-scab-potato", "Common scab of potato", "2018-08-19", """
Common scab is a widespread disease of potato tubers caused by Streptomyces scabiei and related soil bacteria. It spoils the appearance of the tubers but rarely affects yield, and scabbed potatoes are safe to eat once peeled.

## Symptoms

Lesions on the tuber skin are rough, corky and brown. They may be shallow and superficial, raised, or pitted several millimetres deep. The foliage shows no symptoms. Beets, radishes, turnips and carrots can also be affected.

## Conditions that favour scab

- Soil pH above about 5.5. Scab is much less common in acidic soils, which is why liming just before a potato crop often makes it worse.
- Dry soil during tuber initiation. The bacteria infect young tubers through their pores (lenticels) in the first six weeks after tubers begin to form. Moist soil during this period allows other soil bacteria to outcompete Streptomyces.
- Light, sandy or gravelly soils that dry out quickly.
- Fresh manure and repeated potato crops on the same ground.

## Management

- Keep the soil consistently moist from the time tubers start to form, usually when plants begin to flower, for about six weeks.
- Do not lime before planting potatoes. Apply lime after potatoes in the rotation.
- Grow resistant varieties; catalogues often give scab ratings.
- Rotate crops and avoid planting scabby seed tubers.

Acidifying soil with sulfur can reduce scab, but it may not suit the other vegetables in your rotation.
""", "cited-full"),
]

GARDENING.append(question(
    "identify-groundcover",
    "What is this low plant with round leaves spreading through my lawn?",
    """A creeping plant with small, round, scalloped leaves and little purple-blue flowers in spring is spreading quickly through a damp, shady part of my lawn. The stems root wherever they touch the ground and it smells minty when I mow.

What is it, and is it a problem?""",
    "identification lawn weeds", 6,
    [
        answer("""From the description (round scalloped leaves, square creeping stems that root at the nodes, blue-violet spring flowers and a minty smell) that is ground ivy, *Glechoma hederacea*, also called creeping Charlie. It is in the mint family.

It loves damp shade, exactly where lawn grass is weakest, so it will keep coming back unless you improve the conditions for the grass. Pulling it by hand works for small patches if you get all the runners. Many people simply let it be; bees like the flowers.""", 8, accepted=True),
    ],
))

GARDENING.append(question(
    "coffee-grounds",
    "Are used coffee grounds good for the garden?",
    """A cafe near me gives away sacks of used coffee grounds. I'd like to use them in the vegetable garden and around my roses.

Do they really acidify the soil? Can I put them straight on the beds, or only in the compost?""",
    "compost soil-amendment soil-ph", 11,
    [
        answer("""Used grounds are only slightly acidic, close to neutral, because most of the acid goes into the cup. They will not meaningfully acidify soil. Spread thickly on their own they can form a crust that repels water and may inhibit some seedlings.

The safest use is in the compost heap, where they count as a green (nitrogen-rich) material despite the colour; see [this answer on balancing greens and browns](q:compost-ammonia). A thin layer, under a centimetre, mixed into the topsoil or under mulch is also fine.""", 9, accepted=True),
        answer("""I use them around everything, mixed with leaf mould. No problems in years.""", 2),
    ],
))

GARDENING.append(question(
    "lavender-winter",
    "Why does my lavender die every winter?",
    """I have planted English lavender three times in the same border, in ordinary garden soil with compost dug in, and each time it looks healthy in summer and is dead or mostly dead by spring. Our winters are cold and wet but not extreme.

Am I choosing the wrong variety, or is it something about the site?""",
    "lavender overwintering drainage", 4,
    [],
))

# Pages cited by secondary answers; most answer the question only in part.
PAGES += [
    page("https://kegworks-supply.example.com/learn/balancing-draft-lines", "Balancing a draft system", "2020-01-13", """
A balanced draft system pours beer at a steady, moderate speed with a proper head and no excess foam. Balance means the pressure in the keg is just matched by the resistance of the line between keg and faucet.

## Why balance matters

The regulator pressure is set by the carbonation you want at your serving temperature; it is not a knob for pour speed. If the line offers too little resistance, the beer rushes out, loses CO2 as it depressurises and pours as foam. If it offers too much, the pour is slow and flat-looking.

## Line resistance

Resistance comes mainly from the friction of the beer line and from any height the beer must climb. Published figures for 4.8 mm (3/16 inch) inside-diameter vinyl tubing range from about 2 to 3 psi per foot, and each foot of vertical rise adds about half a psi. At the faucet, you want the beer to arrive with about 1 psi left over.

In practice, homebrewers find that lines longer than the published figures suggest pour better. For a kegerator at 4 °C carbonated to 2.5 volumes at 11-12 psi, 3-3.5 metres (10-12 feet) of 4.8 mm line is a common choice. Many kits ship with 1.5 metres, which is the most common cause of foamy pours.

## Other causes of foam

- Beer warmer than the keg, for example in a warm tower or a faucet outside the fridge.
- Dirty lines or faucets, which create nucleation points.
- Kinked lines or worn couplers.
- Over-carbonated beer, which no amount of line will fix.

Flow-control faucets let you adjust resistance at the tap and are useful if you serve beers with very different carbonation levels.
""", "cited-partial"),
    page("https://brewing-science.example.org/2018/dry-vs-liquid-yeast", "Dry versus liquid yeast: an honest comparison", "2018-05-12", """
Homebrewers argue about dry and liquid yeast as if they were opposing teams. Both make excellent beer; the differences are practical.

## Cell count and shelf life

A typical 11 g sachet of dry yeast contains more than 100 billion viable cells when packed, and because the yeast is dormant, viability falls slowly: a sachet stored in the fridge loses only a few percent a year. Liquid yeast packs start with a similar cell count but lose viability much faster, roughly 20% a month, so age matters a great deal.

## Variety

Liquid yeast is available in hundreds of strains, including many historical British, Belgian and German strains and blends with bacteria. Dry yeast covers the main workhorse strains and a growing list of specialty ones, but the choice is narrower.

## Handling

Dry yeast can be sprinkled directly onto wort, though rehydrating in warm water first gives better viability. It does not need oxygen at pitching, because the manufacturer builds up the reserves the cells need during production. Liquid yeast often benefits from a starter to grow enough cells for strong beers.

## Cost

For most beers, dry yeast is cheaper per batch, especially when more than one sachet is needed. Liquid yeast can be harvested and repitched several times, which evens out the cost for regular brewers.

Our take: use dry yeast when a suitable strain exists, and liquid yeast when the style depends on a strain only available that way.
""", "cited-partial"),
    page("https://homebrew-wiki.example.org/wiki/Kveik", "Kveik", "2022-07-19", """
Kveik is a group of traditional Norwegian farmhouse brewing yeasts that were kept and passed on by families for generations, often dried on wooden rings or logs between brews. Since the mid-2010s they have become popular with homebrewers around the world.

## Characteristics

Kveik strains are genetically distinct from most modern ale yeasts. They ferment very fast at unusually high temperatures, often 30-40 °C, without producing the harsh fusel alcohols that ordinary ale strains make when that warm. Many complete fermentation in two to three days. They tolerate high alcohol and survive drying well.

## Flavour

Strains vary. Some, such as Voss and Hornindal, give orange peel and tropical fruit esters, especially at the top of their range. Others, like the strain sold as Lutra, are remarkably clean and are used to make lager-like beers at room temperature. Those beers are still ales in the technical sense, because kveik are top-fermenting Saccharomyces cerevisiae strains.

## Using kveik

- Pitch rates can be much lower than for other ale yeasts.
- Oxygenation requirements are modest.
- Yeast nutrients improve performance in simple worts.

Traditional Norwegian farmhouse ales brewed with kveik, such as raw ale (råøl), are often unboiled and flavoured with juniper.

Because kveik is happy at room temperature and above, it is popular with brewers who have no way to control fermentation temperature in summer.
""", "cited-partial"),
    page("https://lawnlab.example.org/overseeding-shady-lawns", "Overseeding shady lawns", "2021-09-02", """
Grass in shade thins out over a few seasons unless it is replaced with varieties suited to low light. Autumn overseeding is the best way to keep a shaded lawn dense.

## Choosing grass for shade

- Fine fescues (creeping red fescue, chewings fescue, hard fescue) are the most shade tolerant lawn grasses in cool climates. They need little fertiliser and prefer dry shade.
- Tall fescue copes with moderate shade and wear, and its deep roots handle dry soil under trees.
- Rough bluegrass (Poa trivialis) tolerates wet shade but is weak in summer heat.
- Perennial ryegrass and Kentucky bluegrass need more sun and thin out in shade.

Most shade mixes combine fine fescues with a little tall fescue or ryegrass for quick cover.

## How to overseed

Overseed in early autumn, when the soil is still warm, rainfall is more reliable, and leaf fall from trees is still a few weeks away. Mow short, rake or scarify to remove thatch and debris so seed reaches the soil, then sow at the rate on the bag, usually about half the rate for a new lawn. Rake lightly and keep the surface moist until germination. Remove fallen leaves promptly so they do not smother the seedlings.

## Ongoing care

Mow shaded grass higher than in sun, so that each plant keeps more leaf to photosynthesise. Water deeply during dry spells, because tree roots compete for moisture. Feed lightly.

Even the best shade grasses need some light. Under dense evergreen canopy, consider a ground cover instead.
""", "cited-partial"),
    page("https://lawnlab.example.org/grasscycling-leave-the-clippings", "Grasscycling: leave the clippings on the lawn", "2019-05-26", """
Grasscycling means leaving grass clippings where they fall when you mow. It saves time, saves space in the compost bin and feeds the lawn.

## Why it works

Clippings are mostly water and break down within days, returning nitrogen and other nutrients to the soil. Over a season, clippings can supply a quarter or more of a lawn's nitrogen needs, so you can use less fertiliser.

## Does it cause thatch?

No. Thatch is a layer of tough stems, stolons and roots. Fresh clippings are soft, decompose quickly and do not contribute to it.

## How to do it well

- Mow often enough to remove no more than a third of the leaf blade at each cut. Short clippings fall between the grass blades and disappear.
- Mow when the grass is dry, so clippings scatter rather than clumping.
- Keep the mower blade sharp.
- A mulching mower chops the clippings finer, but most rotary mowers work with the grass bag removed.

If the grass has grown very long, collect the clippings from that mowing or spread them thinly, because thick clumps smother the grass below.

## Using collected clippings

Clippings are a valuable nitrogen-rich green for compost, but in large quantities they mat down and go anaerobic. Mix them with plenty of dry browns, or spread a thin layer as mulch on vegetable beds.

Do not use clippings from a lawn recently treated with weed killer on vegetable gardens or in compost, following the product label.
""", "cited-partial"),
    page("https://greenthumb-supply.example.com/learn/choosing-led-grow-lights", "Choosing LED grow lights for seedlings", "2023-01-08", """
LED grow lights have become cheap enough that almost any gardener can start seeds under good light. The packaging is full of numbers; here is what matters for seedlings.

## Watts are not light

The wattage tells you how much electricity a light uses, not how much useful light it produces. Look instead for PPF, the photosynthetic photon flux, in micromoles per second, and for the efficiency in micromoles per joule. Good modern LEDs reach 2.5 or more.

## How much light seedlings need

Vegetable seedlings grow sturdy at a PPFD, the light actually reaching the leaves, of roughly 150-300 micromoles per square metre per second for 14-16 hours a day. That is much less than flowering plants need. A well-designed 30-40 W panel can light a standard seed tray at a height of 20-30 cm.

## Colour

Full-spectrum white LEDs are the best choice for home use. Plants grow well under them, and you can see whether the seedlings are healthy. Purple lights, made of red and blue diodes only, work but make the plants look grey and are unpleasant to be around.

## Practical tips

- Use a timer so the lights run for the same hours every day.
- Adjust the height as the seedlings grow; leaves bleaching or curling down suggest the light is too close.
- Reflective surfaces around the tray make better use of the light.

Strip lights that can be linked together suit shelving units. We stock a range of seedling lights with published PPF figures.
""", "cited-partial"),
    page("https://pestwise.example.net/ladybird-life-cycle", "The ladybird life cycle", "2020-06-14", """
Ladybirds, or lady beetles, are among the best-known garden predators. Knowing what each life stage looks like helps you avoid killing the insects that are protecting your plants.

## Eggs

Adults lay clusters of 10-50 small, yellow, spindle-shaped eggs, usually on the underside of leaves near aphid colonies. They hatch within about a week.

## Larvae

The larvae look nothing like the adults. They are long, segmented and spiny, dark grey or black with orange or yellow markings, and are often described as tiny alligators. They are voracious. A larva of the common seven-spot ladybird eats several hundred aphids over its two to three weeks of development.

## Pupae

Fully grown larvae attach themselves to a leaf or stem and pupate. The pupa is a small, rounded, orange and black lump. After about a week, the adult emerges, soft and pale at first, and develops its colour over a few hours.

## Adults

Adults continue to eat aphids and other soft-bodied insects, and also feed on pollen. Many species overwinter as adults in sheltered places such as leaf litter, hollow stems, and sheds, sometimes in large groups.

## Encouraging them

Avoid broad-spectrum insecticides, leave some seed heads and leaf litter standing over winter, and tolerate a few aphids early in the season to give ladybirds something to feed on. The invasive harlequin ladybird competes with native species and has many colour forms.
""", "cited-partial"),
    page("https://houseplant-journal.example.com/repotting-houseplants-without-shock", "Repotting houseplants without shock", "2020-03-29", """
Repotting gives a houseplant fresh compost and more room, but it disturbs the roots, and many plants sulk for a few weeks afterwards. Doing it at the right time and in the right way keeps the setback small.

## When to repot

Repot in spring or early summer, when plants are starting into active growth and will quickly grow new roots. Signs that a plant needs it include roots growing out of the drainage holes, water running straight through, and compost that dries out within a day or two. Most houseplants need repotting every one to three years.

## Choosing the pot

Go up only one size, about 2-5 cm wider than the current pot. A much larger pot holds a mass of wet compost that the roots cannot use, which encourages rot. The pot must have drainage holes.

## Step by step

- Water the plant a day before, so the root ball holds together.
- Ease the plant out and gently tease out circling roots.
- Cut off any dead, brown or mushy roots with clean scissors.
- Set the plant at the same depth as before in fresh compost and firm it lightly.
- Water thoroughly and let it drain.

## Aftercare

Keep the plant out of direct sun for a week and do not feed it for about a month, as fresh compost contains nutrients and damaged roots are easily scorched. Some leaf drop is common in the following weeks, especially in figs.
""", "cited-partial"),
    page("https://soilsense.example.com/blog/when-to-lime-your-garden", "When to lime your vegetable garden", "2019-11-03", """
Lime raises soil pH. In acidic soils it makes nutrients more available, encourages earthworms and soil bacteria, and reduces clubroot in brassicas. But it is not a routine feed, and applying it at the wrong time can cause problems.

## Test first

Only lime when a soil test shows the pH is below what your crops need. Most vegetables grow well at pH 6.0-7.0; brassicas prefer 6.5-7.5. Over-liming locks up trace elements such as iron, manganese and boron.

## Which lime

Ground limestone (calcium carbonate) is the most common and acts over several months. Dolomitic lime also supplies magnesium. Hydrated or quick lime acts fast but is caustic and easy to overdo.

## Timing

Apply lime in autumn or winter so that it has time to react before spring planting. Do not apply it at the same time as manure, as the reaction releases nitrogen as ammonia.

## Lime in a rotation

In a typical four-bed rotation, lime the bed where brassicas will be grown next, since they benefit most and clubroot is suppressed at higher pH. Do not lime ahead of potatoes: higher pH encourages common scab on the tubers. A common sequence is potatoes, then legumes and onions, then brassicas (limed the autumn before), then root crops.

Light soils lose lime faster than clays and may need retesting every two to three years.
""", "cited-partial"),
]

# ---------------------------------------------------------------------- uncited pages
# Hard negatives: same topics and vocabulary as the questions, but a different problem.

PAGES += [
    page("https://brewing-science.example.org/2016/chest-freezer-fermentation-chamber", "Building a fermentation chamber from a chest freezer", "2016-06-19", """
Temperature control is the biggest single improvement most homebrewers can make to their beer. Yeast generate heat as they ferment, so a fermenter in a 20 °C room can run several degrees warmer inside during the first days, producing fusel alcohols and excess esters.

A chest freezer with an external temperature controller is the most popular solution. The controller switches the freezer's power on and off to hold a set temperature, using a probe taped to the side of the fermenter and insulated from the air, so that it reads the beer rather than the air.

## Parts

- A chest freezer large enough for your fermenters. A wooden collar between the lid and the body adds height for airlocks and taps without drilling the freezer walls, which may contain cooling lines.
- A dual-stage controller that can run both cooling and a heat source, such as a reptile heat mat or a small tube heater, for winter and for warming the beer at the end of fermentation.
- A small fan to even out the air temperature.

## Tips

Set the controller's hysteresis to about half a degree and use a compressor delay to protect the freezer. Place a tray of water or a damp towel inside if condensation is a problem. A chest freezer also makes an excellent keezer for serving kegs.
""", "negative"),
    page("https://cellar-and-vine.example.com/malolactic-fermentation-buttery-wine", "Malolactic fermentation and buttery wines", "2019-02-03", """
Malolactic fermentation, often shortened to MLF, is a secondary fermentation carried out by lactic acid bacteria, mainly Oenococcus oeni, rather than yeast. The bacteria convert sharp malic acid, the acid of green apples, into softer lactic acid, lowering the total acidity of the wine and making it rounder.

Almost all red wines go through MLF. For whites, it is a stylistic choice: many Chardonnays are put through it, while crisp aromatic whites such as Riesling and Sauvignon Blanc usually are not.

## The buttery note

Some bacteria strains produce diacetyl from citric acid during MLF. In wine, unlike beer, a light buttery note is often welcome, and it is the signature of the rich, oaky style of Chardonnay. Winemakers control it by strain choice, by how long the wine stays on the bacterial lees, and by the timing of sulfite additions, because live yeast and bacteria can reduce diacetyl if the wine is left in contact with them.

## Managing MLF at home

Inoculate with a commercial culture after alcoholic fermentation, keep the wine at 18-22 °C, and do not add sulfite until MLF is complete. Paper chromatography kits show when the malic acid is gone.
""", "negative"),
    page("https://aquarium-keepers.example.org/wiki/Dechlorinating_tap_water", "Dechlorinating tap water", "2020-09-14", """
Chlorine and chloramine added to drinking water by utilities are toxic to fish and to the beneficial bacteria in an aquarium filter. Any tap water added to a tank must be treated first.

## Chlorine versus chloramine

Free chlorine dissipates if water stands for a day or two with aeration. Chloramine is a compound of chlorine and ammonia and is much more stable, so standing water does not remove it. Check your utility's water quality report to see which disinfectant it uses.

## Water conditioners

Commercial conditioners contain sodium thiosulfate or similar reducing agents that neutralise chlorine instantly. When they break the chlorine-ammonia bond in chloramine, they release ammonia, which is also toxic to fish. Good conditioners for chloramine areas therefore also bind ammonia temporarily, and the filter bacteria then process it. Dose for the full volume of new water, not just the amount being replaced.

## Other options

Carbon filters and reverse osmosis units remove chlorine and most chloramine, and RO water is used for sensitive species. RO water lacks minerals and must be remineralised before use.

## Temperature and pH

Match the temperature of new water to the tank within a degree or two, and avoid large pH swings during water changes.
""", "negative"),
    page("https://cellar-and-vine.example.com/sulfites-in-wine", "Sulfites in wine: why winemakers add them", "2018-03-11", """
Almost all wine contains sulfites. Yeast produce small amounts naturally during fermentation, and winemakers add more, usually as potassium metabisulfite, to protect the wine.

## What sulfites do

Sulfur dioxide released from metabisulfite is an antioxidant and an antimicrobial. It binds acetaldehyde, which smells of bruised apples, protects colour and aroma from oxygen, and inhibits unwanted bacteria and wild yeast. Its effectiveness depends strongly on pH: at pH 3.2, much more of the sulfite is in the active molecular form than at pH 3.8, so low-acid wines need higher additions.

## When they are added

Home winemakers commonly add metabisulfite to crushed fruit to suppress wild yeast before adding a cultured strain, after fermentation and malolactic fermentation have finished, and at bottling. Crushed Campden tablets provide a convenient measured dose for small batches.

## Sulfites and health

Sulfites must be declared on wine labels in many countries. A small number of people, mainly some with asthma, are sensitive to them. Headaches after drinking red wine are more often blamed on sulfites than caused by them; dried fruit contains far more.

Wines sold as no-sulfite-added still contain the small amounts made by the yeast.
""", "negative"),
    page("https://homebrew-wiki.example.org/wiki/Growing_hops", "Growing hops", "2021-04-02", """
Hops (Humulus lupulus) are vigorous perennial climbers that grow well in home gardens in temperate climates. A single plant can produce enough cones for several batches of beer.

## Planting

Hops are grown from rhizomes, pieces of underground stem, planted in early spring. They need full sun, deep, well-drained soil and plenty of water in summer. Plant rhizomes horizontally about 5 cm deep, with buds pointing up, and space different varieties at least 1 metre apart.

## Training

The plants produce twining stems called bines, which can grow 6 metres in a season. Provide strong twine or wire running to a high support. When shoots reach about 30 cm, choose two or three vigorous bines per string and wind them clockwise around it; remove the rest. Remove lower leaves in midsummer to improve air flow and reduce disease.

## Harvest

Cones are ready in late summer when they feel papery and springy, the yellow lupulin glands inside are fragrant, and the cone tips begin to brown. Pick on a dry day and dry promptly at no more than 60 °C until the central stem snaps.

## Using homegrown hops

The alpha acid content of homegrown hops is unknown, so they are best used for late additions and dry hopping rather than for calculated bittering. Cascade, Centennial and Chinook are vigorous and forgiving varieties to start with.
""", "negative"),
    page("https://fizzlab.example.com/learn/how-home-soda-makers-work", "How home soda makers carbonate water", "2022-05-15", """
A home soda maker dissolves carbon dioxide from a pressurised cylinder into cold water. When you press the button, CO2 at high pressure bubbles through the water in a sealed bottle. Some gas dissolves; the rest collects in the headspace and is vented when you release the bottle.

## Why cold water matters

Gases dissolve better in cold liquids. Water straight from the refrigerator absorbs much more CO2 than water at room temperature, so it gives stronger fizz with less gas. Chilling also reduces foaming when the bottle is released.

## How fizzy is it?

Commercial sparkling water is usually carbonated to about 3 to 4 volumes of CO2, meaning the dissolved gas would occupy three or four times the volume of the water at normal pressure. Three to five presses on most home machines gives something similar. Beyond that, little extra gas dissolves in the short time the gas is in contact with the water.

## Flavour after carbonation

Only carbonate plain water. Adding syrups or juice first causes violent foaming and can damage the machine. Add flavour after carbonating and pour gently.

## Cylinders

Standard cylinders hold about 425 g of food-grade CO2, enough for around 60 litres of sparkling water. Exchange empty cylinders at a retailer.
""", "offtopic"),
    page("https://sourbeer-lab.example.net/kombucha-scoby-care", "Brewing kombucha: caring for your SCOBY", "2020-01-26", """
Kombucha is sweetened tea fermented by a symbiotic culture of bacteria and yeast, the SCOBY. The culture forms a thick rubbery disc, a cellulose mat made by acetic acid bacteria, that floats on the tea. Brewers in the beer world would call it a pellicle.

## Basic recipe

Brew 1 litre of strong black or green tea, dissolve 70-100 g of sugar in it, cool it to room temperature and pour it into a wide glass jar. Add about 100 ml of finished kombucha from a previous batch, which lowers the pH and protects against mould, and lay the SCOBY on top. Cover with cloth to keep out fruit flies while letting air in. The acetic acid bacteria need oxygen.

## Fermentation

At 22-26 °C, kombucha is usually ready in 7 to 12 days. Taste it with a straw from under the SCOBY: it should be tart and only slightly sweet. Longer fermentation makes it more vinegary.

## Healthy SCOBY or mould?

A new layer forms on top with each batch, smooth and cream-coloured at first. Brown strands hanging underneath are yeast and are normal. Dry, fuzzy spots of green, white or black on the surface are mould: discard the whole batch and the culture.

## Second fermentation

Bottle the kombucha with fruit or juice and leave it sealed for two or three days to carbonate, then refrigerate.
""", "negative"),
    page("https://breadcraft.example.net/keeping-a-sourdough-starter", "Keeping a sourdough starter alive", "2021-11-07", """
A sourdough starter is a culture of wild yeast and lactic acid bacteria living in a paste of flour and water. It leavens bread and gives it its tangy flavour. Keeping one is easier than its reputation suggests.

## Feeding

Feed the starter by discarding most of it and mixing the remainder with fresh flour and water. A common ratio is one part starter to one part flour and one part water by weight. At room temperature, a starter needs feeding once or twice a day; in the fridge, once a week is enough.

## Signs of a healthy starter

A healthy starter roughly doubles in volume within four to eight hours of feeding, has a domed, bubbly surface and smells pleasantly sour, like yogurt or beer. A layer of grey liquid on top, called hooch, means it is hungry. Pour it off or stir it in, and feed.

## Reviving a neglected starter

Starters are resilient. Even one that has sat in the back of the fridge for months can usually be revived with a few days of regular feeding at room temperature. Only pink or orange streaks or fuzzy mould mean it should be thrown away.

## Flour

Whole grain rye and wheat flours contain more nutrients and wild microbes than white flour, so starters fed with them are more active.
""", "offtopic"),
    page("https://breadcraft.example.net/why-didnt-my-dough-rise", "Why didn't my bread dough rise?", "2020-04-12", """
A dough that refuses to rise is one of the most frustrating things in baking. The cause is almost always the yeast, the temperature or the time.

## Dead or tired yeast

Dried yeast loses activity with age, especially once the packet is opened. Test it by stirring a teaspoon into warm water with a pinch of sugar: within ten minutes it should be foamy. Water that is too hot, above about 50 °C, kills yeast. Salt poured directly onto yeast can also slow it.

## Temperature

Yeast work slowly in a cold kitchen. A dough that would double in one hour at 26 °C may take three hours at 18 °C. This is not a problem, and slow rises often give better flavour, but you must give the dough the time it needs. Place it somewhere warm, such as an oven with only the light on.

## Flour and hydration

Whole grain flours and rye rise less than white bread flour, because bran cuts the gluten strands that trap gas. A very stiff dough rises slowly too.

## Over-proofing

If a dough rose and then collapsed, it was left too long, and the yeast have used up the available sugar. Reshape it and give it a shorter second rise.

Judge by the dough, not the clock: it is ready when a finger poke springs back slowly.
""", "offtopic"),
    page("https://kegworks-supply.example.com/learn/co2-cylinders-and-regulators", "Choosing a CO2 cylinder and regulator", "2019-08-05", """
Every kegging system needs a source of CO2 and a regulator to control its pressure. Here is what to look for.

## Cylinders

CO2 cylinders are sold by the weight of gas they hold. A 2.5 kg (5 lb) cylinder fits inside most kegerators and dispenses roughly six to ten 19 litre kegs, depending on leaks and how much gas you use for purging and force carbonation. Larger 5-10 kg cylinders cost less per fill but must usually stand outside the fridge.

Many suppliers exchange cylinders rather than refilling yours, so a new shiny cylinder may be swapped for an old one. Cylinders must be tested periodically; check the date stamped on the shoulder.

## Regulators

A primary regulator reduces the cylinder pressure, about 50-60 bar at room temperature, to the serving pressure. Look for a low-pressure gauge with a range of 0-60 psi rather than 0-200, because it is much easier to read accurately at serving pressures. A high-pressure gauge shows the cylinder pressure, but since CO2 is a liquid in the cylinder, that pressure stays constant until the cylinder is almost empty.

Secondary regulators let you serve several kegs at different pressures from one cylinder.

## Leaks

Test every connection with soapy water. A slow leak can empty a cylinder in days. Close the cylinder valve when the system is not in use.
""", "negative"),
    page("https://homebrew-wiki.example.org/wiki/Extract_brewing", "Extract brewing", "2020-12-01", """
Extract brewing is a method of making beer from malt extract, concentrated wort sold as a syrup (liquid malt extract, LME) or a powder (dry malt extract, DME), instead of mashing grain. It is the most common starting point for new homebrewers.

## Process

The brewer dissolves extract in water, boils it with hops, cools it, and ferments it as usual. A partial boil of a smaller volume, topped up with cold water in the fermenter, lets beginners brew with a kitchen stock pot.

## Steeping grains

Many extract recipes add flavour and colour by steeping crushed specialty malts, such as crystal, chocolate or roasted barley, in hot water before the boil, like making tea. Steeping extracts colour and flavour but converts little starch, so base malts cannot be steeped.

## Advantages

- Shorter brew day, typically two to three hours.
- Less equipment.
- Consistent results, because the maltster has done the mashing.

## Limitations

The brewer has less control over fermentability and body. Extract darkens with age and boiling, which makes very pale beers difficult; adding most of the extract late in the boil helps. Liquid extract should be fresh.

## Partial mash

A partial mash, or mini-mash, combines a small mash of base and specialty malts with extract for the remaining gravity, and is a common step towards all-grain brewing.
""", "negative"),
    page("https://brewwater.example.org/calibrating-a-ph-meter", "Calibrating and caring for a pH meter", "2018-06-30", """
A pH meter is only as accurate as its last calibration. Cheap pen meters and bench meters alike drift over time, and an uncalibrated meter can be off by 0.2 pH or more, which is enough to mislead you.

## Calibration

Calibrate before each brew day using fresh buffer solutions. For brewing, a two-point calibration with pH 4.0 and pH 7.0 buffers covers the range you need. Rinse the probe with distilled water between buffers and blot it gently; do not wipe the glass bulb, because friction creates static charge that disturbs the reading.

Buffer solutions lose accuracy once opened. Pour a small amount into a clean cup for each calibration and throw it away afterwards.

## Temperature

pH readings depend on temperature. Meters with automatic temperature compensation correct for the electrode's response, but not for the real change in the sample's pH as it cools. Measure samples at room temperature, around 20-25 °C, for consistent results. Hot samples also shorten probe life.

## Storage

Never store the probe dry or in distilled water. Keep it in the storage solution recommended by the maker, usually potassium chloride. A probe that has dried out may recover after soaking for a day.

## Replacement

Probes are consumables and usually last one to two years with regular use. Slow, drifting readings are a sign of an ageing probe.
""", "negative"),
    page("https://maltandmash.example.com/how-malt-is-made", "How malt is made: steeping, germination and kilning", "2017-10-22", """
Barley is not much use to a brewer straight from the field. Its starch is locked inside hard, protein-bound cells, and the seed contains few of the enzymes needed to turn that starch into sugar. Malting changes both.

## Steeping

The maltster soaks the barley in water, alternating wet and dry periods with aeration, until the grain's moisture content rises from about 12% to about 45%. This wakes the embryo and starts germination.

## Germination

Over four to six days in a germination vessel, kept cool and turned regularly, the grain produces enzymes. Some break down the cell walls and proteins, a process called modification, which makes the starch accessible. Others, the amylases, will later convert starch to sugar in the mash. A small rootlet and an internal shoot, the acrospire, grow.

## Kilning

The maltster stops germination by drying the green malt with warm air. Pale malts are dried gently at low temperatures to preserve enzymes; the final stage, called curing, develops colour and flavour. Munich and Vienna malts are cured hotter. Crystal malts are stewed wet so that the starch converts to sugar inside the husk, then dried. Roasted malts are heated until dark, and have no enzymes left.

Finally the rootlets are removed and the malt is rested before sale.
""", "negative"),
    page("https://brewing-science.example.org/2020/how-nitro-widgets-work", "How nitrogen widgets in stout cans work", "2020-03-17", """
Open a can of nitrogenated stout and you hear a hiss before you pour, then watch a cascade of fine bubbles settle into a dense, creamy head. The trick is a small plastic capsule, the widget, rolling around inside the can.

## Why nitrogen

Draught stouts are served with a mix of nitrogen and a little carbon dioxide. Nitrogen is far less soluble in beer than CO2, so a beer can carry only a little dissolved gas, and it forms very small bubbles that give a smooth mouthfeel and a long-lasting head. The low CO2 makes the beer taste less sharp.

## The widget

During canning, a drop of liquid nitrogen is added just before the can is sealed. As it evaporates, it pressurises the can and forces gas and a little beer into the widget, a hollow capsule with a tiny hole. When the can is opened, the pressure inside drops suddenly. The widget releases a jet of gas and beer through its hole, which creates millions of microscopic bubbles that act as nucleation sites. The bubbles rise and drag the beer with them, producing the familiar cascade.

## At home

Homebrewers can serve nitro beer from a keg using a beer gas mix of about 70% nitrogen and 30% CO2, at high pressure, through a stout faucet with a restrictor plate. Bottled beer cannot be nitrogenated by priming, since yeast produce only CO2.
""", "negative"),
    page("https://fermentation.uni-extension.example.org/publications/pressure-canning-wort", "Canning wort for yeast starters safely", "2022-02-20", """
Some homebrewers prepare starter wort in advance and store it in sealed jars so that a yeast starter is ready at short notice. This is convenient, but it carries a real food safety risk if done incorrectly.

## The botulism risk

Wort is a low-acid food, with a pH well above 4.6, and it contains nutrients. In a sealed jar, spores of Clostridium botulinum that survive boiling can germinate and produce botulinum toxin, one of the most potent toxins known. Jars of contaminated wort may look and smell normal. Boiling water-bath canning, which reaches only 100 °C, does not destroy the spores.

## Pressure canning

Low-acid foods must be processed in a pressure canner, which reaches about 116-121 °C. For pint and quart jars of wort, follow a tested pressure canning time for a similar low-acid liquid, adjusted for altitude. Use canning jars and new lids, and make sure the canner vents properly before pressurising.

## Alternatives

Make starter wort fresh from dry malt extract when needed; the boil takes fifteen minutes. Refrigerated wort should be used within a few days. Commercially canned starter wort is another option.

## Storage

Store pressure-canned wort in a cool, dark place and discard any jar with a bulging lid, leakage, or spurting liquid when opened.
""", "negative"),
    page("https://meadmakers.example.org/guides/choosing-honey", "Choosing honey for mead", "2017-05-08", """
Honey is the only essential ingredient in a traditional mead, so its character shows through more clearly than the malt in most beers. Choosing it well is the first decision in a good recipe.

## Varietal honeys

Honey made mainly from one flower source has a recognisable flavour. Orange blossom is floral and citrusy and makes an approachable first mead. Clover and alfalfa honeys are mild. Tupelo is delicate and expensive. Buckwheat and chestnut are dark, strong and earthy, and can dominate a mead unless blended. Wildflower honey varies from batch to batch and region to region.

## Raw or processed

Raw honey keeps more of its aroma, along with some wax, pollen and wild yeast. Heavily filtered and heated supermarket honey is cheaper but has less character, and some is blended with syrups. Buy from a beekeeper or a trusted supplier where possible.

## Quantity

Roughly 1.5 kg of honey in 4 litres of must gives a starting gravity of about 1.110 and, fermented dry, a strength of around 14% ABV. For a sweet mead, either add more honey or stabilise and backsweeten after fermentation.

## Handling

Crystallised honey is fine to use. Warm the jar in hot water to make it pourable, but avoid boiling the honey, which drives off the aromas that make varietal meads worth making.
""", "negative"),
    page("https://yeastlab.example.net/learn/harvesting-and-washing-yeast", "Harvesting and washing yeast", "2018-11-18", """
Reusing yeast from one batch to the next saves money and, with healthy yeast, gives faster, more vigorous fermentations. The simplest method is to collect the yeast cake left in the fermenter after racking the beer.

## Collecting slurry

After transferring the beer, swirl the remaining yeast cake with a little of the remaining beer or some boiled and cooled water, and pour it into a sanitised jar. Store it in the refrigerator and use it within two to four weeks; viability falls over time.

## Washing

Yeast washing separates yeast from trub and hop debris. Add cooled boiled water to the slurry, shake and let it settle for fifteen to twenty minutes. The heavy trub sinks first; pour the creamy, lighter layer above it into a second sanitised jar and discard the rest. Some brewers repeat this two or three times. Rinsing does not remove bacteria, so only harvest from batches that fermented cleanly.

## How much to pitch

Slurry contains roughly one to two billion cells per millilitre, but much of it may be trub. Use a pitch rate calculator and pitch generously if unsure.

## Generations

Most strains can be reused five to ten times before mutations, infections or changes in flocculation appear. Harvest from beers of moderate gravity and bitterness; very strong or very hoppy beers stress the yeast.
""", "negative"),
    page("https://homebrew-wiki.example.org/wiki/Cascade_hop", "Cascade (hop)", "2019-09-01", """
Cascade is an aroma hop variety bred in the United States in the 1950s and 1960s and released in 1972. It was the first commercially successful American aroma hop and became the defining hop of the American pale ale style.

## Characteristics

- Alpha acids: typically 4.5-7%.
- Beta acids: 4.5-7%.
- Oil content: about 0.8-1.5 ml per 100 g, with a high proportion of myrcene.
- Aroma: grapefruit, citrus peel, pine and flowers.

## Usage

Cascade is used mainly for late boil additions, whirlpool additions and dry hopping in pale ales, IPAs and American amber ales. Its moderate alpha acids make it a less economical bittering hop, though many brewers use it throughout a recipe for simplicity.

## Substitutes

Centennial, sometimes described as a super-Cascade, has a similar citrus and floral character with higher alpha acids. Amarillo and Ahtanum are other common substitutes.

## Growing

Cascade is a vigorous, disease-tolerant variety and is one of the best hops for home growers. Homegrown Cascade often has a different balance of aroma from commercial crops, depending on climate.

## Notable beers

Cascade was a key ingredient in several early American craft beers, and its citrus aroma is still used as a benchmark in sensory training.
""", "negative"),
]

PAGES += [
    page("https://hortextension.example.org/factsheets/blossom-drop-peppers-tomatoes", "Blossom drop in tomatoes and peppers", "2020-07-14", """
Blossom drop is the loss of flowers before they set fruit. The flowers turn yellow at the stalk and fall off, often in large numbers, leaving healthy-looking plants with no fruit forming. It is different from blossom end rot, which damages fruit that have already formed.

## Causes

Temperature is the most common cause. Tomato pollen becomes sterile when daytime temperatures stay above about 32 °C or night temperatures stay above about 24 °C, and also when nights fall below about 13 °C. Peppers behave similarly, with their ideal night temperatures a little lower. Without pollination, the plant sheds the flower.

Other causes include:

- Drought stress or very irregular watering.
- Excess nitrogen, which favours leaf growth over flowering.
- Very high humidity, which makes pollen sticky, or very low humidity, which dries it.
- Lack of pollinating vibration in greenhouses and tunnels.
- A heavy fruit load already on the plant.

## What to do

Fruit set usually resumes once temperatures return to a normal range, so patience is often the best treatment. Light shade cloth during heat waves, steady watering and moderate feeding help. In greenhouses, tapping the flower trusses or using an electric pollinator at midday improves pollination.

Choose varieties described as heat-set for regions with hot summers.
""", "negative"),
    page("https://plantclinic.example.net/diseases/late-blight-tomato-potato", "Late blight of tomato and potato", "2019-08-28", """
Late blight, caused by the water mould Phytophthora infestans, is the disease behind the Irish potato famine. It remains the most destructive disease of tomatoes and potatoes in cool, wet summers, and it can destroy an entire planting within a week.

## Symptoms

On leaves, large, irregular, greasy-looking grey-green or brown patches appear, often starting at the leaf tips and edges. In humid weather, a white fuzzy growth forms on the underside of the lesions. Stems develop dark brown to black lesions and collapse. Tomato fruit develop firm, greasy brown patches; potato tubers develop reddish-brown dry rot beneath the skin.

Unlike early blight, there are no concentric target rings, and the disease does not start only on the oldest leaves.

## Spread

Spores travel long distances on the wind and need leaf wetness to infect. Warm, humid periods with temperatures of 10-25 °C and high humidity for two days or more, sometimes called blight weather, trigger outbreaks.

## Management

Grow resistant varieties, water at the base, and give plants space. Destroy infected plants promptly; do not compost them. For potatoes, cut down infected foliage to protect the tubers and wait two weeks before lifting. Remove volunteer potatoes and do not save infected tubers as seed.

Protectant fungicides must be applied before infection to be effective.
""", "negative"),
    page("https://gardenhelp.example.org/advice/pruning-hydrangeas", "Pruning hydrangeas: know your type first", "2020-02-16", """
Hydrangeas are pruned according to whether they flower on old wood, produced the previous year, or on new wood produced in the current season. Pruning the wrong type at the wrong time removes this year's flowers.

## Old-wood hydrangeas

Bigleaf (mophead and lacecap) hydrangeas, mountain hydrangeas and oakleaf hydrangeas form their flower buds in late summer and autumn. Leave the faded flower heads on over winter, where they protect the buds below from frost. In spring, cut each old flower stem back to the first pair of healthy buds. Remove one or two of the oldest stems at the base every few years to renew the shrub. Do not cut them back hard, or you will lose a year of flowers.

Reblooming varieties flower on both old and new wood and are more forgiving.

## New-wood hydrangeas

Smooth hydrangeas (such as Annabelle) and panicle hydrangeas flower on the current season's growth. Prune them in late winter or early spring. Smooth hydrangeas can be cut down to 30 cm or so; panicle types are pruned back to a framework of strong stems for larger flowers.

## Climbing hydrangea

This needs little pruning beyond shortening shoots that outgrow their space, just after flowering.

Flower colour is not affected by pruning; it depends on the soil.
""", "negative"),
    page("https://plantclinic.example.net/diseases/downy-mildew-basil", "Downy mildew of basil", "2021-08-08", """
Downy mildew of basil, caused by Peronospora belbahrii, is a relatively new disease that has spread rapidly since the early 2000s and now appears in gardens and commercial crops each summer. It is a water mould rather than a true fungus.

## Symptoms

The first sign is yellowing of the leaves, which starts near the central vein and spreads outward, bounded by the veins. Gardeners often mistake it for a nutrient deficiency. On the underside of the yellow leaves, a fuzzy grey to purplish-brown growth appears, especially after humid nights. Leaves then blacken and drop.

It differs from powdery mildew, which forms white powder on the upper surface and does not need wet conditions.

## Conditions

The disease is favoured by warm days, cool nights and long periods of leaf wetness or high humidity. Spores travel on the wind, and infected seed and transplants can introduce it.

## Management

- Grow resistant varieties, now widely available.
- Space plants widely, water at the base in the morning and grow in full sun.
- Harvest frequently and check the undersides of leaves.
- Remove and bag infected plants; do not compost them.

Sweet basil is very susceptible. Some other basils, such as Thai and lemon basil, are less affected.
""", "negative"),
    page("https://soilsense.example.com/blog/worm-composting-basics", "Worm composting basics", "2018-01-28", """
Worm composting, or vermicomposting, uses red wiggler worms to turn kitchen scraps into a rich, fine-textured compost called worm castings. A worm bin can live indoors, so it is ideal for flats and small gardens.

## The worms

Use composting worms such as Eisenia fetida, not ordinary earthworms, which live in soil and will not thrive in a bin. Start with about 500 g of worms for a household's scraps.

## Setting up

A plastic or wooden bin with drainage and air holes works well. Fill it with moist bedding of shredded cardboard, newspaper and coir, damp like a wrung-out sponge, and add a handful of soil for grit.

## Feeding

Bury fruit and vegetable scraps, coffee grounds, tea bags and crushed eggshells under the bedding, a little at a time. Avoid meat, dairy, oily food, and large amounts of citrus and onion. Overfeeding makes the bin sour and smelly, and attracts fruit flies.

## Conditions

Worms are happiest at 15-25 °C. Protect outdoor bins from frost and direct sun.

## Harvesting

After three to six months, move the contents to one side and add fresh bedding and food to the other. The worms migrate, and you can scoop out the finished castings. Use them as a top dressing or in potting mixes; they are rich in nutrients and microbes.
""", "negative"),
    page("https://gardenhelp.example.org/advice/creating-a-moss-garden", "Creating a moss garden", "2021-05-09", """
In shady, damp corners where grass struggles, mosses can be welcomed rather than fought. A moss garden is green all year, needs no mowing or feeding, and has a calm, soft look, as in many Japanese gardens.

## Choosing a site

Mosses thrive in shade or part shade, in moist air and on acidic, compacted soil with little competition, the conditions that are worst for lawn grass. North-facing areas under trees are ideal.

## Preparing the ground

Remove weeds and grass, rake the surface smooth and firm it. Mosses have no true roots and attach to the surface, so the soil does not need to be dug. If the soil is alkaline, a light application of sulfur helps.

## Establishing moss

Collect small patches of moss from your own garden, or buy it from a nursery. Never take moss from the wild without permission. Press patches firmly onto damp soil and pin them with small sticks. Moss can also be spread as crumbled fragments, which take longer to knit together.

## Care

Water regularly until the moss is established, ideally with rainwater, since tap water can be alkaline. Keep fallen leaves off the surface with a soft rake or blower, and pull weeds while they are small. Avoid walking on it until it has knitted together.

Established moss tolerates drought by going dormant and turns green again after rain.
""", "negative"),
    page("https://hortextension.example.org/factsheets/seed-germination-temperatures", "Seed germination temperatures for vegetables", "2017-02-26", """
Soil temperature, more than air temperature or the calendar, decides when vegetable seeds germinate. Seeds sown into soil that is too cold germinate slowly or rot; seeds sown too warm may not germinate at all.

## Cool-season crops

Peas, lettuce, spinach, onions and radishes germinate at soil temperatures as low as 5 °C, though they are faster at 10-20 °C. Lettuce and spinach germinate poorly above about 25 °C, which is why summer sowings often fail; sow them in the evening or in shade.

## Warm-season crops

Tomatoes, peppers and aubergines need at least 15 °C and germinate best at 25-30 °C. Cucumbers, squash and melons need at least 15 °C and prefer 25-35 °C. Beans and sweetcorn rot in cold, wet soil and should not be sown until the soil has reached about 15 °C.

## Indoors

A heat mat under seed trays is the easiest way to provide steady bottom heat for warm-season crops. Remove trays from the heat as soon as most seedlings emerge, and give them bright light at once.

## Measuring

A soil thermometer pushed 5-10 cm into the ground in the morning gives the most useful reading. Black plastic or cloches laid over beds for a week or two before sowing warm the soil noticeably.

Old seed germinates more slowly and unevenly at any temperature.
""", "negative"),
    page("https://fruitgrowers.example.org/wiki/Fig_trees_outdoors", "Growing edible figs outdoors", "2020-05-31", """
The common fig, Ficus carica, is a deciduous tree or large shrub from the Mediterranean and western Asia. It is a close relative of tropical houseplant figs but hardy enough to grow outdoors in many temperate gardens.

## Site and soil

Figs need full sun and warmth to ripen fruit. In cool climates, the best place is against a south- or west-facing wall. They grow in most well-drained soils. In rich soil with unrestricted roots, they make a lot of leaf and little fruit, so gardeners often restrict the roots with a lined planting pit or a large container.

## Fruiting

In warm climates, figs can produce two crops a year. In cooler regions, only the embryo figs that form at the shoot tips in late summer and survive the winter go on to ripen the following summer. Larger figs present in autumn will not ripen and should be removed.

## Winter protection

Established trees tolerate frosts to about -10 °C, but young plants and the embryo fruit are damaged by hard frost. Fleece or straw around wall-trained trees helps. Container figs can be moved into an unheated garage for the winter.

## Varieties

'Brown Turkey' is reliable and widely grown. 'Brunswick' and 'White Marseilles' also suit cooler areas.

The milky sap irritates the skin of some people, especially in sunlight, so wear gloves when pruning.
""", "negative"),
    page("https://hortextension.example.org/factsheets/growing-onions-from-sets", "Growing onions from sets", "2019-03-12", """
Onion sets are small, immature onion bulbs grown the previous year and stored over winter. Planting them is the easiest way to grow onions, because sets establish faster than seed and tolerate cold, wet springs and poorer soil.

## When to plant

Plant sets in early spring, as soon as the soil can be worked. Some autumn-planting varieties are hardy enough to overwinter and give an early crop the following summer.

## How to plant

Plant sets 10 cm apart in rows 30 cm apart, pushing them into loose soil so that the tip just shows. Birds sometimes pull them out; replant any that are lifted, or cover the rows with fleece for a few weeks.

## Bolting

Larger sets are more likely to bolt, sending up a flower stalk that spoils the bulb for storage. Heat-treated sets are less prone to it. Remove flower stalks as soon as they appear and use those onions first.

## Day length

Onions start to form bulbs in response to day length. Long-day varieties suit northern latitudes, and short-day varieties suit regions nearer the equator. Choose sets suited to your area.

## Harvesting

When the leaves yellow and fall over in late summer, lift the onions and dry them in the sun or in an airy shed for two weeks before storing them in nets.
""", "negative"),
    page("https://gardenhelp.example.org/advice/rhododendrons-and-azaleas", "Rhododendrons and azaleas: growing on acid soil", "2018-04-08", """
Rhododendrons and azaleas are calcifuges: they grow naturally on acidic soils and struggle wherever the soil contains lime. Giving them the right soil from the start matters more than any later treatment.

## Soil

They need a moist but free-draining, humus-rich soil with a pH between about 4.5 and 6.0. Their roots are fine, fibrous and shallow, and quickly rot in waterlogged ground or dry out in thin soil. On alkaline soils they develop yellow leaves with green veins, caused by iron deficiency, and gradually decline.

## Planting

Plant shallowly, with the top of the root ball level with the soil surface or slightly above. Deep planting is a common cause of failure. Mix plenty of leaf mould or composted bark into the planting area and mulch each year with pine needles, bark or leaf mould.

## Watering

Buds for next year's flowers form in late summer, so a drought in August can mean few flowers the following spring. Water with rainwater where possible, because hard tap water gradually raises the pH.

## On chalky soil

Grow them in large containers of ericaceous compost, or in raised beds filled with acidic soil, separated from the natural soil below. Some newer hybrids are bred to tolerate more alkaline soils.

Deadheading spent flower trusses improves appearance but is not essential.
""", "negative"),
    page("https://plantclinic.example.net/diseases/apple-scab", "Apple scab", "2021-05-16", """
Apple scab, caused by the fungus Venturia inaequalis, is the most common disease of apples and crab apples in regions with wet springs. It rarely kills trees, but it spoils fruit and weakens heavily infected trees.

## Symptoms

On leaves, olive-green to brown velvety spots appear in spring, later turning dark and causing the leaves to yellow and fall early. Fruit develop dark, corky, scabby spots, and infected young fruit can crack and become misshapen. Shoots may show blistered lesions.

## Disease cycle

The fungus overwinters in fallen leaves. In spring, spores are released during rain and infect young leaves and blossom. Wet leaves for several hours at mild temperatures allow infection. Spots produce further spores that spread the disease through the summer.

## Management

- Rake up and destroy or compost fallen leaves in autumn, or mow them finely so they decay quickly.
- Prune to open the canopy so that leaves dry faster.
- Plant resistant varieties. Many modern apples carry scab resistance genes.
- Fungicide sprays must start at bud break and be repeated during wet weather, which is rarely practical for home gardeners.

Scabby fruit is safe to eat, though affected fruit store poorly. Pears suffer a similar but separate scab disease.
""", "negative"),
    page("https://invasives.example.org/species/running-bamboo-containment", "Containing running bamboo", "2020-09-20", """
Bamboos fall into two groups: clumping bamboos, which spread slowly outward from a central clump, and running bamboos, which send long rhizomes several metres through the soil each year. Running bamboos, such as many Phyllostachys species, can escape from gardens into neighbouring properties and natural areas.

## Before planting

Choose a clumping bamboo such as Fargesia if you want a screen without the risk. If you plant a runner, install a barrier at the same time; adding one later is far more work.

## Root barriers

Use a purpose-made high-density polyethylene barrier at least 60-70 cm deep and 1-2 mm thick. Bury it vertically around the planting with a few centimetres left above ground, so that rhizomes trying to climb over are visible. Angle the top slightly outward so that rhizomes are deflected upward. Seal the overlap where the ends meet with special tape or a clamping strip.

## Maintenance

Every summer and autumn, walk the edge of the barrier and cut any rhizomes crossing the top. A trench around the planting, kept open or filled with loose material, also makes rhizomes easy to find and cut.

## Removing escaped bamboo

Cut culms to the ground repeatedly to exhaust the rhizomes, and dig out the rhizome network. This can take several seasons.
""", "negative"),
    page("https://houseplant-journal.example.com/potting-mix-for-cacti-and-succulents", "Potting mix for cacti and succulents", "2022-06-26", """
Most cacti and succulents come from places where rain, when it comes, drains away fast. In pots, their roots rot if they sit in wet compost, so a free-draining mix is the most important part of growing them well.

## A basic mix

Combine roughly equal parts of a peat-free multipurpose or loam-based compost and a coarse mineral material, such as pumice, perlite, horticultural grit or calcined clay. For cacti and for succulents from very dry regions, increase the mineral part to two-thirds. Bagged cactus compost is often too fine and benefits from extra grit.

## Why mineral matter

Mineral particles create large air spaces that let water drain and roots breathe, and they do not break down over time. Pure organic composts hold too much water and collapse over time.

## Pots

Use pots with drainage holes. Unglazed terracotta dries faster than plastic, which helps in cool or humid homes. Top-dress with grit to keep the base of the plant dry.

## Watering

Water thoroughly, then allow the mix to dry out completely before watering again. In winter, most cacti need almost no water while they rest in a cool, bright place.

## Repotting

Repot in spring every two to three years. Wear thick gloves or wrap spiny cacti in folded newspaper.
""", "negative"),
    page("https://lawnlab.example.org/mowing-height-guide", "Mowing height guide for cool-season lawns", "2020-04-26", """
Mowing height affects the health of a lawn more than almost anything else you do to it. Grass that is cut too short has less leaf to make food, shallower roots and more room for weeds.

## The one-third rule

Never remove more than a third of the leaf blade in a single mowing. If the lawn has grown long, bring it down in stages over several mowings.

## Recommended heights

- Fine fescues: 4-6 cm.
- Perennial ryegrass: 4-6 cm.
- Kentucky bluegrass: 5-7 cm.
- Tall fescue: 6-8 cm.
- Bentgrass, as on golf greens, can be mown very short, but needs intensive care.

Raise the height by a centimetre or so in summer heat and drought, and in shade.

## Frequency

In peak growth in spring, a lawn may need mowing twice a week to follow the one-third rule. In summer and autumn, once a week or less.

## Blades and timing

Keep mower blades sharp: dull blades tear the grass, leaving ragged brown tips that invite disease. Mow when the grass is dry, and avoid mowing during the hottest part of the day.

## First and last cuts

Make the first cut of spring at the higher end of the range once the grass is actively growing. For the last cut in autumn, lower the height slightly to reduce matting under snow.
""", "negative"),
    page("https://hortextension.example.org/factsheets/sweet-potatoes-from-slips", "Growing sweet potatoes from slips", "2021-04-18", """
Sweet potatoes (Ipomoea batatas) are not closely related to potatoes. They belong to the morning glory family and are grown from slips, rooted shoots taken from a sprouting root, rather than from seed tubers.

## Growing slips

In late winter, half-bury a sweet potato in moist compost or suspend it in water in a warm, bright place. After four to six weeks, shoots grow from the top. When they are 15-20 cm long, twist them off and stand them in water until they root. Slips can also be bought in spring.

## Planting

Sweet potatoes need heat. Plant out two to three weeks after the last frost, when the soil is at least 18 °C. Black plastic mulch warms the soil and is widely used in cooler regions. Plant slips deep, with only the top leaves above ground, 30-45 cm apart on ridges.

## Care

Water regularly until established; after that, they tolerate dry spells. Avoid high-nitrogen fertiliser, which gives lush vines and small roots.

## Harvest and curing

Harvest before the first frost, lifting carefully because the skins bruise easily. Cure the roots at about 29 °C and high humidity for a week to heal wounds and convert starch to sugar, then store at 13-15 °C. Do not refrigerate them.

The leaves are edible too and are cooked like spinach in many countries.
""", "negative"),
    page("https://pestwise.example.net/slugs-and-snails-what-works", "Slugs and snails: what actually works", "2019-05-05", """
Slugs and snails are the most complained-about garden pests in damp climates. They feed at night and in wet weather, rasping holes in leaves, destroying seedlings overnight and boring into potatoes and strawberries.

## What works

- Night patrols. Going out with a torch after dark on a damp evening and collecting slugs by hand is surprisingly effective.
- Beer traps. Sunken containers of beer attract and drown slugs. They work best in small areas and need regular emptying.
- Ferric phosphate pellets. Approved for organic growing, they stop slugs feeding and are much less harmful to wildlife than the older metaldehyde pellets, which are banned in several countries.
- Nematodes. A biological control, Phasmarhabditis, is watered onto warm, moist soil and infects slugs underground.
- Raising tender seedlings in pots until they are large enough to survive some damage.

## What works less well

Barriers of crushed eggshells, grit and coffee grounds have performed poorly in trials. Copper tape gives partial protection around pots.

## Encourage predators

Frogs, toads, hedgehogs, ground beetles and thrushes all eat slugs. A pond and some wild, undisturbed corners provide habitat.

Remember that only a few species do most of the damage; many slugs mainly eat decaying plant matter.
""", "negative"),
    page("https://greenthumb-supply.example.com/learn/choosing-a-rose", "Choosing a rose: types explained", "2018-12-09", """
Rose catalogues group roses into types that tell you how big the plant will grow, how it flowers and where to use it. Knowing the groups makes choosing much easier.

## Hybrid teas

Upright bushes about 1 metre tall with large, shapely flowers, usually one per stem. The classic cut-flower rose. Most repeat flower through summer.

## Floribundas

Bushy plants carrying clusters of smaller flowers. They flower almost continuously and give more colour in a border than hybrid teas.

## Shrub roses

A broad group, including English-style roses, rugosas and modern landscape roses. Many are tough, disease resistant and fragrant, and need little pruning.

## Climbers and ramblers

Climbers have stiff, long canes and usually repeat flower; they suit walls, fences and arches. Ramblers are more vigorous, with flexible stems, and usually flower once in early summer; they can cover a shed or climb into a tree.

## Patio and miniature roses

Compact plants suited to containers and small gardens.

## What to look for

Check disease resistance ratings, especially for black spot and mildew; they vary a lot between varieties. Consider scent, flower form, size and whether the rose repeats. Bare-root roses, sold in winter, are cheaper than container-grown ones and establish well.

We stock bare-root and potted roses from several specialist growers.
""", "negative"),
    page("https://fruitgrowers.example.org/wiki/Winter_pruning_apple_trees", "Winter pruning of apple trees", "2019-01-20", """
Apple trees are pruned in winter, while they are dormant, to keep an open, productive shape and to encourage a balance between new growth and fruit. Winter pruning stimulates vigorous regrowth; summer pruning does the opposite and is used for trained forms.

## The aim

Fruit is produced on fruiting spurs, short knobbly shoots on wood two years old or more, and in tip-bearing varieties at the ends of last year's shoots. A good pruning regime keeps a supply of young fruiting wood and lets light into the centre of the tree.

## Step by step

- Remove dead, diseased and damaged branches.
- Remove branches that cross or rub, and strong upright shoots in the centre.
- Shorten the leading shoots of main branches by a quarter to a third, cutting to an outward-facing bud.
- On older trees, thin crowded spur systems.
- On tip-bearers, leave the shoot tips unpruned.

## How much

Do not remove more than about a fifth of the canopy in one winter. Heavy pruning produces a mass of unfruitful water shoots. Neglected trees should be renovated over two to three years.

## Tools

Use sharp, clean secateurs and a pruning saw, and cut just above a bud or at the branch collar. Wound paints are not recommended.

Stone fruit such as plums and cherries are pruned in summer instead, to reduce the risk of silver leaf disease.
""", "negative"),
]

# Off-topic pages: a crawl of cited links always drags in some of these.
PAGES += [
    page("https://chainline.example.com/cleaning-and-lubricating-a-chain", "Cleaning and lubricating a bicycle chain", "2021-03-03", """
A clean, well-lubricated chain shifts better, runs quieter and wears the expensive cassette and chainrings far more slowly. It takes ten minutes.

## Cleaning

Shift to the smallest sprocket at the back. Hold a rag around the lower run of the chain and turn the pedals backwards to wipe off the surface grime. For a deeper clean, use a chain-cleaning tool filled with a degreaser, or remove the chain at its quick link and soak it. Rinse off the degreaser and dry the chain thoroughly; water left in the rollers causes rust.

## Lubricating

Apply one drop of chain lube to each roller on the inside of the chain while turning the pedals backwards. Let it soak in for a few minutes, then wipe off the excess from the outside of the chain. Lube on the outside only attracts dirt.

Wet lubes last longer in rain but collect grime. Dry and wax-based lubes stay cleaner in dry conditions but need more frequent application.

## Checking wear

Chains stretch as the pins and rollers wear. Measure with a chain checker tool: replace an 11- or 12-speed chain at 0.5% elongation, and older chains at 0.75%. Replacing the chain in time can double the life of the cassette.

Lubricate after every wet ride and about every 300 km in dry weather.
""", "offtopic"),
    page("https://kitchen-notes.example.net/sharpening-knives-on-a-whetstone", "Sharpening kitchen knives on a whetstone", "2020-10-18", """
A sharp knife is safer than a dull one: it needs less force and is less likely to slip. A whetstone gives the best edge and, with a little practice, is not difficult.

## The stones

A combination stone with a medium grit, around 1000, on one side and a fine grit, 3000-6000, on the other covers most needs. Water stones are soaked for ten minutes or splashed with water before use, depending on the type. Oil stones use honing oil.

## Holding the angle

Most Western kitchen knives are sharpened at about 15-20 degrees per side; many Japanese knives are a little more acute. Find the angle by holding the blade perpendicular to the stone, halving it to 45 degrees and halving again. Consistency matters more than the exact angle.

## Sharpening

With light pressure, push the blade across the medium stone edge-first, sweeping from heel to tip, ten or so strokes per side. Feel for a burr, a tiny rough lip on the opposite side of the edge, along its whole length. When you can feel it, switch sides. Repeat on the fine stone with lighter strokes to refine the edge, then remove the burr with a few alternating strokes.

## Honing

Between sharpenings, a honing steel realigns the edge. Use it gently before each cooking session.
""", "offtopic"),
    page("https://kitchen-notes.example.net/homemade-yogurt", "Making yogurt at home", "2019-09-15", """
Homemade yogurt needs only milk, a spoonful of live yogurt and a warm place. It costs a fraction of shop-bought yogurt and you control the thickness and sourness.

## Method

Heat a litre of milk to about 85 °C and hold it there for a few minutes, stirring. This changes the milk proteins so that the yogurt sets firmer. Cool the milk to 43-45 °C, the temperature at which yogurt cultures work best, then stir in two tablespoons of plain yogurt with live cultures.

Pour into a clean jar, cover and keep warm at about 40-45 °C for six to twelve hours. An oven with only the light on, a vacuum flask, or a yogurt maker all work. Longer incubation gives a tangier yogurt. Once set, refrigerate it; it thickens further as it cools.

## Thicker yogurt

Strain the yogurt in a cloth-lined sieve for a few hours to make thick, Greek-style yogurt. The liquid whey can be used in baking.

## Troubleshooting

Runny yogurt usually means the milk was too hot when the starter was added, killing the cultures, or the incubation was too cool or too short. UHT milk can skip the heating step. Save a few spoonfuls from each batch to start the next, and buy a fresh starter every few batches when the yogurt loses vigour.
""", "offtopic"),
    page("https://kitchen-notes.example.net/quick-pickles-vs-fermented-pickles", "Quick pickles versus fermented pickles", "2022-08-21", """
Pickled cucumbers come in two very different kinds. Quick pickles get their sourness from vinegar; fermented pickles get it from lactic acid bacteria that grow in salty brine. Both are easy to make from a glut of garden cucumbers.

## Quick pickles

Heat equal parts vinegar and water with a little salt and sugar until dissolved. Pack sliced cucumbers into a jar with dill, garlic and spices, pour over the hot brine and refrigerate. They are ready in a day and keep for several weeks in the fridge. For long-term storage at room temperature, they must be processed in a boiling water bath following a tested recipe.

## Fermented pickles

Pack whole small cucumbers tightly into a jar with dill, garlic and a grape or oak leaf, whose tannins help keep them crunchy. Cover completely with a brine of about 3.5-5% salt by weight of water, and weigh the cucumbers down so they stay submerged. At 18-22 °C, bubbles appear after a few days as lactic acid bacteria sour the brine. Taste from day four; when they are sour enough, refrigerate them.

A white film on the surface of the brine is usually harmless kahm yeast and can be skimmed off. Fuzzy mould or soft, slimy pickles mean the batch should be discarded.

Use firm, freshly picked pickling varieties, and trim the blossom end, which contains enzymes that soften pickles.
""", "offtopic"),
    page("https://aquarium-keepers.example.org/wiki/Cycling_a_new_aquarium", "Cycling a new aquarium", "2021-12-05", """
Cycling is the process of establishing colonies of beneficial bacteria in an aquarium filter before adding fish. Fish excrete ammonia, which is highly toxic. In a cycled tank, one group of bacteria converts ammonia to nitrite, which is also toxic, and another converts nitrite to nitrate, which is tolerated at moderate levels and removed by water changes.

## Fishless cycling

Set up the tank with its filter and heater running, and dechlorinated water. Add a source of ammonia, either pure household ammonia without surfactants or a measured amount of fish food, to reach about 2 mg/L. Test the water every few days.

First ammonia falls and nitrite rises; then nitrite falls and nitrate rises. The tank is cycled when it can convert 2 mg/L of ammonia to zero ammonia and zero nitrite within 24 hours. This usually takes four to six weeks. Warmth, around 25-30 °C, and adding filter media from an established tank speed it up.

## Before adding fish

Do a large water change to bring nitrate down, then add a few fish at a time so that the bacteria can keep up with the increasing load.

## Common mistakes

Cleaning filter media under chlorinated tap water kills the bacteria. Rinse media in old tank water instead. Never replace all the filter media at once.
""", "offtopic"),
    page("https://chainline.example.com/fixing-a-puncture-on-the-road", "Fixing a puncture on the road", "2019-04-28", """
Every cyclist gets punctures. Knowing how to fix one at the roadside in ten minutes turns a ruined ride into a short break.

## What to carry

A spare inner tube of the right size and valve type, two tyre levers, a mini pump or CO2 inflator, and a patch kit as backup.

## Step by step

- Move off the road, shift to the smallest rear sprocket and remove the wheel.
- Let out any remaining air. Push the tyre bead into the centre of the rim all the way round to create slack, then hook a tyre lever under the bead opposite the valve and lever it over the rim. Run the second lever round to free one side.
- Pull out the tube. Before fitting the new one, run your fingers carefully around the inside of the tyre to find and remove whatever caused the puncture: a thorn, a shard of glass or a sliver of wire. Skipping this step means another flat within minutes.
- Inflate the new tube slightly so it holds its shape, insert the valve and tuck the tube into the tyre.
- Push the bead back onto the rim with your thumbs, finishing at the valve. Avoid levers for this step, which can pinch the tube.
- Check that the tube is not trapped under the bead, inflate to pressure and refit the wheel.

Tubeless tyres usually seal small punctures themselves; larger holes can be closed with a plug kit.
""", "offtopic"),
]


if __name__ == "__main__":
    main()
