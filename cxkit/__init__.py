"""cxkit: honest customer-experience statistics for analysts.

``import cxkit as cx`` gives the metrics (:func:`nps`, :func:`csat`,
:func:`ces`, :func:`churn_rate`), comparisons (:func:`compare`,
:func:`pairwise`, :func:`changes`), dataset loading (:func:`load_dataset`),
the research studies and plots (:mod:`cxkit.plots`).

Importing cxkit is light and changes no global state: each name is imported
from its module on first use (module ``__getattr__``, as in SciPy). In
Jupyter, ``%load_ext cxkit`` adds alt text to figures (see
:mod:`cxkit.report.alttext`).
"""

from __future__ import annotations

import importlib
from typing import Any

# Light modules, imported now ("X as X" marks a re-export).
from ._version import __version__ as __version__
from .errors import CxkitError as CxkitError
from .errors import DataError as DataError
from .errors import DegenerateDataError as DegenerateDataError
from .errors import OutputError as OutputError
from .errors import ParameterError as ParameterError
from .errors import SpecError as SpecError

# Modules (relative to cxkit) offered as attributes: ``cx.plots``, ``cx.i18n``, ...
_MODULES = ("data.privacy", "report.alttext", "report.i18n", "report.plots", "report.tables", "report.plots_research")

# Module (relative to cxkit) -> the public names it defines.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "_dates": ("today",),
    "data.dataset": ("Dataset", "load_dataset", "sample_spec_path"),
    "data.validate": ("ValidationReport", "validate_dataset"),
    "scales": ("Scale",),
    "stats.auc": ("auc_table", "compare_auc"),
    "stats.banner": ("Banner",),
    "stats.power": ("mdd", "n_needed"),
    "stats.churn_rate": ("churn_rate", "churn_share"),
    "stats.clv": ("CLVResult", "clv"),
    "stats.compare": ("Comparison", "changes", "compare", "pairwise"),
    "stats.counts": ("score_counts",),
    "stats.league": ("League", "league"),
    "stats.logit": ("GroupedLogit", "LogitResult", "grouped_logit", "logit", "logit_from_cells", "nested_lr",
                    "outcome_cells"),
    "stats.metrics": ("add_period", "ces", "csat", "nps"),
    "stats.suite": ("metric_suite",),
    "stats.suppression": ("describe_suppression", "suppression_summary"),
    "stats.survival": ("CoxResult", "KaplanMeier", "cox", "kaplan_meier", "score_band"),
    "report.i18n": ("translate_columns",),
    "report.kpis": ("record_kpi", "record_kpis", "not_applicable"),
    "report.tables": ("show",),
    "report.summary": ("report_header",),
    "research.alignment": ("Aligned", "align_churn", "pair_answers"),
    "research.banner": ("banner", "banner_setup"),
    "research.churn": ("ChurnStudy", "churn_applicable", "churn_by_score", "churn_study", "metric_models",
                       "revenue_at_risk", "trend_test", "validate_models"),
    "research.drivers": ("DriverStudy", "Importance", "describe_drivers", "driver_frame", "driver_outcome",
                         "driver_study", "relative_importance"),
    "research.hazard": ("HazardResult", "hazard_model", "person_months"),
    "research.loyalty": ("LoyaltyStudy", "crosstab", "loyalty_study", "rank_correlation", "retention_by_category",
                         "segment_map"),
    "research.overview": ("churn_overview", "overview_period", "describe_overview", "drilldown", "headline", "latest_changes",
                          "metric_table", "save_tables", "window"),
    "run.batch": ("default_batch_path", "run_reports"),
    "research.value": ("ValueByCategory", "ValueStudy", "clv_revenue_at_risk", "value_applicable", "value_by_category",
                       "value_study"),
    "research.response": ("ResponseBias", "ResponseRates", "response_bias", "response_rates", "weight_to_base"),
    "stats.raking": ("RakeResult", "rake", "weighting_sensitivity"),
    "stats.multiplicity": ("TestFamily", "tests"),
    "report.error_budget": ("record_tests",),
    "research.comments": ("CommentStudy", "comment_study"),
    "text.codebook": ("Codebook", "code_comments", "load_codebook"),
    "text.comments": ("comments_only", "load_comments"),
    "text.language": ("detect_language",),
    "text.propose": ("propose_codes",),
    "text.sentiment": ("sentiment",),
    "research.decompose": ("ChangeDecomposition", "decompose_change"),
    "research.monitor": ("Monitor", "monitor"),
    "report.alerts": ("record_alerts",),
    "research.why": ("WhyItMoved", "why_it_moved"),
    "research.segments": ("league_tables", "league_units", "segments_verdict", "weighting_report",
                          "weighting_tables",
                          "league_headline"),
}

# name -> (module, attribute); attribute None: the module itself.
_LAZY: dict[str, tuple[str, str | None]] = {
    **{mod.rpartition(".")[2]: (mod, None) for mod in _MODULES},
    **{name: (mod, name) for mod, names in _EXPORTS.items() for name in names},
}

__all__ = sorted(["__version__", "CxkitError", "DataError", "DegenerateDataError", "OutputError", "ParameterError",
                  "SpecError", "load_ipython_extension", *_LAZY])


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'cxkit' has no attribute {name!r}") from None
    value = importlib.import_module(f".{module}", __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext cxkit``: figures shown in this kernel get alt text (:func:`cxkit.report.alttext.install`)."""
    from .report.alttext import install

    install(ipython)
