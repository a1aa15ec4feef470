"""Display language of tables, plots and generated sentences: English (``en``) or Dutch (``nl``).

Only what people read is translated: column headers shown in a report, plot
labels and the "what the data says" sentences. Computed tables keep their
English column names (``pct_promoters``...) so code and saved CSV files do not
depend on the language. Dutch wording follows Dutch CX practice (Promotors,
Passieven, Criticasters) and Dutch number formatting (``12,5``; ``1.234``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import check_choice

__all__ = ["LANGS", "text", "check_lang", "fmt", "translate_columns", "column_label"]

LANGS = ("en", "nl")

# key -> (English, Dutch)
_TEXT: dict[str, tuple[str, str]] = {
    "promoters": ("Promoters", "Promotors"),
    "passives": ("Passives", "Passieven"),
    "detractors": ("Detractors", "Criticasters"),
    "pct_answers": ("% of answers", "% van de antwoorden"),
    "too_few": ("too few answers", "te weinig antwoorden"),
    "points": ("points", "punten"),
    "% top box": ("% top box", "% topbox"),
    "% easy": ("% easy", "% makkelijk"),
    "score": ("score", "score"),
    "period": ("period", "periode"),
    "ci": ("CI", "BI"),
    "to": ("to", "tot"),
    "not_reported": ("not reported", "niet gerapporteerd"),
    "no_answers": ("no answers", "geen antwoorden"),
    "no_change": ("No metric changed significantly between its last two periods ({n} compared, Holm-corrected).",
                  "Geen enkele maatstaf veranderde significant tussen de laatste twee perioden ({n} vergeleken, "
                  "Holm-gecorrigeerd)."),
    "rose": ("rose", "steeg"),
    "fell": ("fell", "daalde"),
    "from": ("from", "van"),
    "to_value": ("to", "naar"),
    "adjusted_p": ("adjusted p", "gecorrigeerde p"),
    "churn_rate_pct": ("churn rate (%)", "churnpercentage (%)"),
    "simple_rate": ("simple (start - end) / start", "eenvoudig (begin - eind) / begin"),
    "nps_composition_by": ("NPS composition by {by}", "NPS-opbouw per {by}"),
}

# Headers of computed tables, for display (translate_columns).
_COLUMNS: dict[str, tuple[str, str]] = {
    "metric": ("metric", "maatstaf"), "kind": ("kind", "soort"), "value": ("value", "waarde"),
    "unit": ("unit", "eenheid"), "n": ("n", "n"), "n_eff": ("effective n", "effectieve n"),
    "ci_low": ("CI low", "BI onder"), "ci_high": ("CI high", "BI boven"),
    "mean": ("mean", "gemiddelde"), "mean_ci_low": ("mean CI low", "gemiddelde BI onder"),
    "mean_ci_high": ("mean CI high", "gemiddelde BI boven"), "sd": ("SD", "SD"),
    "scale": ("scale", "schaal"), "note": ("note", "opmerking"), "suppressed": ("suppressed", "onderdrukt"),
    "promoters": ("promoters", "promotors"), "passives": ("passives", "passieven"),
    "detractors": ("detractors", "criticasters"),
    "pct_promoters": ("% promoters", "% promotors"), "pct_passives": ("% passives", "% passieven"),
    "pct_detractors": ("% detractors", "% criticasters"), "nps": ("NPS", "NPS"), "se": ("SE", "SE"),
    "csat": ("CSAT (% top box)", "CSAT (% topbox)"), "top_box": ("top box", "topbox"),
    "pct_easy": ("% easy", "% makkelijk"), "easy": ("easy", "makkelijk"),
    "period": ("period", "periode"), "segment": ("segment", "segment"), "channel": ("channel", "kanaal"),
    "touchpoint": ("touchpoint", "contactmoment"), "at_start": ("customers at start", "klanten bij begin"),
    "churned": ("churned", "vertrokken"), "churn_rate": ("churn rate (%)", "churnpercentage (%)"),
    "churn_pct": ("churned (%)", "vertrokken (%)"),
    "joined": ("joined", "nieuw"), "at_end": ("customers at end", "klanten aan eind"),
    "simple_rate": ("simple rate (%)", "eenvoudig percentage (%)"), "complete": ("complete", "volledig"),
    "diff": ("difference", "verschil"), "p_value": ("p", "p"), "p_adj": ("adjusted p", "gecorrigeerde p"),
    "significant": ("significant", "significant"), "method": ("method", "methode"),
    "statistic": ("statistic", "grootheid"), "previous": ("previous", "vorige"),
}


def check_lang(lang: str) -> str:
    """Raise :class:`~cxkit.errors.ParameterError` unless ``lang`` is ``"en"`` or ``"nl"``."""
    check_choice("lang", lang, LANGS)
    return lang


def text(key: str, lang: str = "en", **fields: object) -> str:
    """The display text ``key`` in ``lang``, with ``{fields}`` filled in."""
    i = LANGS.index(check_lang(lang))
    return _TEXT[key][i].format(**fields)


def column_label(column: str, lang: str = "en") -> str:
    """Display header of a computed-table column (unknown columns are returned unchanged)."""
    i = LANGS.index(check_lang(lang))
    return _COLUMNS[column][i] if column in _COLUMNS else column


def translate_columns(table: pd.DataFrame, lang: str = "en",
                      extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``table`` with display headers in ``lang`` (values unchanged but the ``unit`` words).

    ``extra`` adds or overrides headers (e.g. a segment column's own name).
    """
    names = {c: column_label(c, lang) for c in table.columns}
    names.update(extra or {})
    out = table.rename(columns=names)
    if "unit" in table.columns:  # headline units ("points", "% top box") are words too
        units = {k: text(k, lang) for k in ("points", "% top box", "% easy")}
        out[names["unit"]] = table["unit"].map(lambda u: units.get(u, u)).to_numpy()
    return out


def fmt(x: float, digits: int = 1, lang: str = "en", sign: bool = False) -> str:
    """A number as written in ``lang``: ``1,234.5`` (en) or ``1.234,5`` (nl); ``-`` for missing."""
    if x is None or (isinstance(x, float | np.floating) and np.isnan(x)):
        return "-"
    s = f"{x:+,.{digits}f}" if sign else f"{x:,.{digits}f}"
    if check_lang(lang) == "nl":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s
