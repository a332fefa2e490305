"""Workload engine: equations against hand-worked numbers, invariants, batch API, CLI, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.sites import load_sites
from chipwar.compute import roofline, sizing
from chipwar.compute import workload as wl
from chipwar.compute.models import get_model, load_models, load_workload_assumptions
from chipwar.compute.options import TcoOptions
from chipwar.errors import InputError, NotApplicableError, UnknownIdError


def _chip(**kw: object) -> Accelerator:
    base: dict[str, object] = {
        "id": "test-chip",
        "name": "Test chip",
        "vendor": "Test",
        "designer_country": "US",
        "dense_tflops": {"bf16": 1000.0, "fp8": 2000.0},
        "memory_gb": 100.0,
        "memory_bandwidth_tbps": 4.0,
        "tdp_w": 700.0,
        "price_usd": {"low": 20000, "base": 25000, "high": 30000, "source": ["x"]},
        "datacenter": True,
        "source": ["x"],
    }
    base.update(kw)
    return Accelerator.model_validate(base)


SITE = next(iter(load_sites()))


# --- equations against hand-worked numbers -------------------------------------------------


def test_kv_cache_per_token_gqa_and_mla() -> None:
    # Llama 3.1 70B: 2 · 80 layers · 8 KV heads · 128 dims · 2 bytes = 327,680 B
    m = get_model("llama-3.1-70b")
    assert roofline.kv_bytes_per_token(m.kv_values_per_token, 2) == pytest.approx(327_680)
    # DeepSeek-V3 MLA: 61 layers · (512 + 64) · 2 bytes = 70,272 B
    d = get_model("deepseek-v3")
    assert roofline.kv_bytes_per_token(d.kv_values_per_token, 2) == pytest.approx(70_272)


def test_chips_to_hold_hand_worked() -> None:
    # 70.6e9 params · 2 B = 141.2 GB; + 327,680 B · 8 seqs · 4096 tokens = 10.74 GB -> 151.94 GB;
    # 80 GB · 0.9 = 72 GB usable per chip -> ceil(2.11) = 3 chips
    m = get_model("llama-3.1-70b")
    n = roofline.chips_to_hold(m.params * 2, 327_680, 8, 4096, 80, 0.9)
    assert n == 3


def test_decode_memory_bound_hand_worked() -> None:
    # Dense 10e9 params in bf16 = 20 GB, no KV (context 1, kv 0): batch 1 on a 4 TB/s chip at
    # η_bw 0.5 reads 20 GB per step -> 1 · 2e12 / 20e9 = 100 tokens/s; compute bound is far higher.
    r = roofline.inference_roofline(
        params=10e9, active_params=10e9, routed_params=0.0, experts=1, experts_per_token=1,
        layers=1, attention_heads=1, qk_head_dim=1, v_head_dim=1, kv_values_per_token=0.0,
        peak_tflops=1000, memory_gb=100, memory_bandwidth_tbps=4.0, bytes_per_param=2,
        kv_bytes_per_value=2, batch=1, context_tokens=1, compute_efficiency=0.5,
        bandwidth_efficiency=0.5, usable_memory_fraction=0.9,
    )  # fmt: skip
    assert r["decode_tokens_per_s_per_chip"] == pytest.approx(100.0)
    assert bool(r["decode_memory_bound"])
    # prefill at context 1: compute 1000e12 · 0.5 / (2 · 10e9 + 2·1·1·2·0.5) ≈ 25,000 tokens/s,
    # memory 1 · 1 · 2e12 / 20e9 = 100 tokens/s -> the smaller one
    assert r["prefill_tokens_per_s_per_chip"] == pytest.approx(100.0)


def test_decode_compute_bound_at_large_batch() -> None:
    # batch 10,000: memory bound 1e4 · 2e12 / 20e9 = 1e6; compute bound 5e14 / 2e10 ≈ 25,000
    r = roofline.inference_roofline(
        params=10e9, active_params=10e9, routed_params=0.0, experts=1, experts_per_token=1,
        layers=1, attention_heads=1, qk_head_dim=1, v_head_dim=1, kv_values_per_token=0.0,
        peak_tflops=1000, memory_gb=100, memory_bandwidth_tbps=4.0, bytes_per_param=2,
        kv_bytes_per_value=2, batch=10_000, context_tokens=1, compute_efficiency=0.5,
        bandwidth_efficiency=0.5, usable_memory_fraction=0.9,
    )  # fmt: skip
    assert r["decode_tokens_per_s_per_chip"] == pytest.approx(5e14 / (2e10 + 4), rel=1e-9)
    assert not bool(r["decode_memory_bound"])


def test_moe_reads_only_touched_experts() -> None:
    # DeepSeek-V3 at batch 1: dense part + 8/256 of the routed experts = 37e9 params read
    d = get_model("deepseek-v3")
    step = roofline.decode_bytes_per_step(
        d.params, d.routed_params, d.experts, d.experts_per_token, 1.0, 0.0, 1, 1
    )
    assert step == pytest.approx(d.active_params, rel=1e-9)
    # at a very large batch every expert is touched: all 671e9 params
    big = roofline.decode_bytes_per_step(
        d.params, d.routed_params, d.experts, d.experts_per_token, 1.0, 0.0, 10_000, 1
    )
    assert big == pytest.approx(d.params, rel=1e-6)


def test_training_flops_and_chip_hours() -> None:
    # 6 · 37e9 · 14.8e12 = 3.2856e24 FLOPs; / (989.5e12 · 0.4 · 3600) = 2.3058e6 hours
    f = wl.training_flops(37e9, 14.8e12)
    assert f == pytest.approx(3.2856e24)
    assert wl.training_chip_hours(f, 989.5, 0.4) == pytest.approx(3.2856e24 / (989.5e12 * 1440))
    # attention term: 6 · L · H · (d_qk + d_v) · T · D with L=2, H=4, d=8+8, T=100, D=10
    assert wl.training_flops(0, 10, layers=2, attention_heads=4, qk_head_dim=8, v_head_dim=8,
                             seq_len=100) == pytest.approx(6 * 2 * 4 * 16 * 100 * 10)  # fmt: skip


def test_sizing_equations() -> None:
    # 1e6 tokens/s at 700 tokens/s per chip, 4 chips per replica: ceil(1e6 / 2800) = 358 replicas
    assert sizing.chips_for_throughput(1e6, 700, 4) == 358 * 4
    # 1e24 FLOPs at 1000 TFLOPS · 0.5 = 5e14 FLOP/s -> 555,555.6 chip-hours / (24 · 10) -> 2315
    assert sizing.chips_for_training(1e24, 1000, 0.5, 10) == math.ceil(1e24 / 5e14 / 3600 / 240)


def test_per_million_tokens_and_equalising_subsidy() -> None:
    # 2 USD/h at 1000 tokens/s = 3.6e6 tokens/h -> 0.5556 USD per Mtok
    assert roofline.per_million_tokens(2.0, 1000) == pytest.approx(2.0 / 3.6)
    # 1.5x the electricity at the same price needs s = 1 - 1/1.5 = 1/3 to equalise the bills
    assert roofline.equalising_subsidy(1.5, 0.05, 1.0, 0.05) == pytest.approx(1 / 3)
    # cheaper already -> no subsidy needed (<= 0)
    assert roofline.equalising_subsidy(0.8, 0.05, 1.0, 0.05) < 0


@settings(max_examples=60, deadline=None)
@given(
    kwh=st.floats(0.1, 10),
    price=st.floats(0.01, 0.3),
    ref_kwh=st.floats(0.1, 10),
    ref_price=st.floats(0.01, 0.3),
    ref_sub=st.floats(0, 0.9),
)
def test_equalising_subsidy_equalises_the_bills(
    kwh: float, price: float, ref_kwh: float, ref_price: float, ref_sub: float
) -> None:
    s = roofline.equalising_subsidy(kwh, price, ref_kwh, ref_price, ref_sub)
    assert s < 1
    assert roofline.power_bill_per_mtok(kwh, price, s) == pytest.approx(
        roofline.power_bill_per_mtok(ref_kwh, ref_price, ref_sub), rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(
    model=st.sampled_from(sorted(load_models())),
    b1=st.integers(1, 2048),
    b2=st.integers(1, 2048),
    ctx=st.integers(16, 4096),
    bw=st.floats(0.5, 10),
)
def test_decode_rate_never_falls_with_batch_and_holding_never_shrinks(
    model: str, b1: int, b2: int, ctx: int, bw: float
) -> None:
    lo, hi = sorted((b1, b2))
    f = wl.infer_frame(model, _chip(memory_bandwidth_tbps=bw), batch=[lo, hi], context=ctx)
    dec = f["decode_tokens_per_s_per_chip"].to_numpy()
    hold = f["chips_to_hold_model"].to_numpy()
    assert dec[1] >= dec[0] * (1 - 1e-12)
    assert hold[1] >= hold[0]
    # more bandwidth never lowers the decode rate
    g = wl.infer_frame(model, _chip(memory_bandwidth_tbps=bw * 2), batch=[lo, hi], context=ctx)
    assert (g["decode_tokens_per_s_per_chip"].to_numpy() >= dec * (1 - 1e-12)).all()


def test_fp8_halves_weights_and_never_needs_more_chips() -> None:
    f = wl.infer_frame("llama-3.1-405b", _chip(), precision=["bf16", "fp8"], batch=8)
    bf16, fp8 = f.iloc[0], f.iloc[1]
    assert fp8["weights_gb"] == pytest.approx(bf16["weights_gb"] / 2)
    assert fp8["chips_to_hold_model"] <= bf16["chips_to_hold_model"]


# --- batch API ------------------------------------------------------------------------------


def test_batch_api_is_the_full_product_and_matches_single_calls() -> None:
    models = ["llama-3.1-8b", "deepseek-v3"]
    chips = [_chip(id="chip-a"), _chip(id="chip-b", memory_bandwidth_tbps=2.0)]
    grid = wl.infer_frame(models, chips, precision=["bf16", "fp8"], batch=[1, 32], context=[512])
    assert len(grid) == 2 * 2 * 2 * 2
    one = wl.infer_frame("deepseek-v3", chips[1], precision="fp8", batch=32, context=512)
    row = grid[
        (grid.model == "deepseek-v3")
        & (grid.chip == "chip-b")
        & (grid.precision == "fp8")
        & (grid.batch == 32)
    ]
    for col in ("decode_tokens_per_s_per_chip", "prefill_tokens_per_s_per_chip"):
        assert row[col].iloc[0] == pytest.approx(one[col].iloc[0])


def test_costs_join_tco_frame() -> None:
    from chipwar.compute.tco import tco_frame

    f = wl.infer_frame("llama-3.1-8b", _chip(), SITE, batch=16, tco=TcoOptions(subsidy=0.0))
    t = tco_frame([_chip()], [SITE], precision="bf16", subsidy=0.0).iloc[0]
    row = f.iloc[0]
    tokens_per_hour = row["decode_tokens_per_s_per_chip"] * 3600
    assert row["usd_per_mtok"] == pytest.approx(
        t["usd_per_accelerator_hour"] / tokens_per_hour * 1e6
    )
    assert row["kwh_per_mtok"] == pytest.approx(
        t["kwh_per_accelerator_hour"] / tokens_per_hour * 1e6
    )


def test_training_frame_energy_cost_days() -> None:
    from chipwar.compute.tco import tco_frame

    f = wl.train_frame(
        "llama-3.1-8b",
        1e12,
        [_chip()],
        [SITE],
        chip_count=1000,
        mfu=0.5,
        tco=TcoOptions(subsidy=0.0),
    )
    t = tco_frame([_chip()], [SITE], subsidy=0.0).iloc[0]
    row = f.iloc[0]
    hours = 6 * 8.03e9 * 1e12 / (1000e12 * 0.5 * 3600)
    assert row["chip_hours"] == pytest.approx(hours)
    assert row["days"] == pytest.approx(hours / 1000 / 24)
    assert row["energy_mwh"] == pytest.approx(hours * t["kwh_per_accelerator_hour"] / 1e3)
    assert row["usd"] == pytest.approx(hours * t["usd_per_accelerator_hour"])


def test_size_frame_both_targets() -> None:
    serve = sizing.size_frame("tokens_per_s=1e5,model=llama-3.1-8b,batch=32", [_chip()], [SITE])
    est = wl.infer_frame("llama-3.1-8b", _chip(), batch=32).iloc[0]
    replica = est["chips_to_hold_model"]
    assert (
        serve["chips"].iloc[0]
        == math.ceil(1e5 / (est["decode_tokens_per_s_per_chip"] * replica)) * replica
    )
    train = sizing.size_frame("train=llama-3.1-8b,tokens=1e12,days=10,mfu=0.5", [_chip()], [SITE])
    assert train["chips"].iloc[0] == math.ceil(6 * 8.03e9 * 1e12 / (1000e12 * 0.5) / 3600 / 240)
    assert train["facility_mw"].iloc[0] > 0 and train["opex_usd_per_year"].iloc[0] > 0


# --- bad input ------------------------------------------------------------------------------


def test_precision_the_chip_lacks_names_chip_and_precision() -> None:
    with pytest.raises(NotApplicableError, match=r"test-chip.*fp4"):
        wl.infer_frame("llama-3.1-8b", _chip(), precision="fp4")


def test_int8_uses_int8_tops_and_fp4_only_where_listed() -> None:
    c = _chip(dense_tflops={"bf16": 100.0, "int8": 400.0, "fp4": 800.0})
    f = wl.infer_frame("llama-3.1-8b", c, precision=["int8", "fp4"], batch=4096, context=128)
    # compute-bound prefill scales with the listed peak: fp4 twice int8
    p = f["prefill_tokens_per_s_per_chip"].to_numpy()
    assert p[1] == pytest.approx(2 * p[0])


def test_model_that_does_not_fit_in_the_given_chips() -> None:
    with pytest.raises(NotApplicableError, match=r"llama-3.1-405b.*needs \d+.*chips given: 2"):
        wl.infer_frame("llama-3.1-405b", _chip(), chips_per_replica=2)


@pytest.mark.parametrize("bad", [0, -1, 1.5, float("nan")])
def test_non_positive_or_fractional_batch(bad: float) -> None:
    with pytest.raises(InputError, match="batch"):
        wl.infer_frame("llama-3.1-8b", _chip(), batch=bad)


def test_unknown_model_and_context_beyond_max() -> None:
    with pytest.raises(UnknownIdError, match="unknown model 'gpt-9'"):
        wl.infer_frame("gpt-9", _chip())
    with pytest.raises(InputError, match=r"context.*<= 4096 for llama-2-70b"):
        wl.infer_frame("llama-2-70b", _chip(), context=8192)


def test_chip_without_memory_fields_is_not_applicable() -> None:
    with pytest.raises(NotApplicableError, match="memory_bandwidth_tbps"):
        wl.infer_frame("llama-3.1-8b", _chip(memory_bandwidth_tbps=None))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("tokens_per_s=1e6,colour=red", "colour"),
        ("tokens_per_s=abc", "tokens_per_s"),
        ("tokens_per_s=0", "tokens_per_s"),
        ("train=deepseek-v3,tokens=1e12", "days"),
        ("days=3", "target"),
        ("tokens_per_s", "target"),
    ],
)
def test_parse_target_errors_name_the_key(text: str, field: str) -> None:
    with pytest.raises(InputError, match=field):
        sizing.parse_target(text)


def test_parse_target_forms() -> None:
    assert sizing.parse_target("tokens_per_s=1e6") == {"kind": "serve", "tokens_per_s": 1e6}
    t = sizing.parse_target("train=deepseek-v3,tokens=14.8e12,days=60")
    assert t == {"kind": "train", "model": "deepseek-v3", "tokens": 14.8e12, "days": 60.0}


def test_assumptions_are_fractions_with_sources() -> None:
    a = load_workload_assumptions()
    assert 0 < a.bandwidth_efficiency.base <= 1 and a.training_mfu.source


# --- CLI ------------------------------------------------------------------------------------


def test_cli_infer_json(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("infer", "--model", "llama-3.1-70b", "--chip", "nvidia-h100-sxm,nvidia-h20",
            "--site", SITE, "--batch", "1", "--batch", "64", "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    rows = r.json()
    assert len(rows) == 4
    need = {"model", "chip", "site", "precision", "chips_to_hold_model",
            "prefill_tokens_per_s_per_chip", "decode_tokens_per_s_per_chip", "usd_per_mtok",
            "kwh_per_mtok"}  # fmt: skip
    assert need <= set(rows[0])
    assert all(row["usd_per_mtok"] > 0 and row["kwh_per_mtok"] > 0 for row in rows)


def test_cli_train_and_size_and_models(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("train", "--model", "deepseek-v3", "--tokens", "14.8e12", "--chip", "nvidia-h800",
            "--chips", "2048", "--site", SITE, "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    row = r.json()[0]
    assert {
        "model",
        "chip",
        "site",
        "total_flops",
        "chip_hours",
        "energy_mwh",
        "usd",
        "days",
    } <= set(row)
    assert row["days"] == pytest.approx(row["chip_hours"] / 2048 / 24)
    r = cli("size", "--target", "train=deepseek-v3,tokens=14.8e12,days=60", "--chip",
            "nvidia-h800,huawei-ascend-910c", "--site", SITE, "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    assert [x["chip"] for x in r.json()] == ["nvidia-h800", "huawei-ascend-910c"]
    r = cli("size", "--target", "tokens_per_s=1e6", "--model", "llama-3.1-70b", "--chip",
            "nvidia-h20", "--site", SITE, "--format", "csv")  # fmt: skip
    assert r.code == 0 and "chip,site,precision,chips" in r.out.splitlines()[0]
    r = cli("models", "--format", "json")
    assert {"deepseek-v3", "llama-3.1-405b"} <= {m["id"] for m in r.json()}


def test_cli_energy_gap(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("energy-gap", "--site", SITE, "--format", "json")
    assert r.code == 0, r.err
    rows = {x["chip"]: x for x in r.json()}
    assert rows["nvidia-h20"]["kwh_ratio_vs_reference"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["infer", "--model", "nope", "--chip", "nvidia-h20", "--site", SITE], "unknown model"),
        (["infer", "--model", "llama-3.1-8b", "--chip", "nvidia-h2", "--site", SITE],
         "unknown chip"),
        (["infer", "--model", "llama-3.1-8b", "--chip", "huawei-ascend-910c", "--site", SITE,
          "--precision", "fp8"], "huawei-ascend-910c' has no dense fp8"),
        (["infer", "--model", "llama-3.1-405b", "--chip", "nvidia-h20", "--site", SITE,
          "--chips", "2"], "chips given: 2"),
        (["infer", "--model", "llama-3.1-8b", "--chip", "nvidia-h20", "--site", SITE,
          "--batch", "0"], "batch"),
        (["infer", "--model", "llama-3.1-8b", "--chip", "nvidia-h20", "--site", SITE,
          "--context", "-5"], "context"),
        (["train", "--model", "deepseek-v3", "--tokens", "-1", "--chip", "nvidia-h800",
          "--chips", "8", "--site", SITE], "tokens"),
        (["train", "--model", "deepseek-v3", "--tokens", "1e12", "--chip", "nvidia-h800",
          "--chips", "0", "--site", SITE], "chips"),
        (["size", "--target", "tokens_per_s=1e6,foo=1", "--model", "llama-3.1-8b", "--chip",
          "nvidia-h20", "--site", SITE], "foo"),
        (["infer", "--model", "llama-3.1-8b", "--chip", "nvidia-h20", "--site", SITE,
          "--subsidy", "2"], "--subsidy"),
    ],
)  # fmt: skip
def test_cli_bad_input_exits_2_with_a_clear_message(cli, argv: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    r = cli(*argv)
    assert r.code == 2
    assert needle in r.err
    assert "Traceback" not in r.err + r.out


def test_vectorised_grid_has_no_nan_for_catalog_models() -> None:
    f = wl.infer_frame(
        sorted(load_models()), _chip(), precision=["bf16", "fp8"], batch=[1, 64, 512]
    )
    numeric = f[["prefill_tokens_per_s_per_chip", "decode_tokens_per_s_per_chip"]].to_numpy()
    assert np.isfinite(numeric).all() and (numeric > 0).all()


def test_cli_energy_gap_per_chip_precision(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("energy-gap", "--site", SITE, "--precision", "nvidia-h20=fp8,huawei-ascend-910b=int8",
            "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    prec = {x["chip"]: x["precision"] for x in r.json()}
    assert prec == {"huawei-ascend-910b": "int8", "huawei-ascend-910c": "bf16", "nvidia-h20": "fp8"}
    r = cli("energy-gap", "--site", SITE, "--precision", "nvidia-h2=fp8")
    assert r.code == 2 and "nvidia-h2" in r.err


def test_cli_user_model_and_chip_files(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "model.yaml"
    model.write_text(
        "- {id: tiny-1b, name: Tiny, developer: me, architecture: dense, params: 1.0e+9,\n"
        "   active_params: 1.0e+9, layers: 16, hidden_size: 2048, attention_heads: 16,\n"
        "   kv_heads: 4, head_dim: 128, vocab_size: 32000, max_context: 8192, source: [mine]}\n"
    )
    chip = tmp_path / "chip.yaml"
    chip.write_text(
        "- {id: my-npu, name: NPU, vendor: me, designer_country: CN, datacenter: true,\n"
        "   dense_tflops: {bf16: 200}, memory_gb: 32, memory_bandwidth_tbps: 1.0, tdp_w: 300,\n"
        "   price_usd: {low: 5000, base: 6000, high: 7000, source: [mine]}, source: [mine]}\n"
    )
    r = cli("infer", "--model-spec", str(model), "--spec", str(chip), "--site", SITE,
            "--batch", "8", "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    row = r.json()[0]
    assert (row["model"], row["chip"], row["chips_to_hold_model"]) == ("tiny-1b", "my-npu", 1)
    # batch 8 · 1e12 B/s · 0.8 / (2e9 B weights + 8 · 4096 · 16,384 B of KV) per chip
    kv = 2 * 16 * 4 * 128 * 2
    assert row["decode_tokens_per_s_per_chip"] == pytest.approx(8 * 0.8e12 / (2e9 + 8 * 4096 * kv))


def test_bad_model_row_names_row_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chipwar.compute.models import read_models
    from chipwar.errors import DataError

    bad = tmp_path / "m.yaml"
    bad.write_text(
        "- {id: bad-mla, name: X, developer: me, architecture: dense, params: 1.0e+9,\n"
        "   active_params: 1.0e+9, layers: 4, hidden_size: 64, attention_heads: 4,\n"
        "   attention: mla, head_dim: 16, vocab_size: 10, max_context: 10, source: [x]}\n"
    )
    with pytest.raises(DataError, match=r"bad-mla.*kv_lora_rank"):
        read_models(bad)


def test_cli_spec_site_and_scenario_for_infer_train_size(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A site that is not in the catalog (--spec) and TCO assumptions (--scenario) reach the
    cost columns of infer, train and size."""
    spec = tmp_path / "site.yaml"
    spec.write_text(
        "- {id: xx-park, name: Park, country: CN, region: X,\n"
        "   electricity: {price_per_kwh: {low: 1.0, base: 1.0, high: 1.0, source: [mine]},\n"
        "                 currency: USD, year: 2024, tariff: test},\n"
        "   pue: {low: 1.5, base: 1.5, high: 1.5, source: [mine]},\n"
        "   carbon: {gco2_per_kwh: {low: 0, base: 0, high: 0, source: [mine]}, year: 2024},\n"
        "   subsidies: [], source: [mine]}\n"
    )
    base = ("infer", "-m", "llama-3.1-8b", "-c", "nvidia-h20", "-b", "16", "-f", "json")
    r = cli(*base, "--spec", str(spec), "-s", "xx-park")
    assert r.code == 0, r.err
    row = r.json()[0]
    assert row["site"] == "xx-park" and row["price_usd_per_kwh"] == 1.0
    assert row["kwh_per_accelerator_hour"] > 0
    cheap = tmp_path / "cheap.yaml"
    cheap.write_text("assumptions: {cost_of_capital: 0.0}\n")
    dear = cli(*base, "-s", "us-virginia").json()[0]
    cheaper = cli(*base, "-s", "us-virginia", "--scenario", str(cheap)).json()[0]
    assert cheaper["usd_per_mtok"] < dear["usd_per_mtok"]
    assert cheaper["kwh_per_mtok"] == pytest.approx(dear["kwh_per_mtok"])
    t = cli("train", "-m", "llama-3.1-8b", "-d", "1e12", "-c", "nvidia-h20", "-k", "64",
            "--spec", str(spec), "-s", "xx-park", "-f", "json")  # fmt: skip
    assert t.code == 0 and t.json()[0]["site"] == "xx-park", t.err
    z = cli("size", "-t", "tokens_per_s=1e5,model=llama-3.1-8b", "-c", "nvidia-h20",
            "--spec", str(spec), "-f", "json")  # fmt: skip
    assert z.code == 0 and z.json()[0]["site"] == "xx-park", z.err
