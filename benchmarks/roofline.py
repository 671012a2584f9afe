"""The machine's own ceilings, measured in the same run as a throughput figure.

Every throughput benchmark prints its rate as a fraction of what this CPU does at the model's own
layer shapes, measured minutes apart on the same (shared, noisy) machine, never a number from
another day:

- matrix products (bf16 and fp32) at the shapes of one transformer layer's projections, with
  `tokens` rows (a prefill or a training micro-batch); the peak is the faster of the two (on a CPU
  without native bf16 kernels, an AVX2-only one, bf16 is emulated about 100x slower and the
  project computes in float32);
- the copy bandwidth (a large bf16 tensor copied: bytes read + written per second) and the rate
  at which a one-row product reads weights (a decoding step's bound).

FLOPs are counted by formula, and `flops_formula` says which:
- a forward pass costs 2·N per token (N = non-embedding parameters, plus the output projection
  when logits are computed) plus attention, 4·layers·hidden·context per token (QK^T and AV);
- full fine-tuning costs 3x the forward pass (6·N: forward, input gradients, weight gradients);
- LoRA costs 2x the frozen forward (forward and input gradients, no weight gradients of frozen
  weights) plus 6x the adapters' own parameters.

    python benchmarks/roofline.py --model smollm2-135m-instruct
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass


@dataclass
class Roofline:
    bf16_tflops: float  # matrix products at the model's layer shapes
    fp32_tflops: float
    copy_gbs: float  # bytes read + written per second, large bf16 copy
    gemv_gbs: float  # weight bytes read per second by a one-row bf16 product

    @property
    def peak_tflops(self) -> float:
        """The faster of the two matmul rates: what the project computes in on this CPU (bf16 where
        the CPU has native bf16 kernels, float32 where bf16 is emulated, `models.compute_dtype`)."""
        return max(self.bf16_tflops, self.fp32_tflops)

    @property
    def peak_dtype(self) -> str:
        return "bf16" if self.bf16_tflops >= self.fp32_tflops else "fp32"

    def line(self) -> str:
        return (
            f"roofline (this run): bf16 matmul {self.bf16_tflops:.3g} TFLOP/s, fp32 {self.fp32_tflops:.3g} TFLOP/s "
            f"(peak: {self.peak_dtype}), "
            f"copy {self.copy_gbs:.1f} GB/s, one-row product reads weights at {self.gemv_gbs:.1f} GB/s"
        )


def layer_shapes(config) -> list[tuple[int, int]]:
    """(in, out) of one decoder layer's projections: q, k, v, o, gate, up, down."""
    hidden, inter = config.hidden_size, config.intermediate_size
    head_dim = getattr(config, "head_dim", None) or hidden // config.num_attention_heads
    kv = config.num_key_value_heads * head_dim
    q = config.num_attention_heads * head_dim
    return [(hidden, q), (hidden, kv), (hidden, kv), (q, hidden), (hidden, inter), (hidden, inter), (inter, hidden)]


def _time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def matmul_tflops(shapes, tokens: int, dtype, repeats: int = 5) -> float:
    import torch

    inputs = [(torch.randn(tokens, i, dtype=dtype), torch.randn(i, o, dtype=dtype)) for i, o in shapes]
    flops = sum(2 * tokens * i * o for i, o in shapes)

    def run():
        for a, b in inputs:
            torch.mm(a, b)

    return flops / _time(run, repeats) / 1e12


def copy_gbs(megabytes: int = 512, repeats: int = 5) -> float:
    import torch

    source = torch.empty(megabytes * 2**20 // 2, dtype=torch.bfloat16).normal_()
    target = torch.empty_like(source)
    return 2 * source.numel() * 2 / _time(lambda: target.copy_(source), repeats) / 1e9


def gemv_gbs(shapes, repeats: int = 20) -> float:
    import torch

    weights = [torch.randn(o, i, dtype=torch.bfloat16) for i, o in shapes] * 8  # past the caches
    row = {i: torch.randn(1, i, dtype=torch.bfloat16) for i, _ in shapes}

    def run():
        for w in weights:
            torch.nn.functional.linear(row[w.shape[1]], w)

    return sum(w.numel() * 2 for w in weights) / _time(run, repeats) / 1e9


def measure(config, tokens: int = 2048) -> Roofline:
    import torch

    from reasonrank_assets.core.models import cpu_half_precision_is_native

    shapes = layer_shapes(config)
    # emulated bf16 (no native kernels) runs a layer in seconds: a few rows tell its rate
    bf16_tokens = tokens if cpu_half_precision_is_native("bfloat16") else 64
    return Roofline(
        bf16_tflops=matmul_tflops(shapes, bf16_tokens, torch.bfloat16, repeats=5 if bf16_tokens == tokens else 1),
        fp32_tflops=matmul_tflops(shapes, tokens, torch.float32),
        copy_gbs=copy_gbs(),
        gemv_gbs=gemv_gbs(shapes),
    )


def non_embedding_parameters(config) -> int:
    """N: the decoder layers' projection weights (norms are negligible)."""
    return config.num_hidden_layers * sum(i * o for i, o in layer_shapes(config))


def output_projection_parameters(config) -> int:
    return config.hidden_size * config.vocab_size


def forward_flops(config, tokens: int, context: float, logits_tokens: int) -> float:
    """2·N per token, attention 4·layers·hidden·context per token, 2·hidden·vocab per logits row."""
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    attention = 4 * config.num_hidden_layers * config.num_attention_heads * head_dim * context
    return tokens * (2 * non_embedding_parameters(config) + attention) + 2 * output_projection_parameters(config) * logits_tokens


def flops_formula(config) -> str:
    n = non_embedding_parameters(config)
    return (
        f"FLOPs: forward = tokens x (2N + 4·L·d·ctx) + 2·d·V per logits row (N = {n / 1e6:.1f}M non-embedding, "
        f"L = {config.num_hidden_layers}, d = {config.hidden_size}, V = {config.vocab_size}); "
        "full fine-tuning 3x forward; LoRA 2x forward + 6 x adapter parameters x tokens"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--tokens", type=int, default=2048)
    args = parser.parse_args()
    from transformers import AutoConfig

    from reasonrank_assets.core.models import resolve_model

    config = AutoConfig.from_pretrained(resolve_model(args.model))
    print(measure(config, args.tokens).line())
    print(flops_formula(config))


if __name__ == "__main__":
    main()
