"""``weights:`` in a dataset spec: rake the answers to population margins while loading.

::

    weights:
      targets:                       # per variable: shares summing to 1, or counts with one total
        segment: {consumer: 0.50, smb: 0.35, enterprise: 0.15}
        contract: {annual: 0.40, monthly: 0.60}
      trim: [0.2, 5]                 # optional: bounds on the weight relative to the mean weight
                                     # (with a base weight: on the raking factor relative to its mean)
      max_iter: 100                  # optional
      per: metric                    # metric (default: each metric's answers are raked on their own) | all

Target variables are columns of the responses table (``touchpoint``, ``channel``, extras) or of the
customers table (``segment``, extras), joined by ``customer_id``. A mapped ``weight`` column is the base
(design) weight the raking starts from; it is kept as ``base_weight`` and ``weight`` becomes the raked
weight, which every metric, comparison and study that takes the answers' weights then uses. The raking
reports (:class:`cxkit._raking.RakeResult`, one per metric or ``"all"``) are ``Dataset.weighting``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_keys
from .._raking import RakeResult, rake_frame
from ..errors import CxkitError, SpecError
from .columns import rows_text
from .quality import QualityLog

__all__ = ["WEIGHTS_KEYS", "check_weights_spec", "apply_weights"]

WEIGHTS_KEYS = {"targets", "trim", "max_iter", "per"}
PER = ("metric", "all")


def check_weights_spec(raw: object, src: str) -> dict[str, Any] | None:
    """The ``weights:`` block, checked for shape (values are checked by the raking itself)."""
    if raw is None:
        return None
    where = f"{src}: `weights`"
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where} must be a mapping with `targets` (and optionally trim, max_iter, per); "
                        f"got {raw!r}.")
    check_keys(raw, WEIGHTS_KEYS, where)
    targets = raw.get("targets")
    if not isinstance(targets, Mapping) or not targets or not all(
            isinstance(k, str) and isinstance(v, Mapping) and v for k, v in targets.items()):
        raise SpecError(f"{where}.targets must map each column to {{level: share or count}}, e.g. "
                        f"`segment: {{consumer: 0.6, smb: 0.4}}`; got {targets!r}.")
    trim = raw.get("trim")
    if trim is not None and not (isinstance(trim, list | tuple) and len(trim) == 2):
        raise SpecError(f"{where}.trim must be [lower, upper] (relative to the mean weight), e.g. [0.2, 5]; "
                        f"got {trim!r}.")
    max_iter = raw.get("max_iter", 100)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise SpecError(f"{where}.max_iter must be a positive whole number; got {max_iter!r}.")
    per = raw.get("per", "metric")
    if per not in PER:
        raise SpecError(f"{where}.per must be one of {list(PER)}; got {per!r}.")
    return {"targets": {k: dict(v) for k, v in targets.items()}, "trim": tuple(trim) if trim else None,
            "max_iter": max_iter, "per": per}


def apply_weights(responses: pd.DataFrame, customers: pd.DataFrame | None, wspec: Mapping[str, Any],
                  src: str, log: QualityLog) -> tuple[pd.DataFrame, dict[str, RakeResult]]:
    """Rake the answers to ``wspec``'s targets: the responses with ``weight`` raked, and the reports.

    Problems (a target column nowhere, answers without a level, impossible targets) are logged
    as errors of the responses table, so :func:`~cxkit.data.dataset.load_dataset` raises them all
    at once and ``cx.validate_dataset`` reports them.
    """
    targets = wspec["targets"]
    where = f"{src}, weights"
    frame = pd.DataFrame(index=responses.index)
    for col in targets:
        if col in responses.columns and col not in ("customer_id", "score", "_row"):
            frame[col] = responses[col]
        elif customers is not None and col in customers.columns:
            frame[col] = responses["customer_id"].map(customers.set_index("customer_id")[col])
        else:
            have = [c for c in responses.columns if c not in ("customer_id", "score", "_row", "answered_at")]
            if customers is not None:
                have += [c for c in customers.columns if c not in ("customer_id", "_row") and c not in have]
            raise SpecError(f"{where}.targets: column {col!r} is in neither the responses nor the customers "
                            f"table; columns available: {have}.")
    missing = frame.isna().any(axis=1).to_numpy()
    if missing.any():
        cols = [c for c in targets if frame[c].isna().any()]
        log.error("responses", "weights", f"{where}: {int(missing.sum()):,} answers have no value in {cols} "
                  f"(source {rows_text(responses.loc[missing, '_row'])}; an answer whose customer is not in "
                  "the customers table has none); raking needs every answer's level. Fill them, recode "
                  "them to a level with a target, or drop those answers.", cols[0], int(missing.sum()))
        return responses, {}
    base = responses["weight"] if "weight" in responses.columns else None
    if base is not None:
        frame["__base"] = pd.to_numeric(base, errors="coerce")
    groups = ([("all", np.ones(len(frame), bool))] if wspec["per"] == "all" else
              [(str(m), (responses["metric"] == m).to_numpy()) for m in pd.unique(responses["metric"])])
    raked = np.full(len(frame), np.nan)
    reports: dict[str, RakeResult] = {}
    for name, mask in groups:
        if not mask.any():
            continue
        sub = frame.loc[mask]
        label = where if wspec["per"] == "all" else f"{where} (metric {name!r})"
        try:
            r = rake_frame(sub, targets, weight="__base" if base is not None else None, trim=wspec["trim"],
                           max_iter=wspec["max_iter"], source=label)
        except CxkitError as exc:
            log.add("error", "responses", "weights", str(exc), None, int(mask.sum()), error_class=type(exc))
            continue
        raked[mask] = r.weights.to_numpy()
        reports[name] = r
    if len(reports) < len(groups):
        return responses, reports
    out = responses.copy()
    if base is not None:
        out["base_weight"] = base
    out["weight"] = raked
    for name, r in reports.items():
        log.note("responses", f"weights ({'all answers' if name == 'all' else repr(name)}; "
                 f"{', '.join(targets)}): {r.headline()}.")
    log.stat("responses", "weighting", {k: r.diagnostics() for k, r in reports.items()})
    return out, reports
