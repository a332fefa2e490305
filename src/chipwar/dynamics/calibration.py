"""Fit the model's free parameters to the history (SciPy least squares) and backtest it.

Residuals are on the logit scale, one per observation, plus one prior term per free parameter:

    r_obs = (logit(model[y]) - logit(observed[y])) / sigma_obs
    r_prior = (theta - theta_base) / sigma_prior,      sigma_prior = (high - low) / 4

The model quantity compared is the domestic share of units for unit-based series and the domestic
share of value for value-based series (see TARGETS). Standard errors come from (J'J)^-1 at the
optimum, with the prior rows included (a posterior approximation); when the misfit exceeds
SIGMA_OBS the data rows' information is divided by the Birge ratio max(1, chi2/dof), the prior's
kept. ``Fit.identifiability`` (before that inflation) says
how much of each parameter's precision comes from the data rather than the prior:

    data_share = 1 - var_posterior / var_prior

and ``Fit.data_condition`` is the condition number of the data-only information matrix J_obs'J_obs
(large: some combination of parameters is not identified by the observations). The non-AI
self-sufficiency trend is an ordinary least-squares line through the
IC Insights series (icinsights-2021-01-china-ic, icinsights-2022-05-china-ic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from chipwar.dynamics.history import get_series
from chipwar.dynamics.model import Array, ChipInputs, Levers, Outputs, Params, simulate
from chipwar.errors import InputError

Basis = Literal["units", "value"]
TARGETS: tuple[tuple[str, Basis], ...] = (
    ("nongpu_share_ai_servers:idc", "value"),
    ("domestic_share_ai_accelerators:idc-units", "units"),
    ("domestic_share_ai_accelerators:bernstein-sales", "value"),
)
"""Observed domestic shares the fit uses, each with the basis it is compared on. The IDC non-GPU
server share is a proxy (it counts foreign FPGAs and misses domestic GPUs); the three disagree
in 2023 (8 %, 10 %, 19 %) and the fit keeps all three rather than averaging them."""
SIGMA_OBS = 0.35
"""Observation error on the logit scale (about +-8 pp at a 30 % share): a modelling assumption
(chipwar-dynamics-assumptions) reflecting the spread between sources for the same year."""
FREE = ("alpha_domestic", "beta", "ecosystem_learning")
BOUNDS = {
    "alpha_domestic": (-10.0, 10.0),
    "beta": (0.0, 10.0),
    "ecosystem_learning": (0.0, 3.0),
    "learning_rate": (0.0, 0.6),
}


@dataclass(frozen=True)
class Observation:
    series: str
    year: int
    share: float  # 0..1
    basis: Basis


@dataclass
class Fit:
    """A calibration result."""

    names: tuple[str, ...]
    values: Array
    std_errors: Array
    covariance: Array
    prior_base: Array
    observations: list[Observation]
    fitted: Array  # model share for each observation
    until: int | None
    success: bool
    cost: float
    prior_sd: Array | None = None
    data_information: Array | None = None  # J_obs' J_obs at the optimum (data rows only)
    raw_covariance: Array | None = None  # (J'J)^-1 before the chi2/dof inflation
    scale: float = 1.0  # the data's information is divided by this: max(1, chi2/dof)

    @property
    def rmse_pp(self) -> float:
        obs = np.array([o.share for o in self.observations])
        return float(np.sqrt(np.mean((self.fitted - obs) ** 2)) * 100) if len(obs) else 0.0

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "series": [o.series for o in self.observations],
                "year": [o.year for o in self.observations],
                "basis": [o.basis for o in self.observations],
                "observed_pct": [o.share * 100 for o in self.observations],
                "model_pct": self.fitted * 100,
                "error_pp": (self.fitted - np.array([o.share for o in self.observations])) * 100,
            }
        )

    @property
    def n_obs(self) -> int:
        return len(self.observations)

    def correlation(self) -> Array:
        """Correlation matrix of the fitted parameters (from the covariance)."""
        sd = np.sqrt(np.clip(np.diag(self.covariance), 1e-300, None))
        return np.asarray(self.covariance / np.outer(sd, sd), dtype=float)

    def identifiability(self) -> pd.DataFrame:
        """Per parameter, before the chi2/dof inflation: prior and posterior s.d., the share of
        precision from the data, and the strongest correlation."""
        prior = self.prior_sd if self.prior_sd is not None else np.full(len(self.names), np.nan)
        raw = self.raw_covariance if self.raw_covariance is not None else self.covariance
        post = np.sqrt(np.clip(np.diag(raw), 0, None))
        share = 1 - post**2 / prior**2
        corr = raw / np.outer(np.maximum(post, 1e-300), np.maximum(post, 1e-300))
        others = []
        for i in range(len(self.names)):
            j = max((k for k in range(len(self.names)) if k != i),
                    key=lambda k: abs(corr[i, k]), default=i)  # fmt: skip
            others.append(f"{self.names[j]} {corr[i, j]:+.2f}" if j != i else "")
        return pd.DataFrame(
            {
                "parameter": self.names,
                "prior_sd": prior,
                "posterior_sd": post,
                "data_share": np.clip(share, 0.0, 1.0),
                "strongest_correlation": others,
            }
        )

    @property
    def chi2_per_dof(self) -> float:
        """sum(r_obs^2) / (n_obs - n_free): about 1 if SIGMA_OBS matches the misfit; above 1 the
        standard errors (which assume SIGMA_OBS) are too small. NaN without spare observations."""
        dof = self.n_obs - len(self.names)
        if dof <= 0:
            return float("nan")
        obs = np.array([o.share for o in self.observations])
        res = (_logit(self.fitted) - _logit(obs)) / SIGMA_OBS
        return float(np.sum(res**2) / dof)

    @property
    def data_condition(self) -> float:
        """Condition number of J_obs'J_obs (inf when the data alone identify nothing)."""
        if self.data_information is None:
            return float("nan")
        eig = np.linalg.eigvalsh(self.data_information)
        return float(eig[-1] / eig[0]) if eig[0] > 0 else float("inf")

    def parameters(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "parameter": self.names,
                "value": self.values,
                "std_error": self.std_errors,
                "prior_base": self.prior_base,
            }
        )


def observations(
    years: Sequence[int] | Array, until: int | None = None, since: int | None = None
) -> list[Observation]:
    """Domestic-share observations from TARGETS that fall inside ``years`` (and the window)."""
    lo, hi = int(np.min(years)), int(np.max(years))
    out = []
    for series, basis in TARGETS:
        values = get_series(series)
        for year, value in zip(values.index.tolist(), values.tolist(), strict=True):
            y = int(year)
            if lo <= y <= hi and (until is None or y <= until) and (since is None or y >= since):
                out.append(Observation(series, y, float(value) / 100, basis))
    return out


def _logit(p: Array) -> Array:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)), dtype=float)


def model_at(out: Outputs, years: Array, obs: Sequence[Observation]) -> Array:
    """(S, n_obs) model shares matching each observation's year and basis."""
    cols = []
    for o in obs:
        t = int(np.searchsorted(years, o.year))
        src = out.domestic_share if o.basis == "units" else out.domestic_value_share
        cols.append(src[:, t])
    return np.stack(cols, axis=1) if cols else np.zeros((out.domestic_share.shape[0], 0))


def fit_shares(
    chips: ChipInputs,
    base: Params,
    levers: Levers,
    years: Array,
    obs: Sequence[Observation],
    prior: dict[str, tuple[float, float]],
    free: Sequence[str] = FREE,
    until: int | None = None,
) -> Fit:
    """Least-squares fit of ``free`` parameters; ``prior`` maps name -> (base, sigma).

    Each residual evaluation runs all finite-difference perturbations as one batch of samples.
    """
    if base.n_samples != 1:
        raise InputError("base.n_samples", base.n_samples, "1 (a single base sample)")
    names = tuple(free)
    for name in names:
        if name not in BOUNDS:
            raise InputError("free parameter", name, ", ".join(BOUNDS))
    mu = np.array([prior[n][0] for n in names])
    sd = np.array([prior[n][1] for n in names])
    lo = np.array([BOUNDS[n][0] for n in names])
    hi = np.array([BOUNDS[n][1] for n in names])
    observed = _logit(np.array([o.share for o in obs]))
    steps = 1e-4 * np.maximum(1.0, np.abs(mu))

    def batch(thetas: Array) -> Array:
        n = thetas.shape[0]
        fields = {k: np.repeat(getattr(base, k), n, axis=0) for k in Params.__dataclass_fields__}
        for i, name in enumerate(names):
            fields[name] = thetas[:, i].copy()
        out = simulate(chips, Params(**fields), levers)
        model = _logit(model_at(out, years, obs))
        res_obs = (model - observed[None, :]) / SIGMA_OBS
        res_prior = (thetas - mu[None, :]) / sd[None, :]
        return np.concatenate([res_obs, res_prior], axis=1)

    def residuals(theta: Array) -> Array:
        return batch(theta[None, :])[0]

    def jacobian(theta: Array) -> Array:
        step = np.where(theta + steps > hi, -steps, steps)
        thetas = np.vstack([theta, theta + np.diag(step)])
        res = batch(thetas)
        return np.asarray(((res[1:] - res[0]) / step[:, None]).T, dtype=float)

    start = np.clip(mu, lo + 1e-9, hi - 1e-9)
    sol = least_squares(residuals, start, jac=jacobian, bounds=(lo, hi), method="trf")
    jac = jacobian(sol.x)
    try:
        raw = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        raw = np.diag(sd**2)
    j_obs = jac[: len(obs)]
    # Birge ratio: when the misfit exceeds SIGMA_OBS (chi2/dof > 1), the data's information is
    # divided by chi2/dof (the prior's is kept): cov = (J_obs'J_obs / scale + J_pr'J_pr)^-1
    dof = len(obs) - len(names)
    chi2 = float(np.sum(residuals(sol.x)[: len(obs)] ** 2))
    scale = max(1.0, chi2 / dof) if dof > 0 else 1.0
    j_pr = jac[len(obs) :]
    try:
        cov = np.linalg.inv(j_obs.T @ j_obs / scale + j_pr.T @ j_pr)
    except np.linalg.LinAlgError:
        cov = raw
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    fields = {k: getattr(base, k) for k in Params.__dataclass_fields__}
    for i, name in enumerate(names):
        fields[name] = sol.x[i : i + 1]
    fitted = model_at(simulate(chips, Params(**fields), levers), years, obs)[0]
    return Fit(
        names=names,
        values=sol.x,
        std_errors=se,
        covariance=np.asarray(cov, dtype=float),
        prior_base=mu,
        observations=list(obs),
        fitted=fitted,
        until=until,
        success=bool(sol.success),
        cost=float(sol.cost),
        prior_sd=sd,
        data_information=np.asarray(j_obs.T @ j_obs, dtype=float),
        raw_covariance=np.asarray(raw, dtype=float),
        scale=scale,
    )


def draw_fitted(fit: Fit, samples: int, seed: int | None) -> dict[str, Array]:
    """Fitted parameters for ``samples`` draws: the estimate itself when samples == 1, else
    multivariate-normal draws with the fit's covariance, clipped to the parameter bounds."""
    from chipwar.dynamics.scenario import check_seed

    check_seed(seed)
    if samples == 1:
        draws = fit.values[None, :]
    else:
        rng = np.random.default_rng(None if seed is None else seed + 7919)
        draws = rng.multivariate_normal(fit.values, fit.covariance, size=samples)
    out = {}
    for i, name in enumerate(fit.names):
        lo, hi = BOUNDS[name]
        out[name] = np.clip(draws[:, i], lo, hi)
    return out


def self_sufficiency_trend(until: int | None = None) -> tuple[float, float, int]:
    """OLS line through IC Insights self-sufficiency: (value in 2021 [0-1], slope [/yr], n)."""
    series = get_series("self_sufficiency:icinsights")
    if until is not None:
        series = series[series.index <= until]
    if len(series) < 2:
        raise InputError("until", until, "a year with at least two IC Insights points before it")
    x = series.index.to_numpy(dtype=float) - 2021
    y = series.to_numpy() / 100
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope), len(series)
