"""cxkit: honest customer-experience statistics for analysts.

``import cxkit as cx`` gives the metrics (:func:`nps`, :func:`csat`,
:func:`ces`, :func:`churn_rate`), comparisons (:func:`compare`,
:func:`pairwise`, :func:`changes`), dataset loading (:func:`load_dataset`)
and plots (:mod:`cxkit.plots`).
"""

from . import alttext, i18n, plots, plots_research, privacy
from .alignment import Aligned, align_churn, pair_answers
from .auc import auc_table, compare_auc
from .churn import ChurnStudy, churn_by_score, churn_study, metric_models, revenue_at_risk, trend_test
from .churnrate import churn_rate
from .compare import Comparison, changes, compare, pairwise
from .counts import score_counts
from .datasets import Dataset, load_dataset, sample_spec_path
from .drivers import Importance, driver_frame, driver_study, relative_importance
from .errors import (
    CxkitError,
    DataError,
    DegenerateDataError,
    OutputError,
    ParameterError,
    SpecError,
)
from .glm import GroupedLogit, grouped_logit, logit_from_cells, outcome_cells
from .hazard import HazardResult, hazard_model, person_months
from .i18n import translate_columns
from .kpis import record_kpi, record_kpis
from .logit import LogitResult, logit, nested_lr
from .loyalty import LoyaltyStudy, crosstab, loyalty_study, rank_correlation, retention_by_category, segment_map
from .metrics import add_period, ces, csat, nps
from .overview import (
    churn_share,
    describe_overview,
    drilldown,
    headline,
    latest_changes,
    metric_table,
    save_tables,
    window,
)
from .runner import run_reports
from .scales import Scale
from .suite import metric_suite
from .suppression import describe_suppression, suppression_summary
from .survival import CoxResult, KaplanMeier, cox, kaplan_meier, score_band
from .validate import ValidationReport, validate_dataset

__version__ = "0.1.0"

__all__ = [
    "Comparison", "CxkitError", "DataError", "Dataset", "DegenerateDataError", "OutputError",
    "ParameterError", "Scale", "SpecError", "__version__", "add_period", "ces", "changes",
    "churn_rate", "compare", "csat", "load_dataset", "nps", "pairwise", "plots", "sample_spec_path",
    "score_counts", "describe_overview", "drilldown", "headline", "latest_changes", "metric_table",
    "save_tables", "window",
    "privacy", "suppression_summary", "describe_suppression",
    # research questions (issue 3)
    "Aligned", "align_churn", "pair_answers", "auc_table", "compare_auc", "ChurnStudy", "churn_by_score",
    "churn_study", "metric_models", "revenue_at_risk", "trend_test", "Importance", "driver_frame",
    "driver_study", "relative_importance", "HazardResult", "hazard_model", "person_months", "LogitResult",
    "logit", "nested_lr", "LoyaltyStudy", "crosstab", "loyalty_study", "rank_correlation",
    "retention_by_category", "segment_map", "CoxResult", "KaplanMeier", "cox", "kaplan_meier", "score_band",
    "plots_research",
    "ValidationReport", "validate_dataset", "i18n", "translate_columns", "churn_share",
    "record_kpi", "record_kpis", "run_reports",
    "GroupedLogit", "grouped_logit", "logit_from_cells", "outcome_cells", "metric_suite",
]

alttext.install()  # in Jupyter: figures get alt text in rendered reports (see cxkit.alttext)
