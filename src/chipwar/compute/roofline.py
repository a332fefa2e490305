"""Inference roofline: memory and throughput of serving a language model on one accelerator,
and the per-token cost and energy that follow. Pure array functions: every argument broadcasts,
units in the names; no catalog look-up (the frame builders of :mod:`chipwar.compute.workload`
do that).

Equations (sources in ``data/sources/workloads.yaml``):

* weights [B] = N · b_w; KV cache per token [B] = 2·L·n_kv·d_head·b_kv (GQA) or
  L·(r_kv + d_rope)·b_kv (MLA, ``deepseek-2024-v3-report``).
* chips to hold a replica = ceil((weights + KV/token · batch · context) / (memory · f_usable)).
* forward FLOPs per token = 2·N_active + 2·L·H·(d_qk + d_v)·c (``palm-2022-mfu``), c = context
  attended (prefill: L_ctx/2 on average, decode: L_ctx).
* prefill tokens/s per chip = min(peak·η_c / FLOPs(c/2), batch·context·BW·η_bw / bytes_weights).
* decode tokens/s per chip = min(batch·BW·η_bw / bytes read per step, peak·η_c / FLOPs(c));
  bytes read per step = (N − N_routed + N_routed·(1 − (1 − k/E)^batch))·b_w + KV/token·batch·c.
* USD (kWh) per million tokens = per-accelerator-hour figure / (tokens/s per chip · 3600) · 10⁶.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FloatArray = np.ndarray

BYTES_PER_VALUE: dict[str, float] = {
    "fp32": 4.0, "tf32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "fp4": 0.5,
}  # fmt: skip


INFERENCE_PRECISIONS: tuple[str, ...] = ("bf16", "fp16", "fp8", "int8", "fp4")


def kv_bytes_for(precision: str) -> float:
    """KV-cache bytes per value: the weight precision, never below 1 byte
    (``assumption-workload-kv-precision``)."""
    return max(BYTES_PER_VALUE[precision], 1.0)


def weights_bytes(params: Any, bytes_per_param: Any) -> FloatArray:
    """Weight memory [B] = N [count] · b_w [B/param]."""
    return np.asarray(params, dtype=float) * np.asarray(bytes_per_param, dtype=float)


def kv_bytes_per_token(kv_values_per_token: Any, kv_bytes_per_value: Any) -> FloatArray:
    """KV cache per token [B] = cached values per token · bytes per value.

    GQA: values = 2·L·n_kv·d_head; MLA: values = L·(kv_lora_rank + qk_rope_head_dim)."""
    return np.asarray(kv_values_per_token, dtype=float) * np.asarray(
        kv_bytes_per_value, dtype=float
    )


def chips_to_hold(
    weights_b: Any,
    kv_b_per_token: Any,
    batch: Any,
    context_tokens: Any,
    memory_gb: Any,
    usable_memory_fraction: Any,
) -> FloatArray:
    """Accelerators needed to hold one replica [count]:
    ceil((weights + KV/token · batch · context) / (memory_gb·1e9 · f_usable))."""
    need = np.asarray(weights_b, dtype=float) + np.asarray(kv_b_per_token, dtype=float) * (
        np.asarray(batch, dtype=float) * np.asarray(context_tokens, dtype=float)
    )
    capacity = np.asarray(memory_gb, dtype=float) * 1e9 * np.asarray(usable_memory_fraction)
    return np.ceil(need / capacity)


def experts_touched_fraction(batch: Any, experts: Any, experts_per_token: Any) -> FloatArray:
    """Expected share of routed experts read in one decode step: 1 − (1 − k/E)^batch
    (uniform routing; 1 for a dense model where E = k = 1)."""
    e = np.asarray(experts, dtype=float)
    k = np.asarray(experts_per_token, dtype=float)
    return 1.0 - (1.0 - k / e) ** np.asarray(batch, dtype=float)


def decode_bytes_per_step(
    params: Any,
    routed_params: Any,
    experts: Any,
    experts_per_token: Any,
    bytes_per_param: Any,
    kv_b_per_token: Any,
    batch: Any,
    context_tokens: Any,
) -> FloatArray:
    """Bytes read from memory per decode step of a replica [B]:
    (N − N_routed + N_routed·touched)·b_w + KV/token · batch · context."""
    routed = np.asarray(routed_params, dtype=float)
    touched = experts_touched_fraction(batch, experts, experts_per_token)
    weights_read = (np.asarray(params, dtype=float) - routed + routed * touched) * np.asarray(
        bytes_per_param, dtype=float
    )
    return weights_read + np.asarray(kv_b_per_token, dtype=float) * np.asarray(
        batch, dtype=float
    ) * np.asarray(context_tokens, dtype=float)


def attention_flops_per_token(
    layers: Any, attention_heads: Any, qk_head_dim: Any, v_head_dim: Any, attended_tokens: Any
) -> FloatArray:
    """Attention score and value FLOPs per token [FLOP] = 2·L·H·(d_qk + d_v)·c (palm-2022-mfu)."""
    return (
        2.0
        * np.asarray(layers, dtype=float)
        * np.asarray(attention_heads, dtype=float)
        * (np.asarray(qk_head_dim, dtype=float) + np.asarray(v_head_dim, dtype=float))
        * np.asarray(attended_tokens, dtype=float)
    )


def forward_flops_per_token(
    active_params: Any,
    layers: Any,
    attention_heads: Any,
    qk_head_dim: Any,
    v_head_dim: Any,
    attended_tokens: Any,
) -> FloatArray:
    """Forward FLOPs per token [FLOP] = 2·N_active + 2·L·H·(d_qk + d_v)·c."""
    return 2.0 * np.asarray(active_params, dtype=float) + attention_flops_per_token(
        layers, attention_heads, qk_head_dim, v_head_dim, attended_tokens
    )


def inference_roofline(
    *,
    params: Any,
    active_params: Any,
    routed_params: Any,
    experts: Any,
    experts_per_token: Any,
    layers: Any,
    attention_heads: Any,
    qk_head_dim: Any,
    v_head_dim: Any,
    kv_values_per_token: Any,
    peak_tflops: Any,
    memory_gb: Any,
    memory_bandwidth_tbps: Any,
    bytes_per_param: Any,
    kv_bytes_per_value: Any,
    batch: Any,
    context_tokens: Any,
    compute_efficiency: Any,
    bandwidth_efficiency: Any,
    usable_memory_fraction: Any,
) -> dict[str, FloatArray]:
    """Roofline estimate for every broadcast combination of model, chip and setting.

    Returns arrays: ``weights_gb``, ``kv_cache_gb`` (batch × context), ``chips_to_hold_model``,
    ``prefill_tokens_per_s_per_chip``, ``decode_tokens_per_s_per_chip`` (output tokens),
    ``decode_memory_bound_tokens_per_s_per_chip``, ``decode_compute_bound_tokens_per_s_per_chip``,
    ``decode_memory_bound`` (bool) and ``decode_ms_per_token`` (inter-token latency).
    Per-chip rates divide a replica's rate by the chips it spans: batch·BW/bytes_per_step.
    """
    w = weights_bytes(params, bytes_per_param)
    kv_tok = kv_bytes_per_token(kv_values_per_token, kv_bytes_per_value)
    batch_f = np.asarray(batch, dtype=float)
    ctx = np.asarray(context_tokens, dtype=float)
    n_hold = chips_to_hold(w, kv_tok, batch_f, ctx, memory_gb, usable_memory_fraction)
    flops_s = np.asarray(peak_tflops, dtype=float) * 1e12 * np.asarray(compute_efficiency)
    bw = np.asarray(memory_bandwidth_tbps, dtype=float) * 1e12 * np.asarray(bandwidth_efficiency)

    prefill_compute = flops_s / forward_flops_per_token(
        active_params, layers, attention_heads, qk_head_dim, v_head_dim, ctx / 2.0
    )
    prefill_memory = batch_f * ctx * bw / w
    prefill = np.minimum(prefill_compute, prefill_memory)

    step_bytes = decode_bytes_per_step(
        params, routed_params, experts, experts_per_token, bytes_per_param, kv_tok, batch_f, ctx
    )
    decode_memory = batch_f * bw / step_bytes
    decode_compute = flops_s / forward_flops_per_token(
        active_params, layers, attention_heads, qk_head_dim, v_head_dim, ctx
    )
    decode = np.minimum(decode_memory, decode_compute)
    with np.errstate(divide="ignore", invalid="ignore"):
        ms_per_token = 1e3 * batch_f / (decode * n_hold)
    return {
        "weights_gb": w / 1e9,
        "kv_cache_gb": kv_tok * batch_f * ctx / 1e9,
        "chips_to_hold_model": n_hold,
        "prefill_tokens_per_s_per_chip": prefill,
        "decode_tokens_per_s_per_chip": decode,
        "decode_memory_bound_tokens_per_s_per_chip": decode_memory,
        "decode_compute_bound_tokens_per_s_per_chip": decode_compute,
        "decode_memory_bound": decode_memory <= decode_compute,
        "decode_ms_per_token": ms_per_token,
    }


def served_output_tokens_per_s(
    prefill_tokens_per_s: Any, decode_tokens_per_s: Any, input_tokens: Any, output_tokens: Any
) -> FloatArray:
    """Output tokens/s when each request's prefill and decode run back to back on the same chips:
    L_out / (L_in / prefill + L_out / decode) [tokens/s]."""
    lin = np.asarray(input_tokens, dtype=float)
    lout = np.asarray(output_tokens, dtype=float)
    return lout / (lin / np.asarray(prefill_tokens_per_s) + lout / np.asarray(decode_tokens_per_s))


def per_million_tokens(per_accelerator_hour: Any, tokens_per_s_per_chip: Any) -> FloatArray:
    """Cost or energy per million tokens = per-accelerator-hour value / (tokens/s · 3600) · 1e6."""
    return (
        np.asarray(per_accelerator_hour, dtype=float)
        / (np.asarray(tokens_per_s_per_chip, dtype=float) * 3600.0)
        * 1e6
    )


def power_bill_per_mtok(
    kwh_per_mtok: Any, price_usd_per_kwh: Any, subsidy: Any = 0.0
) -> FloatArray:
    """Electricity bill per million tokens [USD/Mtok] = kWh/Mtok · price · (1 − subsidy)."""
    return (
        np.asarray(kwh_per_mtok, dtype=float)
        * np.asarray(price_usd_per_kwh, dtype=float)
        * (1.0 - np.asarray(subsidy, dtype=float))
    )


def equalising_subsidy(
    kwh_per_mtok: Any,
    price_usd_per_kwh: Any,
    reference_kwh_per_mtok: Any,
    reference_price_usd_per_kwh: Any,
    reference_subsidy: Any = 0.0,
) -> FloatArray:
    """Power-bill discount s that makes a chip's electricity bill per token equal a reference's:
    s = 1 − (E_ref · p_ref · (1 − s_ref)) / (E · p). s ≤ 0: no subsidy needed."""
    ref = power_bill_per_mtok(
        reference_kwh_per_mtok, reference_price_usd_per_kwh, reference_subsidy
    )
    return 1.0 - ref / power_bill_per_mtok(kwh_per_mtok, price_usd_per_kwh)
