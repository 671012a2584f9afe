"""What can SmolLM2-135M's own representation rank, given the oracle arm's supervision? A linear
probe, the cheapest thing the student could learn, as a ceiling check on the training recipe.

    .venv/bin/python benchmarks/probe.py [--train-depth 30] [--threads 2]

Data: ../shared/data/trec-dl-2019, split as `benchmarks/distill.py` splits it (sorted query ids,
alternating: 22 train, 21 test). Each pair is the reranker's own label-only prompt (chat template,
then "Relevance Label:"); its features are the frozen model's hidden states at the last prompt
position (where the label digit is read) after layers 10, 20 and 30, float32. Ridge regression
on the train half's BM25 top `--train-depth` (people's grades 0-3 mapped to 0/1/2, unjudged = 0),
then the test half's BM25 top 20 is ranked by the prediction. The layer and the ridge strength
are chosen by 2-fold cross-validation over the train queries (nDCG@10 on each held-out fold's
top 20), never on the test half; the whole grid is printed too, marked as such.

Also shown: the model's zero-shot expected label, and each probe added to BM25 (both z-scored per
query): the first stage as a feature. Features are cached in --work (a rerun only fits).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import distill  # noqa: E402

from reasonrank_assets.core import models  # noqa: E402
from reasonrank_assets.core.evaluation import benchmarks, metrics, rerank, retrieval  # noqa: E402

LAYERS = (10, 20, 30)
RIDGE = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def features(hits, query, text, path: Path):
    """(hidden states (pairs, layers, width), label logits (pairs, 3)), cached at `path`."""
    import torch

    if path.exists():
        return torch.load(path)
    from reasonrank_assets.core import generation

    reranker = rerank.Reranker.from_pretrained(models.resolve_model(models.SMOLLM2), mode="label_only", dtype="float32", device="cpu")
    backend = reranker.backend  # its own prompts: chat template, then the label prefix
    model, label_ids = backend.model, backend.label_ids
    states, logits, started = [], [], time.time()
    for start in range(0, len(hits), 16):
        batch = hits[start : start + 16]
        rows = [backend.prompt_ids(query[h["query_id"]], text[h["doc_id"]], reranker.settings) for h in batch]
        ids, mask = generation.left_padded(rows, backend.pad_id)
        with torch.inference_mode():
            out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True, logits_to_keep=1)
        states.append(torch.stack([out.hidden_states[k][:, -1] for k in LAYERS], 1))
        logits.append(out.logits[:, -1, label_ids])
        print(f"  features {start + len(batch)}/{len(hits)}, {(start + len(batch)) / (time.time() - started):.2f} pairs/s", file=sys.stderr, flush=True)
    found = {"hs": torch.cat(states), "lg": torch.cat(logits)}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(found, path)
    return found


def ridge(x, y, strength: float):
    import numpy as np

    return np.linalg.solve(x.T @ x + strength * np.eye(x.shape[1]), x.T @ (y - y.mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train-depth", type=int, default=30, help="BM25 hits per train query the probe fits on")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "probe-work")
    args = parser.parse_args()
    if not distill.DATA.exists():
        raise SystemExit(f"TREC DL 2019 data not found at {distill.DATA} (it lives beside the project, in ../shared/data)")
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    bench = benchmarks.load_benchmark(f"dl19:{distill.DATA}")
    run = retrieval.read_run(bench.run_files["bm25"], "dl19", "default", system="bm25-anserini", k=100)
    train_q, test_q = distill.split_queries(bench.queries)
    hits = [h for h in run if (h["query_id"] in train_q and h["rank"] <= args.train_depth) or (h["query_id"] in test_q and h["rank"] <= 20)]
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    query = {q["query_id"]: q["query"] for q in bench.queries}
    found = features(hits, query, text, args.work / f"smollm2-dl19-train{args.train_depth}.pt")

    grade = {(r["query_id"], r["doc_id"]): int(r["relevance"]) for r in bench.qrels}
    y = np.array([distill.HUMAN_TO_TEACHER[grade.get((h["query_id"], h["doc_id"]), 0)] for h in hits], dtype=float)
    qid = np.array([h["query_id"] for h in hits])
    train = np.isin(qid, sorted(train_q))
    bm25 = np.array([h["score"] for h in hits])
    for q in set(qid):  # z-scored per query: comparable with a probe's spread
        m = qid == q
        bm25[m] = (bm25[m] - bm25[m].mean()) / (bm25[m].std() + 1e-9)

    def ndcg(pred, queries: set[str]) -> tuple[float, dict]:
        rows = [{**h, "score": float(p)} for h, p in zip(hits, pred) if h["query_id"] in queries and h["rank"] <= 20]
        result = metrics.evaluate(rows, bench.qrels, [q for q in bench.queries if q["query_id"] in queries])
        return 100 * result["aggregate"]["nDCG@10"], result["per_query"]["nDCG@10"]

    base, base_per_query = ndcg(bm25, test_q)
    probs = torch.softmax(found["lg"].float(), -1).numpy()

    def fit(x, fit_on, strength: float):
        mu, sd = x[fit_on].mean(0), x[fit_on].std(0) + 1e-6
        z = (x - mu) / sd
        pred = z @ ridge(z[fit_on], y[fit_on], strength)
        return pred, pred / (pred[fit_on].std() + 1e-9) + bm25

    ordered = sorted(train_q, key=int)
    folds = [set(ordered[0::2]), set(ordered[1::2])]
    train_base = float(np.mean([ndcg(bm25, held)[0] for held in folds]))
    grid = {}
    for k, layer in enumerate(LAYERS):
        x = found["hs"][:, k].numpy().astype(np.float64)
        for strength in RIDGE:
            cv = [[], []]
            for held in folds:
                preds = fit(x, train & ~np.isin(qid, sorted(held)), strength)
                for i, pred in enumerate(preds):
                    cv[i].append(ndcg(pred, held)[0])
            grid[(layer, strength)] = ([float(np.mean(c)) for c in cv], fit(x, train, strength))

    lines = [("BM25 (the first stage)", base, None, "")]
    def line(name, pred, note=""):
        value, per_query = ndcg(pred, test_q)
        lines.append((name, value, metrics.paired_test(per_query, base_per_query), note))

    line("SmolLM2 zero-shot expected label", probs @ np.array([0.0, 1.0, 2.0]))
    for i, name in enumerate(("probe", "probe + BM25")):
        (layer, strength), (cv, preds) = max(grid.items(), key=lambda item: item[1][0][i])
        line(f"{name}, chosen by CV: layer {layer}, ridge {strength:g}", preds[i], f"CV on train folds {cv[i]:.2f} (BM25 there {train_base:.2f})")
    print(f"\nLinear probe on frozen SmolLM2-135M-Instruct (label position), fit on the DL19 train half ({len(train_q)} queries, BM25 top {args.train_depth}, "
          f"{int(train.sum())} pairs); TREC DL 2019 test half ({len(test_q)} queries), BM25 top 20; nDCG@10 x100, paired t-test vs BM25")
    for name, value, p, note in lines:
        print(f"{name:<48} {value:>7.2f} {'-' if p is None else f'{p:.3g}':>8}  {note}")
    print("\nthe whole grid on the test half (for reading, not for choosing): layer ridge  probe  probe+BM25")
    for (layer, strength), (_, preds) in grid.items():
        print(f"  {layer:>5} {strength:>6g} {ndcg(preds[0], test_q)[0]:>6.2f} {ndcg(preds[1], test_q)[0]:>10.2f}")


if __name__ == "__main__":
    main()
