"""`reasonrank`: the reranker and the evaluation outside Dagster, on TREC/BEIR files.

    reasonrank rerank --model DIR --run bm25.trec --queries queries.tsv --corpus corpus.jsonl -o reranked.trec
    reasonrank rerank --model DIR --requests requests.jsonl -o results.jsonl      # rank_llm-style JSONL
    reasonrank evaluate --run reranked.trec --qrels qrels.txt --baseline bm25.trec
    reasonrank evaluate --run run.trec --benchmark bright-topics:../shared/data/bright --domain biology
    reasonrank evaluate --run runs/reasonir-gpt4cot/ --benchmark bright-topics:../shared/data/bright --domain all
    reasonrank bm25 --benchmark beir:/data/scifact -o bm25.trec
    reasonrank teach --run bm25.trec --queries queries.tsv --corpus corpus.jsonl --base-url http://127.0.0.1:8000/v1 --model M -o examples.parquet
    reasonrank train --examples examples.parquet -o runs/student      # prints the checkpoint directory

Each subcommand is a `Command` in `COMMANDS`: a new one is one more entry.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from reasonrank_assets.core.progress import reporter, training_reporter


class Command(NamedTuple):
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- shared inputs -------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, not {text!r}")
    return value


def _add_settings_flags(parser, settings_type) -> None:
    """One flag per field of a settings dataclass (`max_new_tokens` -> `--max-new-tokens`), with
    its default, help and choices from the field: a knob is declared once, in the core."""
    import dataclasses
    import typing

    hints, defaults = typing.get_type_hints(settings_type), settings_type()
    for field in dataclasses.fields(settings_type):
        kind = {int: _positive_int, float: float}.get(hints[field.name], str)
        parser.add_argument(
            f"--{field.name.replace('_', '-')}", type=kind, default=getattr(defaults, field.name),
            choices=field.metadata.get("choices"), help=field.metadata.get("help"),
        )  # fmt: skip


def _settings_from_flags(args: argparse.Namespace, settings_type):
    import dataclasses

    return settings_type(**{field.name: getattr(args, field.name) for field in dataclasses.fields(settings_type)})


def _check_output(path: Path | None, flag: str) -> None:
    """Before any work: an output that cannot be written would lose it all at the end."""
    if path is not None and path.is_dir():
        raise ValueError(f"{flag} {path} is a directory; expected a file to write")


def _warn(args: argparse.Namespace, message: str) -> None:
    print(f"reasonrank {args.command}: warning: {message}", file=sys.stderr)


def _add_collection(parser: argparse.ArgumentParser, corpus: bool = True) -> None:
    group = parser.add_argument_group("collection (a benchmark spec, a BEIR folder, or TREC files)")
    group.add_argument("--benchmark", help="spec as in core.benchmarks: bright-topics:DIR, beir:DIR, trec:DIR, dl19:DIR, ...")
    group.add_argument("--domain", default="default", help="benchmark domain (BRIGHT: biology, earth_science or earth-science, ...)")
    group.add_argument("--beir", type=Path, help="a BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv)")
    group.add_argument("--split", default="test", help="BEIR qrels split")
    group.add_argument("--queries", type=Path, help="queries: qid<TAB>text (.tsv) or BEIR JSON lines")
    if corpus:
        group.add_argument("--corpus", type=Path, help="corpus: BEIR JSON lines or docid<TAB>text (.tsv)")
    group.add_argument("--qrels", type=Path, help="TREC qrels or BEIR qrels .tsv")


def _collection(args: argparse.Namespace) -> tuple[list[dict], list[dict], list[dict]]:
    """(queries, documents, qrels) from whichever of --benchmark, --beir or files was given."""
    from reasonrank_assets.core.evaluation import benchmarks, trec

    if args.benchmark:
        bench = benchmarks.load_benchmark(args.benchmark, args.domain)
        return bench.queries, bench.documents, bench.qrels
    if args.beir:
        corpus, queries, qrels = trec.read_beir(args.beir, args.split)
        return queries, corpus, qrels
    queries = trec.read_queries(args.queries) if args.queries else []
    documents = trec.read_corpus(args.corpus) if getattr(args, "corpus", None) else []
    qrels = trec.read_qrels(args.qrels) if args.qrels else []
    return queries, documents, qrels


# --- rerank --------------------------------------------------------------------------------


def _configure_rerank(parser: argparse.ArgumentParser) -> None:
    from reasonrank_assets.core.evaluation.rerank import RerankSettings

    parser.add_argument("--model", required=True, help="checkpoint directory, hub id, or an offline alias: smollm2-135m-instruct, qwen2.5-coder-1.5b")
    parser.add_argument("--run", type=Path, help="first-stage TREC run to rerank")
    parser.add_argument("--requests", type=Path, help="rank_llm-style JSONL requests instead of --run")
    parser.add_argument("-o", "--output", type=Path, required=True, help="TREC run (with --run) or JSONL results (with --requests)")
    parser.add_argument("--details", type=Path, help="also write one JSON line per reranked item (label, explanation, decided_by, ...)")
    parser.add_argument("--tag", help="run tag (default: model name and mode)")
    _add_settings_flags(parser.add_argument_group("reranking (RerankSettings)"), RerankSettings)
    _add_collection(parser)


def _run_rerank(args: argparse.Namespace) -> int:
    from reasonrank_assets.core import io
    from reasonrank_assets.core.evaluation import rerank, trec

    if bool(args.run) == bool(args.requests):
        raise ValueError("give exactly one of --run (with a collection) or --requests")
    _check_output(args.output, "-o")
    _check_output(args.details, "--details")
    _check_model(args.model)
    settings = _settings_from_flags(args, rerank.RerankSettings)
    if args.requests:
        requests = rerank.read_requests(args.requests)  # read first: a bad file fails before the model loads
        results = _load_reranker(args, settings).rerank_requests(requests) if requests else []
        rerank.write_results(results, args.output)
        print(f"reranked {len(results)} requests -> {args.output}", file=sys.stderr)
        return 0
    queries, documents, _ = _collection(args)
    if not queries or not documents:
        raise ValueError("--run needs queries and documents: --benchmark, --beir, or --queries with --corpus")
    first_stage = _first_stage(args, queries, documents)
    rows, tag = [], args.tag or "empty"
    if first_stage:  # an empty run needs no model
        reranker = _load_reranker(args, settings)
        tag = args.tag or f"{reranker.name}@{args.depth}".replace(":", "-")
        rows = rerank.rerank_run(reranker, queries, documents, first_stage, args.depth, system=tag, progress=reporter("rerank", "queries"))
    trec.write_run(rows, args.output, tag)
    if args.details:
        io.write_text(args.details, (json.dumps(row) + "\n" for row in rows))
    failed = sum(row["status"] in rerank.FAILED for row in rows)
    forced = sum(row["status"] == "forced" for row in rows)
    print(f"reranked {len({r['query_id'] for r in rows})} queries -> {args.output} ({failed} items failed and kept their first-stage place;"
          f" {forced} ran out of tokens and had their label forced)", file=sys.stderr)
    return 0


# What a checkpoint directory holds, told loosely by file names (transformers knows many formats).
_CHECKPOINT_PARTS = {
    "config.json": lambda f: f == "config.json",
    "weights (*.safetensors, *.bin)": lambda f: f.endswith((".safetensors", ".bin", ".pt", ".pth", ".gguf", ".h5", ".msgpack")),
    "tokenizer (tokenizer.json, tokenizer.model, vocab.*)": lambda f: f.startswith(("tokenizer", "vocab", "spiece", "merges")) or f.endswith((".model", ".tiktoken")),
}


def _check_model(name: str) -> None:
    """Before any input is read: a path that is no checkpoint, or a hub id that cannot load offline."""
    from reasonrank_assets.core.models import SMOLLM2

    if name.lower() == SMOLLM2:
        return
    path = Path(name).expanduser()
    if path.is_dir():
        files = [p.name for p in path.iterdir()]
        for what, looks_like in _CHECKPOINT_PARTS.items():
            if not any(looks_like(f) for f in files):
                raise ValueError(f"--model {name}: no {what} in this directory; expected a Hugging Face checkpoint directory")
        return
    if path.exists():
        raise ValueError(f"--model {name} is a file; expected a checkpoint directory or a hub id")
    import huggingface_hub
    from huggingface_hub import constants

    try:
        cached = huggingface_hub.try_to_load_from_cache(name, "config.json")
    except ValueError:  # not a valid repo id: it was meant as a path
        raise ValueError(f"--model {name}: no such directory (and not a hub id)") from None
    if constants.HF_HUB_OFFLINE and not isinstance(cached, str):
        raise ValueError(f"--model {name}: no such directory, and not a hub model in the local cache (HF_HUB_OFFLINE is set)")


def _load_reranker(args: argparse.Namespace, settings):
    from reasonrank_assets.core.evaluation import rerank

    try:
        return rerank.Reranker.from_pretrained(args.model, settings)
    except (OSError, ValueError) as error:  # a broken checkpoint, the hub unreachable: transformers' words, on one line
        raise ValueError(f"--model {args.model}: cannot load it: {error}") from error


def _first_stage(args: argparse.Namespace, queries: list[dict], documents: list[dict]) -> list[dict]:
    """The run to rerank, checked against the collection before the model loads.

    A query without text is an error (it would be dropped); a repeated (query, doc) keeps its best
    place only, so it is judged and written once.
    """
    from reasonrank_assets.core.evaluation import retrieval

    rows = retrieval.read_run(args.run)  # ranks 1..n per query, by score
    if not rows:
        _warn(args, f"--run {args.run} is empty: writing an empty run")
    run_queries = {r["query_id"] for r in rows}
    missing = sorted(run_queries - {q["query_id"] for q in queries})
    if missing:
        raise ValueError(f"--run {args.run}: {len(missing)} of its {len(run_queries)} queries are not in {_queries_source(args)}: {_some(missing)}")
    kept, seen = [], set()
    for row in rows:  # in rank order per query: a pair's first line is its best place
        if (row["query_id"], row["doc_id"]) in seen:
            continue
        seen.add((row["query_id"], row["doc_id"]))
        rank = kept[-1]["rank"] + 1 if kept and kept[-1]["query_id"] == row["query_id"] else 1
        kept.append({**row, "rank": rank})
    if len(kept) < len(rows):
        _warn(args, f"--run {args.run}: {len(rows) - len(kept)} repeated (query, doc) lines; each pair is reranked once, at its best place")
    texts = {d["doc_id"] for d in documents}
    no_text = sorted({r["doc_id"] for r in kept if r["rank"] <= args.depth and r["doc_id"] not in texts})
    if no_text:
        raise ValueError(f"--run {args.run}: {len(no_text)} doc ids in its top {args.depth} have no text in the documents given: {_some(no_text)}")
    return kept


def _some(names: list[str], shown: int = 10) -> str:
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")


def _queries_source(args: argparse.Namespace) -> str:
    if args.benchmark:
        return f"--benchmark {args.benchmark} --domain {args.domain}"
    return f"--beir {args.beir}" if args.beir else f"--queries {args.queries}"


# --- evaluate ------------------------------------------------------------------------------


def _configure_evaluate(parser: argparse.ArgumentParser) -> None:
    from reasonrank_assets.core.evaluation.metrics import MEASURES

    parser.add_argument("--run", type=Path, nargs="+", required=True, help="TREC run file(s) to score")
    parser.add_argument("--baseline", type=Path, help="run to paired-test against (e.g. the first stage)")
    parser.add_argument("--measures", nargs="+", type=_measure, default=list(MEASURES), help="ir-measures names")
    parser.add_argument("--json", action="store_true", help="print JSON (aggregate and per-query) instead of a table")
    parser.add_argument("--plot", type=Path, help="also write the nDCG@10 bar chart of every run as this PNG")
    _add_collection(parser, corpus=False)


def _measure(name: str) -> str:
    from reasonrank_assets.core.evaluation.metrics import parse_measure

    try:
        parse_measure(name)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return name


def _run_evaluate(args: argparse.Namespace) -> int:
    if args.domain == "all":
        return _evaluate_domains(args)
    from reasonrank_assets.core.evaluation import metrics

    queries, _, qrels = _collection(args)
    if not qrels:
        raise ValueError("judgments needed: --qrels, --beir or --benchmark")
    scope = queries or None  # with queries: their excluded ids are removed, and only they are scored
    baseline = _score(args, args.baseline, qrels, scope) if args.baseline else None
    results = {str(path): _score(args, path, qrels, scope) for path in args.run}
    if args.plot:
        named = ([(f"{args.baseline.name} (baseline)", baseline)] if baseline else []) + [(Path(n).name, r) for n, r in results.items()]
        _plot(args.plot, [(args.domain, name, result["aggregate"]) for name, result in named])
    if args.json:
        report = {name: {**result, "p_vs_baseline": _p_values(result, baseline)} for name, result in results.items()}
        print(json.dumps(_finite(report), indent=1, allow_nan=False))
        return 0
    header = f"{'run':40} {'queries':>7} " + " ".join(f"{m:>8}" for m in args.measures)
    print(header + ("  p(nDCG@10 vs baseline)" if baseline else ""))
    for name, result in ([(f"{args.baseline} (baseline)", baseline)] if baseline else []) + list(results.items()):
        values = " ".join(f"{100 * result['aggregate'][m]:8.2f}" for m in args.measures)
        p = _p_values(result, baseline).get(metrics.HEADLINE) if baseline and result is not baseline else None
        print(f"{name[-40:]:40} {result['n_queries']:>7} {values}" + (f"  {p:.4g}" if p is not None else ""))
    return 0


def _score(args: argparse.Namespace, path: Path, qrels: list[dict], queries: list[dict] | None) -> dict:
    """One run's evaluation; a run that cannot score anything says so (it scores 0, or nothing)."""
    from reasonrank_assets.core.evaluation import metrics, retrieval

    run = retrieval.read_run(path)
    result = metrics.evaluate(run, qrels, queries, args.measures)
    judged = set(result["per_query"][args.measures[0]])
    if not judged:
        _warn(args, f"{path}: no judged query to score (the qrels cover none of the queries given)")
    elif not run:
        _warn(args, f"{path} is empty: each of the {len(judged)} judged queries scores 0")
    elif not judged & {r["query_id"] for r in run}:
        _warn(args, f"{path} shares no query with the judgments: each of the {len(judged)} judged queries scores 0 (wrong qrels or run?)")
    return result


def _finite(value):
    """NaN (a mean over no queries, a test over fewer than two) is null in JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _evaluate_domains(args: argparse.Namespace) -> int:
    """`--domain all`: each --run is a folder of `<domain>.trec` files; per-domain rows, then the mean."""
    from reasonrank_assets.core.evaluation import benchmarks

    if not args.benchmark:
        raise ValueError("--domain all needs --benchmark")
    domains = benchmarks.list_domains(args.benchmark)
    if not domains:
        raise ValueError(f"--benchmark {args.benchmark}: no domains found there")
    runs = {folder: _domain_runs(folder, domains) for folder in args.run}  # every folder checked before any output
    print(f"{'run':30} {'domain':20} {'queries':>7} " + " ".join(f"{m:>8}" for m in args.measures))
    scored = []
    for folder, paths in runs.items():
        values = []
        for domain in domains:
            if domain not in paths:
                print(f"{folder.name[-30:]:30} {domain:20} {'no run':>7}")
                continue
            bench = benchmarks.load_benchmark(args.benchmark, domain)
            result = _score(args, paths[domain], bench.qrels, bench.queries)
            values.append(result["aggregate"])
            scored.append((domain, folder.name, result["aggregate"]))
            print(f"{folder.name[-30:]:30} {domain:20} {result['n_queries']:>7} " + " ".join(f"{100 * result['aggregate'][m]:8.2f}" for m in args.measures))
        means = " ".join(f"{100 * sum(v[m] for v in values) / len(values):8.2f}" for m in args.measures)
        print(f"{folder.name[-30:]:30} {f'average of {len(values)}':20} {'':>7} {means}")
    if args.plot:
        _plot(args.plot, scored)
    return 0


def _plot(path: Path, scored: list[tuple[str, str, dict]]) -> None:
    """(domain, run, aggregate) triples -> the nDCG@10 bar chart, its path on stderr."""
    from reasonrank_assets import figures
    from reasonrank_assets.core.evaluation.metrics import HEADLINE

    rows = [{"measure": HEADLINE, "domain": d, "system": run, "value": 100 * agg[HEADLINE], "reference": False} for d, run, agg in scored if HEADLINE in agg]
    if not rows:
        raise ValueError(f"--plot draws {HEADLINE}: add it to --measures")
    print(f"chart -> {figures.score_chart(rows, path)}", file=sys.stderr)


def _domain_runs(folder: Path, domains: list[str]) -> dict[str, Path]:
    """{domain: its run file} in a folder; a folder with none of them is a mistake, not 12 "no run" rows."""
    if not folder.is_dir():
        raise ValueError(f"--run {folder}: no such folder; with --domain all each --run is a folder of <domain>.trec files")
    paths = {}
    for domain in domains:
        path = next((p for p in (folder / f"{domain}.trec", folder / f"{domain.replace('_', '-')}.trec") if p.is_file()), None)
        if path is not None:
            paths[domain] = path
    if not paths:
        raise ValueError(f"--run {folder}: none of the {len(domains)} domain runs is in this folder (expected e.g. {domains[0]}.trec)")
    return paths


def _p_values(result: dict, baseline: dict | None) -> dict:
    from reasonrank_assets.core.evaluation.metrics import paired_test

    if baseline is None:
        return {}
    return {m: paired_test(result["per_query"][m], baseline["per_query"][m]) for m in result["per_query"]}


# --- bm25 ----------------------------------------------------------------------------------


def _configure_bm25(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, required=True, help="TREC run to write")
    parser.add_argument("--k", type=_positive_int, default=100)
    parser.add_argument("--k1", type=float, default=0.9)
    parser.add_argument("--b", type=float, default=0.4)
    parser.add_argument("--method", default="lucene", help="bm25s variant: lucene, robertson, atire, bm25l, bm25+")
    _add_collection(parser)


def _run_bm25(args: argparse.Namespace) -> int:
    from reasonrank_assets.core.evaluation import retrieval, trec

    _check_output(args.output, "-o")
    queries, documents, _ = _collection(args)
    rows = retrieval.bm25_run(queries, documents, k=args.k, k1=args.k1, b=args.b, method=args.method)
    trec.write_run(rows, args.output, retrieval.bm25_system(args.k1, args.b, args.method))
    print(f"{retrieval.bm25_variant(args.k1, args.b, args.method)}: {len(queries)} queries -> {args.output}", file=sys.stderr)
    return 0


# --- teach and train ------------------------------------------------------------------------


def _key_values(items: list[str], flag: str) -> dict:
    """`KEY=VALUE` flags as a dict; a value is read as JSON when it parses (numbers, true, lists)."""
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{flag} {item!r}: expected KEY=VALUE")
        try:
            values[key] = json.loads(value)
        except json.JSONDecodeError:
            values[key] = value
    return values


def _settings(cls, values: dict, flag: str):
    """A settings dataclass from flags; an unknown key is bad input that names the known ones."""
    import dataclasses

    known = [f.name for f in dataclasses.fields(cls) if f.init]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{flag}: unknown {cls.__name__} setting(s) {unknown}; known: {known}")
    return cls(**values)


def _write_rows(path: Path, rows: list[dict]) -> None:
    """Rows as Parquet (by the name's suffix) or JSON lines, written beside and renamed."""
    from reasonrank_assets.core import io

    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        with io.atomic_path(path) as tmp:
            pq.write_table(pa.Table.from_pylist(rows), tmp)
    else:
        io.write_text(path, (json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows))


def _contamination_texts(path: Path) -> list[str]:
    """A BRIGHT topics folder (queries and gold answers), or a queries or corpus file."""
    from reasonrank_assets.core.dataset import training_data
    from reasonrank_assets.core.evaluation import trec

    if path.is_dir():
        return training_data.load_contamination_texts(str(path))
    try:
        return [row["query"] for row in trec.read_queries(path)]
    except ValueError:
        return [row["text"] for row in trec.read_corpus(path)]


PAIR_FIELDS = ("site", "pair_id", "question_id", "question", "url", "document")  # what `teach --pairs` reads


def _configure_teach(parser: argparse.ArgumentParser) -> None:
    from reasonrank_assets.core.teacher.settings import TeacherSettings

    defaults = TeacherSettings()
    parser.add_argument("--pairs", type=Path, help=f"candidate_pairs rows (.parquet or .jsonl): {', '.join(PAIR_FIELDS)}")
    parser.add_argument("--run", type=Path, help="a first-stage TREC run instead: each query's top --depth hits are the pairs (needs a collection)")
    parser.add_argument("--depth", type=int, default=20, help="hits per query taken from --run")
    parser.add_argument("--site", default="trec", help="the site recorded for pairs made from --run")
    parser.add_argument("-o", "--output", type=Path, required=True, help="training_examples rows: .parquet or .jsonl")
    parser.add_argument("--judgments", type=Path, help="also write the teacher_judgments rows (.parquet or .jsonl)")
    parser.add_argument("--cache", type=Path, help="teacher answer cache (default: HOME/teacher_cache, the assets' cache)")
    _configure_home(parser)
    teacher = parser.add_argument_group("teacher (TeacherSettings)")
    teacher.add_argument("--backend", choices=["openai", "transformers"], default=defaults.backend)
    teacher.add_argument("--model", default=defaults.model, help="served model name, or a local HF id / directory / alias")
    teacher.add_argument("--base-url", default=defaults.base_url, help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    teacher.add_argument("--api-key-env", default=defaults.api_key_env, help="name of the environment variable holding the key")
    teacher.add_argument("--teacher", action="append", default=[], metavar="KEY=VALUE", help="any other TeacherSettings field (concurrency=8, max_tokens=0, force_label=true, ...)")
    teacher.add_argument("--queries-task", action="store_true", help="also have the teacher write search queries per question (the method's second task)")
    recording = parser.add_argument_group("recordings (OpenAI batch-output JSONL, gzip: cache keys and answers, no passage text)")
    recording.add_argument("--recording", type=Path, help="load this recording into the cache first: the answers it holds are not asked again")
    recording.add_argument("--record", type=Path, help="write this run's answers as a recording")
    data = parser.add_argument_group("training set (TrainingDataSettings)")
    data.add_argument("--data", action="append", default=[], metavar="KEY=VALUE", help="e.g. validation_fraction=0 test_fraction=0 include_queries_task=false")
    data.add_argument("--contamination", action="append", default=[], type=Path, help="texts no example may share a 13-gram with: a BRIGHT topics folder, or a queries or corpus file (repeatable)")
    _add_collection(parser)


def _run_teach(args: argparse.Namespace) -> int:
    """Pairs in; the teacher's cached answers; training_examples rows out (the assets' core calls)."""
    from reasonrank_assets.core.dataset import pairs, training_data
    from reasonrank_assets.core.evaluation import retrieval
    from reasonrank_assets.core.teacher.backends import make_teacher
    from reasonrank_assets.core.teacher.batch import export_recording, import_batch
    from reasonrank_assets.core.teacher.cache import AnswerCache
    from reasonrank_assets.core.teacher.settings import TeacherSettings
    from reasonrank_assets.core.teacher.tasks import generate_queries, judge_pairs, query_prompts, relevance_prompts
    from reasonrank_assets.core.training.examples import load_rows

    if bool(args.pairs) == bool(args.run):
        raise ValueError("give exactly one of --pairs or --run (with --queries and --corpus, --beir or --benchmark)")
    data_settings = _settings(training_data.TrainingDataSettings, _key_values(args.data, "--data"), "--data")
    flags = {"backend": args.backend, "model": args.model, "base_url": args.base_url, "api_key_env": args.api_key_env}
    config = _settings(TeacherSettings, flags | _key_values(args.teacher, "--teacher"), "--teacher")
    contamination = [text for path in args.contamination for text in _contamination_texts(path)]
    if args.recording and not args.recording.is_file():
        raise FileNotFoundError(f"--recording {args.recording}: no such file")
    if args.pairs:
        candidates = load_rows(args.pairs)
        for number, row in enumerate(candidates, 1):
            if missing := [name for name in PAIR_FIELDS if row.get(name) is None]:
                raise ValueError(f"{args.pairs}: row {number} lacks {missing} (candidate_pairs rows have {', '.join(PAIR_FIELDS)})")
    else:
        queries, documents, _ = _collection(args)
        candidates = pairs.pairs_from_run(queries, documents, retrieval.read_run(args.run), args.depth, args.site)
    if not candidates:
        raise ValueError("no candidate pairs: the run's queries are not among the queries given")
    questions = list({(p["site"], p["question_id"]): {"site": p["site"], "question_id": p["question_id"], "text": p["question"]} for p in candidates}.values())
    client = make_teacher(config)
    summary: dict = {}
    with AnswerCache(args.cache or Path(args.home) / "teacher_cache") as cache:
        if args.recording:
            print(f"recording {args.recording}: {import_batch(args.recording, None, cache)}", file=sys.stderr)
        judgments = judge_pairs(candidates, client, cache, summary=summary, progress=reporter("teacher", "pairs"))
        search_queries = generate_queries(questions, client, cache, progress=reporter("teacher queries", "questions")) if args.queries_task else []
        if args.record:
            items = relevance_prompts(candidates, client) + (query_prompts(questions, client) if args.queries_task else [])
            print(f"recorded {export_recording(items, cache, client.model, args.record)} answers -> {args.record}", file=sys.stderr)
    rows, report = training_data.build_training_examples(judgments, questions, search_queries, contamination, data_settings)
    _write_rows(args.output, rows)
    if args.judgments:
        _write_rows(args.judgments, judgments)
    print(f"teacher {client.model}: {summary['prompts']} pairs, {summary['cache_hits']} from the cache, {summary['calls']} asked, "
          f"{summary['call_errors']} failed; parse {summary['parse_status']}", file=sys.stderr)
    print(f"{len(rows)} training examples {report['examples']} -> {args.output}; labels {report['label_balance']['train']} (train); "
          f"decontamination removed {report['decontamination']['questions_removed']} questions, {report['decontamination']['pairs_removed_by']} pairs", file=sys.stderr)
    if summary["call_errors"]:
        print(f"{summary['call_errors']} teacher calls failed and were not cached: run the same command again to ask them", file=sys.stderr)
        return 1
    return 0


def _configure_train(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--examples", type=Path, required=True, help="training_examples rows (.parquet or .jsonl), e.g. from `reasonrank teach`")
    parser.add_argument("-o", "--output", type=Path, required=True, help="run folder: sft/, rollouts/, refined/ (a re-run resumes from the last checkpoint)")
    parser.add_argument("--profile", choices=["cpu", "gpu"], default="cpu", help="defaults: cpu_profile() (SmolLM2, LoRA, a few steps) or the method's GPU recipe")
    parser.add_argument("--refine", choices=["grpo", "reward_weighted", "none"], default="grpo", help="refinement after SFT")
    parser.add_argument("--sft", action="append", default=[], metavar="KEY=VALUE", help="SFTSettings field, e.g. max_steps=40 base_model=DIR")
    parser.add_argument("--rollouts", action="append", default=[], metavar="KEY=VALUE", help="RolloutSettings field (reward_weighted)")
    parser.add_argument("--refine-setting", action="append", default=[], metavar="KEY=VALUE", help="RefineSettings field, e.g. max_steps=4")


def _run_train(args: argparse.Namespace) -> int:
    """SFT, then rollouts (reward-weighted) and refinement: the stages the training assets run,
    with the same job files, in this process. Prints the final checkpoint directory."""
    from reasonrank_assets import training_worker

    if not args.examples.exists():
        raise FileNotFoundError(f"--examples {args.examples}: no such file")
    plan = [("sft", "sft", args.sft, "--sft")]
    if args.refine == "reward_weighted":
        plan.append(("rollouts", "rollouts", args.rollouts, "--rollouts"))
    if args.refine != "none":
        plan.append(("refine", "refined", [f"method={args.refine}", *args.refine_setting], "--refine-setting"))
    jobs = []
    for name, folder, settings, flag in plan:
        job = {"examples": str(args.examples), "output_dir": str(args.output / folder), "profile": args.profile, "settings": _key_values(settings, flag)}
        training_worker.build_settings(name, job)  # every stage's settings are checked before any trains
        jobs.append((name, job))
    outputs: dict[str, dict] = {}
    for name, job in jobs:
        if name != "sft":
            job["checkpoint"] = outputs["sft"]["checkpoint"]
        if name == "refine" and "rollouts" in outputs:
            job["rollouts"] = outputs["rollouts"]["rollouts"]
        print(f"{name} -> {job['output_dir']}", file=sys.stderr, flush=True)
        outputs[name] = training_worker.run_stage(name, job, progress=training_reporter(name, lambda line: print(line, file=sys.stderr, flush=True)))
    print(outputs.get("refine", outputs["sft"])["checkpoint"])
    return 0


# --- pipeline --------------------------------------------------------------------------------


def _configure_home(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", default=os.environ.get("REASONRANK_HOME", ".reasonrank"), help="project state folder")


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    _configure_home(parser)
    parser.add_argument("--record-teacher", action="store_true",
                        help="ask the demo's teacher live for the embedded default's prompts and rewrite the recording the demo ships")  # fmt: skip


def _run_demo(args: argparse.Namespace) -> int:
    os.environ["REASONRANK_HOME"] = args.home
    from reasonrank_assets.demo import main as demo

    demo(record=args.record_teacher)
    return 0


def _run_catalog(args: argparse.Namespace) -> int:
    from reasonrank_assets.core.warehouse import Warehouse

    warehouse = Warehouse(Path(args.home) / "warehouse")
    views = warehouse.refresh_catalog()
    print(warehouse.catalog_path)
    print(
        f"rebuilt with {len(views)} views; a session that has the catalog open keeps its old views until it opens the file again",
        file=sys.stderr,
    )
    return 0


COMMANDS: dict[str, Command] = {
    "demo": Command("materialize the whole graph on the embedded default and print the scores", _configure_demo, _run_demo),
    "catalog": Command("rebuild the DuckDB catalog (a view per warehouse table); prints the database path", _configure_home, _run_catalog),
    "rerank": Command("rerank a first-stage run (or rank_llm requests) with a pointwise LLM reranker", _configure_rerank, _run_rerank),
    "evaluate": Command("score TREC runs: nDCG@10, nDCG@5, R@100, MRR@10 with a paired test", _configure_evaluate, _run_evaluate),
    "bm25": Command("BM25 (bm25s, Lucene k1=0.9 b=0.4) over a collection, written as a TREC run", _configure_bm25, _run_bm25),
    "teach": Command("the teacher judges candidate pairs (cached, resumable); training_examples rows out", _configure_teach, _run_teach),
    "train": Command("SFT, then refinement, on training_examples rows; a Hugging Face checkpoint out", _configure_train, _run_train),
}


class _Parser(argparse.ArgumentParser):
    """A bad argument is one line too (argparse prints the whole usage first)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reasonrank", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (OSError, ValueError) as error:  # bad input: one clear line, no traceback
        print(f"reasonrank {args.command}: {_one_line(error)}", file=sys.stderr)
        return 2


def _one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return " ".join(str(error).split())  # library messages (transformers') run over several lines


if __name__ == "__main__":
    raise SystemExit(main())
