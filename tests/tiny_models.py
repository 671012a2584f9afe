"""Tiny random-initialised chat models for tests: a BPE tokenizer trained on the fly, a 2-layer
Llama, saved as an ordinary Hugging Face checkpoint. No download, a few MB, loads in a second."""

from __future__ import annotations

from pathlib import Path

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

_CORPUS = [
    "Relevance Label: 0 ## Relevance Label: 1 ## Relevance Label: 2 ##",
    "The document explains the question. It is relevant, partially relevant or irrelevant.",
    "Question: how do I brew beer at home? Document: hops, malt, yeast and water make beer.",
    "search queries one per line: coffee grinder burr, espresso extraction time, roast level",
    "0 1 2 3 4 5 6 7 8 9 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?'\"()[]{}#-_/\n",
]


def build_tokenizer(corpus: list[str] | None = None, vocab_size: int = 400):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<pad>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator((corpus or []) + _CORPUS * 20, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<pad>",
        unk_token="<|endoftext|>",
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_llama(directory: Path, corpus: list[str] | None = None, seed: int = 0, vocab_size: int = 400) -> Path:
    """Save a random 2-layer Llama with its tokenizer to `directory`; return it."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = build_tokenizer(corpus, vocab_size)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=4096,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def expected_from(probs) -> float:
    return sum(label * p for label, p in enumerate(probs))


def float32_expected_labels(model, rows: list[list[int]], label_ids: list[int]) -> list[float]:
    """Reference expected labels: a plain forward of each row alone, the three label logits
    computed in float32 from the final hidden state."""
    import torch

    from reasonrank_assets.core.labels import softmax3

    weight = model.get_output_embeddings().weight[label_ids].float()
    with torch.no_grad():
        hidden = [model.model(input_ids=torch.tensor([row])).last_hidden_state[0, -1].float() for row in rows]
    return [expected_from(softmax3((weight @ h).tolist())) for h in hidden]


def bf16_expected_labels(model, rows: list[list[int]], label_ids: list[int]) -> list[float]:
    """The rounded path: a softmax over the logits as a bf16 model gives them."""
    import torch

    from reasonrank_assets.core.labels import softmax3

    with torch.no_grad():
        return [expected_from(softmax3(model(input_ids=torch.tensor([row])).logits[0, -1, label_ids].float().tolist())) for row in rows]
