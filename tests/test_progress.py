"""Progress of long steps: the core's `progress(done, total)` calls, and how they are shown."""

import io

import pytest
from openai_server import OpenAIServer
from test_crawl import Site, fast_config
from test_teacher import KEY_ENV, config, make_pairs

from reasonrank_assets.core.progress import BarReporter, LineReporter, counted, progress_line, reporter
from reasonrank_assets.core.teacher.backends import make_teacher
from reasonrank_assets.core.teacher.cache import AnswerCache
from reasonrank_assets.core.teacher.tasks import judge_pairs
from reasonrank_assets.core.web.crawl import crawl


def test_a_line_says_share_rate_and_eta():
    assert progress_line("teacher", "pairs", 40, 80, 20.0) == "teacher: 40/80 pairs (50%), 2 pairs/s, ETA 0m20s"
    assert progress_line("teacher", "pairs", 80, 80, 125.0) == "teacher: 80/80 pairs (100%), 0.64 pairs/s, done in 2m05s"
    assert progress_line("ingest", "posts", 1500, None, 3.0) == "ingest: 1500 posts, 500 posts/s"


def test_lines_are_throttled_but_the_last_is_always_written(monkeypatch):
    clock = iter([0.0, 100.0, 100.0, 100.0, 105.0, 111.0, 112.0])  # a batch of 3 answers at 100 s, one more at 111 s
    monkeypatch.setattr("reasonrank_assets.core.progress.time.monotonic", lambda: next(clock))
    lines: list[str] = []
    report = LineReporter("teacher", "pairs", lines.append, every_s=10)
    for done in (1, 2, 3, 4, 5, 6):
        report(done, 6)
    # no line from the batch's first answer (it would promise 1 pair/100 s); one 11 s later; the end
    assert [line.split(",")[0] for line in lines] == ["teacher: 5/6 pairs (83%)", "teacher: 6/6 pairs (100%)"]
    assert lines[0].endswith("ETA 0m22s")
    lines.clear()
    monkeypatch.undo()
    assert list(counted(iter("abc"), LineReporter("ingest", "posts", lines.append, every_s=3600))) == ["a", "b", "c"]
    assert [line.split(",")[0] for line in lines] == ["ingest: 3/3 posts (100%)"]  # the end is told


def test_off_a_terminal_plain_lines_on_stderr(capsys):
    report = reporter("crawl", "pages", every_s=0)  # pytest's stderr is not a terminal
    assert isinstance(report, LineReporter)
    report(2, 2)
    assert capsys.readouterr().err.startswith("crawl: 2/2 pages (100%)")


def test_a_terminal_gets_a_bar_with_rate_and_eta(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stderr", out)
    monkeypatch.setattr(out, "isatty", lambda: True, raising=False)
    report = reporter("rerank", "queries")
    assert isinstance(report, BarReporter)
    for done in range(1, 4):
        report(done, 3)
    text = out.getvalue()
    assert "rerank" in text and "3/3" in text and "queries/s" in text


@pytest.mark.slow
def test_the_teacher_reports_each_answer_and_a_cached_rerun_reports_none(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "sk-test")
    calls: list[tuple[int, int]] = []
    with OpenAIServer() as server, AnswerCache(tmp_path / "cache") as cache:
        client = make_teacher(config(server))
        judge_pairs(make_pairs(6), client, cache, progress=lambda done, total: calls.append((done, total)))
        assert sorted(calls) == [(i, 6) for i in range(1, 7)]
        calls.clear()
        judge_pairs(make_pairs(6), client, cache, progress=lambda done, total: calls.append((done, total)))
        assert calls == []


def test_the_crawler_reports_each_due_url(tmp_path):
    site = Site()
    try:
        calls: list[tuple[int, int]] = []
        urls = [site.url("/ok"), site.url("/missing"), site.url("/latin1")]
        crawl(urls, tmp_path / "store", fast_config(), progress=lambda done, total: calls.append((done, total)))
        assert calls == [(1, 3), (2, 3), (3, 3)]
    finally:
        site.close()
