"""Zero-shot SmolLM2-135M-Instruct as a pointwise reranker on NovelEval and TREC DL 2019.

    .venv/bin/python benchmarks/rerank.py [--budget-minutes 60] [--explain-max-new-tokens 128]

Prints nDCG@10 of BM25, all-MiniLM-L6-v2 cosine reranking (the CPU baseline a user reaches for)
and the LLM reranker in both modes (label-only at full depth; explanation-first on NovelEval
and DL19's top 20), each with its ratio to BM25 and a paired t-test against BM25 on the same
queries; then pairs/s batched against one pair at a time, in both modes.

First stages: NovelEval = bm25s (Lucene k1=0.9 b=0.4, Porter) over each query's 20 judged
passages; DL19 = the published Anserini BM25 top-100 (`bm25.trec`, nDCG@10 50.58).
The CPU is shared: each section gets a time budget and runs whole queries until it is spent;
the table says how many queries each row covers, and every comparison uses the same queries.
Reads ../shared/data in place.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from reasonrank_assets.core import prompts  # noqa: E402
from reasonrank_assets.core.evaluation import benchmarks, metrics, rerank, retrieval
from reasonrank_assets.core.models import SMOLLM2, resolve_model  # noqa: E402


def first_stages() -> dict[str, tuple]:
    novel = benchmarks.load_benchmark(f"noveleval:{DATA / 'noveleval'}")
    novel_bm25 = retrieval.bm25_run(novel.queries, novel.documents, k=20, candidates=retrieval.candidates_from_qrels(novel.qrels))
    dl19 = benchmarks.load_benchmark(f"dl19:{DATA / 'trec-dl-2019'}")
    dl19_bm25 = retrieval.read_run(dl19.run_files["bm25"], "dl19", "default", system="bm25-anserini", k=100)
    return {"noveleval": (novel, novel_bm25, retrieval.bm25_variant()), "dl19": (dl19, dl19_bm25, "Anserini BM25 default (published run)")}


def rerank_within_budget(reranker, bench, first_stage, depth: int, seconds: float, max_queries: int | None = None):
    """Whole queries in file order until the budget is spent; returns (rows, query ids, pairs/s)."""
    rows, done, pairs, start = [], [], 0, time.time()
    for query in bench.queries:
        elapsed = time.time() - start
        if done and (elapsed + elapsed / len(done) > seconds or len(done) == max_queries):
            break  # the next query would overrun the budget
        hits = [r for r in first_stage if r["query_id"] == query["query_id"]]
        rows += rerank.rerank_run(reranker, [query], bench.documents, hits, depth=depth)
        done.append(query["query_id"])
        pairs += min(depth, len(hits))
        print(f"  {reranker.name} {bench.name}: {len(done)}/{len(bench.queries)} queries, {time.time() - start:.0f}s", file=sys.stderr, flush=True)
    return rows, done, pairs / (time.time() - start)


def only(rows, query_ids):
    keep = set(query_ids)
    return [r for r in rows if r["query_id"] in keep]


def table_rows(bench, bm25, minilm, system_rows, query_ids, depth, variant):
    queries = only(bench.queries, query_ids)
    base = metrics.evaluate(only(bm25, query_ids), bench.qrels, queries)
    lines = []
    for name, rows, speed in [("BM25 (first stage)", bm25, None), (f"all-MiniLM-L6-v2 cosine @{depth}", minilm, None)] + system_rows:
        result = metrics.evaluate(only(rows, query_ids), bench.qrels, queries)
        value = result["aggregate"]["nDCG@10"]
        failed = sum(1 for r in only(rows, query_ids) if r.get("status") in rerank.FAILED)
        forced = sum(1 for r in only(rows, query_ids) if r.get("status") == prompts.FORCED)
        judged = sum(1 for r in only(rows, query_ids) if r.get("status") not in (None, "not_reranked"))
        lines.append(
            (
                bench.name,
                name,
                len(query_ids),
                100 * value,
                value / base["aggregate"]["nDCG@10"],
                metrics.paired_test(result["per_query"]["nDCG@10"], base["per_query"]["nDCG@10"]) if rows is not bm25 else float("nan"),
                f"{failed}/{judged}" if judged else "-",
                f"{forced}/{judged}" if judged else "-",
                f"{speed:.2f}" if speed else "-",
            )
        )
    return lines, variant


def throughput(model_dir: str, bench, bm25, mode: str, n_pairs: int, batch_size: int, max_new_tokens: int):
    """pairs/s of the same pairs judged batched and one at a time."""
    query = bench.queries[0]
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    docs = [text[r["doc_id"]] for r in bm25 if r["query_id"] == query["query_id"]][:n_pairs]
    speeds = {}
    for size in (batch_size, 1):
        reranker = rerank.Reranker.from_pretrained(model_dir, mode=mode, batch_size=size, max_new_tokens=max_new_tokens)
        reranker.judge(query["query"], docs[-2:])  # warm-up: one-time setup is not throughput
        start = time.time()
        reranker.judge(query["query"], docs)
        speeds[size] = len(docs) / (time.time() - start)
    return speeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget-minutes", type=float, default=60.0, help="total time for the LLM reranking sections")
    parser.add_argument("--explain-max-new-tokens", type=int, default=128, help="cap on an explanation (the method allows 1024)")
    parser.add_argument("--batch-size", type=int, default=100, help="label-only pairs per call: a whole query, whose rows share one prefill of the prompt head")
    parser.add_argument("--explain-batch-size", type=int, default=20, help="a whole NovelEval query / DL19 top-20 per generate call")
    parser.add_argument("--model", default=SMOLLM2, help="checkpoint directory or alias (default: SmolLM2-135M-Instruct)")
    parser.add_argument("--max-queries", type=int, default=None, help="cap per section (smoke runs)")
    parser.add_argument("--only", choices=("throughput", "quality", "roofline", "forcing", "across", "decode"), default=None, help="run one part only")
    parser.add_argument("--roofline-queries", type=int, default=2, help="DL19 queries timed against the roofline")
    parser.add_argument("--across-queries", type=int, default=4, help="NovelEval queries of the across-queries section (the demo's depth 10, 64 tokens)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: real data not found at {DATA}")
        return 0
    started = time.time()
    model_dir = resolve_model(args.model)
    stages = first_stages()
    print(f"# benchmarks/rerank.py: {Path(model_dir).name} zero-shot (bf16, CPU, greedy), batch {args.batch_size} "
          f"(explain: {args.explain_batch_size}), explanations capped at {args.explain_max_new_tokens} new tokens, "
          f"LLM budget {args.budget_minutes:.0f} min", flush=True)
    for name, (_, _, variant) in stages.items():
        print(f"# {name} first stage: {variant}")
    if args.only in (None, "roofline"):
        print_roofline(model_dir, stages, args)
    if args.only in (None, "forcing"):
        print_forcing(model_dir, stages, args)
    if args.only in (None, "decode"):
        print_decode(model_dir, stages, args)
    if args.only in (None, "throughput"):
        print_throughput(model_dir, stages, args)
    if args.only in (None, "across"):
        print_across_queries(model_dir, stages, args)
    if args.only in (None, "quality"):
        print_quality(model_dir, stages, args)
    print(f"\n# wall time {(time.time() - started) / 60:.1f} min")
    return 0


def print_throughput(model_dir, stages, args) -> None:
    print(f"\n{'throughput':10} {'mode':12} {'pairs':>5} {'new tok':>7} {'batched':>8} {'one-by-one':>10} {'speed-up':>8}", flush=True)
    novel, novel_bm25, _ = stages["noveleval"]
    for mode, n_pairs, max_new, size in (("label_only", 20, 1, args.batch_size), ("explain", 20, args.explain_max_new_tokens, args.explain_batch_size)):
        speeds = throughput(model_dir, novel, novel_bm25, mode, n_pairs, size, max_new)
        print(f"{'noveleval':10} {mode:12} {n_pairs:>5} {max_new:>7} {speeds[size]:8.2f} {speeds[1]:10.2f} {speeds[size] / speeds[1]:7.2f}x", flush=True)


def print_across_queries(model_dir, stages, args) -> None:
    """Explain at the demo's settings (NovelEval, depth 10, 64 new tokens): one query a batch (batch
    10) against whole queries gathered into one batch (`rerank_run` fills `batch_size`), same pairs."""
    novel, novel_bm25, _ = stages["noveleval"]
    queries = novel.queries[: args.across_queries]
    depth, size = 10, 10 * len(queries)
    runs, speeds = {}, {}
    for batch in (depth, size):
        reranker = rerank.Reranker.from_pretrained(model_dir, mode="explain", batch_size=batch, max_new_tokens=64)
        reranker.judge(queries[0]["query"], ["warm-up"])
        started = time.time()
        runs[batch] = rerank.rerank_run(reranker, queries, novel.documents, novel_bm25, depth)
        speeds[batch] = depth * len(queries) / (time.time() - started)
    judged = lambda rows: [(r["doc_id"], r["label"]) for r in rows if r["status"] != "not_reranked"]  # noqa: E731
    same = sum(a == b for a, b in zip(judged(runs[depth]), judged(runs[size])))
    print(f"\nexplain across queries (NovelEval, {len(queries)} queries x depth {depth}, 64 new tokens): one query a batch {speeds[depth]:.2f} pairs/s, "
          f"{len(queries)} queries a batch {speeds[size]:.2f} pairs/s = {speeds[size] / speeds[depth]:.2f}x; same label on {same}/{depth * len(queries)} pairs", flush=True)


def explain_by_second_prefill(backend, sequences, queries, settings):
    """The explain path before labels were forced on the generation's cache (the baseline): an
    answer out of tokens got a second prefill of prompt + re-encoded explanation + label prefix."""
    from reasonrank_assets.core import generation, labels
    from reasonrank_assets.core.evaluation.rerank import RawAnswer

    steps: list[list[list[float]]] = [[] for _ in sequences]

    def record(rows, logits):
        for row, values in zip(rows, logits[:, backend.label_ids].tolist()):
            steps[row].append(values)

    with labels.float32_labels(backend.model, backend.label_ids):
        answers = generation.generate(backend.model, sequences, backend.pad_id, settings.max_new_tokens, groups=queries,
                                      tokenizer=backend.tokenizer, stop_strings=[settings.stop], on_step=record)  # fmt: skip
    read = [backend._read_answer(tokens, s) for tokens, s in zip(answers, steps)]
    parses = [prompts.parse_relevance(a.output) for a in read]
    short = [i for i, t in enumerate(answers) if len(t) >= settings.max_new_tokens and parses[i].status not in prompts.USABLE_STATUSES]
    if short:
        rows = labels.forced_rows(backend.tokenizer, [sequences[i] for i in short], [parses[i].explanation for i in short], backend.prefix_ids)
        for i, probs in zip(short, labels.label_probs_after(backend.model, rows, backend.pad_id, backend.label_ids, groups=[queries[i] for i in short])):
            read[i] = RawAnswer(read[i].output, probs, forced=True)
    return read


def print_forcing(model_dir, stages, args) -> None:
    """Explain mode through the reranker on DL19 top-20: labels forced on the generation's cache
    (now) against a second prefill (before), same pairs, same run; forced labels compared."""
    bench, run, _ = stages["dl19"]
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    queries = bench.queries[: args.roofline_queries]
    reranker = rerank.Reranker.from_pretrained(model_dir, mode="explain", batch_size=args.explain_batch_size, max_new_tokens=args.explain_max_new_tokens)
    backend, settings = reranker.backend, reranker.settings
    results = {}
    for name, explain in (("second prefill (before)", lambda seqs, qs, st: explain_by_second_prefill(backend, seqs, qs, st)), ("on the cache (now)", backend._explain)):
        answers, started = [], time.time()
        for q in queries:
            sequences = [backend.prompt_ids(q["query"], text[r["doc_id"]], settings) for r in run if r["query_id"] == q["query_id"]][:20]
            answers += explain(sequences, [q["query"]] * len(sequences), settings)
        results[name] = (answers, len(answers) / (time.time() - started))
    (before, before_speed), (now, now_speed) = results.values()
    forced = [i for i, a in enumerate(now) if a.forced]
    gap = max((abs(sum(k * p for k, p in enumerate(now[i].label_probs)) - sum(k * p for k, p in enumerate(before[i].label_probs))) for i in forced), default=0.0)
    same = sum(max(range(3), key=now[i].label_probs.__getitem__) == max(range(3), key=before[i].label_probs.__getitem__) for i in forced)
    print(f"\nexplain DL19 @20 through the reranker ({args.explain_max_new_tokens} new tokens, {len(queries)} queries, {len(now)} pairs, "
          f"{len(forced)} labels forced): forced by a second prefill {before_speed:.2f} pairs/s, on the generation's cache {now_speed:.2f}: "
          f"{now_speed / before_speed:.2f}x; forced labels: {same}/{len(forced)} the same, expected labels within {gap:.3f}", flush=True)


def print_decode(model_dir, stages, args) -> None:
    """Explain on DL19 top-20 through the reranker, the decoding steps' linear layers as MKL's usual
    `x @ W.T` (before) and as `W @ x.T` (now, `generation.weight_major_linears`), alternated twice
    on the same pairs in this run: pairs/s, and whether the answers are the same."""
    import torch

    from reasonrank_assets.core import generation

    bench, run, _ = stages["dl19"]
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    queries = bench.queries[: args.roofline_queries]
    reranker = rerank.Reranker.from_pretrained(model_dir, mode="explain", batch_size=args.explain_batch_size, max_new_tokens=args.explain_max_new_tokens)
    backend, settings = reranker.backend, reranker.settings
    if backend.model.dtype != torch.float32:
        print(f"\ndecode: skipped, the model computes in {backend.model.dtype} (weight-major linears are for float32)")
        return
    batches = [[backend.prompt_ids(q["query"], text[r["doc_id"]], settings) for r in run if r["query_id"] == q["query_id"]][:20] for q in queries]
    backend._explain(batches[0][:2], [queries[0]["query"]] * 2, settings)  # warm-up
    few_rows, seconds, answers = generation.FEW_ROWS, {"before": [], "now": []}, {}
    try:
        for name in ("before", "now", "before", "now"):
            generation.FEW_ROWS = 0 if name == "before" else few_rows  # 0: every product takes the usual path
            started, got = time.time(), []
            for q, sequences in zip(queries, batches, strict=True):
                got += backend._explain(sequences, [q["query"]] * len(sequences), settings)
            seconds[name].append(time.time() - started)
            answers.setdefault(name, got)
    finally:
        generation.FEW_ROWS = few_rows
    pairs = sum(map(len, batches))
    before, now = (pairs / min(seconds[n]) for n in ("before", "now"))
    label = lambda a: max(range(3), key=a.label_probs.__getitem__) if a.label_probs else None  # noqa: E731
    same = sum(a.output == b.output and label(a) == label(b) for a, b in zip(answers["before"], answers["now"], strict=True))
    print(f"\nexplain DL19 @20 ({args.explain_max_new_tokens} new tokens, {len(queries)} queries, {pairs} pairs, best of 2 each): "
          f"x @ W.T {before:.2f} pairs/s, W @ x.T {now:.2f} pairs/s = {now / before:.2f}x; same explanation and label on {same}/{pairs}", flush=True)


def print_roofline(model_dir, stages, args) -> None:
    """Label-only at depth 100 and explain at depth 20 on DL19, against this run's own roofline.

    Label-only is prefill: FLOPs = 2N per prefilled token plus attention (a query's shared prompt
    head is prefilled once and counted once). Explain is mostly decoding: each step reads the
    weights once for the whole batch and every running row's cached keys and values, so it is
    timed step by step and its bytes per second are set against the copy bandwidth.
    """
    from roofline import flops_formula, forward_flops, measure, non_embedding_parameters
    from transformers import AutoConfig

    from reasonrank_assets.core import generation

    config = AutoConfig.from_pretrained(model_dir)
    roof = measure(config)
    bench, run, _ = stages["dl19"]
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    queries = bench.queries[: args.roofline_queries]
    docs = {q["query_id"]: [text[r["doc_id"]] for r in run if r["query_id"] == q["query_id"]] for q in queries}

    label_only = rerank.Reranker.from_pretrained(model_dir, mode="label_only", batch_size=args.batch_size)
    label_only.judge(queries[0]["query"], docs[queries[0]["query_id"]][:4])  # warm-up
    flops, pairs, started = 0.0, 0, time.time()
    for q in queries:
        sequences = [label_only.backend.prompt_ids(q["query"], d, label_only.settings) for d in docs[q["query_id"]][:100]]
        head = generation.common_prefix_length(sequences)
        flops += forward_flops(config, head, head / 2, 0) + sum(forward_flops(config, len(s) - head, (len(s) + head) / 2, 1) for s in sequences)
        label_only.judge(q["query"], docs[q["query_id"]][:100])
        pairs += len(sequences)
    seconds = time.time() - started
    achieved = flops / seconds / 1e12
    print(f"\n{roof.line()}\n{flops_formula(config)}")
    print(f"label-only DL19 @100, {len(queries)} queries: {pairs / seconds:.2f} pairs/s, {achieved:.3f} TFLOP/s = {achieved / roof.peak_tflops:.1%} of the {roof.peak_dtype} matmul rate")
    del label_only

    explain = rerank.Reranker.from_pretrained(model_dir, mode="explain", batch_size=args.explain_batch_size, max_new_tokens=args.explain_max_new_tokens)
    backend = explain.backend
    layers, kv = config.num_hidden_layers, config.num_key_value_heads * (getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads)
    size = backend.model.dtype.itemsize  # bytes a weight or cached value takes: 2 in bf16, 4 where bf16 is emulated
    weight_bytes = (non_embedding_parameters(config) + config.hidden_size * config.vocab_size) * size  # output projection included
    steps: list[tuple[float, int, int]] = []  # (time, running rows, prompt width)
    pairs, started = 0, time.time()
    for q in queries:
        sequences = [backend.prompt_ids(q["query"], d, explain.settings) for d in docs[q["query_id"]][:20]]
        width = max(map(len, sequences))
        generation.generate(backend.model, sequences, backend.pad_id, args.explain_max_new_tokens, groups=[q["query_id"]] * len(sequences),
                            tokenizer=backend.tokenizer, stop_strings=[explain.settings.stop], on_step=lambda rows, _, w=width: steps.append((time.perf_counter(), len(rows), w)))  # fmt: skip
        pairs += len(sequences)
    seconds = time.time() - started
    # a step of a batch lies between two on_step calls of the same batch (not across queries)
    gaps = [(b[0] - a[0], b[1], b[2]) for a, b in zip(steps, steps[1:]) if a[2] == b[2] and b[1] <= a[1]]
    # the static cache holds prompt width + the answer budget; a step reads about prompt + half the answer
    read = [weight_bytes + rows * layers * 2 * kv * size * (w + args.explain_max_new_tokens / 2) for _, rows, w in gaps]
    rate = sum(read) / sum(t for t, _, _ in gaps) / 1e9
    print(f"explain DL19 @20 ({args.explain_max_new_tokens} new tokens), {len(queries)} queries: {pairs / seconds:.2f} pairs/s; "
          f"a decoding step reads {sum(read) / len(read) / 1e6:.0f} MB (weights + cached keys/values) in {1000 * sum(t for t, _, _ in gaps) / len(gaps):.0f} ms: "
          f"{rate:.1f} GB/s = {rate / roof.copy_gbs:.0%} of the copy bandwidth, {rate / roof.gemv_gbs:.0%} of the one-row product's", flush=True)


def print_quality(model_dir, stages, args) -> None:
    budget = args.budget_minutes * 60
    plan = {  # (section, mode, depth): share of the budget; time a section leaves unused goes to the next
        ("noveleval", "label_only", 20): 0.08,
        ("dl19", "label_only", 100): 0.42,
        ("noveleval", "explain", 20): 0.2,
        ("dl19", "explain", 20): 0.3,
    }
    print(f"\n{'data':10} {'system':40} {'queries':>7} {'nDCG@10':>8} {'x BM25':>7} {'p vs BM25':>9} {'failed':>9} {'forced':>9} {'pairs/s':>8}", flush=True)
    allowed = spent = 0.0  # LLM reranking seconds
    for (name, mode, depth), share in plan.items():
        allowed += share * budget
        bench, bm25, variant = stages[name]
        size = args.explain_batch_size if mode == "explain" else args.batch_size
        reranker = rerank.Reranker.from_pretrained(model_dir, mode=mode, batch_size=size, max_new_tokens=args.explain_max_new_tokens)
        section_started = time.time()
        rows, ids, speed = rerank_within_budget(reranker, bench, bm25, depth, allowed - spent, args.max_queries)
        spent += time.time() - section_started
        head = [r for r in bm25 if r["rank"] <= depth]
        minilm = retrieval.cosine_rerank(only(bench.queries, ids), bench.documents, only(head, ids), depth=depth)
        table, _ = table_rows(bench, only(bm25, ids), minilm, [(f"{Path(model_dir).name} {mode} @{depth}", rows, speed)], ids, depth, variant)
        for data, system, n, value, ratio, p, failed, forced, pairs_s in table:
            print(f"{data:10} {system:40} {n:>7} {value:8.2f} {ratio:7.3f} {p:9.3g} {failed:>9} {forced:>9} {pairs_s:>8}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
