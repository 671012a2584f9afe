"""Training on tiny random models: label mask, SFT, GRPO, reward-weighted refinement, resume, Pipes."""

import json
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from reasonrank_assets.core import models
from reasonrank_assets.core.training import runs
from reasonrank_assets.core.training.examples import load_rows, training_set_version
from reasonrank_assets.core.training.refine import reward_weighted_training_items, train_refined
from reasonrank_assets.core.training.runs import last_checkpoint
from reasonrank_assets.core.training.settings import RefineSettings, RolloutSettings, SFTSettings
from reasonrank_assets.core.training.sft import build_sft_trainer, train_sft
from reasonrank_assets.defs.training import manifest_row

ROOT = Path(__file__).resolve().parents[1]
DOCS = {"hops malt yeast water": 2, "coffee grinder burr": 0}


def example(example_id, document, completion, label, split="train", task="relevance"):
    return {
        "example_id": example_id,
        "split": split,
        "task": task,
        "prompt": json.dumps([{"role": "user", "content": f"Question: how do I brew beer? Document: {document}"}]),
        "completion": completion,
        "label": label,
    }


def toy_examples() -> list[dict]:
    """A learnable multi-task set: relevance answers and a query list, plus a validation row."""
    rows = [
        example(f"r{i}", doc, f"The document explains it. Relevance Label: {label} ##", label)
        for i, (doc, label) in enumerate(list(DOCS.items()) * 4)
    ]
    rows.append(example("q0", "", "coffee grinder burr\nespresso extraction time", None, task="queries"))
    rows.append(example("v0", "hops malt yeast water", "The document explains it. Relevance Label: 2 ##", 2, "validation"))
    return rows


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny models gain nothing from threads, and on a shared CPU OpenMP threads spin-wait
    (measured 5x slower with 2 threads on a loaded 2-core machine). Restored afterwards."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny_sft(model_dir, **overrides) -> SFTSettings:
    values = dict(base_model=str(model_dir), use_lora=False, learning_rate=1e-2, max_steps=30, save_steps=100, bf16=False)
    return SFTSettings.cpu_profile(**(values | overrides))


@pytest.fixture(scope="module")
def format_student(tiny_model_dir, tmp_path_factory) -> Path:
    """The tiny model after SFT on answers with every label for every document: it has learnt the
    answer format but must guess the label (a third of its guesses are right)."""
    rows = [
        example(f"{doc}-{label}-{r}", doc, f"Relevance Label: {label} ##", 2)
        for doc in DOCS
        for label in (0, 1, 2)
        for r in range(2)
    ]
    manifest = train_sft(rows, tiny_sft(tiny_model_dir, max_steps=40), tmp_path_factory.mktemp("format-sft"))
    return Path(manifest["checkpoint"])


def test_settings_defaults_are_the_method_and_round_trip():
    gpu = SFTSettings()
    assert (gpu.base_model, gpu.load_in_4bit, gpu.lora_r, gpu.lora_alpha, gpu.lora_dropout) == (
        "meta-llama/Llama-3.2-3B-Instruct", True, 64, 16, 0.1,
    )  # fmt: skip
    assert set(gpu.lora_target_modules) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj"}
    assert (gpu.learning_rate, gpu.lr_scheduler_type, gpu.warmup_ratio, gpu.num_train_epochs) == (
        2e-4, "constant_with_warmup", 0.03, 1.0,
    )  # fmt: skip
    assert (gpu.effective_batch_size, gpu.max_grad_norm, gpu.weight_decay, gpu.max_length) == (16, 0.3, 0.001, None)
    cpu = SFTSettings.cpu_profile()
    assert cpu.base_model == "smollm2-135m-instruct" and not cpu.load_in_4bit and cpu.merge and cpu.max_steps > 0
    assert SFTSettings.from_dict(json.loads(json.dumps(cpu.to_dict()))) == cpu
    with pytest.raises(ValueError, match="unknown setting"):
        SFTSettings.from_dict({"learning_rat": 1.0})
    refine = RefineSettings()
    assert (refine.method, refine.k, refine.temperature, refine.threshold, refine.reward_model) == (
        "grpo", 8, 1.0, 0.85, None,
    )  # fmt: skip
    assert RefineSettings.cpu_profile("reward_weighted").method == "reward_weighted"
    with pytest.raises(ValueError, match="grpo"):
        RefineSettings(method="ppo")
    assert RolloutSettings().k == 8 and RolloutSettings().temperature == 1.0


@pytest.mark.slow
def test_sft_and_refinement_share_one_model_and_schedule_part_and_one_mapping_to_trl(tmp_path):
    """The ~24 fields both stages have are declared once, and reach TRL's SFTConfig and GRPOConfig
    through one function: the same schedule gives both trainers the same arguments."""
    from dataclasses import fields

    from trl import GRPOConfig

    from reasonrank_assets.core.training.settings import ModelSettings, ScheduleSettings
    from reasonrank_assets.core.training.sft import sft_config

    shared = {f.name for f in fields(ModelSettings)} | {f.name for f in fields(ScheduleSettings)}
    assert len(shared) >= 24 and shared <= {f.name for f in fields(SFTSettings)} & {f.name for f in fields(RefineSettings)}
    assert all(f.metadata.get("help") for cls in (SFTSettings, RefineSettings, RolloutSettings) for f in fields(cls))
    schedule = dict(learning_rate=3e-4, max_steps=7, per_device_batch_size=2, effective_batch_size=4, save_steps=5, seed=3, bf16=False)
    sft = sft_config(SFTSettings.cpu_profile(**schedule), tmp_path, has_eval=False)
    refine = RefineSettings.cpu_profile(**schedule, k=2, prompts_per_step=2)
    grpo = GRPOConfig(**runs.trainer_arguments(refine, tmp_path, 4, refine.lr), num_generations=2)
    for name in ("learning_rate", "max_steps", "per_device_train_batch_size", "gradient_accumulation_steps", "save_steps", "seed", "bf16", "output_dir"):
        assert getattr(sft, name) == getattr(grpo, name), name
    assert (sft.learning_rate, sft.gradient_accumulation_steps, sft.save_steps) == (3e-4, 2, 5)


@pytest.mark.slow
def test_loss_is_masked_to_the_completion_with_the_chat_template(tiny_model_dir, tmp_path):
    rows = toy_examples()
    trainer = build_sft_trainer(rows, tiny_sft(tiny_model_dir), tmp_path)
    tokenizer = trainer.processing_class
    first = trainer.train_dataset[0]
    prompt = tokenizer.apply_chat_template(json.loads(rows[0]["prompt"]), tokenize=False, add_generation_prompt=True)
    n_prompt = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    assert first["labels"][:n_prompt] == [-100] * n_prompt  # no loss on the prompt
    assert first["labels"][n_prompt:] == first["input_ids"][n_prompt:]  # loss on every answer token
    assert tokenizer.decode(first["input_ids"][:n_prompt]) == prompt  # the student's chat template
    answer = tokenizer.decode(first["input_ids"][n_prompt:])
    assert answer.startswith(rows[0]["completion"]) and "<|im_end|>" in answer  # learns to stop
    # Multi-task: the query-generation row is trained too; the validation row is held out.
    assert len(trainer.train_dataset) == 9 and len(trainer.eval_dataset) == 1
    assert trainer.args.max_length is None  # no cut at TRL's default 1024: the data decides


@pytest.mark.slow
def test_sft_loss_falls_checkpoint_loads_and_a_finished_run_is_not_repeated(tiny_model_dir, tmp_path):
    from transformers import AutoModelForCausalLM

    rows = toy_examples()
    manifest = train_sft(rows, tiny_sft(tiny_model_dir), tmp_path / "sft")
    curve = [p["loss"] for p in manifest["metrics"]["loss_curve"]]
    assert len(curve) == 30 and curve[-1] < 0.5 * curve[0]
    assert manifest["metrics"]["eval_loss"] < curve[0]
    assert manifest["metrics"]["max_length_in_data"] > 20
    assert manifest["training_set_version"] == training_set_version(rows)
    assert (manifest["weights"], manifest["merged"], manifest["n_examples"]) == ("full", False, 9)
    AutoModelForCausalLM.from_pretrained(manifest["checkpoint"])
    saved = json.loads((tmp_path / "sft" / "manifest.json").read_text())
    assert saved == json.loads(json.dumps(manifest))
    # Same inputs: the manifest comes back without training (no new checkpoint is written).
    before = sorted(p.name for p in (tmp_path / "sft" / "checkpoints").iterdir())
    assert train_sft(rows, tiny_sft(tiny_model_dir), tmp_path / "sft") == saved
    assert sorted(p.name for p in (tmp_path / "sft" / "checkpoints").iterdir()) == before
    # Other inputs in the same directory: refused, nothing overwritten.
    with pytest.raises(ValueError, match="other inputs"):
        train_sft(rows[:-1], tiny_sft(tiny_model_dir), tmp_path / "sft")


def test_a_run_whose_checkpoints_would_fill_the_disk_is_refused_before_it_starts(tiny_model_dir, tmp_path):
    import errno

    train_sft(toy_examples(), tiny_sft(tiny_model_dir, max_steps=2, save_steps=1, save_total_limit=None), tmp_path / "sft")
    saved = tmp_path / "sft" / "checkpoints" / "checkpoint-2"
    on_disk = (saved / "model.safetensors").stat().st_size + (saved / "optimizer.pt").stat().st_size
    trainer = build_sft_trainer(toy_examples(), tiny_sft(tiny_model_dir, max_steps=8, save_steps=2, save_total_limit=2), tmp_path / "big")
    per_checkpoint = runs.checkpoint_bytes(trainer.model)
    assert 0.9 * on_disk < per_checkpoint < 1.1 * on_disk  # the estimate is what a checkpoint takes
    # 4 saves, at most 3 on disk at once (2 kept and the one being written), then the final weights
    runs.check_free_space(trainer, tmp_path / "big", free=3 * per_checkpoint + per_checkpoint // 3)
    with pytest.raises(OSError, match="needs about .* GB free") as refused:
        runs.check_free_space(trainer, tmp_path / "big", free=3 * per_checkpoint)
    assert (refused.value.errno, refused.value.filename) == (errno.ENOSPC, str(tmp_path / "big"))
    runs.check_free_space(trainer, tmp_path / "big", resume_step=6, free=per_checkpoint + per_checkpoint // 3)  # one save left


@pytest.mark.slow
def test_lora_saves_adapter_and_merged_weights_that_agree(tiny_model_dir, tmp_path):
    import torch
    from peft import AutoPeftModelForCausalLM
    from transformers import AutoModelForCausalLM

    settings = tiny_sft(tiny_model_dir, use_lora=True, lora_target_modules=("q_proj", "v_proj"), max_steps=3)
    manifest = train_sft(toy_examples(), settings, tmp_path)
    assert (manifest["weights"], manifest["merged"]) == ("lora", True)
    # the frozen base ran in bf16 where this CPU has bf16 kernels, else in float32; the manifest says which
    assert settings.dtype == "bfloat16" and manifest["metrics"]["weights_dtype"] == models.compute_dtype("bfloat16", "cpu")
    assert manifest["metrics"]["bf16_autocast"] is False  # as tiny_sft asks
    assert Path(manifest["adapter"], "adapter_config.json").exists()
    assert manifest["checkpoint"] == str(tmp_path / "model")
    merged = AutoModelForCausalLM.from_pretrained(manifest["checkpoint"], dtype=torch.float32).eval()
    adapted = AutoPeftModelForCausalLM.from_pretrained(manifest["adapter"], dtype=torch.float32).eval()
    ids = torch.tensor([[5, 6, 7, 8, 9]])
    with torch.no_grad():
        torch.testing.assert_close(merged(ids).logits, adapted(ids).logits, atol=2e-2, rtol=0)


@pytest.mark.slow
def test_bad_rows_are_named(tiny_model_dir, tmp_path):
    rows = toy_examples()
    rows[2] = {**rows[2], "prompt": "not json"}
    with pytest.raises(ValueError, match="'r2'.*'prompt'"):
        train_sft(rows, tiny_sft(tiny_model_dir), tmp_path)
    with pytest.raises(ValueError, match="lacks \\['completion'\\]"):
        train_sft([{**toy_examples()[0], "completion": None}], tiny_sft(tiny_model_dir), tmp_path / "b")


@pytest.mark.slow
def test_grpo_raises_the_mean_label_reward(format_student, tmp_path):
    # The teacher always says 2: a learnable target for a student that guesses.
    rows = [example(f"g{i}", doc, "Relevance Label: 2 ##", 2) for i, doc in enumerate(DOCS)]
    settings = RefineSettings.cpu_profile(
        "grpo", use_lora=False, learning_rate=1e-3, max_steps=30, k=8, prompts_per_step=2,
        per_device_batch_size=16, max_completion_length=16, bf16=False, save_steps=100,
    )  # fmt: skip
    manifest = train_refined(rows, None, format_student, settings, tmp_path)
    label_rewards = [p["rewards/label_reward/mean"] for p in manifest["metrics"]["reward_curve"]]
    assert len(label_rewards) == 30
    first, last = sum(label_rewards[:8]) / 8, sum(label_rewards[-8:]) / 8
    assert last > first + 0.15, label_rewards
    assert manifest["method"] == "grpo" and manifest["config"]["kl_beta"] == 0.0
    assert manifest["init_checkpoint"] == str(format_student)


@pytest.mark.slow
def test_rollouts_then_reward_weighted_refinement(format_student, tmp_path):
    import duckdb
    import pyarrow as pa

    from reasonrank_assets import training_worker

    rows = [example(f"w{i}", doc, f"Relevance Label: {label} ##", label) for i, (doc, label) in enumerate(DOCS.items())]
    (tmp_path / "examples.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    job = {"examples": str(tmp_path / "examples.jsonl"), "checkpoint": str(format_student), "profile": "cpu"}
    rollout_job = {**job, "output_dir": str(tmp_path / "rollouts"), "settings": {"k": 4, "max_new_tokens": 12}}
    summary = training_worker.run_stage("rollouts", rollout_job)  # the worker's stage, in process
    rollouts = load_rows(Path(summary["rollouts"]))
    assert summary["n_rollouts"] == len(rollouts) and training_worker.run_stage("rollouts", rollout_job) == summary
    assert len(rollouts) == 8 and {r["sample_index"] for r in rollouts} == {0, 1, 2, 3}
    assert sum(r["parse_status"] == "ok" for r in rollouts) >= 6  # the student learnt the format
    teacher_labels = {r["example_id"]: r["label"] for r in rows}
    assert all(r["teacher_label"] == teacher_labels[r["example_id"]] for r in rollouts)

    # The table matches its DDL.
    con = duckdb.connect()
    con.execute((ROOT / "sql/schema/refinement_rollouts.sql").read_text())
    con.register("rows", pa.Table.from_pylist(rollouts))
    con.execute("INSERT INTO refinement_rollouts BY NAME SELECT * FROM rows")
    assert con.execute("SELECT count(*) FROM refinement_rollouts").fetchone()[0] == 8

    settings = RefineSettings.cpu_profile("reward_weighted", use_lora=False, max_steps=2, bf16=False, per_device_batch_size=2, effective_batch_size=2)
    items = reward_weighted_training_items(rows, rollouts, settings)
    for item in items:  # label agreement: exact answers (and the teacher's) reach the 0.85 threshold
        assert item["label"] == next(r["label"] for r in rows if r["example_id"] == item["example_id"])
    assert sum(i["source"] == "teacher" for i in items) == 2
    refine_job = {
        **job,
        "rollouts": summary["rollouts"],
        "output_dir": str(tmp_path / "refined"),
        "settings": {k: v for k, v in settings.to_dict().items() if k != "lora_target_modules"},
    }
    manifest = training_worker.run_stage("refine", refine_job)
    assert manifest["method"] == "reward_weighted" and manifest["n_examples"] == len(items)
    assert manifest["metrics"]["global_step"] == 2

    con.execute((ROOT / "sql/schema/model_checkpoints.sql").read_text())
    con.register("manifest", pa.Table.from_pylist([manifest_row(manifest)]))
    con.execute("INSERT INTO model_checkpoints BY NAME SELECT * FROM manifest")
    assert con.execute("SELECT method, metrics->>'$.global_step' FROM model_checkpoints").fetchone() == (
        "reward_weighted", "2",
    )  # fmt: skip




def _train_in_child(config: dict) -> None:
    import torch

    torch.set_num_threads(1)  # as DataLoader workers do: no OpenMP pool inherited across fork
    from reasonrank_assets import training_worker

    training_worker.run_stage("sft", config)


@pytest.mark.slow
def test_killed_training_resumes_from_its_last_checkpoint_under_dagster_pipes(tiny_model_dir, tmp_path):
    """A worker is killed (SIGKILL) after its first checkpoint; the Dagster asset that launches the
    worker through Pipes then resumes the run from that checkpoint and reports its curves."""
    import dagster as dg

    examples = tmp_path / "examples.jsonl"
    examples.write_text("\n".join(json.dumps(r) for r in toy_examples()))
    settings = {"base_model": str(tiny_model_dir), "use_lora": False, "max_steps": 20, "save_steps": 4, "bf16": False}
    config = {"examples": str(examples), "output_dir": str(tmp_path / "run"), "profile": "cpu", "settings": settings}
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    command = [sys.executable, "-m", "reasonrank_assets.training_worker", "sft", str(config_file)]

    # The first run trains in a forked copy of this process (no second start-up of torch and TRL)
    # and is killed with SIGKILL once its first checkpoint is complete.
    worker = multiprocessing.get_context("fork").Process(target=_train_in_child, args=(config,))
    worker.start()
    deadline = time.time() + 180
    while last_checkpoint(tmp_path / "run") is None and worker.is_alive() and time.time() < deadline:
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.join()
    assert worker.exitcode == -signal.SIGKILL
    saved = last_checkpoint(tmp_path / "run")
    assert saved is not None and not (tmp_path / "run" / "manifest.json").exists(), "killed before it finished"
    saved_step = int(saved.name.split("-")[1])
    assert saved_step < 20

    messages = []

    @dg.asset
    def student_sft(context: dg.AssetExecutionContext, pipes: dg.PipesSubprocessClient):
        invocation = pipes.run(command=command, context=context, env={"PYTHONPATH": str(ROOT)})
        messages.extend(invocation.get_custom_messages())
        return invocation.get_materialize_result()

    result = dg.materialize([student_sft], resources={"pipes": dg.PipesSubprocessClient(cwd=str(ROOT))})
    assert result.success
    metadata = result.asset_materializations_for_node("student_sft")[0].metadata
    assert metadata["global_step"].value == 20
    assert metadata["resumed_from_step"].value >= saved_step
    assert "| 20 |" in metadata["curves"].value
    assert metadata["curves_plot"].value.startswith("![curves](data:image/png")
    assert metadata["checkpoint"].value == str(tmp_path / "run" / "model")
    # The loss history continues the killed run's: one point per step, no restart from step 1.
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert [p["step"] for p in manifest["metrics"]["loss_curve"]] == list(range(1, 21))
    assert messages == [manifest]  # the manifest also comes back as a Pipes message


@pytest.mark.slow
def test_the_question_task_teaches_the_query_likelihood_reranker(tiny_model_dir, tmp_path):
    """Rows of task "question" (the question a relevant document answers) are what the
    query-likelihood reranker reads: after SFT on them it ranks each document first for its own
    question, where the untrained model has no preference."""
    from reasonrank_assets.core import prompts
    from reasonrank_assets.core.evaluation import rerank

    questions = {"hops malt yeast water": "how do I brew beer?", "coffee grinder burr": "which grinder for espresso?"}
    rows = [{"example_id": f"w{i}-{r}", "split": "train", "task": "question", "label": None, "prompt": json.dumps(prompts.question_messages(doc)),
             "completion": question} for i, (doc, question) in enumerate(questions.items()) for r in range(4)]  # fmt: skip
    rows += toy_examples()  # relevance and queries rows: left out by the tasks chosen
    manifest = train_sft(rows, tiny_sft(tiny_model_dir, tasks=("question",), max_steps=80), tmp_path / "question-sft")
    assert manifest["n_examples"] == 8  # the question rows alone

    def margins(path) -> list[float]:
        reranker = rerank.Reranker.from_pretrained(path, mode="query_likelihood", dtype="float32", device="cpu")
        scores = {(q, d): a.query_logprob for q in questions.values() for d in questions for (a, _) in reranker.judge(q, [d])}
        return [scores[(q, d)] - scores[(q, other)] for d, q in questions.items() for other in questions if other != d]

    assert all(m > 0.2 for m in margins(manifest["checkpoint"]))  # nats a token in favour of the right document (measured 0.37, 0.85)
    assert all(abs(m) < 0.05 for m in margins(tiny_model_dir))  # untrained: no preference
