"""Workload model: inference and training estimates per model × chip × site, and the FT
claim's energy gap.

Thin frame builders that look chips, sites and models up, evaluate the roofline
(:mod:`chipwar.compute.roofline`) and join the compute engine's
:func:`chipwar.compute.tco.tco_frame` for cost and energy per accelerator-hour. Cluster sizing is
:mod:`chipwar.compute.sizing`.

Training (sources in ``data/sources/workloads.yaml``): FLOPs = 6·N_active·D
(``kaplan-2020-scaling-laws``), optionally + 6·L·H·(d_qk+d_v)·T·D; chip-hours = FLOPs / (peak ·
MFU · 3600); days = chip-hours / (K · 24).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from chipwar.catalog.accelerators import Accelerator, get_accelerator
from chipwar.catalog.sites import Site, get_site
from chipwar.compute.models import (
    ModelSpec,
    WorkloadAssumptions,
    get_model,
    load_workload_assumptions,
    model_arrays,
)
from chipwar.compute.options import TcoOptions
from chipwar.compute.roofline import (
    BYTES_PER_VALUE,
    INFERENCE_PRECISIONS,
    FloatArray,
    attention_flops_per_token,
    equalising_subsidy,
    inference_roofline,
    kv_bytes_for,
    power_bill_per_mtok,
)
from chipwar.errors import InputError, NotApplicableError

DEFAULT_CONTEXT_TOKENS = 4096
"""Context held per sequence when none is given [tokens] (a modelling default, clipped to the
model's maximum)."""

MAX_CLUSTER_CHIPS = 1e12
MAX_TRAINING_TOKENS = 1e16
"""Plausibility bound (not sourced) on training tokens: ~300 times the largest published
pre-training runs (tens of trillions of tokens)."""
PLAUSIBLE_TRAINING_TOKENS = (1e9, 1e14)
"""Plausible training tokens (**plausibility, not sourced**): from a billion to ~3 times the
largest published pre-training runs (tens of trillions); outside, ``train`` warns (and suggests
trillions when a bare number such as 15 was probably meant as 15 trillion)."""
PLAUSIBLE_TRAINING_DAYS = 3650.0
"""A training run longer than ten years on the given cluster is answered with a warning that
suggests the cluster size for 90 days (**plausibility, not sourced**)."""
MAX_TRAINING_FLOPS = 1e32
"""Plausibility bound (not sourced) on a training run's FLOPs: ~a million times the largest
published runs (~5e25)."""
MIN_EFFICIENCY = 1e-3
"""Plausibility bound (not sourced) on MFU and the roofline efficiencies: 0.1 % is far below any
reported figure; smaller values only produce run times of 1e300 hours."""
MAX_GRID_ROWS = 1_000_000
"""Most rows one ``infer_frame`` call answers (models × chips × sites × precisions × batches ×
contexts): a million rows is ~0.5 GB as a DataFrame and far more than a table can show."""
MAX_BATCH = 1_000_000
"""Plausibility bound (not sourced) on sequences decoded together: far above any serving batch,
low enough that KV-cache sizes stay finite."""
"""Sizing answers above this many accelerators are refused as input errors (the count would
not fit an integer, and no such cluster is meaningful)."""


# --------------------------------------------------------------------------------------------
# Pure array functions
# --------------------------------------------------------------------------------------------


def training_flops(
    active_params: Any,
    tokens: Any,
    *,
    layers: Any = 0.0,
    attention_heads: Any = 0.0,
    qk_head_dim: Any = 0.0,
    v_head_dim: Any = 0.0,
    seq_len: Any = 0.0,
) -> FloatArray:
    """Total FLOPs of a training run.

    C = 6 · N_active · D + 6 · L · H · (d_qk + d_v) · T · D

    The second term (attention over sequences of T tokens) is zero unless the attention
    arguments are given.

    Parameters
    ----------
    active_params : array_like
        N_active, parameters used per token [count].
    tokens : array_like
        D, training tokens [tokens].
    layers, attention_heads : array_like, optional
        L and H [count].
    qk_head_dim, v_head_dim : array_like, optional
        d_qk and d_v [values per head].
    seq_len : array_like, optional
        T, training sequence length [tokens].

    Returns
    -------
    numpy.ndarray
        C [FLOP].

    References
    ----------
    ``kaplan-2020-scaling-laws`` (6·N·D); ``palm-2022-mfu`` (attention term).

    Examples
    --------
    >>> float(training_flops(8e9, 15e12))
    7.2e+23
    """
    d = np.asarray(tokens, dtype=float)
    dense = 6.0 * np.asarray(active_params, dtype=float) * d
    attn = 3.0 * attention_flops_per_token(
        layers, attention_heads, qk_head_dim, v_head_dim, seq_len
    )
    return dense + attn * d


def training_chip_hours(total_flops: Any, peak_tflops: Any, mfu: Any) -> FloatArray:
    """Accelerator-hours of a training run.

    h = C / (peak · 10¹² · MFU · 3600)

    Parameters
    ----------
    total_flops : array_like
        C [FLOP].
    peak_tflops : array_like
        Dense peak at the training precision [TFLOPS].
    mfu : array_like
        Model-FLOPs utilisation [fraction] (``data/workload_assumptions.yaml``,
        ``meta-2024-llama3-mfu``).

    Returns
    -------
    numpy.ndarray
        h [accelerator-hours].

    Examples
    --------
    >>> float(training_chip_hours(3.6e18, 1000, 1.0))
    1.0
    """
    return np.asarray(total_flops, dtype=float) / (
        np.asarray(peak_tflops, dtype=float) * 1e12 * np.asarray(mfu, dtype=float) * 3600.0
    )


# --------------------------------------------------------------------------------------------
# Frame builders (catalog look-ups + compute engine join)
# --------------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str | ModelSpec | Accelerator | Site) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def resolve_chips(chips: Sequence[str | Accelerator] | str | Accelerator) -> list[Accelerator]:
    out = [c if isinstance(c, Accelerator) else get_accelerator(c) for c in _as_list(chips)]
    if not out:
        raise InputError("chip", [], "at least one accelerator id")
    return out


def resolve_sites(sites: Sequence[str | Site] | str | Site) -> list[Site]:
    out = [s if isinstance(s, Site) else get_site(s) for s in _as_list(sites)]
    if not out:
        raise InputError("site", [], "at least one site id")
    return out


def check_precision(precision: str, allowed: Sequence[str] = INFERENCE_PRECISIONS) -> str:
    if precision not in allowed:
        raise InputError("precision", precision, f"one of {', '.join(allowed)}")
    return precision


def chip_peak_tflops(chip: Accelerator, precision: str) -> float:
    """Dense peak at a precision [TFLOPS or TOPS for int8]; NotApplicableError if not listed."""
    value = chip.dense_tflops.get(precision)
    if value is None:
        listed = ", ".join(sorted(chip.dense_tflops)) or "none"
        raise NotApplicableError(
            f"chip {chip.id!r} has no dense {precision} throughput, so it cannot run {precision}; "
            f"it lists: {listed}"
        )
    return float(value)


def _chip_memory(chip: Accelerator) -> tuple[float, float]:
    if chip.memory_gb is None or chip.memory_bandwidth_tbps is None:
        missing = "memory_gb" if chip.memory_gb is None else "memory_bandwidth_tbps"
        raise NotApplicableError(
            f"chip {chip.id!r} has no {missing} in the catalog; the roofline needs it "
            "(pass a --spec file with the value)"
        )
    return float(chip.memory_gb), float(chip.memory_bandwidth_tbps)


def _positive(field: str, values: Sequence[float], integer: bool = False) -> list[float]:
    out = []
    for v in values:
        if (
            not isinstance(v, int | float | np.integer | np.floating)
            or not math.isfinite(v)
            or v <= 0
        ):
            raise InputError(field, v, "a number > 0")
        if integer and float(v) != int(v):
            raise InputError(field, v, "a whole number > 0")
        out.append(float(v))
    if not out:
        raise InputError(field, [], "at least one value > 0")
    return out


def efficiency_or_default(value: float | None, default: float, field: str) -> float:
    if value is None:
        return default
    if not (MIN_EFFICIENCY <= value <= 1):
        raise InputError(field, value, f"a fraction in [{MIN_EFFICIENCY:g}, 1]")
    return float(value)


def tco_costs(
    chips: list[Accelerator], sites: list[Site], precision: str, tco: TcoOptions | None
) -> pd.DataFrame:
    """Per chip × site cost/energy per accelerator-hour from the compute engine, at the
    workload's ``precision`` and the other TCO options of ``tco``."""
    from chipwar.compute.tco import tco_frame  # the compute engine

    options = (tco or TcoOptions()).replace(precision=precision)
    return tco_frame(chips, sites, **options.engine_kwargs())


def _cost_matrix(
    costs: pd.DataFrame, chip_ids: Sequence[str], site_ids: Sequence[str], col: str
) -> FloatArray:
    """A tco_frame column as a (chips, sites) array, matched on the chip and site ids."""
    n_c, n_s = len(chip_ids), len(site_ids)
    expected_chip = np.repeat(np.asarray(chip_ids, dtype=object), n_s)
    expected_site = np.tile(np.asarray(site_ids, dtype=object), n_c)
    if (
        len(costs) == n_c * n_s
        and (costs["chip"].to_numpy(dtype=object) == expected_chip).all()
        and (costs["site"].to_numpy(dtype=object) == expected_site).all()
    ):
        return costs[col].to_numpy(dtype=float).reshape(n_c, n_s)
    lookup = costs.drop_duplicates(["chip", "site"]).set_index(["chip", "site"])[col]
    idx = pd.MultiIndex.from_arrays([expected_chip, expected_site])
    return lookup.reindex(idx).to_numpy(dtype=float).reshape(n_c, n_s)


def gather_cost_column(
    costs: pd.DataFrame, chip_list: list[Accelerator], site_list: list[Site], col: str
) -> FloatArray:
    """A tco_frame column flattened chip-major (the order of np.indices((chips, sites)))."""
    ids_c, ids_s = [c.id for c in chip_list], [s.id for s in site_list]
    return _cost_matrix(costs, ids_c, ids_s, col).ravel()


def _categorical(labels: Sequence[str], codes: np.ndarray) -> Any:
    """String column built from integer codes (fast for 10^5+ rows); duplicates allowed."""
    uniq = list(dict.fromkeys(labels))
    pos = np.asarray([uniq.index(x) for x in labels], dtype=np.int64)
    return pd.Categorical.from_codes(pos[codes], categories=pd.Index(uniq))


def infer_frame(
    models: Sequence[str | ModelSpec] | str | ModelSpec,
    chips: Sequence[str | Accelerator] | str | Accelerator,
    sites: Sequence[str | Site] | str | Site | None = None,
    *,
    precision: Sequence[str] | str = "bf16",
    batch: Sequence[float] | float = 1,
    context: Sequence[float] | float | None = None,
    chips_per_replica: int | None = None,
    compute_efficiency: float | None = None,
    bandwidth_efficiency: float | None = None,
    usable_memory_fraction: float | None = None,
    assumptions: WorkloadAssumptions | None = None,
    tco: TcoOptions | None = None,
) -> pd.DataFrame:
    """Inference estimate for every model × chip × site × precision × batch × context (one call).

    Columns: model, chip, site, precision, batch, context, chips_to_hold_model,
    prefill_tokens_per_s_per_chip, decode_tokens_per_s_per_chip (output tokens), decode_bound,
    decode_ms_per_token, weights_gb, kv_cache_gb, and with sites: usd_per_mtok, kwh_per_mtok (per
    million output tokens), usd_per_mtok_prefill, kwh_per_mtok_prefill.
    ``chips_per_replica``: the chips available to one replica; a model that needs more raises.
    Without sites the cost columns are omitted (no compute-engine call).
    """
    a = assumptions or load_workload_assumptions()
    eta_c = efficiency_or_default(
        compute_efficiency, a.compute_efficiency.base, "compute_efficiency"
    )
    eta_bw = efficiency_or_default(
        bandwidth_efficiency, a.bandwidth_efficiency.base, "bandwidth_efficiency"
    )
    f_mem = efficiency_or_default(
        usable_memory_fraction, a.usable_memory_fraction.base, "usable_memory_fraction"
    )
    model_list = [get_model(m) for m in _as_list(models)]
    if not model_list:
        raise InputError("model", [], "at least one model id")
    chip_list = resolve_chips(chips)
    site_list = resolve_sites(sites) if sites is not None else []
    precisions = [check_precision(p) for p in _as_list(precision)]
    batches = _positive("batch", _as_list(batch), integer=True)
    over = [b for b in batches if b > MAX_BATCH]
    if over:
        raise InputError("batch", over[0], f"a whole number from 1 to {MAX_BATCH:,}")
    if chips_per_replica is not None:
        _positive("chips", [chips_per_replica], integer=True)
        if chips_per_replica > MAX_CLUSTER_CHIPS:
            raise InputError("chips", chips_per_replica, f"at most {MAX_CLUSTER_CHIPS:.0e}")
    n_ctx_given = 1 if context is None else len(_as_list(context))
    rows = (
        len(model_list) * len(chip_list) * max(len(site_list), 1) * len(precisions)
        * len(batches) * n_ctx_given
    )  # fmt: skip
    if rows > MAX_GRID_ROWS:
        raise InputError(
            "models × chips × sites × precisions × batches × contexts",
            f"{rows:,} rows",
            f"at most {MAX_GRID_ROWS:,} rows in one call",
        )

    ma = model_arrays(model_list)
    if context is None:
        ctx_grid = np.minimum(ma.max_context, DEFAULT_CONTEXT_TOKENS)[:, None]  # per model
    else:
        ctxs = _positive("context", _as_list(context), integer=True)
        for m in model_list:
            too_long = [c for c in ctxs if c > m.max_context]
            if too_long:
                raise InputError("context", int(too_long[0]), f"<= {m.max_context} for {m.id}")
        ctx_grid = np.broadcast_to(np.asarray(ctxs), (len(model_list), len(ctxs)))

    # chip × precision tables (raise for a precision a chip lacks)
    peak = np.empty((len(chip_list), len(precisions)))
    mem = np.empty(len(chip_list))
    bw = np.empty(len(chip_list))
    for i, c in enumerate(chip_list):
        mem[i], bw[i] = _chip_memory(c)
        for j, p in enumerate(precisions):
            peak[i, j] = chip_peak_tflops(c, p)

    n_ctx = ctx_grid.shape[1]
    n_sites = max(len(site_list), 1)
    # The roofline does not depend on the site: evaluate it once per model × chip × precision ×
    # batch × context ("core" grid) and broadcast over sites by an index (rows stay in
    # model, chip, site, precision, batch, context order).
    n_m, n_c, n_p, n_b = len(model_list), len(chip_list), len(precisions), len(batches)
    core_shape = (n_m, n_c, n_p, n_b, n_ctx)
    im, ic, ip, ib, ix = (g.ravel() for g in np.indices(core_shape))
    shape = (n_m, n_c, n_sites, n_p, n_b, n_ctx)
    prec_arr = np.asarray(precisions)
    bpp = np.asarray([BYTES_PER_VALUE[p] for p in precisions])[ip]
    kvb = np.asarray([kv_bytes_for(p) for p in precisions])[ip]
    batch_arr = np.asarray(batches)[ib]
    ctx_arr = ctx_grid[im, ix]

    r = inference_roofline(
        params=ma.params[im],
        active_params=ma.active_params[im],
        routed_params=ma.routed_params[im],
        experts=ma.experts[im],
        experts_per_token=ma.experts_per_token[im],
        layers=ma.layers[im],
        attention_heads=ma.attention_heads[im],
        qk_head_dim=ma.qk_head_dim[im],
        v_head_dim=ma.v_head_dim[im],
        kv_values_per_token=ma.kv_values_per_token[im],
        peak_tflops=peak[ic, ip],
        memory_gb=mem[ic],
        memory_bandwidth_tbps=bw[ic],
        bytes_per_param=bpp,
        kv_bytes_per_value=kvb,
        batch=batch_arr,
        context_tokens=ctx_arr,
        compute_efficiency=eta_c,
        bandwidth_efficiency=eta_bw,
        usable_memory_fraction=f_mem,
    )
    if chips_per_replica is not None:
        too_big = r["chips_to_hold_model"] > chips_per_replica
        if too_big.any():
            k = int(np.argmax(too_big))
            raise NotApplicableError(
                f"model {ma.ids[im[k]]!r} at {prec_arr[ip[k]]} with batch {int(batch_arr[k])} "
                f"and context {int(ctx_arr[k])} needs {int(r['chips_to_hold_model'][k])} "
                f"x {chip_list[ic[k]].id} to hold weights and KV cache; chips given: "
                f"{chips_per_replica}"
            )
    chip_ids = [c.id for c in chip_list]
    site_ids = [s.id for s in site_list]
    n_rows = int(np.prod(shape))

    def over_sites(core: np.ndarray) -> np.ndarray:
        """A core-grid array as a view of the full grid (sites broadcast)."""
        return np.broadcast_to(core.reshape(n_m, n_c, 1, n_p, n_b, n_ctx), shape)

    def axis_codes(axis: int) -> np.ndarray:
        sizes = [1] * len(shape)
        sizes[axis] = shape[axis]
        return np.broadcast_to(np.arange(shape[axis]).reshape(sizes), shape).ravel()

    # Float columns are written straight into one column-major block (one pandas block, no
    # consolidation copy); labels are categoricals from integer codes.
    float_names = [
        "prefill_tokens_per_s_per_chip", "decode_tokens_per_s_per_chip", "decode_ms_per_token",
        "weights_gb", "kv_cache_gb",
    ]  # fmt: skip
    cost_names = [
        "usd_per_accelerator_hour", "kwh_per_accelerator_hour", "price_usd_per_kwh",
        "usd_per_mtok", "kwh_per_mtok", "usd_per_mtok_prefill", "kwh_per_mtok_prefill",
    ]  # fmt: skip
    names = float_names + (cost_names if site_list else [])
    block = np.empty((n_rows, len(names)), order="F")
    col = {name: block[:, k] for k, name in enumerate(names)}
    for name in float_names:
        np.copyto(col[name].reshape(shape), over_sites(r[name]))
    if site_list:
        cols = ("usd_per_accelerator_hour", "kwh_per_accelerator_hour", "price_usd_per_kwh")
        tables = {c: np.empty((n_p, n_c, len(site_list))) for c in cols}
        for j, prec in enumerate(precisions):
            costs = tco_costs(chip_list, site_list, prec, tco)
            for cname in cols:
                tables[cname][j] = _cost_matrix(costs, chip_ids, site_ids, cname)
        for cname in cols:  # (P, C, S) -> (1, C, S, P, 1, 1)
            view = tables[cname].transpose(1, 2, 0)[None, :, :, :, None, None]
            np.copyto(col[cname].reshape(shape), np.broadcast_to(view, shape))
        decode = col["decode_tokens_per_s_per_chip"]
        prefill = col["prefill_tokens_per_s_per_chip"]
        usd_h, kwh_h = col["usd_per_accelerator_hour"], col["kwh_per_accelerator_hour"]
        for name, num, rate in (
            ("usd_per_mtok", usd_h, decode),
            ("kwh_per_mtok", kwh_h, decode),
            ("usd_per_mtok_prefill", usd_h, prefill),
            ("kwh_per_mtok_prefill", kwh_h, prefill),
        ):
            out = col[name]
            np.multiply(rate, 3600.0 / 1e6, out=out)  # per_million_tokens, in place
            np.divide(num, out, out=out)
    frame = pd.DataFrame(block, columns=names, copy=False)
    labels: list[tuple[str, Any]] = [
        ("model", _categorical(ma.ids, axis_codes(0))),
        ("chip", _categorical(chip_ids, axis_codes(1))),
    ]
    if site_list:
        labels.append(("site", _categorical(site_ids, axis_codes(2))))
    labels += [
        ("precision", _categorical(precisions, axis_codes(3))),
        ("batch", over_sites(batch_arr.astype(int)).ravel()),
        ("context", over_sites(ctx_arr.astype(int)).ravel()),
        ("chips_to_hold_model", over_sites(r["chips_to_hold_model"].astype(int)).ravel()),
    ]
    for k, (name, values) in enumerate(labels):
        frame.insert(k, name, values)
    bound = over_sites(r["decode_memory_bound"].astype(np.int64)).ravel()
    frame.insert(
        list(frame.columns).index("decode_tokens_per_s_per_chip") + 1,
        "decode_bound",
        _categorical(["compute", "memory"], bound),
    )
    return frame


def train_frame(
    model: str | ModelSpec,
    tokens: float,
    chips: Sequence[str | Accelerator] | str | Accelerator,
    sites: Sequence[str | Site] | str | Site,
    *,
    chip_count: int,
    mfu: float | None = None,
    precision: str = "bf16",
    total_flops: float | None = None,
    attention: bool = False,
    seq_len: int | None = None,
    assumptions: WorkloadAssumptions | None = None,
    tco: TcoOptions | None = None,
) -> pd.DataFrame:
    """Training run estimate per chip × site: total_flops, chip_hours, energy_mwh, usd, days.

    FLOPs = ``total_flops`` if given, else 6·N_active·D (+ attention when ``attention``);
    chip-hours = FLOPs / (peak · MFU · 3600); energy = chip-hours · facility kWh per
    accelerator-hour (compute engine, site PUE); usd = chip-hours · USD per accelerator-hour;
    days = chip-hours / (K · 24)."""
    a = assumptions or load_workload_assumptions()
    m = get_model(model)
    (d,) = _positive("tokens", [tokens])
    if d > MAX_TRAINING_TOKENS:
        raise InputError("tokens", d, f"at most {MAX_TRAINING_TOKENS:.0e}")
    (k,) = _positive("chips", [chip_count], integer=True)
    if k > MAX_CLUSTER_CHIPS:
        raise InputError("chips", int(k), f"at most {MAX_CLUSTER_CHIPS:.0e}")
    eff_mfu = efficiency_or_default(mfu, a.training_mfu.base, "mfu")
    check_precision(precision, ("fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"))
    chip_list = resolve_chips(chips)
    site_list = resolve_sites(sites)
    if total_flops is not None:
        (flops,) = _positive("total_flops", [total_flops])
        if flops > MAX_TRAINING_FLOPS:
            raise InputError("total_flops", flops, f"at most {MAX_TRAINING_FLOPS:.0e}")
    else:
        t = float(seq_len or m.pretrain_seq_len or DEFAULT_CONTEXT_TOKENS)
        if attention:
            flops = float(
                training_flops(
                    m.active_params,
                    d,
                    layers=m.layers,
                    attention_heads=m.attention_heads,
                    qk_head_dim=m.head_dim,
                    v_head_dim=m.v_head_dim or m.head_dim,
                    seq_len=t,
                )
            )
        else:
            flops = float(training_flops(m.active_params, d))
    peak = np.asarray([chip_peak_tflops(c, precision) for c in chip_list])
    hours = training_chip_hours(flops, peak, eff_mfu)  # per chip
    costs = tco_costs(chip_list, site_list, precision, tco)
    ic, isite = (g.ravel() for g in np.indices((len(chip_list), len(site_list))))
    chip_ids = np.asarray([c.id for c in chip_list])[ic]
    site_ids = np.asarray([s.id for s in site_list])[isite]
    usd_h = gather_cost_column(costs, chip_list, site_list, "usd_per_accelerator_hour")
    kwh_h = gather_cost_column(costs, chip_list, site_list, "kwh_per_accelerator_hour")
    h = hours[ic]
    frame = pd.DataFrame(
        {
            "model": m.id,
            "chip": chip_ids,
            "site": site_ids,
            "precision": precision,
            "tokens": d,
            "total_flops": flops,
            "mfu": eff_mfu,
            "chips": int(k),
            "chip_hours": h,
            "energy_mwh": h * kwh_h / 1e3,
            "usd": h * usd_h,
            "days": h / (k * 24.0),
        }
    )
    _refuse_non_finite(frame, ("total_flops", "chip_hours", "energy_mwh", "usd", "days"))
    _flag_implausible_training(d, k, frame["days"].to_numpy())
    return frame


def _flag_implausible_training(tokens: float, chip_count: float, days: np.ndarray) -> None:
    """Plausibility warnings of a training estimate (:mod:`chipwar.plausibility`)."""
    from chipwar.plausibility import flag

    lo, hi = PLAUSIBLE_TRAINING_TOKENS
    if not lo <= tokens <= hi:
        guess = next((tokens * f for f in (1e12, 1e9) if lo <= tokens * f <= hi), None)
        flag("tokens", tokens, f"{lo:.0e} to {hi:.0e} training tokens", guess)
    longest = float(days.max()) if days.size else 0.0
    if longest > PLAUSIBLE_TRAINING_DAYS:
        chips_90 = math.ceil(chip_count * longest / 90.0)
        flag(
            "days",
            round(longest),
            f"at most {PLAUSIBLE_TRAINING_DAYS:,.0f} days (ten years) of training",
            why=f"{longest / 365:,.0f} years on {chip_count:,.0f} chips; "
            f"--chips {chips_90:,} would take 90 days",
        )


def _refuse_non_finite(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """An answer must be a finite number: inputs at the edge of their ranges (a tiny MFU, huge
    token counts) that overflow are refused, never shown as null or inf."""
    for column in columns:
        values = frame[column].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise InputError(
                column,
                "inf/NaN",
                "inputs whose result is a finite number (check --tokens, --flops, --mfu, --chips)",
            )


def energy_gap_frame(
    model: str | ModelSpec,
    chips: Sequence[str | Accelerator],
    reference: str | Accelerator,
    site: str | Site,
    *,
    precision: Mapping[str, str] | str = "bf16",
    batch: float = 64,
    context: float | None = None,
    reference_subsidy: float = 0.0,
    tco: TcoOptions | None = None,
) -> pd.DataFrame:
    """The FT claim: electricity per million output tokens of each chip vs a reference chip at the
    same site, the ratio, and the power-bill discount that equalises the bills
    (:func:`equalising_subsidy`). Bills are computed before subsidy; the reference may be given a
    subsidy of its own. ``precision``: one for all, or chip id -> precision."""
    ref_chip = resolve_chips([reference])[0]
    chip_list = [*resolve_chips(chips), ref_chip]
    s = resolve_sites([site])[0]
    if not isinstance(precision, str):
        stray = sorted(set(precision) - {c.id for c in chip_list})
        if stray:
            raise InputError(
                "precision", stray[0], f"a chip among {', '.join(c.id for c in chip_list)}"
            )
    rows = []
    for c in chip_list:
        p = precision if isinstance(precision, str) else precision.get(c.id, "bf16")
        f = infer_frame(
            model,
            c,
            s,
            precision=p,
            batch=batch,
            context=context,
            tco=(tco or TcoOptions()).replace(subsidy=0.0),
        )
        rows.append(f.iloc[0])
    out = pd.DataFrame(rows).reset_index(drop=True)
    price = out["price_usd_per_kwh"]
    out["power_usd_per_mtok"] = power_bill_per_mtok(out["kwh_per_mtok"], price)
    ref = out.iloc[-1]
    out["kwh_ratio_vs_reference"] = out["kwh_per_mtok"] / ref["kwh_per_mtok"]
    out["equalising_subsidy"] = equalising_subsidy(
        out["kwh_per_mtok"], price, ref["kwh_per_mtok"], ref["price_usd_per_kwh"], reference_subsidy
    )
    out["reference"] = ref_chip.id
    return out[
        [
            "model", "chip", "reference", "site", "precision", "batch", "context",
            "decode_tokens_per_s_per_chip", "kwh_per_accelerator_hour", "kwh_per_mtok",
            "kwh_ratio_vs_reference", "price_usd_per_kwh", "power_usd_per_mtok",
            "equalising_subsidy",
        ]
    ]  # fmt: skip
