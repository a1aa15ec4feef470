"""Statistics on count tables: counting engines (pandas, DuckDB, PySpark), metrics with intervals (NPS, CSAT,
CES, churn rate), bootstrap, intervals (Wilson, t, adjusted Wald, p-value adjustment), small-group suppression (one
``suppress``), comparisons, the logistic core (``design``: one design matrix, reference rule and separation
check; ``logit``: rows and cell counts), survival, AUC, league tables with empirical-Bayes shrinkage
(``shrinkage``, ``league``), lifetime value (``clv``) and cluster-robust Wald tests (``clustered``).

May import only the top-level modules (errors, _checks, _dates, _results, scales); never ``data`` (it works on
frames, not specs) or anything above.
"""
