"""TREC and BEIR files: runs, qrels, queries, corpora.

Formats follow trec_eval and BEIR:
- run:    `qid Q0 docid rank score tag`, whitespace separated;
- qrels:  `qid iter docid relevance` (TREC) or a BEIR `qrels/<split>.tsv` with a header;
- queries: `qid<TAB>text` (.tsv) or JSON lines with `_id` and `text` (BEIR);
- corpus: JSON lines with `_id`, optional `title`, `text` (BEIR) or `docid<TAB>text[<TAB>title]` (.tsv).

Some published doc ids contain spaces (BRIGHT stackoverflow), so runs and qrels are parsed from
both ends of the line: the fields before and after the doc id never contain spaces.
Errors name the file and line, so a broken file is found without guessing.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from reasonrank_assets.core.io import write_text


class FormatError(ValueError):
    """A line of a TREC/BEIR file that does not follow the format."""


def _raw_lines(path: Path) -> Iterator[bytes]:
    """The file's lines as bytes (gzip read as it goes); a broken gzip stream is a FormatError."""
    if path.is_dir():
        raise FormatError(f"{path} is a directory; expected a file")
    with path.open("rb") as handle:
        if path.suffix != ".gz":
            yield from handle
            return
        number = 0
        try:
            for number, line in enumerate(gzip.GzipFile(fileobj=handle), 1):  # noqa: B007 (the error names it)
                yield line
        except (OSError, EOFError, zlib.error) as error:  # not gzip, a bad block, cut short
            raise FormatError(f"{path}: corrupt or truncated gzip file after line {number}: {error}") from None


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every non-blank line, UTF-8 (a leading BOM is dropped), plain or .gz.

    Decoded line by line, so a byte that is not UTF-8 is reported with its file and line.
    """
    path = Path(path)
    for number, raw in enumerate(_raw_lines(path), 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise FormatError(f"{path}:{number}: not UTF-8 (byte {raw[error.start]:#04x} at column {error.start + 1}); re-save the file as UTF-8") from None
        if line.strip():
            yield number, line.rstrip("\n").rstrip("\r")


# --- runs -------------------------------------------------------------------------------------


def parse_run_line(line: str) -> tuple[str, str, int, float, str]:
    """`qid Q0 docid rank score tag` -> (qid, docid, rank, score, tag); the doc id may hold spaces."""
    qid, _q0, rest = line.strip().split(None, 2)
    doc_id, rank, score, tag = rest.rsplit(None, 3)
    return qid, doc_id, int(rank), float(score), tag


def read_run(path: str | Path) -> list[dict]:
    """Rows (query_id, doc_id, rank, score, system) in file order; `system` is the run tag."""
    rows = []
    for number, line in read_lines(path):
        try:
            qid, doc_id, rank, score, tag = parse_run_line(line)
        except ValueError as error:
            raise FormatError(f"{path}:{number}: not a TREC run line `qid Q0 docid rank score tag`: {line!r}") from error
        rows.append({"query_id": qid, "doc_id": doc_id, "rank": rank, "score": score, "system": tag})
    return rows


def _check_field(value: str, what: str, row: dict) -> str:
    value = str(value)
    if not value.strip() or any(c in value for c in "\t\n\r"):
        raise FormatError(f"{what} {value!r} cannot be written to a TREC file (row {row})")
    return value


def strictly_decreasing(scores: Iterable[float]) -> list[float]:
    """Nudge ties down by one ulp so that trec_eval's sort by score keeps the given order."""
    out, previous = [], math.inf
    for score in scores:
        score = min(float(score), math.nextafter(previous, -math.inf))
        out.append(score)
        previous = score
    return out


def format_run(rows: Iterable[dict], tag: str) -> Iterator[str]:
    """Lines ordered by query, then rank, with ranks 1..n and strictly decreasing scores."""
    _check_field(tag, "run tag", {})
    if any(c.isspace() for c in tag):
        raise FormatError(f"run tag {tag!r} must not contain whitespace")
    by_query: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_query[_check_field(row["query_id"], "query id", row)].append(row)
    for qid, hits in by_query.items():
        if any(c.isspace() for c in qid):
            raise FormatError(f"query id {qid!r} must not contain whitespace")
        hits.sort(key=lambda r: (r["rank"], -r["score"]))
        for rank, (hit, score) in enumerate(zip(hits, strictly_decreasing(h["score"] for h in hits)), 1):
            doc_id = _check_field(hit["doc_id"], "doc id", hit)
            yield f"{qid} Q0 {doc_id} {rank} {score!r} {tag}\n"


def write_run(rows: Iterable[dict], path: str | Path, tag: str) -> Path:
    """Write a TREC run; rows need query_id, doc_id, rank and score."""
    return write_text(path, format_run(rows, tag))


# --- qrels ------------------------------------------------------------------------------------


def read_qrels(path: str | Path) -> list[dict]:
    """TREC qrels `qid iter docid rel` or BEIR `query-id corpus-id score` (tsv with header)."""
    path = Path(path)
    rows = []
    for number, line in read_lines(path):
        parts = line.split("\t")
        try:
            if len(parts) == 3:  # BEIR: query-id, corpus-id, score
                if number == 1 and not parts[2].strip().lstrip("-").isdigit():
                    continue  # header
                qid, doc_id, relevance = parts
            else:
                qid, _iteration, rest = line.strip().split(None, 2)
                doc_id, relevance = rest.rsplit(None, 1)
            rows.append({"query_id": qid.strip(), "doc_id": doc_id.strip(), "relevance": int(relevance)})
        except ValueError as error:
            raise FormatError(f"{path}:{number}: not a qrels line `qid iter docid relevance`: {line!r}") from error
    return rows


def write_qrels(rows: Iterable[dict], path: str | Path) -> Path:
    return write_text(
        path, (f"{_check_field(r['query_id'], 'query id', r)} 0 {_check_field(r['doc_id'], 'doc id', r)} {int(r['relevance'])}\n" for r in rows)
    )


# --- queries and corpora ----------------------------------------------------------------------


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    for number, line in read_lines(path):
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(f"{path}:{number}: not a JSON object: {error}") from error


def _field(record: dict, names: tuple[str, ...], path: Path, number: int) -> str:
    for name in names:
        if name in record and record[name] is not None:
            return str(record[name])
    raise FormatError(f"{path}:{number}: record has none of the fields {names}")


def read_queries(path: str | Path) -> list[dict]:
    """Rows (query_id, query) from `qid<TAB>text` or BEIR JSON lines."""
    path = Path(path)
    rows = []
    if ".jsonl" in path.suffixes:
        for number, record in _read_jsonl(path):
            rows.append({"query_id": _field(record, ("_id", "id", "qid"), path, number), "query": _field(record, ("text", "query"), path, number)})
        return rows
    for number, line in read_lines(path):
        qid, sep, text = line.partition("\t")
        if not sep:
            raise FormatError(f"{path}:{number}: expected `qid<TAB>query`: {line!r}")
        rows.append({"query_id": qid.strip(), "query": text.strip()})
    return rows


def write_queries(rows: Iterable[dict], path: str | Path) -> Path:
    def line(row: dict) -> str:
        text = " ".join(str(row["query"]).split())  # tabs and newlines would break the format
        return f"{_check_field(row['query_id'], 'query id', row)}\t{text}\n"

    return write_text(path, map(line, rows))


def document_text(title: str | None, text: str) -> str:
    """BEIR convention: title and body joined by a space when both exist."""
    return f"{title} {text}".strip() if title else text


def read_corpus(path: str | Path) -> list[dict]:
    """Rows (doc_id, text) from BEIR JSON lines (`_id`, `title`, `text`) or `docid<TAB>text[<TAB>title]`."""
    path = Path(path)
    rows = []
    if ".jsonl" in path.suffixes:
        for number, record in _read_jsonl(path):
            doc_id = _field(record, ("_id", "id", "docid", "doc_id"), path, number)
            text = _field(record, ("text", "contents", "content"), path, number)
            rows.append({"doc_id": doc_id, "text": document_text(record.get("title"), text)})
        return rows
    for number, line in read_lines(path):
        parts = line.split("\t")
        if len(parts) < 2:
            raise FormatError(f"{path}:{number}: expected `docid<TAB>text`: {line[:80]!r}")
        title = parts[2] if len(parts) > 2 else None
        rows.append({"doc_id": parts[0].strip(), "text": document_text(title, parts[1])})
    return rows


def find_file(directory: Path, *names: str) -> Path | None:
    """The first of `names` present in `directory` (plain or gzipped)."""
    for name in names:
        for candidate in (directory / name, directory / f"{name}.gz"):
            if candidate.exists():
                return candidate
    return None


def read_beir(directory: str | Path, split: str = "test") -> tuple[list[dict], list[dict], list[dict]]:
    """A BEIR folder: (corpus rows, query rows limited to the split's qrels, qrels rows)."""
    directory = Path(directory)
    corpus_path = find_file(directory, "corpus.jsonl")
    queries_path = find_file(directory, "queries.jsonl")
    qrels_path = find_file(directory / "qrels", f"{split}.tsv")
    missing = [n for n, p in [("corpus.jsonl", corpus_path), ("queries.jsonl", queries_path), (f"qrels/{split}.tsv", qrels_path)] if p is None]
    if missing:
        raise FileNotFoundError(f"{directory} is not a BEIR folder: missing {', '.join(missing)}")
    qrels = read_qrels(qrels_path)
    judged = {row["query_id"] for row in qrels}
    queries = [row for row in read_queries(queries_path) if row["query_id"] in judged]
    return read_corpus(corpus_path), queries, qrels
