"""cxkit: honest customer-experience statistics for analysts.

``import cxkit as cx`` gives the metrics (:func:`nps`, :func:`csat`,
:func:`ces`, :func:`churn_rate`), comparisons (:func:`compare`,
:func:`pairwise`, :func:`changes`), dataset loading (:func:`load_dataset`)
and plots (:mod:`cxkit.plots`).
"""

from . import i18n, plots, privacy
from .compare import Comparison, changes, compare, pairwise
from .counts import score_counts
from .datasets import Dataset, load_dataset, sample_spec_path
from .errors import (
    CxkitError,
    DataError,
    DegenerateDataError,
    OutputError,
    ParameterError,
    SpecError,
)
from .i18n import translate_columns
from .kpis import record_kpi, record_kpis
from .metrics import add_period, ces, churn_rate, csat, nps
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
from .suppression import describe_suppression, suppression_summary
from .validate import ValidationReport, validate_dataset

__version__ = "0.1.0"

__all__ = [
    "Comparison", "CxkitError", "DataError", "Dataset", "DegenerateDataError", "OutputError",
    "ParameterError", "Scale", "SpecError", "__version__", "add_period", "ces", "changes",
    "churn_rate", "compare", "csat", "load_dataset", "nps", "pairwise", "plots", "sample_spec_path",
    "score_counts", "describe_overview", "drilldown", "headline", "latest_changes", "metric_table",
    "save_tables", "window",
    "privacy", "suppression_summary", "describe_suppression",
    "ValidationReport", "validate_dataset", "i18n", "translate_columns", "churn_share",
    "record_kpi", "record_kpis", "run_reports",
]
