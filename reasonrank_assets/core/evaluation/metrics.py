"""Scores with ir-measures on pytrec_eval, as BRIGHT and the TREC tools compute them.

`evaluate` returns fractions (0-1) like pytrec_eval; `benchmark_scores` rows hold percentages
(x100), the scale papers print, so ours sit beside the published reference rows.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Iterable

HEADLINE = "nDCG@10"
MEASURES = ("nDCG@10", "nDCG@5", "R@100", "RR@10")  # RR@10 is MRR@10
FIRST_STAGE_SYSTEMS = {"bm25", "first_stage"}

# Published figures (nDCG@10 x100). BRIGHT: DESIGN section 2 and the papers it cites; the per-domain
# InteRank-3B row is over gte-Qwen1.5-7B. DL19/NovelEval: RankGPT's tables and ../shared/data README.
_BRIGHT_ORDER = [
    "biology", "earth_science", "economics", "psychology", "robotics", "stackoverflow",
    "sustainable_living", "leetcode", "pony", "aops", "theoremqa_questions", "theoremqa_theorems",
]
_INTERANK_3B = [51.2, 51.4, 22.4, 31.9, 17.3, 26.6, 22.4, 24.5, 23.1, 13.5, 19.3, 25.5]
REFERENCES: dict[str, list[tuple[str, str, float, str]]] = {
    "bright": [
        ("average", "BM25 (BRIGHT, Pyserini Lucene k1=0.9 b=0.4)", 14.5, "BRIGHT paper"),
        ("average", "gte-Qwen1.5-7B", 22.5, "BRIGHT paper"),
        ("average", "ReasonIR-8B + GPT-4 reasoning queries", 30.6, "ReasonIR paper; run in ../shared/data/bright/runs"),
        ("average", "InteRank-3B (over gte-Qwen1.5-7B)", 27.4, "Samarinas & Zamani, ICTIR 2025"),
        ("average", "Rank1-7B", 27.5, "Rank1 paper"),
        ("average", "ReasonRank-32B", 40.8, "ReasonRank paper"),
    ]
    + [(d, "InteRank-3B (over gte-Qwen1.5-7B)", v, "Samarinas & Zamani, ICTIR 2025") for d, v in zip(_BRIGHT_ORDER, _INTERANK_3B)],
    "dl19": [
        ("default", "BM25 (Anserini default)", 50.58, "bm25.trec in ../shared/data/trec-dl-2019"),
        ("default", "monoBERT-340M", 70.5, "RankGPT paper"),
        ("default", "monoT5-3B", 71.8, "RankGPT paper"),
        ("default", "RankGPT-3.5", 65.8, "RankGPT paper"),
        ("default", "RankGPT-4", 75.6, "RankGPT paper"),
        ("default", "RankZephyr-7B", 73.4, "RankZephyr paper"),
    ],
    "noveleval": [
        ("default", "BM25", 55.77, "RankGPT README"),
        ("default", "monoT5-220M", 81.3, "RankGPT README"),
        ("default", "monoT5-3B", 84.6, "RankGPT README"),
        ("default", "gpt-3.5-turbo", 75.7, "RankGPT README"),
        ("default", "gpt-4", 90.5, "RankGPT README"),
    ],
}


def parse_measure(name: str):
    """An ir-measures measure; an unknown name is a ValueError that says what is expected."""
    import ir_measures

    try:
        return ir_measures.parse_measure(name)
    except Exception:  # noqa: BLE001 - ir-measures raises NameError, ValueError or others for a bad name
        raise ValueError(f"unknown measure {name!r}; expected ir-measures names such as nDCG@10, nDCG@5, R@100, RR@10, P@5, MAP") from None


def _parse_measures(names: Iterable[str]):
    return [parse_measure(name) for name in names]


def remove_excluded(run_rows: Iterable[dict], queries_rows: Iterable[dict] | None) -> list[dict]:
    """BRIGHT: each query's `excluded_ids` leave its ranking before the cut at k."""
    excluded = {q["query_id"]: set(q.get("excluded_ids") or []) for q in queries_rows or []}
    return [r for r in run_rows if r["doc_id"] not in excluded.get(r["query_id"], ())]


def evaluate(run_rows: Iterable[dict], qrels_rows: Iterable[dict], queries_rows: Iterable[dict] | None = None, measures: Iterable[str] = MEASURES) -> dict:
    """{"per_query": {measure: {qid: value}}, "aggregate": {measure: mean}, "n_queries": n}.

    pytrec_eval orders a query's hits by score (ties by doc id), exactly as trec_eval does.
    The queries scored are the judged ones, limited to `queries_rows` when given; a judged query
    the run has no hits for scores 0 (trec_eval -c), so a system cannot gain by skipping queries.
    """
    import ir_measures

    names = list(measures)
    parsed = dict(zip(names, _parse_measures(names)))
    queries_rows = list(queries_rows) if queries_rows is not None else None
    scope = {str(q["query_id"]) for q in queries_rows} if queries_rows is not None else None
    qrels = [
        ir_measures.Qrel(str(r["query_id"]), str(r["doc_id"]), int(r["relevance"]))
        for r in qrels_rows
        if scope is None or str(r["query_id"]) in scope
    ]
    run = [ir_measures.ScoredDoc(str(r["query_id"]), str(r["doc_id"]), float(r["score"])) for r in remove_excluded(run_rows, queries_rows)]
    per_query: dict[str, dict[str, float]] = {name: {} for name in names}
    by_measure = {str(m): name for name, m in parsed.items()}
    if qrels:  # an empty run still scores every judged query (0)
        for metric in ir_measures.iter_calc(list(parsed.values()), qrels, run):
            per_query[by_measure[str(metric.measure)]][metric.query_id] = float(metric.value)
    aggregate = {name: (sum(v.values()) / len(v) if v else float("nan")) for name, v in per_query.items()}
    n_queries = max((len(v) for v in per_query.values()), default=0)
    return {"per_query": per_query, "aggregate": aggregate, "n_queries": n_queries}


def paired_test(a: dict[str, float], b: dict[str, float]) -> float:
    """Two-sided paired t-test over the queries both systems were scored on; NaN under 2 queries."""
    from scipy.stats import ttest_rel

    common = sorted(set(a) & set(b))
    if len(common) < 2:
        return float("nan")
    x, y = [a[q] for q in common], [b[q] for q in common]
    differences = [u - v for u, v in zip(x, y)]
    if max(differences) - min(differences) < 1e-12:  # no spread: the t statistic is 0 or infinite
        return 1.0 if abs(differences[0]) < 1e-12 else 0.0
    return float(ttest_rel(x, y).pvalue)


def score_rows(
    first_stage_rows: Iterable[dict],
    reranked_rows: Iterable[dict],
    qrels_rows: Iterable[dict],
    queries_rows: Iterable[dict],
    first_stage_variant: str | None = None,
    measures: Iterable[str] = MEASURES,
) -> list[dict]:
    """`benchmark_scores` rows for every (benchmark, domain, system) in the runs, first stages
    included, each reranked system paired-tested against its domain's first stage; plus a macro
    average over domains per benchmark and system (domain "average") where there are several.

    `first_stage_variant` (e.g. `retrieval.bm25_variant()`) defaults to the first stage's system name.
    """
    first_stage = _group(first_stage_rows)
    reranked = _group(reranked_rows)
    qrels, queries = _group(qrels_rows, by_system=False), _group(queries_rows, by_system=False)
    rows: list[dict] = []
    for (benchmark, domain), systems in sorted(first_stage.items()):
        scope = dict(qrels_rows=qrels.get((benchmark, domain), {}).get(None, []), queries_rows=queries.get((benchmark, domain), {}).get(None) or None, measures=list(measures))
        base_name, base_rows = next(iter(systems.items()))
        variant = first_stage_variant or base_name
        base = evaluate(base_rows, **scope)
        for name, run in systems.items():
            rows += system_score_rows(benchmark, domain, name, base if name == base_name else evaluate(run, **scope), None, variant, "first stage")
        for name, run in reranked.get((benchmark, domain), {}).items():
            rows += system_score_rows(benchmark, domain, name, evaluate(run, **scope), base, variant, f"reranks {base_name}")
    for benchmark in sorted({r["benchmark"] for r in rows}):
        domains = {r["domain"] for r in rows if r["benchmark"] == benchmark}
        if len(domains) > 1:
            rows += average_rows([r for r in rows if r["benchmark"] == benchmark])
    return rows


def _group(rows: Iterable[dict], by_system: bool = True) -> dict[tuple, dict]:
    """{(benchmark, domain): {system (or None): rows}} keeping first-seen order."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = (row.get("benchmark"), row.get("domain"))
        groups.setdefault(key, {}).setdefault(row.get("system") if by_system else None, []).append(row)
    return groups


def system_score_rows(
    benchmark: str,
    domain: str,
    system: str,
    evaluation: dict,
    first_stage: dict | None = None,
    first_stage_variant: str = "",
    note: str = "",
) -> list[dict]:
    """`benchmark_scores` rows for one (system, domain): one per measure, values x100, with the
    paired test against the first stage's evaluation (per measure) where one is given."""
    rows = []
    for measure, value in evaluation["aggregate"].items():
        p_value = None
        if first_stage is not None:
            p_value = paired_test(evaluation["per_query"][measure], first_stage["per_query"].get(measure, {}))
        rows.append(
            {
                "benchmark": benchmark,
                "domain": domain,
                "system": system,
                "measure": measure,
                "value": round(100 * value, 4) if not math.isnan(value) else None,
                "n_queries": len(evaluation["per_query"][measure]),
                "p_value_vs_first_stage": p_value,
                "reference": False,
                "first_stage_variant": first_stage_variant,
                "note": note,
            }
        )
    return rows


def average_rows(rows: Iterable[dict], domain: str = "average") -> list[dict]:
    """Macro average over domains (BRIGHT's convention: the mean of the per-domain means)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if not row["reference"] and row["domain"] != domain and row["value"] is not None:
            groups[(row["benchmark"], row["system"], row["measure"], row["first_stage_variant"])].append(row)
    out = []
    for (benchmark, system, measure, variant), group in groups.items():
        out.append(
            {
                "benchmark": benchmark,
                "domain": domain,
                "system": system,
                "measure": measure,
                "value": round(sum(r["value"] for r in group) / len(group), 4),
                "n_queries": sum(r["n_queries"] for r in group),
                "p_value_vs_first_stage": None,
                "reference": False,
                "first_stage_variant": variant,
                "note": f"mean of {len(group)} domains: {', '.join(sorted(r['domain'] for r in group))}",
            }
        )
    return out


def reference_rows(benchmark: str) -> list[dict]:
    """Published nDCG@10 figures (x100) to print beside ours; [] for a benchmark without any."""
    return [
        {
            "benchmark": benchmark,
            "domain": domain,
            "system": system,
            "measure": HEADLINE,
            "value": value,
            "n_queries": None,
            "p_value_vs_first_stage": None,
            "reference": True,
            "first_stage_variant": "",
            "note": f"published: {source}",
        }
        for domain, system, value, source in REFERENCES.get(benchmark.split(":")[0].lower(), [])
    ]


def score_chart_png(rows: Iterable[dict], measure: str = HEADLINE, domain: str | None = None) -> bytes:
    """A bar chart of one measure per system (ours solid, published hatched) as PNG bytes.

    With several domains in `rows`, bars are grouped per domain; `domain` keeps only one.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = [r for r in rows if r["measure"] == measure and r["value"] is not None and (domain is None or r["domain"] == domain)]
    domains = list(dict.fromkeys(r["domain"] for r in rows))
    systems = list(dict.fromkeys((r["system"], bool(r["reference"])) for r in rows))
    values = {(r["domain"], r["system"], bool(r["reference"])): r["value"] for r in rows}
    figure = Figure(figsize=(max(6, 1.2 * len(domains) * max(1, len(systems)) ** 0.5 + 3), 4.5), layout="constrained")
    axes = figure.subplots()
    width = 0.8 / max(1, len(systems))
    for i, (system, reference) in enumerate(systems):
        xs = [d + i * width for d, name in enumerate(domains) if (name, system, reference) in values]
        ys = [values[(name, system, reference)] for name in domains if (name, system, reference) in values]
        bars = axes.bar(xs, ys, width, label=system + (" (published)" if reference else ""), hatch="//" if reference else None, alpha=0.6 if reference else 1.0)
        axes.bar_label(bars, fmt="%.1f", fontsize="x-small")
    axes.set_xticks([d + width * (len(systems) - 1) / 2 for d in range(len(domains))], domains, rotation=30, ha="right")
    axes.set_ylabel(f"{measure} (x100)")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def label_agreement(gold: list[int], predicted: list[int | None]) -> dict:
    """Accuracy, quadratic-weighted kappa and the 3x3 confusion matrix (rows: gold, columns: predicted)
    over the pairs with a predicted label; `coverage` is the share that has one."""
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if p is not None]
    confusion = [[0, 0, 0] for _ in range(3)]
    for g, p in pairs:
        confusion[g][p] += 1
    n = len(pairs)
    if n == 0:
        return {"n": 0, "coverage": 0.0, "accuracy": None, "qwk": None, "confusion": confusion}
    gold_counts = [sum(row) for row in confusion]
    pred_counts = [sum(confusion[g][p] for g in range(3)) for p in range(3)]
    weight = [[(g - p) ** 2 / 4 for p in range(3)] for g in range(3)]
    observed = sum(weight[g][p] * confusion[g][p] for g in range(3) for p in range(3))
    expected = sum(weight[g][p] * gold_counts[g] * pred_counts[p] / n for g in range(3) for p in range(3))
    return {
        "n": n,
        "coverage": n / len(gold) if gold else 0.0,
        "accuracy": sum(confusion[i][i] for i in range(3)) / n,
        "qwk": 1 - observed / expected if expected else 0.0,
        "confusion": confusion,
    }
