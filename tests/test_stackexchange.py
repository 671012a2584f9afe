"""StackExchange dumps: streaming reader, error handling, question selection, URL normalisation."""

from __future__ import annotations

from pathlib import Path

import py7zr
import pytest

from reasonrank_assets.core.web.stackexchange import (
    DumpError,
    QuestionSettings,
    find_site_dumps,
    read_posts,
    select_questions,
)
from reasonrank_assets.core.web.urls import normalize_url


def row(**attrs) -> str:
    from xml.sax.saxutils import quoteattr

    return "  <row " + " ".join(f"{k}={quoteattr(str(v))}" for k, v in attrs.items()) + " />\n"


def dump(rows: list[str], tail: str = "</posts>\n") -> str:
    return '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' + "".join(rows) + tail


ROWS = [
    row(Id=1, PostTypeId=1, AcceptedAnswerId=3, CreationDate="2015-01-27T20:39:34.113", Score=9,
        Title="What are citra hops?", Tags="<hops><ingredients>", AnswerCount=3,
        Body='<p>Is <b>citra</b> special?</p>\n<pre><code>IBU = 40\n  OG = 1.050\n</code></pre><ul><li>one</li><li>two</li></ul>'),
    row(Id=2, PostTypeId=2, ParentId=1, Score=5, CreationDate="2015-01-28T10:00:00.000",
        Body='<p>See <a href="https://EN.wikipedia.org/wiki/Citra_(hop)#History" rel="nofollow">wiki</a> and '
             '<a href="https://beer.stackexchange.com/questions/7/x">this question</a> and '
             '<a href="/questions/8">a relative link</a>.</p>'),
    row(Id=3, PostTypeId=2, ParentId=1, Score=2, CreationDate="2015-01-28T11:00:00.000",
        Body='<p><a href="https://en.wikipedia.org/wiki/Citra_(hop)?utm_source=se">same page</a>, '
             '<a href="http://hops.example.com/citra">grower</a></p>'),
    row(Id=4, PostTypeId=2, ParentId=1, Score=-1, Body='<p><a href="http://spam.example.net/">spam</a></p>'),
    row(Id=5, PostTypeId=1, Score=0, Title="Low score", Tags="|hops|", Body="<p>q</p>", AnswerCount=1),
    row(Id=6, PostTypeId=2, ParentId=5, Score=3, Body='<p><a href="http://low.example.org/">x</a></p>'),
    row(Id=7, PostTypeId=1, Score=4, Title="No citations", Tags="|yeast|", Body="<p>why?</p>", AnswerCount=1),
    row(Id=8, PostTypeId=2, ParentId=7, Score=6, Body='<p>Only <a href="https://superuser.com/q/1">SE</a></p>'),
    row(Id=9, PostTypeId=5, Score=0, Body="<p>a tag wiki</p>"),
    row(Id=10, PostTypeId=1, Score=3, Title="Yeast question", Tags="|yeast|", Body="<p>Ale yeast?</p>", AnswerCount=1),
    row(Id=11, PostTypeId=2, ParentId=10, Score=1, Body='<p><a href="https://yeast.example.org/ale">ale</a></p>'),
]


@pytest.fixture
def posts_xml(tmp_path) -> Path:
    path = tmp_path / "beer.stackexchange.com" / "Posts.xml"
    path.parent.mkdir()
    path.write_text(dump(ROWS), encoding="utf-8")
    return path


def test_rows_are_parsed_into_plain_text_tags_and_links(posts_xml):
    posts = {p["post_id"]: p for p in read_posts(posts_xml, "beer.stackexchange.com")}
    assert sorted(posts) == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]  # the tag wiki (type 5) is left out
    question = posts[1]
    assert question["title"] == "What are citra hops?" and question["tags"] == ["hops", "ingredients"]
    assert question["body_text"].startswith("Is citra special?\n\nIBU = 40\n  OG = 1.050")  # code kept as is
    assert "- one\n- two" in question["body_text"] and "<" not in question["body_text"]
    assert question["accepted_answer_id"] == 3 and question["answer_count"] == 3 and question["score"] == 9
    assert question["creation_date"].isoformat() == "2015-01-27T20:39:34.113000"
    assert posts[5]["tags"] == ["hops"]  # the 2024+ `|tag|` spelling
    assert posts[2]["parent_id"] == 1 and posts[2]["links"] == [
        "https://EN.wikipedia.org/wiki/Citra_(hop)#History", "https://beer.stackexchange.com/questions/7/x", "/questions/8"]


def test_select_questions_by_rules_with_normalised_deduplicated_urls(posts_xml):
    questions, cited = select_questions(read_posts(posts_xml, "beer"), QuestionSettings())
    assert [q["question_id"] for q in questions] == [1, 10]  # 5: score 0; 7: cites only StackExchange
    first = questions[0]
    assert first["text"] == first["title"] + "\n\n" + first["body"] and first["n_cited_urls"] == 2
    by_url = {c["url"]: c for c in cited if c["question_id"] == 1}
    assert set(by_url) == {"https://en.wikipedia.org/wiki/Citra_%28hop%29", "http://hops.example.com/citra"}
    wiki = by_url["https://en.wikipedia.org/wiki/Citra_%28hop%29"]
    # cited by answer 2 (score 5) and the accepted answer 3 (score 2): the accepted one is kept
    assert wiki["answer_id"] == 3 and wiki["is_accepted"] and wiki["answer_score"] == 2
    assert "spam.example.net" not in str(cited)  # answer score -1 < min_answer_score

    loose = QuestionSettings(min_question_score=0, min_answer_score=-5, require_cited_url=False)
    assert [q["question_id"] for q in select_questions(read_posts(posts_xml, "b"), loose)[0]] == [1, 5, 7, 10]
    tagged = QuestionSettings(tags_any=["yeast"])
    assert [q["question_id"] for q in select_questions(read_posts(posts_xml, "b"), tagged)[0]] == [10]
    accepted = QuestionSettings(require_accepted_answer=True, accepted_answer_only=True)
    questions, cited = select_questions(read_posts(posts_xml, "b"), accepted)
    assert [q["question_id"] for q in questions] == [1] and {c["answer_id"] for c in cited} == {3}
    top, top_cited = select_questions(read_posts(posts_xml, "b"), QuestionSettings(max_questions=1))
    assert [q["question_id"] for q in top] == [1] and {c["question_id"] for c in top_cited} == {1}


def test_malformed_row_is_recorded_and_skipped(tmp_path):
    path = tmp_path / "Posts.xml"
    bad = [row(Id="x7", PostTypeId=1, Score=1, Body=""), row(Id=8, PostTypeId=1, Score="lots", Body=""),
           row(PostTypeId=2, Body=""), row(Id=9, PostTypeId=1, Score=1, CreationDate="yesterday", Body="")]
    path.write_text(dump(ROWS[:2] + bad + ROWS[2:3]), encoding="utf-8")
    errors: list[dict] = []
    ids = [p["post_id"] for p in read_posts(path, "s", errors)]
    assert ids == [1, 2, 3]
    assert [(e["line"], e["post_id"]) for e in errors] == [(5, "x7"), (6, "8"), (7, None), (8, "9")]
    assert "Id='x7' is not an integer" in errors[0]["error"] and "Score" in errors[1]["error"]
    assert "missing attribute Id" in errors[2]["error"] and "CreationDate" in errors[3]["error"]
    assert all(e["file"] == str(path) for e in errors)


def test_file_that_is_not_well_formed_raises_with_file_and_line_after_its_good_rows(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_text(dump(ROWS[:3] + ['  <row Id="99" PostTypeId="1" Body="<unescaped>" />\n'] + ROWS[3:]))
    seen = []
    with pytest.raises(DumpError) as caught:
        for post in read_posts(path, "s"):
            seen.append(post["post_id"])
    assert seen == [1, 2, 3] and caught.value.line == 6 and caught.value.file == str(path)
    assert str(path) in str(caught.value) and "line 6" in str(caught.value)

    truncated = tmp_path / "cut" / "Posts.xml"
    truncated.parent.mkdir()
    truncated.write_text(dump(ROWS[:4], tail=""))  # a download cut short
    seen = []
    with pytest.raises(DumpError, match="not well-formed"):
        seen.extend(p["post_id"] for p in read_posts(truncated, "s"))
    assert seen == [1, 2, 3, 4]


def test_xml_faults_are_recorded_with_their_line_and_the_rows_around_them_kept(tmp_path):
    path = tmp_path / "Posts.xml"
    stray = '  <row Id="99" PostTypeId="1" Score="1" Body="<unescaped>" />\n'
    bad_byte = '  <row Id="98" PostTypeId="1" Score="1" Body="caf\udce9" />\n'  # a lone Latin-1 byte
    text = dump(ROWS[:3] + [stray] + ROWS[3:6] + [bad_byte] + ROWS[6:])
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    errors: list[dict] = []
    ids = [p["post_id"] for p in read_posts(path, "s", errors)]
    assert ids == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]  # every row but the two faulty ones (9 is a tag wiki)
    assert [(e["kind"], e["line"], e["post_id"]) for e in errors] == [("xml", 6, None), ("xml", 10, None)]
    assert "Unescaped '<'" in errors[0]["error"] and "encoding" in errors[1]["error"]
    assert all(e["file"] == str(path) for e in errors)

    cut = tmp_path / "cut" / "Posts.xml"  # a stray `<` on a line of its own, then a file cut short
    cut.parent.mkdir()
    cut.write_text(dump(ROWS[:2] + ["  < \n", row(Id=77, PostTypeId=1, Score="x", Body="")] + ROWS[2:4]
                        + ['  <row Id="12" PostTy'], tail=""))
    errors = []
    assert [p["post_id"] for p in read_posts(cut, "s", errors)] == [1, 2, 3, 4]
    assert [(e["kind"], e["line"], e["post_id"]) for e in errors] == [("xml", 5, None), ("row", 6, "77"), ("xml", 9, None)]

    junk = tmp_path / "junk" / "Posts.xml"  # no dump at all: one fault per line, never a silent empty site
    junk.parent.mkdir()
    junk.write_text("<posts>\n" + '<row Id="1" < />\n' * 150)
    with pytest.raises(DumpError, match="more than 100 XML faults"):
        list(read_posts(junk, "s", []))
    junk.write_bytes(b"\x00\xff binary\n" * 10)
    with pytest.raises(DumpError, match="no row could be read") as caught:
        list(read_posts(junk, "s", []))
    assert caught.value.line == 1 and caught.value.file == str(junk)


def test_7z_archive_streams_the_same_rows_and_inbox_finds_both_layouts(posts_xml, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "beer.stackexchange.com").mkdir()
    (inbox / "beer.stackexchange.com" / "Posts.xml").write_bytes(posts_xml.read_bytes())
    with py7zr.SevenZipFile(inbox / "coffee.stackexchange.com.7z", "w") as archive:
        archive.write(posts_xml, "Posts.xml")
        archive.writestr(b"<users />", "Users.xml")
    with py7zr.SevenZipFile(inbox / "stackoverflow.com-Posts.7z", "w") as archive:
        archive.write(posts_xml, "Posts.xml")
    (inbox / "notes.txt").write_text("not a dump")
    dumps = find_site_dumps(inbox)
    assert dumps == {"beer.stackexchange.com": inbox / "beer.stackexchange.com" / "Posts.xml",
                     "coffee.stackexchange.com": inbox / "coffee.stackexchange.com.7z",
                     "stackoverflow.com": inbox / "stackoverflow.com-Posts.7z"}
    from_7z = list(read_posts(dumps["coffee.stackexchange.com"], "coffee.stackexchange.com"))
    from_xml = list(read_posts(posts_xml, "coffee.stackexchange.com"))
    assert from_7z == from_xml and len(from_7z) == 10

    first = next(read_posts(dumps["coffee.stackexchange.com"], "c"))  # a reader may stop early
    assert first["post_id"] == 1
    (inbox / "broken.7z").write_bytes(b"not an archive")
    with pytest.raises(DumpError, match="broken.7z"):
        list(read_posts(inbox / "broken.7z", "broken"))


def test_normalize_url():
    assert normalize_url("http://Example.COM:80/a/../b/?utm_source=x&id=3#top") == "http://example.com/b/?id=3"
    assert normalize_url("https://example.com") == "https://example.com/"
    assert normalize_url("//example.com/x") == "https://example.com/x"
    assert normalize_url("https://example.com/x?b=2&a=1") == "https://example.com/x?a=1&b=2"
    for dropped in ("/questions/1", "mailto:a@b.c", "ftp://example.com/f", "https://meta.stackexchange.com/q/1",
                    "https://stackoverflow.com/a/2", "https://i.stack.imgur.com/x.png", "https://ru.stackoverflow.com/",
                    "http://askubuntu.com/q/3", "", "http://a.com:99999/"):
        assert normalize_url(dropped) is None, dropped


def test_real_dumps_ingest(shared_data):
    """The real beer and (partial) coffee dumps: every post read, questions selected with citations."""
    beer = shared_data / "stackexchange" / "beer.stackexchange.com" / "Posts.xml"
    errors: list[dict] = []
    posts = list(read_posts(beer, "beer.stackexchange.com", errors))
    assert errors == []
    assert sum(p["post_type_id"] == 1 for p in posts) == 663 and sum(p["post_type_id"] == 2 for p in posts) == 1572
    questions, cited = select_questions(posts, QuestionSettings())
    assert 300 < len(questions) < 663 and len(cited) >= len(questions)
    assert all(q["n_cited_urls"] >= 1 and "<p>" not in q["text"] for q in questions)
    assert all(c["url"] == normalize_url(c["raw_url"]) and "stackexchange.com" not in c["url"] for c in cited)
    assert len({(c["question_id"], c["url"]) for c in cited}) == len(cited)

    dumps = find_site_dumps(shared_data / "stackexchange")
    assert set(dumps) == {"beer.stackexchange.com", "coffee.stackexchange.com"}
    coffee_questions, _ = select_questions(read_posts(dumps["coffee.stackexchange.com"], "coffee"), QuestionSettings())
    assert len(coffee_questions) > 50
