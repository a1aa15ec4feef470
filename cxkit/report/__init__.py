"""What a report shows: plots (matplotlib/seaborn), display language (i18n), figure alt text for Jupyter
(alttext, ``%load_ext cxkit``) and the KPIs a notebook records.

May import the top-level modules, ``data`` and ``stats``; never ``research``, ``run`` or the CLI.
"""
