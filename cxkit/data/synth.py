"""Seeded generator of a realistic CX dataset with documented ground truth.

Run ``python -m cxkit.data.synth cxkit/data/sample`` (``make sample``) to regenerate the bundled sample.

The model (all parameters in :data:`DEFAULT_PARAMS`, documented in
``cxkit/data/sample/README.md``):

* Customers have three latent traits: satisfaction ``s``, ease ``e`` (how easy
  things tend to be for them) and loyalty ``l = 0.5 s + 0.3 e + 0.81 z``. So
  satisfaction and loyalty correlate only moderately: some satisfied customers
  are not loyal.
* Touchpoints: onboarding (new customers), support contacts (Poisson, in a
  channel), renewal (each contract anniversary). After a touchpoint a customer
  may answer CSAT (1..5, all touchpoints) and CES (1..7 "the company made it
  easy", higher is easier; onboarding and support). NPS (0..10) is asked
  every 6 months to all active customers.
* Churn is a discrete-time monthly hazard; its logit is
  ``base[segment] + annual_contract + ces_per_point * (latest CES - 4)
  + detractor * [latest NPS 0-6] + promoter * [latest NPS 9-10]``, using the
  answers given *before* the month starts (no answer: the term is 0).
  CSAT has no direct effect. Annual-contract and enterprise customers are
  "captive": they stay even when dissatisfied.

So the ground truth, checked by the tests, is: higher effort (lower CES)
raises churn; promoters churn less and detractors more than passives; CES
predicts churn better than NPS, and NPS better than CSAT.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .traps import TRAPS, build_trap, write_trap

__all__ = ["SynthParams", "DEFAULT_PARAMS", "generate", "write_sample", "TRAPS", "write_trap", "build_trap"]

CHANNELS = ("phone", "chat", "email", "web", "store")
SEGMENTS = ("consumer", "smb", "enterprise")


@dataclass(frozen=True)
class SynthParams:
    """Generator parameters; the churn coefficients are the documented ground truth."""

    n_customers: int = 20_000
    months: int = 24
    end: str = "2026-10-31"
    existing_share: float = 0.6
    # Months of the same process simulated before the window for the customers who joined before it
    # (answers not exported): the existing customers are then the survivors of that process, as in a real
    # base, where long-tenure customers are the ones who stayed. 0: existing customers enter the window
    # as fresh draws with no history (the generator before issue 18's lifetime-value truth).
    burn_in: int = 48
    segment_probs: tuple[float, ...] = (0.6, 0.3, 0.1)
    annual_share: tuple[float, ...] = (0.25, 0.45, 0.8)
    revenue_median: tuple[float, ...] = (35.0, 220.0, 1800.0)
    support_rate: float = 0.12           # contacts per customer-month
    channel_ease: tuple[float, ...] = (0.3, 0.0, -0.5, -0.2, 0.4)  # phone, chat, email, web, store
    nps_every: int = 6                   # months between NPS waves
    nps_response: float = 0.30
    csat_response: float = 0.40
    ces_response: float = 0.40
    # churn: logit of the monthly hazard (ground truth)
    base_logit: tuple[float, ...] = (-3.9, -4.2, -4.8)
    annual_contract: float = -0.7
    ces_per_point: float = -0.45
    detractor: float = 0.5
    promoter: float = -0.35
    seed: int = 20261101
    extra: dict = field(default_factory=dict)
    # Planted change (issue 17, "why it moved"): from ``plant_from`` on, support contacts through
    # ``plant_channel`` are ``plant_ease_drop`` easier-to-harder (its CES and CSAT worsen within the
    # channel), and a share ``plant_mix_share`` of all support contacts moves to that channel (the
    # answer mix shifts toward a low-scoring channel). None switches it off.
    plant_from: str | None = "2026-05"
    plant_channel: str = "email"
    plant_ease_drop: float = 1.0
    plant_mix_share: float = 0.25
    # Response propensity to the NPS waves (issue 18, ground truth): log-odds added to logit(nps_response)
    # for customers whose (would-be) answer is a detractor's, and per segment (consumer, smb, enterprise).
    nps_response_detractor: float = 0.3
    nps_response_segment: tuple[float, ...] = (0.25, 0.0, -0.5)
    # Points added to the NPS answer's mean per segment (consumer, smb, enterprise): the segments that
    # answer most are the least loyal, so weighting to the base's segment mix raises NPS towards the truth.
    nps_segment_shift: tuple[float, ...] = (-0.3, 0.0, 0.4)


DEFAULT_PARAMS = SynthParams()


def _ordinal(x: np.ndarray, cuts: list[float]) -> np.ndarray:
    return 1 + np.searchsorted(np.asarray(cuts), x)


def generate(params: SynthParams = DEFAULT_PARAMS, truth: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``(customers, responses)`` in the canonical layout (see ``data/README.md``).

    ``truth``: a dict that receives ``nps_invited`` (every customer invited to an NPS wave with the
    score they would give and whether they answered), for the documented response-bias truth.
    """
    p = params
    rng = np.random.default_rng(p.seed)
    end = pd.Timestamp(p.end)
    month_starts = pd.date_range(end=end, periods=p.months + p.burn_in, freq="MS")
    w0 = month_starts[p.burn_in]
    # With a burn-in, twice the needed existing customers start before the window; the first survivors are kept.
    n_exist = int(rng.binomial(p.n_customers, p.existing_share))
    n_cand = 2 * n_exist if p.burn_in else n_exist
    n = p.n_customers - n_exist + n_cand

    seg = rng.choice(len(SEGMENTS), size=n, p=p.segment_probs)
    annual = rng.random(n) < np.asarray(p.annual_share)[seg]
    revenue = np.round(np.asarray(p.revenue_median)[seg] * rng.lognormal(0, 0.5, n), 2)
    pref = rng.choice(len(CHANNELS), size=n, p=(0.3, 0.25, 0.15, 0.2, 0.1))
    existing = rng.permutation(np.arange(n) < n_cand)
    days_before = rng.integers(1, 4 * 365, n)
    days_in = rng.integers(0, (end - w0).days + 1, n)
    start = np.where(existing, (w0 - pd.to_timedelta(days_before, "D")).values,
                     (w0 + pd.to_timedelta(days_in, "D")).values)
    s, e, z = rng.standard_normal((3, n))
    loyal = 0.5 * s + 0.3 * e + np.sqrt(1 - 0.25 - 0.09) * z

    end_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    latest_ces = np.full(n, np.nan)
    latest_nps = np.full(n, np.nan)
    records: list[pd.DataFrame] = []
    ease_ch = np.asarray(p.channel_ease)
    ease_now = ease_ch  # this month's channel ease (the planted change lowers one channel's)
    planted_channel = CHANNELS.index(p.plant_channel)
    # Its own stream: the planted mix shift leaves the main stream's draws as they were.
    plant_rng = np.random.default_rng([p.seed, 17])
    in_window = False  # burn-in months change each customer's state but write no answers

    def answers(idx, when, touch, chan, metrics):
        """Draw answers for events (customer idx at time when) and return a frame."""
        out = []
        ease = e[idx] + ease_now[chan] + rng.normal(0, 0.8, len(idx))
        if "csat" in metrics:
            r = rng.random(len(idx)) < p.csat_response
            sat = 0.8 * s[idx] + 0.4 * ease + rng.normal(0, 0.7, len(idx))
            out.append(("csat", r, _ordinal(sat, [-2.0, -1.3, -0.6, 0.6])))
        if "ces" in metrics:
            r = rng.random(len(idx)) < p.ces_response
            out.append(("ces", r, np.clip(np.rint(4.9 + 1.2 * ease), 1, 7)))
        if "nps" in metrics:
            u = rng.random(len(idx))
            score = np.clip(np.rint(7.6 + np.asarray(p.nps_segment_shift)[seg[idx]] + 2.0 * loyal[idx]
                                    + rng.normal(0, 1.2, len(idx))), 0, 10)
            # Who answers depends on the answer they would give and on their segment (documented truth).
            lo = (np.log(p.nps_response / (1 - p.nps_response)) + p.nps_response_detractor * (score <= 6)
                  + np.asarray(p.nps_response_segment)[seg[idx]])
            r = u < 1 / (1 + np.exp(-lo))
            if truth is not None and in_window:
                truth.setdefault("nps_invited", []).append(pd.DataFrame(
                    {"customer": idx, "when": when, "score": score, "answered": r}))
            out.append(("nps", r, score))
        frames = []
        for metric, resp, score in out:
            frames.append(pd.DataFrame({
                "customer_id": idx[resp], "answered_at": when[resp], "metric": metric,
                "score": score[resp].astype(int), "touchpoint": touch,
                "channel": np.asarray(CHANNELS)[chan[resp]]}))
        return frames

    start_ns = start.astype("datetime64[ns]")
    for m, ms in enumerate(month_starts, start=-p.burn_in):
        in_window = m >= 0
        me = ms + pd.offsets.MonthBegin(1)
        ms64, me64 = np.datetime64(ms, "ns"), np.datetime64(me, "ns")
        ndays = (me - ms).days
        planted = p.plant_from is not None and ms >= pd.Timestamp(p.plant_from)
        ease_now = ease_ch - p.plant_ease_drop * (np.arange(len(ease_ch)) == planted_channel) if planted else ease_ch
        alive_now = np.isnat(end_date)
        # churn this month: hazard from what was known at the month start
        at_risk = np.flatnonzero((start_ns < ms64) & alive_now)
        ces_term = np.nan_to_num(latest_ces[at_risk] - 4.0)
        nps_a = latest_nps[at_risk]
        logit = (np.asarray(p.base_logit)[seg[at_risk]] + p.annual_contract * annual[at_risk]
                 + p.ces_per_point * ces_term + p.detractor * (nps_a <= 6) + p.promoter * (nps_a >= 9))
        churn = rng.random(len(at_risk)) < 1 / (1 + np.exp(-logit))
        leavers = at_risk[churn]
        end_date[leavers] = ms64 + rng.integers(0, ndays, len(leavers)).astype("timedelta64[D]")
        active = np.flatnonzero((start_ns < me64) & (np.isnat(end_date) | (end_date >= ms64)))
        month_frames: list[pd.DataFrame] = []
        # onboarding of customers who started this month
        new = active[(start_ns[active] >= ms64)]
        if len(new):
            when = start_ns[new] + rng.integers(1, 8, len(new)).astype("timedelta64[D]")
            month_frames += answers(new, when, "onboarding", pref[new], ("csat", "ces"))
        # support contacts
        k = rng.poisson(p.support_rate, len(active))
        idx = np.repeat(active, k)
        if len(idx):
            when = ms64 + rng.integers(0, ndays, len(idx)).astype("timedelta64[D]")
            when = np.maximum(when, start_ns[idx] + np.timedelta64(1, "D"))
            chan = np.where(rng.random(len(idx)) < 0.6, pref[idx], rng.integers(0, len(CHANNELS), len(idx)))
            if planted:
                chan = np.where(plant_rng.random(len(idx)) < p.plant_mix_share, planted_channel, chan)
            month_frames += answers(idx, when, "support_contact", chan, ("csat", "ces"))
        # renewal at each contract anniversary
        tenure_m = (ms.year - pd.DatetimeIndex(start_ns[active]).year) * 12 + (
            ms.month - pd.DatetimeIndex(start_ns[active]).month)
        ren = active[(tenure_m > 0) & (tenure_m % 12 == 0)]
        if len(ren):
            when = ms64 + rng.integers(0, ndays, len(ren)).astype("timedelta64[D]")
            month_frames += answers(ren, when, "renewal", pref[ren], ("csat",))
        # periodic relationship NPS
        if m % p.nps_every == 0:
            old = active[start_ns[active] < ms64]
            when = ms64 + rng.integers(0, 14, len(old)).astype("timedelta64[D]")
            month_frames += answers(old, when, "relationship", np.full(len(old), 3), ("nps",))
        if month_frames:
            mf = pd.concat(month_frames, ignore_index=True)
            ed = end_date[mf["customer_id"].to_numpy()]
            ok = (np.isnat(ed) | (mf["answered_at"].to_numpy() < ed)) & (mf["answered_at"].to_numpy() < me64)
            mf = mf[ok]
            mf.loc[mf["touchpoint"] == "relationship", "channel"] = "email"
            if in_window:
                records.append(mf)
            # update the latest answers, used from next month on
            for metric, store in (("ces", latest_ces), ("nps", latest_nps)):
                last = mf[mf["metric"] == metric].sort_values("answered_at").groupby("customer_id")["score"].last()
                store[last.index.to_numpy()] = last.to_numpy()

    # Existing customers: the first n_exist of those still there when the window opens (all of them without a
    # burn-in); customers are numbered in their original order, so ids stay mixed between existing and new.
    survived = np.isnat(end_date) | (end_date >= np.datetime64(w0, "ns"))
    cand = np.flatnonzero(existing & survived)
    if len(cand) < n_exist:
        raise ValueError(f"synth: only {len(cand)} of {n_cand} earlier customers survive a burn-in of {p.burn_in} "
                         f"months; {n_exist} are needed (lower burn_in or the churn hazard)")
    kept = np.sort(np.concatenate([np.flatnonzero(~existing), cand[:n_exist]]))
    new_id = np.full(n, -1)
    new_id[kept] = np.arange(len(kept))
    seg, annual, revenue, pref, start, end_date = (x[kept] for x in (seg, annual, revenue, pref, start, end_date))
    n = len(kept)
    if truth is not None:
        inv = [f.assign(customer=new_id[f["customer"].to_numpy()]) for f in truth.get("nps_invited", [])]
        truth["nps_invited"] = [f[f["customer"] >= 0] for f in inv]
    responses = pd.concat(records, ignore_index=True)
    responses["customer_id"] = new_id[responses["customer_id"].to_numpy()]
    responses = responses[responses["customer_id"] >= 0].sort_values(["answered_at", "customer_id", "metric"])
    responses["customer_id"] = responses["customer_id"].map(lambda i: f"C{i:05d}")
    responses["answered_at"] = pd.to_datetime(responses["answered_at"]).dt.strftime("%Y-%m-%d")
    responses.insert(0, "response_id", np.arange(1, len(responses) + 1))
    customers = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "start_date": pd.to_datetime(start).strftime("%Y-%m-%d"),
        "end_date": pd.Series(pd.to_datetime(end_date)).dt.strftime("%Y-%m-%d"),
        "segment": np.asarray(SEGMENTS)[seg],
        "contract": np.where(annual, "annual", "monthly"),
        "preferred_channel": np.asarray(CHANNELS)[pref],
        "monthly_revenue": revenue,
    })
    return customers, responses.reset_index(drop=True)


def ground_truth(params: SynthParams = DEFAULT_PARAMS) -> dict:
    """The documented effects, as a dict (logit of the monthly churn hazard)."""
    d = asdict(params)
    return {k: d[k] for k in ("base_logit", "annual_contract", "ces_per_point", "detractor", "promoter")}


def write_sample(folder: str | Path, params: SynthParams = DEFAULT_PARAMS) -> tuple[Path, ...]:
    """Write ``customers.csv``, ``responses.csv`` and ``comments.csv`` (:mod:`.synth_comments`) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    customers, responses = generate(params)
    cpath, rpath = folder / "customers.csv", folder / "responses.csv"
    customers.to_csv(cpath, index=False)
    responses.to_csv(rpath, index=False)
    from .synth_comments import write_comments  # issue 17: an additive step; answers stay as they were

    return cpath, rpath, write_comments(folder, customers, responses)


if __name__ == "__main__":  # pragma: no cover - thin wrapper
    target = sys.argv[1] if len(sys.argv) > 1 else "cxkit/data/sample"
    for path in write_sample(target):
        print(path)
