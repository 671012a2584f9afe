"""TREC/BEIR file formats: round trips, doc ids with spaces, strict score order, clear errors."""

import gzip
import json

import pytest

from reasonrank_assets.core.evaluation import trec


def test_run_round_trip_keeps_doc_ids_with_spaces(tmp_path):
    rows = [
        {"query_id": "4", "doc_id": "pytorch/Memory Management_2_0.txt", "rank": 1, "score": 0.9},
        {"query_id": "4", "doc_id": "plain.txt", "rank": 2, "score": 0.5},
    ]
    path = trec.write_run(rows, tmp_path / "run.trec", tag="sys")
    assert path.read_text().splitlines()[0] == "4 Q0 pytorch/Memory Management_2_0.txt 1 0.9 sys"
    back = trec.read_run(path)
    assert [(r["doc_id"], r["rank"], r["score"], r["system"]) for r in back] == [
        ("pytorch/Memory Management_2_0.txt", 1, 0.9, "sys"),
        ("plain.txt", 2, 0.5, "sys"),
    ]


def test_written_scores_strictly_decrease_even_with_ties(tmp_path):
    rows = [{"query_id": "q", "doc_id": f"d{i}", "rank": i, "score": 1.0} for i in range(1, 4)]
    rows.append({"query_id": "q", "doc_id": "d4", "rank": 4, "score": 2.0})  # out of order: rank decides
    back = trec.read_run(trec.write_run(rows, tmp_path / "r.trec", "t"))
    scores = [r["score"] for r in back]
    assert [r["doc_id"] for r in back] == ["d1", "d2", "d3", "d4"]
    assert all(a > b for a, b in zip(scores, scores[1:]))
    assert scores[0] == 1.0 and scores[1] < 1.0 and scores[1] > 0.999999


def test_bad_run_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.trec"
    path.write_text("1 Q0 d1 1 0.5 t\n1 Q0 d2 two 0.4 t\n")
    with pytest.raises(trec.FormatError, match=r"bad.trec:2"):
        trec.read_run(path)


def test_unwritable_ids_are_refused_before_writing(tmp_path):
    target = tmp_path / "run.trec"
    target.write_text("old\n")
    with pytest.raises(trec.FormatError, match="doc id"):
        trec.write_run([{"query_id": "1", "doc_id": "a\tb", "rank": 1, "score": 1.0}], target, "t")
    assert target.read_text() == "old\n"  # nothing lost


def test_qrels_trec_and_beir(tmp_path):
    (tmp_path / "q.txt").write_text("1 0 doc one 2\n1\t0\td2\t0\n")
    assert trec.read_qrels(tmp_path / "q.txt") == [
        {"query_id": "1", "doc_id": "doc one", "relevance": 2},
        {"query_id": "1", "doc_id": "d2", "relevance": 0},
    ]
    (tmp_path / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    assert trec.read_qrels(tmp_path / "test.tsv") == [{"query_id": "q1", "doc_id": "d1", "relevance": 1}]
    back = trec.read_qrels(trec.write_qrels(trec.read_qrels(tmp_path / "q.txt"), tmp_path / "w.txt"))
    assert back[0]["doc_id"] == "doc one"


def test_queries_and_corpus_in_both_formats(tmp_path):
    (tmp_path / "queries.tsv").write_text("1\thow long is a flea's life\n")
    (tmp_path / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "why?"}) + "\n")
    assert trec.read_queries(tmp_path / "queries.tsv") == [{"query_id": "1", "query": "how long is a flea's life"}]
    assert trec.read_queries(tmp_path / "queries.jsonl") == [{"query_id": "q1", "query": "why?"}]
    with gzip.open(tmp_path / "corpus.jsonl.gz", "wt") as handle:
        handle.write(json.dumps({"_id": "d1", "title": "Fleas", "text": "live a year"}) + "\n")
    (tmp_path / "corpus.tsv").write_text('d1\tsome "quoted" text\n')
    assert trec.read_corpus(tmp_path / "corpus.jsonl.gz") == [{"doc_id": "d1", "text": "Fleas live a year"}]
    assert trec.read_corpus(tmp_path / "corpus.tsv") == [{"doc_id": "d1", "text": 'some "quoted" text'}]
    (tmp_path / "broken.jsonl").write_text('{"_id": "d1", "text": "ok"}\n{"_id": "d2"}\n')
    with pytest.raises(trec.FormatError, match=r"broken.jsonl:2"):
        trec.read_corpus(tmp_path / "broken.jsonl")


def test_beir_folder(tmp_path):
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text(json.dumps({"_id": "d1", "title": "", "text": "t"}) + "\n")
    (tmp_path / "queries.jsonl").write_text("".join(json.dumps({"_id": q, "text": q}) + "\n" for q in ("q1", "q2")))
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    corpus, queries, qrels = trec.read_beir(tmp_path)
    assert [q["query_id"] for q in queries] == ["q1"]  # only the split's judged queries
    assert corpus == [{"doc_id": "d1", "text": "t"}] and len(qrels) == 1
    with pytest.raises(FileNotFoundError, match="qrels/dev.tsv"):
        trec.read_beir(tmp_path, split="dev")


def test_a_byte_order_mark_is_not_part_of_the_first_id(tmp_path):
    for name, text in [("run.trec", "q1 Q0 d1 1 2.0 t\n"), ("qrels.txt", "q1 0 d1 1\n"), ("queries.tsv", "q1\tbeer\n"), ("corpus.jsonl", '{"_id": "d1", "text": "malt"}\n')]:
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert trec.read_run(tmp_path / "run.trec")[0]["query_id"] == "q1"
    assert trec.read_qrels(tmp_path / "qrels.txt")[0]["query_id"] == "q1"
    assert trec.read_queries(tmp_path / "queries.tsv") == [{"query_id": "q1", "query": "beer"}]
    assert trec.read_corpus(tmp_path / "corpus.jsonl") == [{"doc_id": "d1", "text": "malt"}]


@pytest.mark.parametrize(
    "name, reader",
    [("run.trec", trec.read_run), ("qrels.txt", trec.read_qrels), ("queries.tsv", trec.read_queries), ("corpus.tsv", trec.read_corpus), ("corpus.jsonl", trec.read_corpus)],
)
def test_a_byte_that_is_not_utf8_names_file_and_line(tmp_path, name, reader):
    good = {"run.trec": "q1 Q0 d1 1 2.0 t", "qrels.txt": "q1 0 d1 1", "queries.tsv": "q1\tbeer", "corpus.tsv": "d1\tmalt", "corpus.jsonl": '{"_id": "d1", "text": "malt"}'}[name]
    (tmp_path / name).write_bytes(f"{good}\n\n{good}\n".encode() + "caf\xe9\n".encode("latin-1"))
    with pytest.raises(trec.FormatError, match=rf"{name}:4: not UTF-8 \(byte 0xe9 at column 4\)"):
        reader(tmp_path / name)


def test_a_corrupt_or_truncated_gzip_names_the_file_and_how_far_it_read(tmp_path):
    data = gzip.compress("".join(f"q{i} Q0 d{i} 1 1.0 t\n" for i in range(2000)).encode())
    (tmp_path / "cut.trec.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(trec.FormatError, match=r"cut.trec.gz: corrupt or truncated gzip file after line \d+: Compressed file ended"):
        trec.read_run(tmp_path / "cut.trec.gz")
    (tmp_path / "plain.txt.gz").write_text("q1 0 d1 1\n")  # named .gz, not gzipped
    with pytest.raises(trec.FormatError, match=r"plain.txt.gz: corrupt or truncated gzip file after line 0: Not a gzipped file"):
        trec.read_qrels(tmp_path / "plain.txt.gz")


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(trec.FormatError, match=rf"{tmp_path} is a directory; expected a file"):
        trec.read_run(tmp_path)
    with pytest.raises(FileNotFoundError):
        trec.read_run(tmp_path / "missing.trec.gz")
