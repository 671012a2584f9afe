"""Does the recipe teach a student to rerank better than its first stage? Arms of one recipe on
TREC DL 2019, every system on the same candidates, one table.

    .venv/bin/python benchmarks/distill.py                                   # BM25, MiniLM, untrained, oracle
    .venv/bin/python benchmarks/distill.py --arms oracle self_taught teacher_1.5b --depth 100
    .venv/bin/python benchmarks/distill.py --arms written oracle --init written --teacher-questions 384

Data: ../shared/data/trec-dl-2019 (43 queries, the published Anserini BM25 top-100 with passage
texts, graded qrels). The queries split by id (sorted, alternating) into a train half (22) and
a test half (21); nothing of the test half is trained on.

The recipe, the same for every arm (only who labels differs):
- candidates: the train half's judged passages in its BM25 top `--train-depth` (at most
  `--per-query` a query), plus, with `--stackexchange SITE`, community-judged answers of a real
  dump in ../shared/data/stackexchange (`stackexchange_pairs`: more queries, other text);
- labels: `oracle` = people (qrels 0-3 mapped to 0/1/2); `self_taught` = SmolLM2-135M-Instruct
  as its own teacher; `teacher_1.5b` = Qwen2.5-Coder-1.5B-Instruct (`core.models.QWEN_CODER`).
  Teachers answer label-only by default (`--teacher-max-tokens 0`: the label read from their
  label probabilities) or explain first (`--teacher-max-tokens N`), through the project's answer
  cache; the 1.5B teacher's answers are committed in benchmarks/recordings (`teacher_recording`),
  so a fresh clone asks nothing; `written` = no human label at all
  (InPars-style): the 1.5B teacher writes a question for `--teacher-questions` passages of the
  train half's BM25 pools (`teacher_questions`), its passage a 2 and another of its pool a 0
  (random, or with `--written-negatives bm25` the one BM25 ranks highest for the question);
- `training_data.build_training_examples` (the asset's function) makes the rows, decontaminated
  with its 13-gram check against every test-half query and candidate passage; then `--train-pairs`
  of them, balanced over the arm's labels unless `--no-balance`;
- `train_sft` (CPU profile: LoRA r16 on every projection, merged; `--full` for full
  fine-tuning) on the teacher's explanation and label line, or the label line alone
  ("Relevance Label: N ##": people's labels, label-only answers, and with `--drop-explanations`
  the same teacher answers without their explanations, the method's ablation); `--rank-loss W` adds a
  pairwise loss between one question's documents (`SFTSettings.rank_loss_weight`);
  `--soft-labels` trains a teacher's label digit toward its label probabilities
  (`SFTSettings.soft_labels`); with `--init ARM`, the arms after ARM start from its student;
  `--tasks question` (alone, or beside `relevance`) teaches the student to write the question
  of each chosen pair labelled at least `--question-min-label` (people's query for the oracle,
  the teacher's written question for `written`): what the query-likelihood reranker reads;
  `--question-negatives N` trains it contrastively instead (`SFTSettings.question_negatives`):
  each document's query likelihood against N documents of its query the arm labelled lower;
  `--interpolate` adds each model's query likelihood fused with BM25's score (standardised per
  query; the BM25 weight chosen on the DL19 train half);
- `--refine grpo reward_weighted`: the method's second stage on each SFT student, rewards
  against the same rows' labels (`train_refined`, `refine_student`); each refined student is
  scored beside its SFT student.

Test sets: the DL19 test half (BM25 top `--depth`), and with `--noveleval` NovelEval's 21
questions too (then part of the 13-gram check, never trained on).

Systems: BM25 (the run itself), all-MiniLM-L6-v2 cosine, SmolLM2 untrained, each arm's
student and, with `--teacher-zero-shot`, the 1.5B teacher itself, all through the project's label-only reranker (`core.rerank`, label probabilities in
float32 by default). The reranker ranks by (label, expected label, BM25); the table also shows
each model ranked by its expected label alone; with `--explain-eval N`, a student trained on
explanations also reranks explaining first, as the method's student does. nDCG@10 (ir_measures, graded qrels) with a
two-sided paired t-test against BM25 over the test queries. With `--query-likelihood` the
untrained SmolLM2 and every student also rerank by query likelihood (`rerank` mode
"query_likelihood", UPR: the mean log-probability of the query after a prompt that shows the
document and asks for the question it answers; zero-shot for the untrained model). A finished training run with the
same rows and settings is reused from `--work`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The 1.5B teacher's written questions (arm `written`), committed: about 5 s a question here.
WRITTEN_RECORDING = ROOT / "benchmarks" / "recordings" / "dl19-written-questions.jsonl.gz"
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
DATA = SHARED / "trec-dl-2019"
SITE = "dl19"
HUMAN_TO_TEACHER = {0: 0, 1: 1, 2: 2, 3: 2}
ARMS = ("oracle", "self_taught", "teacher_1.5b", "written")

from reasonrank_assets.core import models, prompts  # noqa: E402
from reasonrank_assets.core.dataset import training_data
from reasonrank_assets.core.evaluation import benchmarks, metrics, rerank, retrieval
from reasonrank_assets.core.teacher.backends import Teacher, make_teacher
from reasonrank_assets.core.teacher.batch import export_recording, open_cache
from reasonrank_assets.core.teacher.cache import cache_key
from reasonrank_assets.core.teacher.settings import QUERIES, Prompt, TeacherSettings
from reasonrank_assets.core.teacher.tasks import answer_prompts, judge_pairs, relevance_prompts
from reasonrank_assets.core.training.examples import load_rows
from reasonrank_assets.core.training.refine import train_refined
from reasonrank_assets.core.training.rollouts import cached_rollouts
from reasonrank_assets.core.training.settings import RefineSettings, RolloutSettings, SFTSettings
from reasonrank_assets.core.training.sft import likelihood_groups, question_runs, train_sft


def split_queries(queries: list[dict]) -> tuple[set[str], set[str]]:
    """Sorted query ids, alternating: (train half, test half)."""
    ordered = sorted((q["query_id"] for q in queries), key=int)
    return set(ordered[0::2]), set(ordered[1::2])


def train_candidates(bench, run: list[dict], train_q: set[str], depth: int) -> list[dict]:
    """`candidate_pairs`-shaped rows: the train half's judged passages in its BM25 top `depth`."""
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    query = {q["query_id"]: q["query"] for q in bench.queries}
    judged = {(r["query_id"], r["doc_id"]) for r in bench.qrels}
    return [
        {"site": SITE, "pair_id": f"{h['query_id']}:{h['doc_id']}", "question_id": int(h["query_id"]), "question": query[h["query_id"]],
         "url": h["doc_id"], "document": text[h["doc_id"]], "source": "bm25"}
        for h in run
        if h["query_id"] in train_q and h["rank"] <= depth and (h["query_id"], h["doc_id"]) in judged
    ]  # fmt: skip


def per_query_cap(pairs: list[dict], qrels: list[dict], cap: int, seed: int) -> list[dict]:
    """At most `cap` pairs a query (0: all), drawn round-robin over its grades: more queries for
    the same training tokens, the rare grades kept."""
    if cap <= 0:
        return pairs
    grade = {(r["query_id"], r["doc_id"]): int(r["relevance"]) for r in qrels}
    rng, kept = random.Random(seed), []
    by_query: dict[int, dict[int, list[dict]]] = {}
    for p in pairs:
        by_query.setdefault(p["question_id"], {}).setdefault(grade[(str(p["question_id"]), p["url"])], []).append(p)
    for grades in by_query.values():
        pools = [rng.sample(pool, len(pool)) for _, pool in sorted(grades.items())]
        chosen: list[dict] = []
        while len(chosen) < cap and any(pools):
            for pool in pools:
                if pool and len(chosen) < cap:
                    chosen.append(pool.pop())
        kept += chosen
    return kept


def human_grades(pairs: list[dict], qrels: list[dict]) -> dict[str, int]:
    """pair_id -> the assessors' grade on the teacher's scale (qrels 0-3 -> 0/1/2)."""
    grade = {(r["query_id"], r["doc_id"]): int(r["relevance"]) for r in qrels}
    return {p["pair_id"]: HUMAN_TO_TEACHER[grade[(str(p["question_id"]), p["url"])]] for p in pairs}


def given_judgments(pairs: list[dict], grades: dict[str, int]) -> list[dict]:
    """`teacher_judgments` rows of labels known beforehand (people's for the oracle, by
    construction for the written questions), no explanation."""
    return [{**p, "label": grades[p["pair_id"]], "explanation": "", "parse_status": prompts.OK} for p in pairs]


ANSWER_WORDS = 120  # an answer cut to about a TREC DL passage (they average ~60 words)


def stackexchange_pairs(site_dir: Path, n_questions: int, seed: int, titles_only: bool = False) -> tuple[list[dict], list[dict], dict[str, int]]:
    """Community-judged pairs from a real StackExchange dump, its answers as the documents:
    (candidate pairs, questions, grades on the teacher's scale).

    A question's accepted answer (else its best-voted, score >= 1) is a 2; another answer of
    its own with a positive score a 1; the answer to another question that BM25 ranks highest
    for it a 0 (a hard negative: on topic, written for a different question). People chose
    these by accepting and voting, so they are human labels, if not relevance judgments.
    `titles_only`: a question is its title alone, short as a web search query is.
    """
    import bm25s

    from reasonrank_assets.core import bm25
    from reasonrank_assets.core.web import stackexchange

    site = site_dir.name.split(".")[0]
    posts = list(stackexchange.read_posts(site_dir / "Posts.xml", site))
    cut = lambda text, words: " ".join(text.split()[:words])  # noqa: E731
    answers = [a for a in posts if a["post_type_id"] == stackexchange.ANSWER and a["body_text"].strip()]
    by_question: dict[int, list[dict]] = {}
    for a in answers:
        by_question.setdefault(a["parent_id"], []).append(a)
    questions = [q for q in posts if q["post_type_id"] == stackexchange.QUESTION and q["post_id"] in by_question]
    questions = random.Random(seed).sample(questions, min(n_questions, len(questions)))
    tokenize = bm25.tokenizer("english")
    index = bm25s.BM25()
    index.index(tokenize([a["body_text"] for a in answers]), show_progress=False)
    texts = {q["post_id"]: cut(stackexchange.question_text(q["title"], "" if titles_only else q["body_text"]), ANSWER_WORDS) for q in questions}
    hits, _ = index.retrieve(tokenize(list(texts.values())), k=10, show_progress=False)
    pairs, grades = [], {}
    for q, top in zip(questions, hits):
        own = sorted(by_question[q["post_id"]], key=lambda a: (a["post_id"] != q["accepted_answer_id"], -a["score"]))
        chosen = []
        if own[0]["post_id"] == q["accepted_answer_id"] or own[0]["score"] >= 1:
            chosen.append((own[0], 2))
        chosen += [(a, 1) for a in own[len(chosen):] if a["score"] >= 1][:1]
        chosen += [(answers[i], 0) for i in top if answers[i]["parent_id"] != q["post_id"]][:1]
        for answer, grade in chosen:
            url = f"https://{site_dir.name}/a/{answer['post_id']}"
            pairs.append({"site": site, "pair_id": f"{site}:{q['post_id']}:{answer['post_id']}", "question_id": q["post_id"],
                          "question": texts[q["post_id"]], "url": url, "document": cut(answer["body_text"], ANSWER_WORDS), "source": "answers"})
            grades[pairs[-1]["pair_id"]] = grade
    return pairs, [{"site": site, "question_id": q["post_id"], "text": texts[q["post_id"]]} for q in questions], grades


def relevance_judge(model: str, max_tokens: int) -> Teacher:
    """A local teacher as it judges pairs (label-only at 0 tokens; a label cut off by the budget is forced)."""
    return make_teacher(TeacherSettings(backend="transformers", model=model, max_tokens=max_tokens, force_label=True, batch_size=8))


def teacher_judgments(pairs: list[dict], teacher: Teacher, cache_dir: Path, summary: dict, recording: Path | None = None) -> list[dict]:
    """The teacher's judgments of `pairs` through the project's answer cache, seeded from and
    written back to `recording` (`recorded_cache`)."""
    with recorded_cache(cache_dir, relevance_prompts(pairs, teacher), teacher.model, recording) as cache:
        return judge_pairs(pairs, teacher, cache, summary=summary, progress=lambda done, total: print(f"    teacher judgments: {done}/{total}", flush=True))


@contextmanager
def recorded_cache(cache_dir: Path, items: list[Prompt], model: str, recording: Path | None):
    """The answer cache, first given `recording`'s answers when the file exists; when any of
    `items` had to be asked, all their answers are written back to it (batch-output JSONL, gzip,
    no passage text). Only new answers rewrite it, so a smaller run keeps a larger recording."""
    with open_cache(cache_dir, recording if recording and recording.is_file() else None) as cache:
        asked = len(items) - len(cache.get_many(item.key for item in items))
        yield cache
        if recording and asked:
            export_recording(items, cache, model, recording)


def teacher_recording(arm: str, max_tokens: int) -> Path:
    """Where an arm's teacher answers are committed (one file per answer budget: it is part of each cache key)."""
    return ROOT / "benchmarks" / "recordings" / f"dl19-{arm.replace('_', '-')}-{f'explain{max_tokens}' if max_tokens else 'label'}.jsonl.gz"


def question_writer() -> Teacher:
    """The 1.5B teacher as it writes questions (these settings are part of each answer's cache key)."""
    return make_teacher(TeacherSettings(backend="transformers", model=models.QWEN_CODER, query_max_tokens=32, batch_size=16, dtype="float32"))


def teacher_questions(
    bench, run: list[dict], train_q: set[str], n: int, teacher: Teacher, cache_dir: Path, seed: int, negatives: str = "random",
    recording: Path | None = None,
) -> tuple[list[dict], list[dict], dict[str, int]]:
    """Training pairs with no human label (InPars-style): a teacher writes a question for
    `n` passages of the train half's BM25 pools (round-robin over its queries, none in a test
    query's pool); (its question, that passage) is a 2 and (its question, another passage of the
    same pool) a 0: drawn at random, or with `negatives="bm25"` the one BM25 ranks highest for
    the question (a hard negative, as InPars draws them). Answers go through the project's
    answer cache, so an interrupted run asks only what is missing; with `recording`, the cache is
    first given that file's answers (when it exists) and, when any had to be asked, all of them are
    written back to it (batch-output JSONL, gzip, no passage text), so a fresh clone asks nothing. (pairs, questions, grades)."""
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    taken = {h["doc_id"] for h in run if h["query_id"] not in train_q}
    pools: dict[str, list[str]] = {}
    for h in run:
        if h["query_id"] in train_q and h["doc_id"] not in taken:
            pools.setdefault(h["query_id"], []).append(h["doc_id"])
    rng = random.Random(seed)
    queues = {q: rng.sample(pool, len(pool)) for q, pool in sorted(pools.items(), key=lambda kv: int(kv[0]))}
    chosen: list[tuple[str, str]] = []  # (pool query, passage)
    while len(chosen) < n and any(queues.values()):
        for q, queue in queues.items():
            if queue and len(chosen) < n:
                chosen.append((q, queue.pop()))
    items = [Prompt(cache_key(teacher.model, QUERIES, m, teacher.settings(QUERIES)), QUERIES, m)
             for m in (prompts.question_messages(text[doc]) for _, doc in chosen)]

    def progress(answered: int, total: int) -> None:
        if answered % 16 == 0 or answered == total:
            print(f"    teacher questions: {answered}/{total}", flush=True)

    with recorded_cache(cache_dir, items, teacher.model, recording) as cache:
        answers = answer_prompts(items, teacher, cache, progress=progress)
    written = {}  # number -> its question (its first line, unquoted); an empty answer makes no pair
    for number, item in enumerate(items):
        lines = (answers[item.key].text or "").strip().splitlines()
        if lines and lines[0].strip().strip('"'):
            written[number] = lines[0].strip().strip('"')
    if negatives == "bm25":
        hits = retrieval.bm25_run([{"query_id": str(i), "query": t} for i, t in written.items()], bench.documents, k=1,
                                  candidates={str(i): [d for d in pools[chosen[i][0]] if d != chosen[i][1]] for i in written})  # fmt: skip
        hardest = {int(h["query_id"]): h["doc_id"] for h in hits}
    pairs, questions, grades = [], [], {}
    for number, question in written.items():
        q, doc = chosen[number]
        negative = hardest[number] if negatives == "bm25" else rng.choice([d for d in pools[q] if d != doc])
        question_id = 10_000_000 + number  # apart from every DL19 query id
        questions.append({"site": "written", "question_id": question_id, "text": question})
        for passage, grade in ((doc, 2), (negative, 0)):
            pair = {"site": "written", "pair_id": f"written:{number}:{passage}", "question_id": question_id, "question": question,
                    "url": passage, "document": text[passage], "source": "teacher_question"}
            pairs.append(pair)
            grades[pair["pair_id"]] = grade
    return pairs, questions, grades


def select(rows: list[dict], n: int, balance: bool, seed: int) -> list[dict]:
    """`n` rows (all when n <= 0), balanced over labels when asked; a seeded draw."""
    rng = random.Random(seed)
    rows = sorted(rows, key=lambda r: r["example_id"])
    rng.shuffle(rows)
    if n <= 0 or n >= len(rows):
        return rows
    if not balance:
        return rows[:n]
    chosen = [r for label in (0, 1, 2) for r in [r for r in rows if r["label"] == label][: n // 3]]
    rng.shuffle(chosen)
    return chosen


def training_rows(rows: list[dict], tasks: list[str], n: int, balance: bool, seed: int) -> list[dict]:
    """`select` over the relevance rows, then, with the task "question", the chosen pairs'
    question rows (a pair's relevance row stays only when "relevance" is learnt too)."""
    chosen = select([r for r in rows if r["task"] == "relevance"], n, balance, seed)
    if "question" not in tasks:
        return chosen
    picked = {(r["question_id"], r["url"]) for r in chosen}
    questions = [r for r in rows if r["task"] == "question" and (r["question_id"], r["url"]) in picked]
    return (chosen if "relevance" in tasks else []) + questions


REFINE_K = 4  # samples a prompt (GRPO) or a pair (reward-weighted rollouts), the CPU profiles'
LABEL_LINE_TOKENS = 16  # "Relevance Label: N ##" and a margin


def refine_student(method: str, rows: list[dict], checkpoint: str, args, answer_tokens: int, out: Path) -> dict:
    """The method's second stage on the SFT student's own rows, rewards against their labels
    (`train_refined`): "grpo" samples REFINE_K answers of each of `--batch` prompts a step, one
    pass over the prompts (no KL term, the CPU profile's); "reward_weighted" samples REFINE_K
    answers a pair once (`cached_rollouts`), then fine-tunes on the kept ones, weighted, for as
    many steps as one pass over the rows at `--batch`. Full fine-tuning or LoRA as the SFT.
    Returns the manifest."""
    steps = max(1, math.ceil(len(rows) / args.batch))
    common = dict(max_steps=steps, lr_scheduler_type=args.scheduler, warmup_ratio=args.warmup_ratio, save_steps=max(1, steps // 4),
                  seed=args.seed, max_pairs=None, use_lora=not args.full, merge=not args.full)  # fmt: skip
    if method == "grpo":
        settings = RefineSettings.cpu_profile(
            "grpo", k=REFINE_K, prompts_per_step=args.batch, per_device_batch_size=args.batch, max_completion_length=answer_tokens,
            learning_rate=args.refine_lr or RefineSettings(method="grpo").lr, **common,
        )  # fmt: skip
        return train_refined(rows, None, Path(checkpoint), settings, out, progress=log_line("grpo"))
    sampled = cached_rollouts(rows, Path(checkpoint), RolloutSettings.cpu_profile(
        k=REFINE_K, max_new_tokens=answer_tokens, batch_size=8, max_pairs=None, dtype="float32", seed=args.seed), out / "rollouts")  # fmt: skip
    settings = RefineSettings.cpu_profile(
        "reward_weighted", effective_batch_size=args.batch, per_device_batch_size=args.micro_batch or args.batch,
        learning_rate=args.refine_lr or args.lr, **common,
    )  # fmt: skip
    return train_refined(rows, load_rows(Path(sampled["rollouts"])), Path(checkpoint), settings, out / "refined", progress=log_line(method))


def log_line(stage: str):
    """A Trainer progress callback: one short line a log (step, loss, mean reward)."""
    return lambda logs: print(f"    {stage} {json.dumps({k: logs[k] for k in ('step', 'loss', 'reward') if k in logs})}", flush=True)


def score_model(path: str, queries, bench, first_stage, depth: int, dtype: str, explain_tokens: int = 0, mode: str = "label_only") -> tuple[list[dict], float]:
    """The project's reranker over the first stage, label-only, by query likelihood, or, with
    `explain_tokens`, explaining first (a label not written within the budget is forced); (rows, pairs/s)."""
    settings = {"mode": "explain", "max_new_tokens": explain_tokens} if explain_tokens else {"mode": mode}
    reranker = rerank.Reranker.from_pretrained(path, dtype=dtype, batch_size=16, **settings)
    started = time.perf_counter()
    rows = rerank.rerank_run(reranker, queries, bench.documents, first_stage, depth)
    return rows, len(first_stage) / (time.perf_counter() - started)


def by_expected_label(rows: list[dict]) -> list[dict]:
    """The same judgments ranked by expected label alone (ties: BM25)."""
    by_query: dict[str, list[dict]] = {}
    for row in rows:
        by_query.setdefault(row["query_id"], []).append(row)
    ranked = []
    for hits in by_query.values():
        hits.sort(key=lambda r: (-(r["expected_label"] if r["expected_label"] is not None else -1), r["first_stage_rank"]))
        ranked += [{**h, "score": float(len(hits) - i)} for i, h in enumerate(hits)]
    return ranked


INTERPOLATION_WEIGHTS = [w / 10 for w in range(11)]  # the first stage's share, tried on the train half


def interpolated(rows: list[dict], weight: float) -> list[dict]:
    """Query-likelihood rows ranked by (1 - weight) x the query's log-probability + weight x the
    first stage's score, each standardised over the query's scored documents (a reranker fused
    with its first stage, as IR systems commonly are); items without a log-probability follow in
    their first-stage order."""
    by_query: dict[str, list[dict]] = {}
    for row in rows:
        by_query.setdefault(row["query_id"], []).append(row)
    ranked = []
    for hits in by_query.values():
        scored = [h for h in hits if h["query_logprob"] is not None]
        pairs = zip(_standardised([h["query_logprob"] for h in scored]), _standardised([h["first_stage_score"] for h in scored]))
        fused = {h["doc_id"]: (1 - weight) * model + weight * first for h, (model, first) in zip(scored, pairs)}
        order = sorted(scored, key=lambda h: (-fused[h["doc_id"]], h["first_stage_rank"]))
        order += sorted((h for h in hits if h["doc_id"] not in fused), key=lambda h: h["first_stage_rank"])
        ranked += [{**h, "rank": i + 1, "score": float(len(hits) - i)} for i, h in enumerate(order)]
    return ranked


def _standardised(values: list[float]) -> list[float]:
    if not values:
        return []
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
    return [(v - mean) / spread for v in values]


class Table:
    """One test set (a benchmark's queries and their first stage) and the systems scored on it."""

    def __init__(self, title: str, bench, queries, first_stage):
        self.title, self.bench, self.queries, self.first_stage, self.lines = title, bench, queries, first_stage, []
        self.base = metrics.evaluate(first_stage, bench.qrels, queries)

    def add(self, name: str, rows: list[dict], speed: float | None = None, note: str = "") -> float:
        result = metrics.evaluate(rows, self.bench.qrels, self.queries)
        value = result["aggregate"]["nDCG@10"]
        p = metrics.paired_test(result["per_query"]["nDCG@10"], self.base["per_query"]["nDCG@10"])
        self.lines.append((name, 100 * value, value / self.base["aggregate"]["nDCG@10"], p, speed, note))
        print(f"  [{self.bench.name}] {name}: nDCG@10 {100 * value:.2f}, p vs BM25 {p:.3g} {note}", flush=True)
        return value

    def add_model(self, name: str, path: str, depth: int, dtype: str, explain_tokens: int = 0) -> None:
        rows, speed = score_model(path, self.queries, self.bench, self.first_stage, depth, dtype, explain_tokens)
        name = f"{name}, explaining ({explain_tokens} tokens)" if explain_tokens else name
        decided = Counter(r["decided_by"] for r in rows)
        labels = Counter(r["label"] for r in rows)
        distinct = len({r["expected_label"] for r in rows})
        statuses = f"; answers {dict(Counter(r['status'] for r in rows))}" if explain_tokens else ""  # forced: the budget ran out
        self.add(f"{name} (label, expected, BM25)", rows, speed, f"labels {dict(sorted(labels.items()))}; decided by {dict(decided)}{statuses}")
        self.add(f"{name} (expected label)", by_expected_label(rows), None, f"{distinct} distinct expected labels / {len(rows)}")

    def ndcg(self, rows: list[dict]) -> float:
        return metrics.evaluate(rows, self.bench.qrels, self.queries)["aggregate"]["nDCG@10"]

    def add_likelihood(self, name: str, path: str, depth: int, dtype: str, weight: tuple[float, float] | None = None) -> None:
        """The model by query likelihood; with `weight` (the first stage's share, and the train
        half's nDCG@10 at it: `interpolation_weight`), also fused with the first stage."""
        rows, speed = score_model(path, self.queries, self.bench, self.first_stage, depth, dtype, mode="query_likelihood")
        self.add(f"{name} (query likelihood)", rows, speed, f"{len({r['query_logprob'] for r in rows})} distinct log-probabilities / {len(rows)}")
        if weight is not None:
            self.add(f"{name} (query likelihood) + BM25 x {weight[0]:g}", interpolated(rows, weight[0]), None,
                     f"weight chosen on the DL19 train half (nDCG@10 {100 * weight[1]:.2f} there)")  # fmt: skip

    def print(self) -> None:
        print(f"\n{self.title}")
        print(f"{'system':<44} {'nDCG@10':>8} {'vs BM25':>8} {'p':>7} {'pairs/s':>8}  notes")
        for name, value, ratio, p, speed, note in self.lines:
            p_text = "-" if math.isnan(p) else f"{p:.3g}"
            print(f"{name:<44} {value:>8.2f} {ratio:>7.2f}x {p_text:>7} {f'{speed:.2f}' if speed else '-':>8}  {note}")


def interpolation_weight(path: str, tune: Table | None, args) -> tuple[float, float] | None:
    """With `--interpolate`: the first stage's share in `interpolated` that gives `path`'s query
    likelihood the best nDCG@10 on the DL19 train half (`tune`; ties: the smaller share), and that
    nDCG@10; else None."""
    if tune is None:
        return None
    rows, _ = score_model(path, tune.queries, tune.bench, tune.first_stage, args.depth, args.score_dtype, mode="query_likelihood")
    results = {w: tune.ndcg(interpolated(rows, w)) for w in INTERPOLATION_WEIGHTS}
    best = max(INTERPOLATION_WEIGHTS, key=lambda w: (results[w], -w))
    return best, results[best]


def test_sets(args, bench, run, test_q: set[str]) -> list[Table]:
    """The DL19 test half (BM25 top `--depth`), and NovelEval's 21 questions (BM25 over each
    question's 20 judged passages) with `--noveleval`."""
    queries = [q for q in bench.queries if q["query_id"] in test_q]
    first_stage = [r for r in run if r["query_id"] in test_q and r["rank"] <= args.depth]
    tables = [Table(f"TREC DL 2019 test half ({len(queries)} queries), reranking Anserini BM25 top-{args.depth}; nDCG@10 x100, paired t-test vs BM25",
                    bench, queries, first_stage)]  # fmt: skip
    if args.noveleval:
        novel = benchmarks.load_benchmark(f"noveleval:{SHARED / 'noveleval'}")
        novel_bm25 = retrieval.bm25_run(novel.queries, novel.documents, k=20, candidates=retrieval.candidates_from_qrels(novel.qrels))
        tables.append(Table(f"NovelEval ({len(novel.queries)} questions), reranking BM25 ({retrieval.bm25_variant()}) over its 20 judged passages; "
                            "nDCG@10 x100, paired t-test vs BM25", novel, novel.queries, novel_bm25))  # fmt: skip
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arms", nargs="*", default=["oracle"], choices=ARMS)
    parser.add_argument("--teacher-questions", type=int, default=0, metavar="N",
                        help="arm `written`: the 1.5B teacher writes questions for N train-half passages (no human label; about 6 s each here)")
    parser.add_argument("--written-negatives", choices=("random", "bm25"), default="random",
                        help="arm `written`: a question's 0 is a random passage of its pool, or the one BM25 ranks highest")
    parser.add_argument("--init", choices=ARMS, default=None,
                        help="the arms after this one start their SFT from its student (e.g. --arms written oracle --init written)")
    parser.add_argument("--depth", type=int, default=20, help="BM25 hits reranked per test query")
    parser.add_argument("--train-depth", type=int, default=100, help="BM25 hits per train query that may become training pairs")
    parser.add_argument("--per-query", type=int, default=0, help="at most this many DL19 training pairs a query, over its grades (0: all)")
    parser.add_argument("--stackexchange", nargs="*", default=[], metavar="SITE",
                        help="also train on community-judged pairs of these dumps in ../shared/data/stackexchange (e.g. beer.stackexchange.com)")
    parser.add_argument("--se-questions", type=int, default=400, help="questions drawn from each --stackexchange dump")
    parser.add_argument("--se-titles", action="store_true", help="a --stackexchange question is its title alone (short, as a DL19 query is)")
    parser.add_argument("--noveleval", action="store_true", help="also test on NovelEval (then never trained on)")
    parser.add_argument("--train-pairs", type=int, default=256, help="training pairs per arm (0: all)")
    parser.add_argument("--no-balance", dest="balance", action="store_false", help="draw pairs without balancing labels")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--micro-batch", type=int, default=None, help="examples a forward pass (default: --batch); with --rank-loss, one question's")
    parser.add_argument("--rank-loss", type=float, default=0.0, help="weight of the pairwise loss between one question's documents (0: token loss only)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    parser.add_argument("--scheduler", default="constant_with_warmup", help="learning-rate schedule (a transformers lr_scheduler_type)")
    parser.add_argument("--warmup-ratio", type=float, default=0.03)
    parser.add_argument("--eval-checkpoints", action="store_true", help="also score every saved checkpoint (full fine-tuning): a learning curve")
    parser.add_argument("--tasks", nargs="+", default=["relevance"], choices=("relevance", "question"),
                        help="what the student learns: relevance (label line, or explanation and label), question (to write the question of each "
                             "pair labelled at least --question-min-label: the query-likelihood reranker's task)")
    parser.add_argument("--question-min-label", type=int, default=2, choices=(1, 2), help="task question: the lowest label whose pairs teach it")
    parser.add_argument("--question-negatives", type=int, default=0, metavar="N",
                        help="--tasks question alone, contrastive: each document against N of its query's judged lower, the loss on its "
                             "query's likelihood among them (SFTSettings.question_negatives; every judged pair then has a question row); 0: the token loss")
    parser.add_argument("--query-likelihood", action="store_true",
                        help="also rerank by query likelihood (UPR, zero-shot for the untrained model): the untrained SmolLM2 and every student")
    parser.add_argument("--interpolate", action="store_true",
                        help="with --query-likelihood: each model's query likelihood also fused with BM25's score (`interpolated`), "
                             "the weight chosen on the DL19 train half (BM25 top --depth; minutes a model)")
    parser.add_argument("--soft-labels", action="store_true", help="train the label digit toward the teacher's label probabilities (people's labels stay hard)")
    parser.add_argument("--teacher-max-tokens", type=int, default=0, help="teacher explanation budget (0: label-only)")
    parser.add_argument("--drop-explanations", action="store_true", help="teacher arms: train on the teacher's labels alone (the label-only student)")
    parser.add_argument("--explain-eval", type=int, default=0, metavar="N",
                        help="a student trained on explanations also reranks explaining first, N new tokens (0: label-only only)")
    parser.add_argument("--refine", nargs="*", default=[], choices=("grpo", "reward_weighted"),
                        help="refine each arm's SFT student (rewards against its training labels), then score it too")
    parser.add_argument("--refine-lr", type=float, default=None, help="refinement learning rate (default: 1e-5 for grpo, --lr for reward_weighted)")
    parser.add_argument("--score-dtype", default="float32", help="student dtype when reranking (label probabilities are read from it)")
    parser.add_argument("--teacher-zero-shot", action="store_true", help="also rerank with the 1.5B teacher itself, label-only (about 0.2 pairs/s here)")
    parser.add_argument("--skip-baselines", action="store_true", help="no untrained SmolLM2 (minutes a test set; MiniLM, seconds, always runs)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads; on a shared 2-core machine 1 avoids OpenMP spin-waiting")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "distill-work")
    args = parser.parse_args()
    if min(args.teacher_max_tokens, args.explain_eval) < 0:
        parser.error("--teacher-max-tokens and --explain-eval are token budgets: 0 or more")
    if "relevance" not in args.tasks and not args.query_likelihood:
        parser.error("a student trained on --tasks question alone ranks by query likelihood: add --query-likelihood")
    if args.interpolate and not args.query_likelihood:
        parser.error("--interpolate fuses query likelihood with BM25: add --query-likelihood")
    if args.question_negatives < 0 or (args.question_negatives and args.tasks != ["question"]):
        parser.error("--question-negatives N (N >= 0) trains --tasks question alone")
    if args.refine_lr is not None and args.refine_lr <= 0:
        parser.error("--refine-lr is a learning rate: above 0")
    if not DATA.exists():
        parser.error(f"TREC DL 2019 data not found at {DATA} (it lives beside the project, in ../shared/data)")
    missing = [site for site in args.stackexchange if not (SHARED / "stackexchange" / site / "Posts.xml").exists()]
    if missing:
        parser.error(f"no Posts.xml for {', '.join(missing)} in {SHARED / 'stackexchange'}")

    import torch

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    bench = benchmarks.load_benchmark(f"dl19:{DATA}")
    run = retrieval.read_run(bench.run_files["bm25"], "dl19", "default", system="bm25-anserini", k=100)
    train_q, test_q = split_queries(bench.queries)
    tables = test_sets(args, bench, run, test_q)
    tune = Table("DL19 train half", bench, [q for q in bench.queries if q["query_id"] in train_q],
                 [r for r in run if r["query_id"] in train_q and r["rank"] <= args.depth]) if args.interpolate else None  # fmt: skip
    untrained_weight = interpolation_weight(models.resolve_model(models.SMOLLM2), tune, args) if args.query_likelihood else None
    contamination = []
    for table in tables:
        doc_text = {d["doc_id"]: d["text"] for d in table.bench.documents}
        contamination += [q["query"] for q in table.queries] + [doc_text[r["doc_id"]] for r in table.first_stage]
        table.add("BM25 (the first stage)", table.first_stage)
        table.add("all-MiniLM-L6-v2 cosine", retrieval.cosine_rerank(table.queries, table.bench.documents, table.first_stage, depth=args.depth))
        if not args.skip_baselines:
            table.add_model("SmolLM2-135M untrained", models.resolve_model(models.SMOLLM2), args.depth, args.score_dtype)
        if args.teacher_zero_shot:  # the teacher itself, label-only: what its students are distilled from
            table.add_model("Qwen2.5-Coder-1.5B zero-shot", models.resolve_model(models.QWEN_CODER), args.depth, args.score_dtype)
        if args.query_likelihood:
            table.add_likelihood("SmolLM2-135M untrained", models.resolve_model(models.SMOLLM2), args.depth, args.score_dtype, untrained_weight)

    candidates = per_query_cap(train_candidates(bench, run, train_q, args.train_depth), bench.qrels, args.per_query, args.seed)
    grades = human_grades(candidates, bench.qrels)
    questions = [{"site": SITE, "question_id": int(q["query_id"]), "text": q["query"]} for q in bench.queries if q["query_id"] in train_q]
    for site in args.stackexchange:
        site_pairs, site_questions, site_grades = stackexchange_pairs(SHARED / "stackexchange" / site, args.se_questions, args.seed, args.se_titles)
        candidates, questions, grades = candidates + site_pairs, questions + site_questions, {**grades, **site_grades}
    question_min = 0 if args.question_negatives else args.question_min_label  # contrastive: every judged pair, its negatives too
    data_config = training_data.TrainingDataSettings(validation_fraction=0.0, test_fraction=0.0, include_queries_task=False,
                                                     question_task_min_label=question_min if "question" in args.tasks else None)
    facts: dict = {"candidates": len(candidates), "train_queries": len(questions), "by_site": dict(Counter(c["site"] for c in candidates))}
    if "written" in args.arms:
        if args.teacher_questions <= 0:
            parser.error("the arm `written` needs --teacher-questions N")
        written = teacher_questions(bench, run, train_q, args.teacher_questions, question_writer(), args.work / "teacher_cache", args.seed,
                                    args.written_negatives, WRITTEN_RECORDING)
    start = None  # the checkpoint SFT starts from (None: the base student)
    for arm in args.arms:
        summary: dict = {}
        arm_questions = questions
        if arm == "oracle":
            judgments = given_judgments(candidates, grades)
        elif arm == "written":
            pairs, arm_questions, written_grades = written
            judgments = given_judgments(pairs, written_grades)
        else:
            name = models.SMOLLM2 if arm == "self_taught" else models.QWEN_CODER
            try:
                models.resolve_model(name)  # converted once; a missing optional model is said, not a traceback
            except FileNotFoundError as error:
                print(f"  {arm}: skipped, the teacher is not installed: {error}", flush=True)
                continue
            recording = teacher_recording(arm, args.teacher_max_tokens) if arm == "teacher_1.5b" else None
            judgments = teacher_judgments(candidates, relevance_judge(name, args.teacher_max_tokens), args.work / "teacher_cache", summary, recording)
            if args.drop_explanations:  # the method's ablation: the same labels, no explanation to learn
                judgments = [{**j, "explanation": ""} for j in judgments]
        rows, report = training_data.build_training_examples(judgments, arm_questions, [], contamination, data_config)
        chosen = training_rows(rows, args.tasks, args.train_pairs, args.balance, args.seed)
        micro = 1 + args.question_negatives if args.question_negatives else args.micro_batch or args.batch
        if args.question_negatives:  # a document's groups cover its lower ones
            seen = len(likelihood_groups(chosen, args.question_negatives, args.seed))
        else:
            seen = len(question_runs(chosen, ("relevance",), micro, args.seed)) if args.rank_loss else len(chosen)  # a question's runs are topped up
        steps = max(1, math.ceil(seen * args.epochs / args.batch))
        settings = SFTSettings.cpu_profile(
            max_steps=steps, effective_batch_size=args.batch, per_device_batch_size=micro, learning_rate=args.lr, rank_loss_weight=args.rank_loss,
            save_steps=max(1, steps // 4), use_lora=not args.full, merge=not args.full, tasks=tuple(args.tasks),
            lr_scheduler_type=args.scheduler, warmup_ratio=args.warmup_ratio, save_total_limit=2, soft_labels=args.soft_labels,
            question_negatives=args.question_negatives,
            **({"base_model": start[1]} if start else {}),
        )  # fmt: skip
        taught = arm in ("self_taught", "teacher_1.5b")
        extra = "".join(f"-{site.split('.')[0]}{args.se_questions}{'t' if args.se_titles else ''}" for site in args.stackexchange)
        tag = (f"{arm}-{'full' if args.full else 'lora'}-lr{args.lr:g}-{args.scheduler}-w{args.warmup_ratio:g}-n{len(chosen)}-s{steps}"
               f"-b{args.batch}{f'-m{micro}' if micro != args.batch else ''}{f'-rank{args.rank_loss:g}' if args.rank_loss else ''}{'' if args.balance else '-unbalanced'}{'-soft' if args.soft_labels else ''}{f'-q{args.per_query}' if args.per_query else ''}{extra}"
               f"{f'-written{args.teacher_questions}' if arm == 'written' else ''}{'-bm25neg' if arm == 'written' and args.written_negatives == 'bm25' else ''}"
               f"{f'-explain{args.teacher_max_tokens}' if taught and args.teacher_max_tokens else ''}{'-noexpl' if taught and args.drop_explanations else ''}{f'-from-{start[0]}' if start else ''}"
               f"{'' if args.tasks == ['relevance'] else '-' + '+'.join(args.tasks) + (f'{question_min}' if 'question' in args.tasks else '')}"
               f"{f'-neg{args.question_negatives}' if args.question_negatives else ''}")  # fmt: skip
        t = time.perf_counter()
        manifest = train_sft(chosen, settings, args.work / tag, progress=log_line(f"{arm} sft"))
        loss = [p["loss"] for p in manifest["metrics"]["loss_curve"]]
        facts[arm] = {
            "teacher": summary, "judged_labels": dict(Counter(j["label"] for j in judgments)), "decontamination": report["decontamination"],
            "examples": len(rows), "trained_on": dict(Counter(r["task"] if r["label"] is None else r["label"] for r in chosen)), "steps": steps,
            "loss_first_last": [loss[0], loss[-1]] if loss else None, "train_s": round(time.perf_counter() - t),
            "train_runtime_s": manifest["metrics"].get("train_runtime_s"),
            "labels_vs_people": None if arm == "written" else metrics.label_agreement([grades[j["pair_id"]] for j in judgments], [j["label"] for j in judgments]),
        }  # fmt: skip
        print(f"  {arm}: {json.dumps(facts[arm])}", flush=True)
        checkpoints = []
        if args.eval_checkpoints and args.full:
            saved = sorted((args.work / tag / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
            checkpoints = [(f"{arm} student at {c.name}", str(c)) for c in saved[:-1]]  # the last one is the final model
        explains = taught and args.teacher_max_tokens > 0 and not args.drop_explanations  # it learnt to explain
        students = [*checkpoints, (f"{arm} student ({tag})", manifest["checkpoint"])]
        for method in args.refine:
            answer_tokens = (args.teacher_max_tokens if explains else 0) + LABEL_LINE_TOKENS
            t = time.perf_counter()
            refined = refine_student(method, chosen, manifest["checkpoint"], args, answer_tokens, args.work / f"{tag}-{method}{f'-lr{args.refine_lr:g}' if args.refine_lr else ''}")
            facts[arm][method] = {"train_s": round(time.perf_counter() - t), **{k: refined["metrics"][k] for k in ("n_rollouts", "items_from_teacher", "mean_weight") if k in refined["metrics"]},
                                  "n_examples": refined["n_examples"], "steps": refined["metrics"].get("global_step"),
                                  "rewards_first_last": [refined["metrics"]["reward_curve"][i].get("reward") for i in (0, -1)] if refined["metrics"]["reward_curve"] else None}  # fmt: skip
            print(f"  {arm} {method}: {json.dumps(facts[arm][method])}", flush=True)
            students.append((f"{arm} student + {method}", refined["checkpoint"]))
        weights = {path: interpolation_weight(path, tune, args) for _, path in students} if args.query_likelihood else {}
        for table in tables:
            for name, path in students:
                if "relevance" in args.tasks:
                    table.add_model(name, path, args.depth, args.score_dtype)
                if args.query_likelihood:
                    table.add_likelihood(name, path, args.depth, args.score_dtype, weights[path])
                if args.explain_eval and explains:
                    table.add_model(name, path, args.depth, args.score_dtype, args.explain_eval)
        if arm == args.init:
            start = (tag, manifest["checkpoint"])

    for table in tables:
        table.print()
    print(f"\ntrain: {facts['train_queries']} queries, {facts['candidates']} candidate pairs {facts['by_site']} "
          f"(DL19: the train half's judged passages in BM25 top-{args.train_depth})")  # fmt: skip
    for arm in args.arms:
        if arm in facts:
            f = facts[arm]
            removed = f["decontamination"]
            print(f"{arm}: labels {f['judged_labels']}, {f['examples']} examples after decontamination "
                  f"(removed {removed['questions_removed']} questions, {removed['pairs_removed_by']} pairs), trained on {f['trained_on']}, "
                  f"{f['steps']} steps x {args.batch}, loss {f['loss_first_last']}, training {f['train_runtime_s']} s")  # fmt: skip
            for method in args.refine:
                print(f"{arm} + {method}: {json.dumps(f[method])}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    try:
        main()
    except OSError as error:  # a full disk, an unreadable file: one line; a re-run resumes what was done
        print(f"distill.py: {error.filename}: {error.strerror}" if error.filename else f"distill.py: {error}", file=sys.stderr)
        raise SystemExit(2) from None
