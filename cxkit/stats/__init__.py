"""Statistics on count tables: counting engines (pandas, DuckDB, PySpark), metrics with intervals (NPS, CSAT,
CES, churn rate), bootstrap, small-group suppression, comparisons, logistic and grouped-logit models,
survival and AUC.

May import only the top-level modules (errors, _checks, _results, scales); never ``data`` (it works on
frames, not specs) or anything above.
"""
