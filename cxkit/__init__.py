"""cxkit: honest customer-experience statistics for analysts.

``import cxkit as cx`` gives the metrics (:func:`nps`, :func:`csat`,
:func:`ces`, :func:`churn_rate`), comparisons (:func:`compare`,
:func:`pairwise`, :func:`changes`), dataset loading (:func:`load_dataset`)
and plots (:mod:`cxkit.plots`).
"""

from .data import privacy
from .data.dataset import Dataset, load_dataset, sample_spec_path
from .data.validate import ValidationReport, validate_dataset
from .errors import (
    CxkitError,
    DataError,
    DegenerateDataError,
    OutputError,
    ParameterError,
    SpecError,
)
from .report import alttext, i18n, plots, plots_research
from .report.i18n import translate_columns
from .report.kpis import record_kpi, record_kpis
from .research.alignment import Aligned, align_churn, pair_answers
from .research.churn import ChurnStudy, churn_by_score, churn_study, metric_models, revenue_at_risk, trend_test
from .research.drivers import (
    DriverStudy,
    Importance,
    describe_drivers,
    driver_frame,
    driver_study,
    relative_importance,
)
from .research.hazard import HazardResult, hazard_model, person_months
from .research.loyalty import (
    LoyaltyStudy,
    crosstab,
    loyalty_study,
    rank_correlation,
    retention_by_category,
    segment_map,
)
from .research.overview import (
    churn_overview,
    describe_overview,
    drilldown,
    headline,
    latest_changes,
    metric_table,
    save_tables,
    window,
)
from .run.batch import run_reports
from .scales import Scale
from .stats.auc import auc_table, compare_auc
from .stats.churn_rate import churn_rate, churn_share
from .stats.compare import Comparison, changes, compare, pairwise
from .stats.counts import score_counts
from .stats.glm import GroupedLogit, grouped_logit, logit_from_cells, outcome_cells
from .stats.logit import LogitResult, logit, nested_lr
from .stats.metrics import add_period, ces, csat, nps
from .stats.suite import metric_suite
from .stats.suppression import describe_suppression, suppression_summary
from .stats.survival import CoxResult, KaplanMeier, cox, kaplan_meier, score_band

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
    "driver_study", "DriverStudy", "relative_importance", "describe_drivers", "HazardResult", "hazard_model", "person_months", "LogitResult",
    "logit", "nested_lr", "LoyaltyStudy", "crosstab", "loyalty_study", "rank_correlation",
    "retention_by_category", "segment_map", "CoxResult", "KaplanMeier", "cox", "kaplan_meier", "score_band",
    "plots_research",
    "ValidationReport", "validate_dataset", "i18n", "translate_columns", "churn_share", "churn_overview",
    "record_kpi", "record_kpis", "run_reports",
    "GroupedLogit", "grouped_logit", "logit_from_cells", "outcome_cells", "metric_suite",
]

alttext.install()  # in Jupyter: figures get alt text in rendered reports (see cxkit.alttext)
