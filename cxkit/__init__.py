"""cxkit: honest customer-experience statistics for analysts.

``import cxkit as cx`` gives the metrics (:func:`nps`, :func:`csat`,
:func:`ces`, :func:`churn_rate`), comparisons (:func:`compare`,
:func:`pairwise`, :func:`changes`), dataset loading (:func:`load_dataset`)
and plots (:mod:`cxkit.plots`).
"""

from . import plots
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
from .glm import GroupedLogit, grouped_logit, logit_from_cells, outcome_cells
from .metrics import add_period, ces, churn_rate, csat, nps
from .overview import describe_overview, drilldown, headline, latest_changes, metric_table, save_tables, window
from .scales import Scale
from .suite import metric_suite

__version__ = "0.1.0"

__all__ = [
    "Comparison", "CxkitError", "DataError", "Dataset", "DegenerateDataError", "OutputError",
    "ParameterError", "Scale", "SpecError", "__version__", "add_period", "ces", "changes",
    "churn_rate", "compare", "csat", "load_dataset", "nps", "pairwise", "plots", "sample_spec_path",
    "score_counts", "describe_overview", "drilldown", "headline", "latest_changes", "metric_table",
    "save_tables", "window",
    "GroupedLogit", "grouped_logit", "logit_from_cells", "outcome_cells", "metric_suite",
]
