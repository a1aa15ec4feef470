"""Alias of :mod:`cxkit.report.plots`, kept for one release: the research plots now live there.

``from cxkit import plots_research`` still works; write ``cx.plots`` in new code.
"""

from .plots import (
    auc_compare,
    calibration,
    churn_by_score,
    crosstab_heatmap,
    driver_importance,
    km_curves,
    odds_ratios,
    retention,
    revenue_at_risk,
    segment_map,
)

__all__ = ["crosstab_heatmap", "segment_map", "retention", "churn_by_score", "km_curves", "odds_ratios",
           "auc_compare", "driver_importance", "revenue_at_risk", "calibration"]
