"""The research questions behind the notebooks: overviews, satisfaction vs loyalty, effort/NPS vs churn,
churn hazard, key drivers, and pairing answers in time with the churn that follows them.

May import the top-level modules, ``data``, ``stats`` and ``report``; never ``run`` or the CLI.
"""
