"""How well does the configured teacher agree with people? NovelEval: 420 (question, passage)
pairs judged 0/1/2 by annotators, the same scale as the teacher's labels.

Prints accuracy, quadratic-weighted kappa and the confusion matrix of the teacher's labels
against the human ones, beside a baseline measured in the same run: always answering the most
frequent human label (kappa 0 by construction). Answers are cached (--cache) as each batch
arrives, so a second run with the same teacher makes no calls and a stopped one continues where
it stopped. Pairs go to the teacher in rounds of one passage per question, so a stopped run has
covered the 21 questions evenly; `--limit N` takes the first N pairs in that order, and
`--cached-only` reports on the pairs already answered without asking for more. With explanations it also prints the
length distribution of the answers (completion tokens), which sizes an explanation budget.

    .venv/bin/python benchmarks/teacher_agreement.py                       # local SmolLM2-135M, forced labels
    .venv/bin/python benchmarks/teacher_agreement.py --max-tokens 0        # the same, label only (much cheaper)
    uv sync --extra teacher                                                # once: the 1.5B teacher's wheels
    nice -n 10 .venv/bin/python benchmarks/teacher_agreement.py --model qwen2.5-coder-1.5b --max-tokens 0
    nice -n 10 .venv/bin/python benchmarks/teacher_agreement.py --model qwen2.5-coder-1.5b --max-tokens 384 --limit 42
    .venv/bin/python benchmarks/teacher_agreement.py --backend openai --base-url http://127.0.0.1:8000/v1 \\
        --model meta-llama/Llama-3.3-70B-Instruct                          # any OpenAI-compatible server
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "noveleval"
ROUND = 21  # NovelEval's questions: one passage of each per call to the teacher

from reasonrank_assets.core.evaluation.metrics import label_agreement
from reasonrank_assets.core.evaluation.rerank import EXPLAIN_BUDGET  # noqa: E402
from reasonrank_assets.core.teacher.backends import make_teacher
from reasonrank_assets.core.teacher.cache import AnswerCache
from reasonrank_assets.core.teacher.settings import TeacherSettings
from reasonrank_assets.core.teacher.tasks import judge_pairs, relevance_prompts


def noveleval_pairs(per_question: int | None = None, limit: int | None = None) -> tuple[list[dict], list[int]]:
    if not DATA.exists():
        sys.exit(f"real data not found at {DATA}: it lives beside the project, see ../shared/data/README.md")
    queries = dict(line.rstrip("\n").split("\t", 1) for line in open(DATA / "queries.tsv", encoding="utf-8"))
    passages = dict(line.rstrip("\n").split("\t", 1) for line in open(DATA / "corpus.tsv", encoding="utf-8"))
    pairs, gold, ranks, taken = [], [], [], Counter()
    for line in open(DATA / "qrels.txt", encoding="utf-8"):
        qid, _, docid, grade = line.split()
        taken[qid] += 1
        if per_question and taken[qid] > per_question:
            continue
        pairs.append({"site": "noveleval", "pair_id": docid, "question_id": int(qid), "question": queries[qid],
                      "url": f"noveleval://{docid}", "document": passages[docid], "source": "qrels"})
        gold.append(int(grade))
        ranks.append(taken[qid])
    # Round robin: each question's k-th passage before any question's (k+1)-th.
    keep = sorted(range(len(pairs)), key=lambda i: (ranks[i], i))[:limit]
    return [pairs[i] for i in keep], [gold[i] for i in keep]


def percentiles(values: list[int], points=(10, 25, 50, 75, 90, 95, 99)) -> str:
    ordered = sorted(values)
    return " ".join(f"p{p}={ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]}" for p in points)


def print_result(name: str, result: dict, baseline: dict | None = None) -> None:
    ratio = f" ({result['accuracy'] / baseline['accuracy']:.2f}x the baseline's accuracy)" if baseline else ""
    print(f"\n{name}: n={result['n']} coverage={result['coverage']:.1%} accuracy={result['accuracy']:.3f}"
          f" qwk={result['qwk']:.3f}{ratio}")
    print("| gold \\ predicted | 0 | 1 | 2 |\n|---|---|---|---|")
    for grade, row in enumerate(result["confusion"]):
        print(f"| {grade} | " + " | ".join(map(str, row)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="transformers", choices=["transformers", "openai"])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--api-key-env", default="OPENAI_API_KEY")
    parser.add_argument("--max-tokens", type=int, default=EXPLAIN_BUDGET,
                        help="explanation budget (the method allows up to 1024); 0 (local backend): label only, no explanation")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--no-force-label", action="store_true", help="local backend: leave unlabelled answers unlabelled")
    parser.add_argument("--per-question", type=int, default=None,
                        help="the first K judged passages of each of the 21 questions only (a cheaper look)")
    parser.add_argument("--limit", type=int, default=None, help="the first N pairs, round robin over the questions")
    parser.add_argument("--cached-only", action="store_true", help="report on the answers already cached; ask for none")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "reasonrank" / "teacher-agreement")
    args = parser.parse_args()

    pairs, gold = noveleval_pairs(args.per_question, args.limit)
    config = TeacherSettings(
        backend=args.backend, model=args.model, base_url=args.base_url, api_key_env=args.api_key_env,
        max_tokens=args.max_tokens, batch_size=args.batch_size, concurrency=args.concurrency,
        force_label=not args.no_force_label,
    )
    teacher = make_teacher(config)
    calls, elapsed, summary = 0, 0.0, {}
    with AnswerCache(args.cache) as cache:
        if args.cached_only:
            cached = cache.get_many(item.key for item in relevance_prompts(pairs, teacher))
            kept = [i for i, item in enumerate(relevance_prompts(pairs, teacher)) if item.key in cached]
            pairs, gold = [pairs[i] for i in kept], [gold[i] for i in kept]
        else:
            if hasattr(teacher, "_load"):
                teacher._load()  # loading the local model is not throughput
            for start in range(0, len(pairs), ROUND):
                started = time.perf_counter()
                judge_pairs(pairs[start : start + ROUND], teacher, cache, summary=summary)
                calls, elapsed = calls + summary["calls"], elapsed + time.perf_counter() - started
                print(f"  {min(start + ROUND, len(pairs))}/{len(pairs)} pairs, {calls} asked in {elapsed:.0f} s", file=sys.stderr, flush=True)
        rows = judge_pairs(pairs, teacher, cache, summary=summary)  # every answer is cached by now

    majority = Counter(gold).most_common(1)[0][0]
    baseline = label_agreement(gold, [majority] * len(gold))
    result = label_agreement(gold, [row["label"] for row in rows])
    expected = [None if r["label_probs"] is None else round(sum(i * p for i, p in enumerate(r["label_probs"]))) for r in rows]
    print(f"NovelEval, {len(pairs)} pairs; teacher {args.backend}:{args.model}, max_tokens={args.max_tokens},"
          f" force_label={config.force_label}")
    speed = f" ({calls / elapsed:.3f} pairs/s)" if calls else ""
    print(f"calls {calls} (cache hits {len(pairs) - calls}), {elapsed:.0f} s{speed};"
          f" parse statuses {summary['parse_status']}; human labels {dict(sorted(Counter(gold).items()))}")
    lengths = [r["completion_tokens"] for r in rows if r["completion_tokens"]]
    if lengths:
        cut = sum(r["finish_reason"] == "length" for r in rows)
        print(f"answer lengths (completion tokens, n={len(lengths)}): {percentiles(lengths)} max={max(lengths)};"
              f" {cut} of {len(rows)} ran out of the {args.max_tokens}-token budget")
    print_result(f"baseline: always {majority}", baseline)
    print_result("teacher", result, baseline)
    if any(e is not None for e in expected):
        print_result("teacher, rounded expected label from label probabilities", label_agreement(gold, expected), baseline)


if __name__ == "__main__":
    main()
