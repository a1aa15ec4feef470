"""Time alignment: pair answers with each other and with the churn that follows them.

Every analysis of "does this score predict churn" must only count churn that
happens *after* the answer; otherwise customers who already left (and answered
angrily on the way out) make any score look predictive. The functions here

* pair each customer's answers to several metrics (e.g. CES with NPS) when
  they were given within ``window_days`` of each other (:func:`pair_answers`);
* attach the outcome: churn within ``horizon_days`` *after* the (latest)
  answer date, time to churn for survival analysis, tenure at the answer
  (:func:`align_churn`). Answers whose horizon has not ended by the data
  cut-off ``as_of`` are left out and counted: keeping them would count
  only the churn that already happened and understate every rate.

Data without dates (e.g. a churn label and one satisfaction answer per
customer) is used as given, and the result says in plain words that time
order cannot be checked.

Which answer per customer
-------------------------
``keep="first"`` (default) uses each customer's first answer whose horizon is
complete. This choice depends only on the past, so it does not bias the
outcome. ``keep="last"`` looks ahead (customers who stay keep answering, so a
leaver's last answer sits closer to their churn) and is offered for
exploration only; ``keep="all"`` keeps every answer, and the regressions then
cluster their standard errors by customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import as_list, check_choice, to_timestamp
from .._dates import to_dates, utc_naive_scalar
from .._results import Result
from ..data.dataset import Dataset
from ..errors import DataError, DegenerateDataError, ParameterError

__all__ = ["Aligned", "pair_answers", "align_churn", "plain_ids", "data_end", "effective_cut", "KEEP"]

KEEP = ("first", "last", "all")
_RESERVED = {"customer_id", "answered_at", "churned", "event", "time_days", "tenure_years", "complete",
             "end_date", "start_date", "index_date"}


@dataclass(frozen=True, repr=False)
class Aligned(Result):
    """Answers (or paired answers) with the outcome that follows them.

    Attributes
    ----------
    frame : DataFrame
        One row per analysed answer (pair): ``customer_id``, ``answered_at``
        (the index date: the latest answer of the pair), one score column per
        metric (named after the metric) with its date ``<metric>_at``, the
        customer columns (``segment``, ``value``, extras), ``tenure_years`` at
        the answer, ``churned`` (within the horizon after the answer, or the
        label as given when untimed), ``time_days`` and ``event`` (time from
        the answer to churn or to ``as_of``, for survival analysis).
    metrics : tuple of str
        The metrics paired (first one is the anchor).
    horizon_days, window_days : int or None
    as_of : Timestamp or None
        Data cut-off: answers whose horizon ends after it are left out.
    timed : bool
        False when answer or churn dates are missing: time order unchecked.
    counts : DataFrame
        ``step, rows, note``: how many rows each step kept or left out.
    notes : tuple of str
        Plain-words caveats.
    """

    frame: pd.DataFrame
    metrics: tuple[str, ...]
    horizon_days: int | None
    window_days: int | None
    as_of: pd.Timestamp | None
    timed: bool
    keep: str
    counts: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def left_out(self) -> int:
        """Answers left out because their horizon had not ended by ``as_of``."""
        row = self.counts[self.counts["step"] == "horizon not over by the cut-off (left out)"]
        return int(row["rows"].sum()) if len(row) else 0

    def summary(self) -> pd.DataFrame:
        """How many rows each step kept or left out (``counts``: ``step, rows, note``)."""
        return self.counts

    def headline(self) -> str:
        what = " + ".join(self.metrics)
        events = int(self.frame["churned"].sum()) if "churned" in self.frame and self.n else 0
        if self.timed and self.horizon_days is not None:
            head = (f"{what}: {self.n:,} answers of {self.frame['customer_id'].nunique():,} customers, "
                    f"{events:,} churned within {self.horizon_days} days after answering "
                    f"(cut-off {self.as_of.date()}; {self.left_out:,} answers left out because their "
                    f"{self.horizon_days}-day horizon had not ended).")
        elif self.timed:
            head = (f"{what}: {self.n:,} answers followed up to {self.as_of.date()}, "
                    f"{int(self.frame['event'].sum()):,} churned afterwards.")
        else:
            head = (f"{what}: {self.n:,} answers, {events:,} with the churn label set "
                    "(no dates: time order not checked).")
        return head


def plain_ids(ids: pd.Series) -> pd.Series:
    """Customer ids as plain Python strings: loaders may hand over ``object`` or ``string`` dtypes,
    and pandas refuses to join across them."""
    return ids.astype(str).astype(object)


def data_end(ds: Dataset) -> pd.Timestamp | None:
    """The latest date anywhere in the data (answers, customer starts and ends); None without dates."""
    dates = []
    if _has_dates(ds.responses, "answered_at"):
        dates.append(ds.responses["answered_at"].max())
    for col in ("start_date", "end_date"):
        if _has_dates(ds.customers, col):
            dates.append(ds.customers[col].max())
    return max(utc_naive_scalar(pd.Timestamp(d)) for d in dates) if dates else None


def effective_cut(ds: Dataset, as_of: str | pd.Timestamp | None) -> tuple[pd.Timestamp | None, str]:
    """The cut-off to use: ``as_of``, but never later than the data goes (with a note when capped).

    Churn after the last recorded date is simply not in the data; treating the
    time up to a later run date as observed would count those customers as
    having stayed.
    """
    end = data_end(ds)
    if as_of is None:
        return end, (f"No cut-off given: the latest date in the data ({end.date()}) is used." if end is not None
                     else "")
    cut = to_timestamp(as_of, "as_of")
    if end is not None and end < cut:
        return end, (f"The data ends on {end.date()}, before the cut-off {cut.date()}: churn after "
                     f"{end.date()} is not recorded, so {end.date()} is used as the cut-off.")
    return cut, ""


def _has_dates(df: pd.DataFrame | None, col: str) -> bool:
    return df is not None and col in df.columns and df[col].notna().any()


def _metric_list(metrics: str | Sequence[str], anchor: str | None) -> list[str]:
    """Metrics with the anchor first."""
    metrics = as_list(metrics)
    if not metrics:
        raise ParameterError("`metrics` must name at least one metric.")
    anchor = anchor or metrics[0]
    return [anchor, *[m for m in metrics if m != anchor]]


def pair_answers(responses: pd.DataFrame, metrics: str | Sequence[str], *, anchor: str | None = None,
                 window_days: int | None = 90) -> tuple[pd.DataFrame, list[tuple[str, int, str]]]:
    """One row per answer to ``anchor`` with the same customer's nearest answer to each other metric.

    Parameters
    ----------
    responses : DataFrame
        Canonical responses (``customer_id, metric, score`` and ``answered_at``
        when known; ``touchpoint, channel`` are carried along for the anchor).
    metrics : str or list of str
        Metrics to pair; the first is the anchor unless ``anchor`` is given.
    window_days : int or None
        Partner answers must lie within this many days (before or after) of
        the anchor answer; the nearest one is taken. ``None``: any distance.
        Without dates, answers are paired per customer (first answer each).

    Returns
    -------
    frame : DataFrame
        ``customer_id``, ``answered_at`` (the latest of the paired dates, NaT
        without dates), one column per metric with the score, ``<metric>_at``
        with its date, and the anchor's ``touchpoint``/``channel``.
    steps : list of (step, rows, note)
        Bookkeeping of rows dropped.
    """
    metrics = _metric_list(metrics, anchor)
    anchor = metrics[0]
    clash = sorted(set(metrics) & (_RESERVED | set(responses.columns)))
    if clash:
        raise ParameterError(f"metric names {clash} clash with column names cxkit uses; rename them in the spec.")
    present = set(responses["metric"].unique())
    missing = [m for m in metrics if m not in present]
    if missing:
        raise DegenerateDataError(f"no answers to {missing} in the responses; metrics with answers: "
                                  f"{sorted(present)}.")
    if window_days is not None and (not isinstance(window_days, int | np.integer) or window_days < 0):
        raise ParameterError(f"`window_days` must be a non-negative whole number of days or None; got {window_days!r}.")
    dated = _has_dates(responses, "answered_at")
    carry = [c for c in ("touchpoint", "channel", "weight") if c in responses.columns]
    steps: list[tuple[str, int, str]] = []

    def part(m: str) -> pd.DataFrame:
        rows = responses[responses["metric"] == m]
        cols = ["customer_id", "score"] + (["answered_at"] if dated else [])
        out = rows[cols + (carry if m == anchor else [])].rename(columns={"score": m})
        out["customer_id"] = plain_ids(out["customer_id"])
        if dated:
            out = out.rename(columns={"answered_at": f"{m}_at"})
            out[f"{m}_at"] = to_dates(out[f"{m}_at"], "answered_at", "responses")  # the date policy
        return out

    base = part(anchor)
    steps.append((f"answers to {anchor}", len(base), ""))
    if dated:
        undated = base[f"{anchor}_at"].isna()
        if undated.any():
            steps.append(("answers without a date (left out)", int(undated.sum()), "cannot be placed in time"))
            base = base[~undated]
    for m in metrics:
        if m == anchor:
            continue
        other = part(m)
        before = len(base)
        if dated:
            other = other[other[f"{m}_at"].notna()].sort_values(f"{m}_at")
            tol = None if window_days is None else pd.Timedelta(days=int(window_days))
            base = pd.merge_asof(base.sort_values(f"{anchor}_at"), other, left_on=f"{anchor}_at",
                                 right_on=f"{m}_at", by="customer_id", direction="nearest",
                                 tolerance=tol)
        else:
            # Without dates there is nothing to choose by: the first answer in file order.
            base = base.merge(other.drop_duplicates("customer_id"), on="customer_id", how="left")
        base = base[base[m].notna()]
        where = f"within {window_days} days" if dated and window_days is not None else "at all"
        steps.append((f"no {m} answer by the same customer {where} (left out)", before - len(base), ""))
    if dated:
        date_cols = [f"{m}_at" for m in metrics]
        base["answered_at"] = base[date_cols].max(axis=1)
    else:
        base["answered_at"] = pd.NaT
    front = ["customer_id", "answered_at", *metrics]
    rest = [c for c in base.columns if c not in front]
    return base[front + rest].reset_index(drop=True), steps


def align_churn(ds: Dataset, metrics: str | Sequence[str], *, anchor: str | None = None,
                window_days: int | None = 90, horizon_days: int | None = 180,
                as_of: str | pd.Timestamp | None = None, keep: str = "first") -> Aligned:
    """Answers paired per customer, each with churn within ``horizon_days`` after it.

    Parameters
    ----------
    ds : Dataset
        Needs ``customers`` (with ``end_date`` for timed analyses, or a
        ``churned`` label).
    metrics : str or list of str
        One metric, or several to pair (see :func:`pair_answers`).
    window_days : int or None
        Pairing window between the metrics' answers.
    horizon_days : int or None
        Churn counts when the customer's end date falls within this many
        days after the (latest paired) answer. Answers whose horizon ends
        after ``as_of`` are left out and counted. ``None``: no horizon, every
        answer is followed up to ``as_of`` (for survival analysis, where
        censoring handles unfinished follow-up).
    as_of : date, optional
        Data cut-off. Default: the latest date in the data (noted).
    keep : {"first", "last", "all"}
        Which answers per customer (see the module notes).

    Returns
    -------
    Aligned
    """
    check_choice("keep", keep, KEEP)
    if horizon_days is not None and (not isinstance(horizon_days, int | np.integer) or horizon_days <= 0):
        raise ParameterError(f"`horizon_days` must be a positive whole number of days or None; got {horizon_days!r}.")
    if ds.customers is None:
        raise DataError(f"dataset {ds.name!r} has no customers table: there is no churn to pair answers with. "
                        "Map a customers table with `end_date` or `churned` in the spec.")
    cust = ds.customers.drop(columns=["_row"], errors="ignore").assign(
        customer_id=lambda d: plain_ids(d["customer_id"]))
    for col in ("start_date", "end_date"):
        if col in cust.columns:
            cust[col] = to_dates(cust[col], col, "customers")  # the date policy (cxkit._dates)
    if "churned" not in cust.columns:
        raise DataError(f"dataset {ds.name!r}: the customers table has neither `end_date` nor `churned`; "
                        "map one of them in the spec.")
    frame, steps = pair_answers(ds.responses, metrics, anchor=anchor, window_days=window_days)
    metrics = tuple(_metric_list(metrics, anchor))
    notes: list[str] = []
    timed = bool(_has_dates(frame, "answered_at") and "end_date" in cust.columns)
    cut = None
    if timed:
        cut, why = effective_cut(ds, as_of)
        if why:
            notes.append(why)

    before = len(frame)
    frame = frame.merge(cust, on="customer_id", how="inner", validate="many_to_one", suffixes=("", "_customer"))
    steps.append(("customer not in the customers table (left out)", before - len(frame), ""))

    if timed:
        late = frame["answered_at"] > cut
        if late.any():
            steps.append(("answered after the cut-off (left out)", int(late.sum()), f"after {cut.date()}"))
            frame = frame[~late]
        after = frame["end_date"].notna() & (frame["answered_at"] >= frame["end_date"])
        steps.append(("answered on or after leaving (left out)", int(after.sum()),
                      "an answer given after churn cannot predict it"))
        frame = frame[~after].copy()
        end = frame["end_date"].where(frame["end_date"] <= cut)
        frame["time_days"] = ((end.fillna(cut) - frame["answered_at"]).dt.days).astype(float)
        frame["event"] = end.notna()
        if horizon_days is not None:
            frame["complete"] = frame["answered_at"] + pd.Timedelta(days=int(horizon_days)) <= cut
            open_ = ~frame["complete"]
            steps.append(("horizon not over by the cut-off (left out)", int(open_.sum()),
                          f"answered after {(cut - pd.Timedelta(days=int(horizon_days))).date()}"))
            frame = frame[frame["complete"]].copy()
            frame["churned"] = frame["event"] & (frame["time_days"] <= horizon_days)
        else:
            frame["churned"] = frame["event"]
        if "start_date" in frame.columns and frame["start_date"].notna().any():
            frame["tenure_years"] = (frame["answered_at"] - frame["start_date"]).dt.days / 365.25
    else:
        frame = frame.copy()
        frame["churned"] = frame["churned"].astype(bool)
        why = "answer dates" if not _has_dates(frame, "answered_at") else "churn dates"
        notes.append(f"This dataset has no {why}: churn is the label as given, and whether it happened after "
                     "the answer cannot be checked. Customers who had already decided to leave may have "
                     "answered differently, so associations can run backwards (churn -> score), and no "
                     "horizon applies.")
        horizon_days = None

    if keep != "all" and len(frame):
        order = ["customer_id", "answered_at"] if timed else ["customer_id"]
        frame = frame.sort_values(order, kind="stable")
        kept = frame.drop_duplicates("customer_id", keep=keep)
        steps.append((f"later answers of the same customer (keep={keep!r}, left out)" if keep == "first"
                      else f"earlier answers of the same customer (keep={keep!r}, left out)",
                      len(frame) - len(kept), "one answer per customer keeps observations independent"))
        frame = kept
        if keep == "last" and timed:
            notes.append("keep='last' looks ahead: customers who stay keep answering, so a leaver's last answer "
                         "lies closer to their churn. Use it for exploration only.")
    elif keep == "all":
        notes.append("Several answers per customer are kept: intervals are clustered by customer.")
    frame = frame.sort_values(["answered_at", "customer_id"] if timed else ["customer_id"],
                              kind="stable").reset_index(drop=True)
    steps.append(("analysed", len(frame), f"{frame['customer_id'].nunique():,} customers"))
    if len(frame) and frame["churned"].nunique() < 2:
        state = "churned" if frame["churned"].all() else "stayed"
        notes.append(f"Every analysed customer {state}"
                     + (f" within {horizon_days} days" if horizon_days else "")
                     + ": churn cannot be related to any score.")
    counts = pd.DataFrame(steps, columns=["step", "rows", "note"])
    return Aligned(frame=frame, metrics=tuple(metrics), horizon_days=horizon_days if timed else None,
                   window_days=window_days if len(metrics) > 1 else None, as_of=cut if timed else None,
                   timed=timed, keep=keep, counts=counts, notes=tuple(notes))
