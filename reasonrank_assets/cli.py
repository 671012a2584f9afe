"""`reasonrank`: the reranker and the evaluation outside Dagster, on TREC/BEIR files.

    reasonrank rerank --model DIR --run bm25.trec --queries queries.tsv --corpus corpus.jsonl -o reranked.trec
    reasonrank rerank --model DIR --requests requests.jsonl -o results.jsonl      # rank_llm-style JSONL
    reasonrank evaluate --run reranked.trec --qrels qrels.txt --baseline bm25.trec
    reasonrank evaluate --run run.trec --benchmark bright-topics:../shared/data/bright --domain biology
    reasonrank evaluate --run runs/reasonir-gpt4cot/ --benchmark bright-topics:../shared/data/bright --domain all
    reasonrank bm25 --benchmark beir:/data/scifact -o bm25.trec

Each subcommand is a `Command` in `COMMANDS`: a new one is one more entry.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple


class Command(NamedTuple):
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- shared inputs -------------------------------------------------------------------------


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
    from reasonrank_assets.core import benchmarks, trec

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
    from reasonrank_assets.core.rerank import MODES, RerankSettings

    defaults = RerankSettings()
    parser.add_argument("--model", required=True, help="checkpoint directory, hub id, or smollm2-135m-instruct")
    parser.add_argument("--run", type=Path, help="first-stage TREC run to rerank")
    parser.add_argument("--requests", type=Path, help="rank_llm-style JSONL requests instead of --run")
    parser.add_argument("-o", "--output", type=Path, required=True, help="TREC run (with --run) or JSONL results (with --requests)")
    parser.add_argument("--details", type=Path, help="also write one JSON line per reranked item (label, explanation, decided_by, ...)")
    parser.add_argument("--tag", help="run tag (default: model name and mode)")
    parser.add_argument("--mode", choices=MODES, default=defaults.mode)
    parser.add_argument("--depth", type=int, default=defaults.depth, help="first-stage hits reranked per query")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--max-new-tokens", type=int, default=defaults.max_new_tokens)
    parser.add_argument("--dtype", default=defaults.dtype)
    parser.add_argument("--device", default=defaults.device)
    parser.add_argument("--backend", choices=["transformers", "vllm"], default=defaults.backend)
    _add_collection(parser)


def _run_rerank(args: argparse.Namespace) -> int:
    from reasonrank_assets.core import rerank, retrieval, trec

    if bool(args.run) == bool(args.requests):
        raise SystemExit("reasonrank rerank: give exactly one of --run (with a collection) or --requests")
    settings = rerank.RerankSettings(
        mode=args.mode, depth=args.depth, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens, dtype=args.dtype, device=args.device, backend=args.backend
    )
    if args.requests:
        requests = rerank.read_requests(args.requests)  # read first: a bad file fails before the model loads
        results = rerank.Reranker.from_pretrained(args.model, settings).rerank_requests(requests)
        rerank.write_results(results, args.output)
        print(f"reranked {len(results)} requests -> {args.output}", file=sys.stderr)
        return 0
    queries, documents, _ = _collection(args)
    if not queries or not documents:
        raise SystemExit("reasonrank rerank --run needs queries and documents: --benchmark, --beir, or --queries with --corpus")
    first_stage = retrieval.read_run(args.run)
    reranker = rerank.Reranker.from_pretrained(args.model, settings)
    tag = args.tag or f"{reranker.name}@{args.depth}".replace(":", "-")
    rows = rerank.rerank_run(reranker, queries, documents, first_stage, args.depth, system=tag, progress=_progress)
    trec.write_run(rows, args.output, tag)
    if args.details:
        trec.write_atomic(args.details, (json.dumps(row) + "\n" for row in rows))
    failed = sum(row["status"] in ("no_label", "bad_label", "error") for row in rows)
    print(f"reranked {len({r['query_id'] for r in rows})} queries -> {args.output} ({failed} items failed and kept their first-stage place)", file=sys.stderr)
    return 0


def _progress(done: int, total: int) -> None:
    print(f"  {done}/{total} queries", file=sys.stderr, flush=True)


# --- evaluate ------------------------------------------------------------------------------


def _configure_evaluate(parser: argparse.ArgumentParser) -> None:
    from reasonrank_assets.core.metrics import MEASURES

    parser.add_argument("--run", type=Path, nargs="+", required=True, help="TREC run file(s) to score")
    parser.add_argument("--baseline", type=Path, help="run to paired-test against (e.g. the first stage)")
    parser.add_argument("--measures", nargs="+", default=list(MEASURES), help="ir-measures names")
    parser.add_argument("--json", action="store_true", help="print JSON (aggregate and per-query) instead of a table")
    _add_collection(parser, corpus=False)


def _run_evaluate(args: argparse.Namespace) -> int:
    if args.domain == "all":
        return _evaluate_domains(args)
    from reasonrank_assets.core import metrics, retrieval

    queries, _, qrels = _collection(args)
    if not qrels:
        raise SystemExit("reasonrank evaluate needs judgments: --qrels, --beir or --benchmark")
    scope = queries or None  # with queries: their excluded ids are removed, and only they are scored
    baseline = metrics.evaluate(retrieval.read_run(args.baseline), qrels, scope, args.measures) if args.baseline else None
    results = {str(path): metrics.evaluate(retrieval.read_run(path), qrels, scope, args.measures) for path in args.run}
    if args.json:
        print(json.dumps({name: {**result, "p_vs_baseline": _p_values(result, baseline)} for name, result in results.items()}, indent=1))
        return 0
    header = f"{'run':40} {'queries':>7} " + " ".join(f"{m:>8}" for m in args.measures)
    print(header + ("  p(nDCG@10 vs baseline)" if baseline else ""))
    for name, result in ([(f"{args.baseline} (baseline)", baseline)] if baseline else []) + list(results.items()):
        values = " ".join(f"{100 * result['aggregate'][m]:8.2f}" for m in args.measures)
        p = _p_values(result, baseline).get(metrics.HEADLINE) if baseline and result is not baseline else None
        print(f"{name[-40:]:40} {result['n_queries']:>7} {values}" + (f"  {p:.4g}" if p is not None else ""))
    return 0


def _evaluate_domains(args: argparse.Namespace) -> int:
    """`--domain all`: each --run is a folder of `<domain>.trec` files; per-domain rows, then the mean."""
    from reasonrank_assets.core import benchmarks, metrics, retrieval

    if not args.benchmark:
        raise SystemExit("reasonrank evaluate --domain all needs --benchmark")
    print(f"{'run':30} {'domain':20} {'queries':>7} " + " ".join(f"{m:>8}" for m in args.measures))
    for folder in args.run:
        values = []
        for domain in benchmarks.list_domains(args.benchmark):
            path = next((p for p in (folder / f"{domain}.trec", folder / f"{domain.replace('_', '-')}.trec") if p.exists()), None)
            if path is None:
                print(f"{folder.name[-30:]:30} {domain:20} {'no run':>7}")
                continue
            bench = benchmarks.load_benchmark(args.benchmark, domain)
            result = metrics.evaluate(retrieval.read_run(path), bench.qrels, bench.queries, args.measures)
            values.append(result["aggregate"])
            print(f"{folder.name[-30:]:30} {domain:20} {result['n_queries']:>7} " + " ".join(f"{100 * result['aggregate'][m]:8.2f}" for m in args.measures))
        if values:
            means = " ".join(f"{100 * sum(v[m] for v in values) / len(values):8.2f}" for m in args.measures)
            print(f"{folder.name[-30:]:30} {f'average of {len(values)}':20} {'':>7} {means}")
    return 0


def _p_values(result: dict, baseline: dict | None) -> dict:
    from reasonrank_assets.core.metrics import paired_test

    if baseline is None:
        return {}
    return {m: paired_test(result["per_query"][m], baseline["per_query"][m]) for m in result["per_query"]}


# --- bm25 ----------------------------------------------------------------------------------


def _configure_bm25(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, required=True, help="TREC run to write")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--k1", type=float, default=0.9)
    parser.add_argument("--b", type=float, default=0.4)
    parser.add_argument("--method", default="lucene", help="bm25s variant: lucene, robertson, atire, bm25l, bm25+")
    _add_collection(parser)


def _run_bm25(args: argparse.Namespace) -> int:
    from reasonrank_assets.core import retrieval, trec

    queries, documents, _ = _collection(args)
    rows = retrieval.bm25_run(queries, documents, k=args.k, k1=args.k1, b=args.b, method=args.method)
    trec.write_run(rows, args.output, retrieval.bm25_system(args.k1, args.b, args.method))
    print(f"{retrieval.bm25_variant(args.k1, args.b, args.method)}: {len(queries)} queries -> {args.output}", file=sys.stderr)
    return 0


# --- pipeline --------------------------------------------------------------------------------


def _configure_home(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", default=os.environ.get("REASONRANK_HOME", ".reasonrank"), help="project state folder")


def _run_demo(args: argparse.Namespace) -> int:
    os.environ["REASONRANK_HOME"] = args.home
    from reasonrank_assets.demo import main as demo

    demo()
    return 0


def _run_catalog(args: argparse.Namespace) -> int:
    from reasonrank_assets.core.warehouse import Warehouse

    warehouse = Warehouse(Path(args.home) / "warehouse")
    if not warehouse.refresh_catalog():
        raise ValueError(f"{warehouse.catalog_path} is held open by another process; close it and retry")
    print(warehouse.catalog_path)
    return 0


COMMANDS: dict[str, Command] = {
    "demo": Command("materialize the whole graph on the embedded default and print the scores", _configure_home, _run_demo),
    "catalog": Command("(re)create the DuckDB views over every warehouse table; prints the database path", _configure_home, _run_catalog),
    "rerank": Command("rerank a first-stage run (or rank_llm requests) with a pointwise LLM reranker", _configure_rerank, _run_rerank),
    "evaluate": Command("score TREC runs: nDCG@10, nDCG@5, R@100, MRR@10 with a paired test", _configure_evaluate, _run_evaluate),
    "bm25": Command("BM25 (bm25s, Lucene k1=0.9 b=0.4) over a collection, written as a TREC run", _configure_bm25, _run_bm25),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reasonrank", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    except (FileNotFoundError, ValueError) as error:  # bad input: one clear line, no traceback
        print(f"reasonrank {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
