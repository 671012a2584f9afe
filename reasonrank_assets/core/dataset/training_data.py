"""From teacher judgments to the training set the student learns from.

Steps, each counted in the report:
1. decontaminate: a question sharing a word 13-gram with a BRIGHT query or gold answer is
   removed (all its examples); a pair whose document or explanation shares one is removed;
2. merge near-duplicate questions (MinHash LSH over word 3-shingles, verified by exact Jaccard):
   a cluster becomes its representative question, with the members' judged pages under it;
3. keep judgments whose parse status is usable (never a parse failure mapped to 0), drop
   over-long examples;
4. split by question (a stable hash: no question in two splits, and adding questions later
   never moves an old one);
5. two tasks per question, as the method trains both: query generation and relevance
   explanation + label; optionally a third per relevant pair, the question the document answers
   (`question_task_min_label`: what the query-likelihood reranker reads).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reasonrank_assets.core import prompts
from reasonrank_assets.core.settings import setting

SPLITS = ("train", "validation", "test")


@dataclass
class TrainingDataSettings:
    accept_statuses: list[str] = field(default_factory=lambda: list(prompts.USABLE_STATUSES), metadata={"help": "parse statuses whose labels are trusted"})
    contamination_sources: list[str] = field(default_factory=list, metadata={"help": "benchmark texts no example may share an n-gram with (load_contamination_texts)"})
    max_example_tokens: int = setting(4096, "prompt + completion; longer examples are dropped")
    tokenizer: str | None = setting(None, "HF tokenizer to count tokens; None: estimate as characters / 4")
    min_queries: int = setting(10, "the method dropped query sets with fewer than 10")
    include_queries_task: bool = setting(True, "also train on the teacher's search queries (the method's second task)")
    question_task_min_label: int | None = setting(None, "also train to write the question for each document judged at least this label (task 'question', the query-likelihood reranker's; 0: every judged document, as the contrastive loss needs, SFTSettings.question_negatives); None: off")
    near_duplicate_jaccard: float = setting(0.8, "word 3-shingle Jaccard at which two questions are one")
    contamination_ngram: int = setting(13, "word n-gram length of the decontamination check")
    validation_fraction: float = setting(0.05, "share of questions in the validation split")
    test_fraction: float = setting(0.05, "share of questions in the test split")
    split_salt: str = setting("reasonrank-split-v1", "change it to draw a different split")

    def __post_init__(self) -> None:
        if not 0 <= self.validation_fraction + self.test_fraction < 1:
            raise ValueError("validation_fraction + test_fraction must lie in [0, 1)")


# -- decontamination ----------------------------------------------------------------------------


def load_contamination_texts(source: str) -> list[str]:
    """BRIGHT queries and gold answers: from a topics directory (`*.jsonl.gz` rows with `query` and
    `gold_answer`, the layout of ../shared/data/bright/topics/) or from the hub, "hf:xlangai/BRIGHT"."""
    if source.startswith("hf:"):
        return _hub_contamination_texts(source[3:])
    directory = Path(source)
    files = sorted(directory.glob("*.jsonl.gz")) + sorted(directory.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl(.gz) BRIGHT topics files in {directory}")
    texts: list[str] = []
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    texts += _texts_of(json.loads(line), f"{path}:{number}")
    return texts


def _texts_of(row: dict, where: str) -> list[str]:
    if "query" not in row:
        raise ValueError(f"{where}: BRIGHT row without a 'query' field")
    answer = row.get("gold_answer")
    return [row["query"]] + ([answer] if answer and answer != "N/A" else [])


def _hub_contamination_texts(name: str) -> list[str]:
    """All domains of the dataset's `examples` config: from a local copy of the hub repository
    (`examples/<domain>-*.parquet`), else via `datasets` (hub or HF cache)."""
    local = Path(name) / "examples"
    if local.is_dir():
        import pyarrow.parquet as pq

        texts: list[str] = []
        for path in sorted(local.glob("*.parquet")):
            for number, row in enumerate(pq.read_table(path, columns=["query", "gold_answer"]).to_pylist(), start=1):
                texts += _texts_of(row, f"{path} row {number}")
        if not texts:
            raise FileNotFoundError(f"no BRIGHT examples parquet files in {local}")
        return texts
    from datasets import get_dataset_split_names, load_dataset

    texts: list[str] = []
    for domain in get_dataset_split_names(name, "examples"):
        for row in load_dataset(name, "examples", split=domain):
            texts += _texts_of(row, f"{name}/examples/{domain}")
    return texts


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _ngram_hashes(text: str, n: int) -> set[int]:
    words = _words(text)
    # 64-bit in-process hashes: a false hit needs a 64-bit collision, so none in practice.
    return {hash(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


class ContaminationIndex:
    """Word n-grams of the benchmark texts; `hits(text)` says whether a text shares one."""

    def __init__(self, texts: list[str], n: int = 13):
        self.n = n
        self.ngrams: set[int] = set()
        for text in texts:
            self.ngrams |= _ngram_hashes(text, n)

    def hits(self, text: str | None) -> bool:
        return bool(text) and not self.ngrams.isdisjoint(_ngram_hashes(text, self.n))


# -- near-duplicate questions -------------------------------------------------------------------


def _shingles(text: str, n: int = 3) -> set[int]:
    words = _words(text)
    if len(words) < n:
        return {zlib.crc32(" ".join(words).encode())}
    return {zlib.crc32(" ".join(words[i : i + n]).encode()) for i in range(len(words) - n + 1)}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicate_clusters(texts: list[str], threshold: float = 0.8, perms: int = 64, bands: int = 16) -> list[int]:
    """For each text, the index of its cluster's first member (itself when it has no near-duplicate).

    MinHash LSH proposes candidate pairs; exact Jaccard of word 3-shingles decides.
    """
    import numpy as np

    shingles = [_shingles(t) for t in texts]
    rng = np.random.default_rng(20250101)
    prime = (1 << 61) - 1
    a = rng.integers(1, prime, perms, dtype=np.uint64)
    b = rng.integers(0, prime, perms, dtype=np.uint64)
    rows = perms // bands
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for index, items in enumerate(shingles):
        values = np.fromiter(items, dtype=np.uint64, count=len(items))
        signature = ((np.outer(a, values) + b[:, None]) % prime).min(axis=1)  # wraps mod 2^64: still a hash
        for band in range(bands):
            buckets[(band, signature[band * rows : (band + 1) * rows].tobytes())].append(index)
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in buckets.values():
        for other in members[1:]:
            first = members[0]
            if root(first) != root(other) and _jaccard(shingles[first], shingles[other]) >= threshold:
                parent[max(root(first), root(other))] = min(root(first), root(other))
    return [root(i) for i in range(len(texts))]


# -- the build ----------------------------------------------------------------------------------


def _qkey(row: dict) -> tuple[str, int | str]:
    return (row["site"], row["question_id"])


def split_of(site: str, question_id: str, config: TrainingDataSettings) -> str:
    """A stable split per question: the same question lands in the same split in every run."""
    digest = hashlib.sha256(f"{config.split_salt}\x1f{site}\x1f{question_id}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    if draw < config.test_fraction:
        return "test"
    return "validation" if draw < config.test_fraction + config.validation_fraction else "train"


def _token_counter(config: TrainingDataSettings):
    if config.tokenizer is None:
        return lambda text: (len(text) + 3) // 4
    from transformers import AutoTokenizer

    from reasonrank_assets.core.models import resolve_model

    tokenizer = AutoTokenizer.from_pretrained(resolve_model(config.tokenizer))
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])


def _example_id(task: str, site: str, question_id: str, url: str | None) -> str:
    return hashlib.sha256(f"{task}\x1f{site}\x1f{question_id}\x1f{url or ''}".encode()).hexdigest()[:20]


@dataclass
class _Build:
    config: TrainingDataSettings
    count_tokens: Callable[[str], int]
    report: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)

    def add(self, task: str, question: dict, split: str, messages: list[dict], completion: str,
            url: str | None = None, label: int | None = None, **extra) -> None:
        length = self.count_tokens(" ".join(m["content"] for m in messages) + completion)
        if length > self.config.max_example_tokens:
            self.report["over_long_dropped"][task] += 1
            return
        site, qid = _qkey(question)
        self.rows.append({
            "example_id": _example_id(task, site, qid, url), "split": split, "task": task, "site": site,
            "question_id": qid, "url": url, "prompt": messages, "completion": completion, "label": label,
            "approx_tokens": length, **extra,
        })


def build_training_examples(
    judgments: list[dict],
    questions: list[dict],
    search_queries: list[dict],
    contamination_texts: list[str],
    config: TrainingDataSettings | None = None,
    *,
    pairs: list[dict] | None = None,
) -> tuple[list[dict], dict]:
    """`training_examples` rows and a report of what was dropped, merged and kept.

    Judgment rows need site, question_id, url, label, explanation, parse_status and the document
    text (`document`, as `teacher.judge_pairs` records it), or `pairs` (candidate_pairs rows) to
    look it up by pair_id.
    """
    config = config or TrainingDataSettings()
    build = _Build(config, _token_counter(config))
    report = build.report
    report.update(judgments=len(judgments), questions=len(questions),
                  parse_status=dict(Counter(j.get("parse_status") for j in judgments)),
                  over_long_dropped=Counter())
    by_key = {_qkey(q): q for q in questions}
    documents = {p["pair_id"]: p["document"] for p in pairs or []}

    index = ContaminationIndex(contamination_texts, config.contamination_ngram)
    contaminated = [q for q in questions if index.hits(q["text"])]
    clean = [q for q in questions if not index.hits(q["text"])] if contaminated else questions
    report["decontamination"] = {
        "questions_removed": len(contaminated), "removed_question_ids": [list(_qkey(q)) for q in contaminated[:50]],
        "contamination_texts": len(contamination_texts), "ngram": config.contamination_ngram,
        "pairs_removed_by": Counter(),
    }
    representative = _merge_near_duplicates(clean, judgments, config, report)

    usable = _usable_judgments(judgments, representative, config, report)
    seen_pages: set[tuple] = set()
    for judgment in usable:
        rep_key = representative[_qkey(judgment)]
        question = by_key[rep_key]
        document = _document_of(judgment, documents)
        if (rep_key, judgment["url"]) in seen_pages:
            report["duplicate_pages_dropped"] += 1
            continue
        seen_pages.add((rep_key, judgment["url"]))
        field_hit = next((f for f, t in (("document", prompts.truncate_document(document)), ("explanation", judgment["explanation"])) if index.hits(t)), None)
        if field_hit:
            report["decontamination"]["pairs_removed_by"][field_hit] += 1
            continue
        build.add("relevance", question, split_of(*rep_key, config), prompts.relevance_messages(question["text"], document),
                  prompts.relevance_completion(judgment["explanation"], judgment["label"]), url=judgment["url"],
                  label=judgment["label"], parse_status=judgment["parse_status"], label_probs=judgment.get("label_probs"))
        if config.question_task_min_label is not None and judgment["label"] >= config.question_task_min_label:
            build.add("question", question, split_of(*rep_key, config), prompts.question_messages(document), question["text"].strip(), url=judgment["url"],
                      label=judgment["label"])

    if config.include_queries_task:
        _add_query_examples(build, search_queries, by_key, representative, config)
    build.rows.sort(key=lambda r: (SPLITS.index(r["split"]), r["site"], r["question_id"], r["task"], r["url"] or ""))
    _finish_report(report, build.rows)
    return build.rows, report


def _merge_near_duplicates(questions: list[dict], judgments: list[dict], config: TrainingDataSettings, report: dict) -> dict:
    """Map each kept question to its cluster's representative: the member with most usable judgments."""
    usable = Counter(_qkey(j) for j in judgments if j.get("parse_status") in config.accept_statuses)
    clusters = near_duplicate_clusters([q["text"] for q in questions], config.near_duplicate_jaccard)
    members: dict[int, list[dict]] = defaultdict(list)
    for question, cluster in zip(questions, clusters):
        members[cluster].append(question)
    representative = {}
    for group in members.values():
        best = max(sorted(group, key=_qkey), key=lambda q: usable[_qkey(q)])
        for question in group:
            representative[_qkey(question)] = _qkey(best)
    report["near_duplicates_merged"] = len(questions) - len(members)
    report["duplicate_pages_dropped"] = 0
    return representative


def _usable_judgments(judgments: list[dict], representative: dict, config: TrainingDataSettings, report: dict) -> list[dict]:
    """Judgments with a trusted label, of a kept question; the representative's own first."""
    dropped = Counter()
    kept = []
    for judgment in judgments:
        if judgment.get("parse_status") not in config.accept_statuses or judgment.get("label") not in (0, 1, 2):
            dropped[judgment.get("parse_status") or "missing"] += 1
        elif _qkey(judgment) not in representative:
            dropped["question_removed_or_unknown"] += 1
        else:
            kept.append(judgment)
    report["judgments_dropped"] = dict(dropped)
    report["parse_failures_dropped"] = sum(n for s, n in dropped.items() if s != "question_removed_or_unknown")
    return sorted(kept, key=lambda j: (_qkey(j) != representative[_qkey(j)], _qkey(j), j["url"]))


def _document_of(judgment: dict, documents: dict) -> str:
    if judgment.get("document") is not None:
        return judgment["document"]
    if judgment.get("pair_id") in documents:
        return documents[judgment["pair_id"]]
    raise ValueError(
        f"judgment {judgment.get('site')}/{judgment.get('question_id')} {judgment.get('url')} (pair {judgment.get('pair_id')}):"
        " no 'document' field and no candidate pair with its pair_id; pass pairs=candidate_pairs rows"
    )


def _add_query_examples(build: _Build, search_queries: list[dict], by_key: dict, representative: dict, config) -> None:
    queries: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for row in search_queries:
        if row.get("query"):
            queries[_qkey(row)].append((row.get("query_rank") or 0, row["query"]))
    short = 0
    for key in sorted(set(representative.values())):
        ranked = [q for _, q in sorted(queries.get(key, []))]
        if len(ranked) < config.min_queries:
            short += 1
            continue
        build.add("queries", by_key[key], split_of(*key, config), prompts.queries_messages(by_key[key]["text"]),
                  "\n".join(ranked))
    build.report["query_sets_too_short"] = short


def _finish_report(report: dict, rows: list[dict]) -> None:
    report["over_long_dropped"] = dict(report["over_long_dropped"])
    report["decontamination"]["pairs_removed_by"] = dict(report["decontamination"]["pairs_removed_by"])
    report["examples"] = dict(Counter(f"{r['split']}/{r['task']}" for r in rows))
    report["label_balance"] = label_balance(rows)
    report["split_questions"] = dict(Counter(s for s, *_ in {(r["split"], r["site"], r["question_id"]) for r in rows}))
    report["split_leakage"] = check_split_leakage(rows)


# -- checks (the Dagster asset checks call these) ----------------------------------------------


def label_balance(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Relevance labels per split: {"train": {"0": n, "1": n, "2": n}, ...}."""
    balance = {split: {"0": 0, "1": 0, "2": 0} for split in SPLITS}
    for row in rows:
        if row["task"] == "relevance":
            balance[row["split"]][str(row["label"])] += 1
    return balance


def check_split_leakage(rows: list[dict]) -> list[str]:
    """Problems: a question, or the same question text, in more than one split. Empty when clean."""
    splits_of: dict[tuple, set] = defaultdict(set)
    text_splits: dict[str, set] = defaultdict(set)
    for row in rows:
        splits_of[_qkey(row)].add(row["split"])
        question = _question_text(row)
        if question:
            text_splits[" ".join(_words(question))].add(row["split"])
    problems = [f"question {s}/{q} is in splits {sorted(v)}" for (s, q), v in sorted(splits_of.items()) if len(v) > 1]
    problems += [f"question text {t[:60]!r} is in splits {sorted(v)}" for t, v in text_splits.items() if len(v) > 1]
    return problems


def _question_text(row: dict) -> str | None:
    prompt = row["prompt"]
    content = prompt[0]["content"] if isinstance(prompt, list) else json.loads(prompt)[0]["content"]
    match = re.search(r"Question:\n(.*?)\n\n(?:Document:|Write )", content, re.S)
    return match.group(1) if match else None


def judgment_stats(judgments: list[dict], accept_statuses: tuple[str, ...] = prompts.USABLE_STATUSES) -> dict:
    """Parse statuses, call errors, parse-failure rate (among answers received) and label distribution."""
    statuses = Counter(j.get("parse_status") for j in judgments)
    answered = len(judgments) - statuses.get("error", 0)
    failures = sum(n for s, n in statuses.items() if s not in accept_statuses and s != "error")
    labels = Counter(str(j["label"]) for j in judgments if j.get("label") is not None)
    return {
        "judgments": len(judgments),
        "parse_status": dict(statuses),
        "call_errors": statuses.get("error", 0),
        "parse_failure_rate": failures / answered if answered else 0.0,
        "label_distribution": {d: labels.get(d, 0) for d in "012"},
    }


def check_parse_failure_rate(judgments: list[dict], max_rate: float = 0.05) -> list[str]:
    """Problems when parse failures exceed `max_rate` of the answers received. Empty when fine."""
    stats = judgment_stats(judgments)
    rate = stats["parse_failure_rate"]
    return [] if rate <= max_rate else [f"parse-failure rate {rate:.1%} exceeds {max_rate:.1%}: {stats['parse_status']}"]
