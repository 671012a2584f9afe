"""Benchmark loaders: one spec string names a source, one domain names a partition of it.

Specs (`kind` or `kind:location`):
- `bright`                      the `xlangai/BRIGHT` dataset from the Hugging Face hub;
- `bright:/dir`                 a local copy of the same files (`examples/<domain>-*.parquet`,
                                `documents/<domain>-*.parquet`, `long_documents/...`);
- `bright-topics:/dir`          BRIGHT topics + qrels files (`topics/topics.bright-<d>-original.jsonl.gz`,
                                `qrels/qrels.bright-<d>.txt`); no documents, pairs with a TREC run;
- `beir:/dir`                   a BEIR folder (or a folder of BEIR folders, one per domain);
- `trec:/dir`                   `queries.tsv`, `qrels.txt`, `corpus.jsonl|tsv` (or a folder of such folders);
- `noveleval:/dir`, `dl19:/dir` the TREC layout, single domain "default".

A new source is one entry in `SOURCES`: a loader `(location, domain, **options) -> Benchmark` and a
lister `(location) -> list[str]`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reasonrank_assets.core import embedded
from reasonrank_assets.core.evaluation import trec

BRIGHT_REPO = "xlangai/BRIGHT"
BRIGHT_DOMAINS = [
    "biology",
    "earth_science",
    "economics",
    "psychology",
    "robotics",
    "stackoverflow",
    "sustainable_living",
    "leetcode",
    "pony",
    "aops",
    "theoremqa_questions",
    "theoremqa_theorems",
]
DEFAULT_DOMAIN = "default"


@dataclass
class Benchmark:
    """Rows of one benchmark domain, ready for the `benchmark_*` tables."""

    name: str
    domain: str
    queries: list[dict]  # benchmark, domain, query_id, query, excluded_ids
    documents: list[dict]  # benchmark, domain, doc_id, text
    qrels: list[dict]  # benchmark, domain, query_id, doc_id, relevance
    run_files: dict[str, Path] = field(default_factory=dict)  # published first stages shipped with it


def canonical_domain(name: str) -> str:
    """BRIGHT's own names use underscores; file names use hyphens. Accept both."""
    return name.strip().lower().replace("-", "_")


def _tag(rows: list[dict], benchmark: str, domain: str) -> list[dict]:
    return [{"benchmark": benchmark, "domain": domain, **row} for row in rows]


def _queries(rows: list[dict], benchmark: str, domain: str) -> list[dict]:
    return [
        {"benchmark": benchmark, "domain": domain, "query_id": r["query_id"], "query": r["query"], "excluded_ids": list(r.get("excluded_ids") or [])}
        for r in rows
    ]


def excluded_ids(value) -> list[str]:
    """BRIGHT writes `["N/A"]` for "nothing excluded"."""
    return [str(v) for v in (value or []) if str(v) != "N/A"]


# --- BRIGHT in its published layout -------------------------------------------------------------


def _bright_domain(domain: str) -> str:
    name = canonical_domain(domain)
    if name not in BRIGHT_DOMAINS:
        raise ValueError(f"unknown BRIGHT domain {domain!r}; known: {', '.join(BRIGHT_DOMAINS)}")
    return name


def _parquet_files(root: Path, config: str, domain: str) -> list[Path]:
    """`config/<domain>-00000-of-00001.parquet` (main branch) or `config/<domain>/0000.parquet` (converter)."""
    files = sorted((root / config).glob(f"{domain}-*.parquet")) + sorted((root / config / domain).glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no {config}/{domain}-*.parquet under {root} (the xlangai/BRIGHT layout)")
    return files


def _read_parquet(files: list[Path]) -> list[dict]:
    import pyarrow.parquet as pq

    rows = []
    for path in files:
        rows.extend(pq.read_table(path).to_pylist())
    return rows


def bright_examples_rows(records: list[dict], domain: str, long_documents: bool = False, source: str = "") -> tuple[list[dict], list[dict]]:
    """BRIGHT `examples` records -> (query rows, qrels rows: 1 per gold id, the official scoring)."""
    gold_field = "gold_ids_long" if long_documents else "gold_ids"
    queries, qrels = [], []
    for number, record in enumerate(records, 1):
        missing = [f for f in ("id", "query", gold_field) if f not in record]
        if missing:
            raise trec.FormatError(f"{source} record {number}: missing field(s) {', '.join(missing)}")
        qid = str(record["id"])
        queries.append({"query_id": qid, "query": record["query"], "excluded_ids": excluded_ids(record.get("excluded_ids"))})
        qrels.extend({"query_id": qid, "doc_id": str(doc), "relevance": 1} for doc in dict.fromkeys(record[gold_field]))
    return _queries(queries, "bright", domain), _tag(qrels, "bright", domain)


def load_bright_dir(root: str | Path, domain: str, long_documents: bool = False, with_documents: bool = True) -> Benchmark:
    root, domain = Path(root), _bright_domain(domain)
    examples_files = _parquet_files(root, "examples", domain)
    queries, qrels = bright_examples_rows(_read_parquet(examples_files), domain, long_documents, str(examples_files[0]))
    documents = []
    if with_documents:
        config = "long_documents" if long_documents else "documents"
        documents = [{"doc_id": str(r["id"]), "text": r["content"]} for r in _read_parquet(_parquet_files(root, config, domain))]
    return Benchmark("bright", domain, queries, _tag(documents, "bright", domain), qrels)


def fetch_bright(domain: str, long_documents: bool = False, revision: str | None = None, cache_dir: str | None = None) -> Path:
    """Download one domain's `examples` and documents from the hub (cached by huggingface_hub)."""
    from huggingface_hub import snapshot_download

    domain = _bright_domain(domain)
    config = "long_documents" if long_documents else "documents"
    patterns = [f"{c}/{domain}-*.parquet" for c in ("examples", config)] + [f"{c}/{domain}/*.parquet" for c in ("examples", config)]
    return Path(snapshot_download(BRIGHT_REPO, repo_type="dataset", revision=revision, allow_patterns=patterns, cache_dir=cache_dir))


def load_bright_hub(location: str, domain: str, long_documents: bool = False, revision: str | None = None, cache_dir: str | None = None, **options) -> Benchmark:
    if location:
        return load_bright_dir(location, domain, long_documents, **options)
    return load_bright_dir(fetch_bright(domain, long_documents, revision, cache_dir), domain, long_documents, **options)


def list_bright_domains(location: str = "") -> list[str]:
    if not location:
        return list(BRIGHT_DOMAINS)
    found = {canonical_domain(p.name.split("-0")[0]) for p in (Path(location) / "examples").glob("*.parquet")}
    found |= {p.name for p in (Path(location) / "examples").iterdir() if p.is_dir()} if (Path(location) / "examples").is_dir() else set()
    return [d for d in BRIGHT_DOMAINS if d in found]


# --- BRIGHT topics + qrels files -----------------------------------------------------------------


def _bright_topics_paths(root: Path, domain: str) -> tuple[Path, Path]:
    hyphen = domain.replace("_", "-")
    topics_dir = root / "topics" if (root / "topics").is_dir() else root
    qrels_dir = root / "qrels" if (root / "qrels").is_dir() else root
    return topics_dir / f"topics.bright-{hyphen}-original.jsonl.gz", qrels_dir / f"qrels.bright-{hyphen}.txt"


def load_bright_topics(location: str, domain: str, qrels: str = "topics", long_documents: bool = False) -> Benchmark:
    """Topics with their gold ids as qrels (`qrels="topics"`, BRIGHT's official scoring), or the
    qrels files (`qrels="file"`, or `"fixed"` for the `.fixed.txt` variant with extra positives)."""
    root, domain = Path(location), _bright_domain(domain)
    topics_path, qrels_path = _bright_topics_paths(root, domain)
    if not topics_path.exists():
        raise FileNotFoundError(f"BRIGHT topics file {topics_path} is missing")
    with gzip.open(topics_path, "rt", encoding="utf-8") as handle:
        records = []
        for number, line in enumerate(handle, 1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise trec.FormatError(f"{topics_path}:{number}: {error}") from error
    queries, gold = bright_examples_rows(records, domain, long_documents, str(topics_path))
    if qrels != "topics":
        path = qrels_path.with_suffix(".fixed.txt") if qrels == "fixed" else qrels_path
        gold = _tag(trec.read_qrels(path), "bright", domain)
    runs = {p.parent.name: p for p in sorted(root.glob(f"runs/*/{domain}.trec"))}
    return Benchmark("bright", domain, queries, [], gold, runs)


def list_bright_topics_domains(location: str) -> list[str]:
    root = Path(location)
    topics_dir = root / "topics" if (root / "topics").is_dir() else root
    found = {canonical_domain(p.name.removeprefix("topics.bright-").removesuffix("-original.jsonl.gz")) for p in topics_dir.glob("topics.bright-*-original.jsonl.gz")}
    return [d for d in BRIGHT_DOMAINS if d in found]


# --- BEIR and TREC folders -----------------------------------------------------------------------


def _is_beir(path: Path) -> bool:
    return trec.find_file(path, "corpus.jsonl") is not None and (path / "qrels").is_dir()


def _is_trec(path: Path) -> bool:
    return trec.find_file(path, "queries.tsv", "queries.jsonl") is not None and trec.find_file(path, "qrels.txt") is not None


def _domain_dir(root: Path, domain: str, is_folder: Callable[[Path], bool], kind: str) -> Path:
    """A folder of the layout is one domain ("default"); a folder of such folders has one per name."""
    if is_folder(root) and domain in (DEFAULT_DOMAIN, root.name, None, ""):
        return root
    if is_folder(root / domain):
        return root / domain
    raise FileNotFoundError(f"{root} has no {kind} domain {domain!r}; found: {_list_dirs(root, is_folder)}")


def _list_dirs(root: Path, is_folder: Callable[[Path], bool]) -> list[str]:
    if is_folder(root):
        return [DEFAULT_DOMAIN]
    return sorted(p.name for p in root.iterdir() if p.is_dir() and is_folder(p)) if root.is_dir() else []


def load_beir(location: str, domain: str = DEFAULT_DOMAIN, split: str = "test", name: str = "beir") -> Benchmark:
    directory = _domain_dir(Path(location), domain, _is_beir, "BEIR")
    corpus, queries, qrels = trec.read_beir(directory, split)
    return Benchmark(name, domain, _queries(queries, name, domain), _tag(corpus, name, domain), _tag(qrels, name, domain))


def load_trec(location: str, domain: str = DEFAULT_DOMAIN, name: str = "trec") -> Benchmark:
    """queries.tsv|jsonl, qrels.txt, corpus.jsonl|tsv (optional: a run-only benchmark has none);
    `*.trec` files beside them are published first-stage runs."""
    directory = _domain_dir(Path(location), domain, _is_trec, "TREC")
    corpus_path = trec.find_file(directory, "corpus.jsonl", "corpus.tsv")
    documents = trec.read_corpus(corpus_path) if corpus_path else []
    queries = trec.read_queries(trec.find_file(directory, "queries.tsv", "queries.jsonl"))
    qrels = trec.read_qrels(trec.find_file(directory, "qrels.txt"))
    runs = {p.stem: p for p in sorted(directory.glob("*.trec"))}
    return Benchmark(name, domain, _queries(queries, name, domain), _tag(documents, name, domain), _tag(qrels, name, domain), runs)


class Source(NamedTuple):
    load: Callable[..., Benchmark]
    domains: Callable[[str], list[str]]


SOURCES: dict[str, Source] = {
    "bright": Source(load_bright_hub, list_bright_domains),
    "bright-topics": Source(load_bright_topics, list_bright_topics_domains),
    "beir": Source(load_beir, lambda loc: _list_dirs(Path(loc), _is_beir)),
    "trec": Source(load_trec, lambda loc: _list_dirs(Path(loc), _is_trec)),
    "noveleval": Source(lambda loc, domain=DEFAULT_DOMAIN, **kw: load_trec(loc, domain, name="noveleval", **kw), lambda loc: [DEFAULT_DOMAIN]),
    "dl19": Source(lambda loc, domain=DEFAULT_DOMAIN, **kw: load_trec(loc, domain, name="dl19", **kw), lambda loc: [DEFAULT_DOMAIN]),
    "embedded": Source(lambda loc, domain, **kw: load_embedded(domain), lambda loc: embedded.domains()),
}

NEEDS_NO_LOCATION = {"bright", "embedded"}


def load_embedded(domain: str) -> Benchmark:
    """The embedded sample's benchmark (see core/embedded.py): held-out questions, the pages their
    answers cite."""
    from reasonrank_assets.core.web.stackexchange import QuestionSettings, read_posts, select_questions
    from reasonrank_assets.core.web.webpages import read_warc_pages

    site = f"{domain}.stackexchange.com"
    dump = embedded.STACKEXCHANGE_DIR / site / "Posts.xml"
    if not dump.exists():
        raise ValueError(f"embedded benchmark has no domain {domain!r} (domains: {', '.join(embedded.domains())})")
    questions, cited = select_questions(read_posts(dump, site), QuestionSettings())
    chosen = embedded.held_out(site, [q["question_id"] for q in questions])
    held = {q["question_id"]: q for q in questions if q["question_id"] in chosen}
    documents = [
        {"benchmark": "embedded", "domain": domain, "doc_id": page["url"], "text": page["text"]}
        for page in read_warc_pages(embedded.WARC_PATH)
        if page.get("text")
    ]
    collection = {doc["doc_id"] for doc in documents}
    qrels = {
        (str(c["question_id"]), c["url"])
        for c in cited
        if c["question_id"] in held and c["url"] in collection
    }
    judged = {qid for qid, _ in qrels}
    queries = [
        {"benchmark": "embedded", "domain": domain, "query_id": str(qid), "query": q["text"], "excluded_ids": []}
        for qid, q in sorted(held.items())
        if str(qid) in judged
    ]
    return Benchmark(
        name="embedded",
        domain=domain,
        queries=queries,
        documents=documents,
        qrels=[
            {"benchmark": "embedded", "domain": domain, "query_id": qid, "doc_id": doc, "relevance": 1}
            for qid, doc in sorted(qrels)
        ],
    )


def parse_spec(spec: str) -> tuple[str, str]:
    kind, _, location = spec.partition(":")
    kind = kind.strip().lower()
    if kind not in SOURCES:
        raise ValueError(f"unknown benchmark spec {spec!r}: the part before ':' must be one of {', '.join(SOURCES)}")
    if not location and kind not in NEEDS_NO_LOCATION:
        raise ValueError(f"benchmark spec {spec!r} needs a location: {kind}:/path/to/dir")
    return kind, location


def load_benchmark(spec: str, domain: str = DEFAULT_DOMAIN, **options) -> Benchmark:
    """Load one domain of the benchmark named by `spec` (see the module docstring)."""
    kind, location = parse_spec(spec)
    return SOURCES[kind].load(location, domain, **options)


def list_domains(spec: str) -> list[str]:
    kind, location = parse_spec(spec)
    return SOURCES[kind].domains(location)
