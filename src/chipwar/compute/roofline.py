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
    """Bytes per cached key/value at a weight precision: the weight precision's bytes, never
    below 1 byte (an fp4 model keeps its KV cache in 8 bits).

    b_kv = max(b_w(precision), 1)

    Parameters
    ----------
    precision : str
        Weight precision, a key of :data:`BYTES_PER_VALUE` (``bf16``, ``fp8``, …).

    Returns
    -------
    float
        b_kv [B/value].

    References
    ----------
    ``assumption-workload-kv-precision`` (``data/sources/workloads.yaml``).

    Examples
    --------
    >>> kv_bytes_for("bf16"), kv_bytes_for("fp4")
    (2.0, 1.0)
    """
    return max(BYTES_PER_VALUE[precision], 1.0)


def weights_bytes(params: Any, bytes_per_param: Any) -> FloatArray:
    """Weight memory of a model.

    W = N · b_w

    Parameters
    ----------
    params : array_like
        Parameters N [count].
    bytes_per_param : array_like
        b_w [B/param] (:data:`BYTES_PER_VALUE`).

    Returns
    -------
    numpy.ndarray
        W [B].

    Examples
    --------
    >>> float(weights_bytes(70e9, 2.0)) / 1e9
    140.0
    """
    return np.asarray(params, dtype=float) * np.asarray(bytes_per_param, dtype=float)


def kv_bytes_per_token(kv_values_per_token: Any, kv_bytes_per_value: Any) -> FloatArray:
    """KV-cache bytes per token held.

    KV/token = values per token · b_kv; GQA: values = 2·L·n_kv·d_head; MLA:
    values = L·(kv_lora_rank + qk_rope_head_dim).

    Parameters
    ----------
    kv_values_per_token : array_like
        Cached values per token [count] (``ModelSpec.kv_values_per_token``).
    kv_bytes_per_value : array_like
        b_kv [B/value] (:func:`kv_bytes_for`).

    Returns
    -------
    numpy.ndarray
        KV/token [B/token].

    References
    ----------
    MLA: ``deepseek-2024-v3-report``; model shapes: the ``hf-*`` configs in
    ``data/sources/workloads.yaml``.
    """
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
    """Accelerators needed to hold one replica (weights and its KV cache).

    n = ceil((W + KV/token · batch · context) / (memory_gb · 10⁹ · f_usable))

    Parameters
    ----------
    weights_b : array_like
        W [B].
    kv_b_per_token : array_like
        KV/token [B/token].
    batch : array_like
        Sequences held together [count].
    context_tokens : array_like
        Tokens held per sequence [tokens].
    memory_gb : array_like
        Accelerator memory [GB].
    usable_memory_fraction : array_like
        Share of memory usable for weights and cache [dimensionless]
        (``data/workload_assumptions.yaml``).

    Returns
    -------
    numpy.ndarray
        n [count], whole accelerators.

    Examples
    --------
    >>> float(chips_to_hold(140e9, 0.0, 1, 1, 80, 0.9))
    2.0
    """
    need = np.asarray(weights_b, dtype=float) + np.asarray(kv_b_per_token, dtype=float) * (
        np.asarray(batch, dtype=float) * np.asarray(context_tokens, dtype=float)
    )
    capacity = np.asarray(memory_gb, dtype=float) * 1e9 * np.asarray(usable_memory_fraction)
    return np.ceil(need / capacity)


def experts_touched_fraction(batch: Any, experts: Any, experts_per_token: Any) -> FloatArray:
    """Expected share of a mixture-of-experts model's routed experts read in one decode step,
    with uniform routing.

    touched = 1 − (1 − k/E)^batch   (1 for a dense model, E = k = 1)

    Parameters
    ----------
    batch : array_like
        Sequences decoded together [count].
    experts : array_like
        Routed experts per layer E [count].
    experts_per_token : array_like
        Experts chosen per token k [count].

    Returns
    -------
    numpy.ndarray
        touched [fraction].

    Examples
    --------
    >>> float(experts_touched_fraction(1, 256, 8))
    0.03125
    """
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
    """Bytes read from memory by one replica per decode step.

    bytes = (N − N_routed + N_routed · touched) · b_w + KV/token · batch · context

    Parameters
    ----------
    params, routed_params : array_like
        All parameters N and the routed experts' N_routed [count].
    experts, experts_per_token : array_like
        E and k (:func:`experts_touched_fraction`) [count].
    bytes_per_param : array_like
        b_w [B/param].
    kv_b_per_token : array_like
        KV/token [B/token].
    batch : array_like
        Sequences decoded together [count].
    context_tokens : array_like
        Tokens attended per sequence [tokens].

    Returns
    -------
    numpy.ndarray
        Bytes per step [B].
    """
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
    """Attention score and value FLOPs per token.

    F_attn = 2 · L · H · (d_qk + d_v) · c

    Parameters
    ----------
    layers, attention_heads : array_like
        L and H [count].
    qk_head_dim, v_head_dim : array_like
        d_qk and d_v [values per head].
    attended_tokens : array_like
        c, tokens attended [tokens].

    Returns
    -------
    numpy.ndarray
        F_attn [FLOP/token].

    References
    ----------
    ``palm-2022-mfu`` (appendix B, model FLOPs per token).
    """
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
    """Forward-pass FLOPs per token: the matrix multiplications plus attention.

    F = 2 · N_active + 2 · L · H · (d_qk + d_v) · c

    Parameters
    ----------
    active_params : array_like
        N_active, parameters used per token [count].
    layers, attention_heads, qk_head_dim, v_head_dim, attended_tokens : array_like
        As in :func:`attention_flops_per_token`.

    Returns
    -------
    numpy.ndarray
        F [FLOP/token].

    References
    ----------
    ``palm-2022-mfu``; ``kaplan-2020-scaling-laws`` (2·N per token).

    Examples
    --------
    >>> float(forward_flops_per_token(8e9, 0, 0, 0, 0, 0)) / 1e9
    16.0
    """
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
    """Roofline estimate of serving a model, for every broadcast combination of model, chip and
    setting.

    prefill/chip = min(P·η_c / F(c/2), batch · c · B·η_bw / W);
    decode/chip = min(batch · B·η_bw / bytes_per_step, P·η_c / F(c)); a replica's rate is divided
    by the chips it spans (F: :func:`forward_flops_per_token`, bytes_per_step:
    :func:`decode_bytes_per_step`, chips: :func:`chips_to_hold`).

    Parameters
    ----------
    params, active_params, routed_params : array_like
        N, N_active and N_routed [count].
    experts, experts_per_token : array_like
        E and k of a mixture of experts (1 and 1 for a dense model) [count].
    layers, attention_heads, qk_head_dim, v_head_dim : array_like
        L, H [count]; d_qk, d_v [values per head].
    kv_values_per_token : array_like
        Cached values per token [count].
    peak_tflops : array_like
        P, dense peak at the serving precision [TFLOPS].
    memory_gb, memory_bandwidth_tbps : array_like
        Accelerator memory [GB] and bandwidth B [TB/s].
    bytes_per_param, kv_bytes_per_value : array_like
        b_w [B/param] and b_kv [B/value].
    batch, context_tokens : array_like
        Sequences decoded together [count] and tokens per sequence c [tokens].
    compute_efficiency, bandwidth_efficiency, usable_memory_fraction : array_like
        η_c, η_bw and f_usable [fraction] (``assumption-workload-compute-efficiency``,
        ``assumption-workload-bandwidth-efficiency``).

    Returns
    -------
    dict of str to numpy.ndarray
        ``weights_gb``, ``kv_cache_gb`` (batch × context) [GB]; ``chips_to_hold_model`` [count];
        ``prefill_tokens_per_s_per_chip``, ``decode_tokens_per_s_per_chip`` (output tokens),
        ``decode_memory_bound_tokens_per_s_per_chip``,
        ``decode_compute_bound_tokens_per_s_per_chip`` [tokens/s]; ``decode_memory_bound``
        [bool]; ``decode_ms_per_token`` (inter-token latency) [ms].

    References
    ----------
    ``palm-2022-mfu`` (FLOPs per token), ``deepseek-2024-v3-report`` (MLA, MoE); validated
    against ``nvidia-2023-trtllm-perf-h100`` in ``tests/test_workload_validation.py``.
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
    """Output tokens per second when each request's prefill and decode run back to back on the
    same chips.

    rate = L_out / (L_in / prefill + L_out / decode)

    Parameters
    ----------
    prefill_tokens_per_s, decode_tokens_per_s : array_like
        Prefill (input) and decode (output) rates [tokens/s].
    input_tokens, output_tokens : array_like
        L_in and L_out per request [tokens].

    Returns
    -------
    numpy.ndarray
        Served output tokens per second [tokens/s].
    """
    lin = np.asarray(input_tokens, dtype=float)
    lout = np.asarray(output_tokens, dtype=float)
    return lout / (lin / np.asarray(prefill_tokens_per_s) + lout / np.asarray(decode_tokens_per_s))


def per_million_tokens(per_accelerator_hour: Any, tokens_per_s_per_chip: Any) -> FloatArray:
    """Cost or energy per million tokens from its per-accelerator-hour value.

    x_Mtok = x_h / (tokens/s · 3600) · 10⁶

    Parameters
    ----------
    per_accelerator_hour : array_like
        x_h [USD/h or kWh/h] (:func:`chipwar.compute.tco.tco_frame`).
    tokens_per_s_per_chip : array_like
        Throughput of one accelerator [tokens/s].

    Returns
    -------
    numpy.ndarray
        x_Mtok [USD or kWh per million tokens].

    Examples
    --------
    >>> float(per_million_tokens(3.6, 1000))
    1.0
    """
    return (
        np.asarray(per_accelerator_hour, dtype=float)
        / (np.asarray(tokens_per_s_per_chip, dtype=float) * 3600.0)
        * 1e6
    )


def power_bill_per_mtok(
    kwh_per_mtok: Any, price_usd_per_kwh: Any, subsidy: Any = 0.0
) -> FloatArray:
    """Electricity bill per million tokens.

    bill = E · p · (1 − s)

    Parameters
    ----------
    kwh_per_mtok : array_like
        E [kWh per million tokens].
    price_usd_per_kwh : array_like
        p [USD/kWh].
    subsidy : array_like, optional
        s, share of the bill waived [fraction] (default 0).

    Returns
    -------
    numpy.ndarray
        bill [USD per million tokens].
    """
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
    """Power-bill discount that makes a chip's electricity bill per token equal a reference
    chip's.

    s = 1 − E_ref · p_ref · (1 − s_ref) / (E · p);   s ≤ 0: no subsidy needed

    Parameters
    ----------
    kwh_per_mtok, price_usd_per_kwh : array_like
        E [kWh/Mtok] and p [USD/kWh] of the chip.
    reference_kwh_per_mtok, reference_price_usd_per_kwh : array_like
        E_ref and p_ref of the reference chip.
    reference_subsidy : array_like, optional
        s_ref, the reference's own discount [fraction] (default 0).

    Returns
    -------
    numpy.ndarray
        s [fraction of the chip's bill].

    Examples
    --------
    >>> round(float(equalising_subsidy(2.0, 0.1, 1.0, 0.1)), 3)
    0.5
    """
    ref = power_bill_per_mtok(
        reference_kwh_per_mtok, reference_price_usd_per_kwh, reference_subsidy
    )
    return 1.0 - ref / power_bill_per_mtok(kwh_per_mtok, price_usd_per_kwh)
