"""Display language of tables, plots and generated sentences: English (``en``) or Dutch (``nl``).

Only what people read is translated: column headers shown in a report, plot
labels and the "what the data says" sentences. Computed tables keep their
English column names (``pct_promoters``...) so code and saved CSV files do not
depend on the language. Dutch wording follows Dutch CX practice (Promotors,
Passieven, Criticasters) and Dutch number formatting (``12,5``; ``1.234``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._checks import check_choice
from ..stats.suppression import REASON_TEXT
from .messages import MESSAGES
from .narrative import NARRATIVE

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["LANGS", "text", "check_lang", "fmt", "num", "pvalue", "translate_columns", "column_label", "markdown", "code_html",
           "styled", "suppression_reason", "message", "INDEX_WORDS", "REPORT_TITLES"]

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
    # table formatter (cxkit.report.tables)
    "yes": ("yes", "ja"), "no": ("no", "nee"),
    "run_parameters": ("Run parameters", "Parameters van deze run"), "parameter": ("parameter", "parameter"),
    "value": ("value", "waarde"), "appendix": ("Appendix", "Bijlage"), "contents": ("Contents", "Inhoud"),
    "kpis_recorded": ("Recorded in kpis.json", "Vastgelegd in kpis.json"), "kpi_figure": ("figure", "cijfer"),
    "kpi_interval_n": ("interval and n", "interval en n"),
    # chart text (report.plots research charts) and chart titles of the notebooks
    "pl_pct_row": ("% of the row", "% van de rij"), "pl_nps_category": ("NPS category", "NPS-categorie"),
    "pl_nps_points": ("NPS (points)", "NPS (punten)"), "pl_still_customers": ("% still customers", "% nog klant"),
    "pl_churned_horizon": ("% left within the horizon", "% vertrokken binnen de horizon"),
    "pl_days_after": ("days after the answer", "dagen na het antwoord"),
    "pl_or_per_point": ("odds ratio per point", "odds ratio per punt"),
    "pl_auc": ("AUC (churn within the horizon)", "AUC (opzeggen binnen de horizon)"),
    "pl_pct_r2": ("% of the explained variance in {outcome}", "% van de verklaarde variantie in {outcome}"),
    "pl_value_lost": ("expected value lost", "verwachte verloren waarde"),
    "pl_cal_predicted": ("predicted % churned (later answers)", "voorspeld % vertrokken (latere antwoorden)"),
    "pl_cal_observed": ("observed % churned", "waargenomen % vertrokken"),
    "band_hard": ("hard", "moeilijk"), "band_neutral": ("neutral", "neutraal"), "band_easy": ("easy", "makkelijk"),
    "band_low": ("low", "laag"), "band_middle": ("middle", "midden"), "band_top box": ("top box", "topbox"),
    "ti_crosstab": ("NPS category by {csat} answer (row %)", "NPS-categorie per {csat}-antwoord (rij-%)"),
    "ti_segments": ("{csat} vs NPS by {by}", "{csat} tegenover NPS per {by}"),
    "ti_retention": ("Still customers {days} days after the NPS answer", "Nog klant {days} dagen na het NPS-antwoord"),
    "ti_churn_score": ("{m}: churn within {days} days", "{m}: opzeggingen binnen {days} dagen"),
    "ti_churn_score_undated": ("{m}: churn", "{m}: opzeggingen"),
    "ti_calibration": ("Observed vs predicted churn on later answers (deciles)",
                       "Waargenomen en voorspelde opzeggingen bij latere antwoorden (decielen)"),
    "ti_odds": ("Odds of churning per point higher", "Kans (odds) op opzeggen per punt hoger"),
    "ti_auc": ("How well each score separates leavers from stayers", "Hoe goed elke score vertrekkers van blijvers scheidt"),
    "ti_hazard": ("Monthly churn hazard: odds ratio per term", "Maandelijkse vertrekkans: odds ratio per term"),
    "ti_cox": ("Cox model, {m} bands", "Cox-model, banden van {m}"),
    "mean_of": ("mean {m}", "gemiddelde {m}"),
    "ti_drivers": ("Drivers of {y}: R² = {r2} (n = {n})", "Drijfveren van {y}: R² = {r2} (n = {n})"),
    # notebook lines
    "left_out": ("Left out: {n} {what}.", "Weggelaten: {n} {what}."),
    "metric_by": ("{metric} by {by}", "{metric} per {by}"),
    "changes_by": ("By {by}: {k} significant change(s) of {n} compared.",
                   "Per {by}: {k} significante verandering(en) van de {n} vergeleken."),
    "chi2_line": ("Chi-square test of independence: chi2 = {chi2}, df = {df}, p {p}, Cramér's V = {v}.",
                  "Chi-kwadraattoets op onafhankelijkheid: chi2 = {chi2}, vg = {df}, p {p}, Cramérs V = {v}."),
    "no_churn_comparison": ("No churn outcome in this dataset: the churn comparison is not available.",
                            "Deze dataset heeft geen opzeggingen: de vergelijking van het verloop ontbreekt."),
    "no_validation": ("No answer dates: the models cannot be checked on later answers.",
                      "Geen antwoorddatums: de modellen zijn niet te toetsen op latere antwoorden."),
    "no_segment_map": ("No segment column: no segment map.", "Geen segmentkolom: geen segmentkaart."),
    "no_crosstab": ("No CSAT x NPS pairs in this dataset: no cross table.",
                    "Geen paren van CSAT en NPS in deze dataset: geen kruistabel."),
    "no_correlations": ("No CSAT x NPS pairs in this dataset: no rank correlations.",
                        "Geen paren van CSAT en NPS in deze dataset: geen rangcorrelaties."),
    "no_trends": ("No answer dates: no trends.", "Geen antwoorddatums: geen trends."),
    "no_trends_period": ("No answers in the period: no trends.", "Geen antwoorden in de periode: geen trends."),
    "no_retention": ("No churn or retention outcome in this dataset: behavioural loyalty cannot be shown.",
                     "Deze dataset heeft geen opzeggingen of behoud: loyaliteit in gedrag valt niet te tonen."),
    "sig_legend": ("▲ / ▼ significant rise / fall (coloured); unmarked: no significant change",
                   "▲ / ▼ significante stijging / daling (gekleurd); zonder teken: geen significante verandering"),
    "dash_legend": ("– not available or suppressed (too few answers)",
                    "– niet beschikbaar of weggelaten (te weinig antwoorden)"),
    # Suppression reasons by code (cxkit.stats.suppression): the English wording is the tables' own.
    "suppressed": ("suppressed", "onderdrukt"),
    "suppressed_small_group": (REASON_TEXT["small_group"], "minder dan min_n={min_n} {unit}"),
    "suppressed_zero_weight": (REASON_TEXT["zero_weight"], "gewichten tellen op tot nul"),
    "suppressed_small_effective": (REASON_TEXT["small_effective"],
                                   "effectieve steekproefomvang (Kish n_eff, gewogen) onder min_n={min_n}"),
    "answers": ("answers", "antwoorden"),
    "customers": ("customers", "klanten"),
    "no_figure": ("no figure", "geen cijfer"),
}

# Headers of computed tables, for display (translate_columns).
_COLUMNS: dict[str, tuple[str, str]] = {
    "metric": ("metric", "maatstaf"), "kind": ("kind", "soort"), "value": ("value", "waarde"),
    "unit": ("unit", "eenheid"), "n": ("n", "n"), "n_eff": ("effective n", "effectieve n"),
    "ci_low": ("CI low", "BI onder"), "ci_high": ("CI high", "BI boven"),
    "mean": ("mean", "gemiddelde"), "mean_ci_low": ("mean CI low", "gemiddelde BI onder"),
    "mean_ci_high": ("mean CI high", "gemiddelde BI boven"), "sd": ("SD", "SD"),
    "scale": ("scale", "schaal"), "note": ("note", "opmerking"), "suppressed": ("suppressed", "onderdrukt"),
    "suppressed_reason": ("suppressed because", "onderdrukt omdat"),
    "suppressed_min_n": ("min_n", "min_n"), "suppressed_unit": ("min_n counts", "min_n telt"),
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
    # Regression tables (logit, grouped_logit, cox): ci_* are on the coefficient scale.
    "term": ("term", "term"), "coef": ("coefficient", "coëfficiënt"),
    "odds_ratio": ("odds ratio", "odds ratio"), "odds_ratio_low": ("odds ratio CI low", "odds ratio BI onder"),
    "odds_ratio_high": ("odds ratio CI high", "odds ratio BI boven"),
    "hazard_ratio": ("hazard ratio", "hazard ratio"), "hazard_ratio_low": ("hazard ratio CI low", "hazard ratio BI onder"),
    "hazard_ratio_high": ("hazard ratio CI high", "hazard ratio BI boven"),
    "auc": ("AUC", "AUC"), "rho": ("rho", "rho"), "tau": ("tau", "tau"), "events": ("events", "gebeurtenissen"),
    "customers": ("customers", "klanten"), "answers": ("answers", "antwoorden"),
    "revenue": ("revenue", "omzet"), "value_at_risk": ("value at risk", "waarde in gevaar"),
}


# data-quality report (cxkit.data.validate) and pairing steps (cxkit.research.alignment)
_COLUMNS.update({
    "table": ("table", "tabel"), "source": ("source", "bron"), "rows": ("rows read", "rijen gelezen"),
    "kept": ("kept", "behouden"), "columns": ("columns mapped", "gekoppelde kolommen"),
    "missing": ("missing", "ontbrekend"), "out_of_range": ("out of range", "buiten bereik"),
    "unknown_labels": ("unknown labels", "onbekende labels"), "duplicates": ("duplicates", "dubbele sleutels"),
    "exact_copies": ("exact copies", "exacte kopieën"), "not_applicable": ("not applicable", "niet van toepassing"),
    "first": ("first", "eerste"), "last": ("last", "laatste"), "errors": ("errors", "fouten"),
    "warnings": ("warnings", "waarschuwingen"), "step": ("step", "stap"),
})

_COLUMNS.update({
    # minimum detectable difference beside comparisons (issue 16: cxkit.stats.power)
    "mdd": ("detectable difference (80 % power)", "detecteerbaar verschil (80 % onderscheidend vermogen)"),
    "n_needed": ("answers needed per group", "benodigde antwoorden per groep"),
    # banner tables (issue 16: cxkit.stats.banner)
    "banner": ("banner variable", "bannervariabele"), "group": ("group", "groep"),
    "higher_than": ("higher than", "hoger dan"), "vs_total": ("against the rest", "tegenover de rest"),
    "p_total": ("p against the rest", "p tegenover de rest"),
})

# The notebooks' narrative (markdown cells), kept in its own module for length.
_TEXT.update(NARRATIVE)


def check_lang(lang: str) -> str:
    """Raise :class:`~cxkit.errors.ParameterError` unless ``lang`` is ``"en"`` or ``"nl"``."""
    check_choice("lang", lang, LANGS)
    return lang


def text(key: str, lang: str = "en", **fields: object) -> str:
    """The display text ``key`` in ``lang``, with ``{fields}`` filled in."""
    i = LANGS.index(check_lang(lang))
    return _TEXT[key][i].format(**fields)


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    # literal text escaped, each field any text (lazily, so the literal text after it decides where it ends)
    rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(rx + r"\Z", re.S)


_MESSAGES = [(_compile(en), nl) for en, nl in MESSAGES]


_EN_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+)%?\Z")


def _field(value: str) -> str:
    """A matched field in Dutch: an English-formatted number (``4,444``, ``22.2%``) as ``4.444``, ``22,2%``."""
    if _EN_NUMBER.match(value):
        return value.translate(str.maketrans(",.", ".,"))
    return message(value, "nl")


def _one(sentence: str) -> str | None:
    for rx, nl in _MESSAGES:
        m = rx.match(sentence)
        if m:
            return nl.format(**{k: _field(v) for k, v in m.groupdict().items()})
    return None


def message(note: object, lang: str = "en") -> str:
    """A note, step or test name of a computed result in ``lang``.

    Results keep their fixed messages in English (``data`` and ``stats`` do not import
    the report layer); this renders one in Dutch through the templates of
    :mod:`cxkit.report.messages`: the whole text first, else line by line and sentence
    by sentence. Text that matches no template (data values) is returned unchanged.
    """
    text_ = str(note)
    if check_lang(lang) == "en" or not text_.strip():
        return text_
    whole = _one(text_)
    if whole is not None:
        return whole
    if "\n" in text_:
        return "\n".join(message(line, lang) for line in text_.split("\n"))
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text_)
    if len(parts) > 1:
        return " ".join(message(s, lang) for s in parts)
    return _nl_thousands(text_)


# A count written with English thousands commas (``15,556``, ``9,490.5``) by a result's fixed
# text: unambiguous, so written the Dutch way (``15.556``) even where no template matched.
_EN_THOUSANDS = re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?![\w]|[.,]\d)")


def _nl_thousands(text_: str) -> str:
    return _EN_THOUSANDS.sub(lambda m: m.group().translate(str.maketrans(",.", ".,")), text_)


def suppression_reason(code: str, min_n: object = None, unit: object = "answers", lang: str = "en") -> str:
    """Why a row was suppressed, in ``lang``, from its ``suppressed_reason`` code (``""`` for none)."""
    if not code:
        return ""
    key = f"suppressed_{code}"
    if key not in _TEXT:
        return text("no_figure", lang)
    unit_words = text(str(unit), lang) if str(unit) in ("answers", "customers") else unit
    return text(key, lang, min_n=min_n, unit=unit_words)


# Characters that start raw HTML, an entity, a link or code in Markdown. The generated
# sentences use only ``**bold**``, ``- `` lists and code spans (below), so these never carry
# meaning in them otherwise; a data value holding them (a segment named ``<img onerror=...>``)
# must stay text.
_MD_SPECIAL = re.compile(r"([\\`<>&\[\]])")

# A code span the sentences use for a spec key or parameter (`weights:`, `min_n`, `quotes: true`):
# shown in code style instead of with its backticks. Its text holds none of the special characters
# above, so it is plain text (a code span shows its text literally) whether it came from a template
# or from a data value; any other backtick is escaped and shown as itself. The templates' spans never
# start or end with a space, so a stray backtick in a label ("a`b") does not pair with a span after it.
_CODE_SPAN = re.compile(r"`(?![\s`])([^`\\<>&\[\]\n]+)(?<!\s)`")
_MD_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _md_escape(text_: str) -> str:
    # <, > and & as entities, not backslashes: the report's HTML sanitiser (bleach) reads the
    # Markdown source and would turn a backslashed "<" into "\\&lt;", shown as a literal "&lt;"
    return _MD_SPECIAL.sub(lambda m: _MD_ENTITY.get(m.group(1), "\\" + m.group(1)), text_)


def markdown(sentences: str) -> str:
    """Generated sentences made safe to display as Markdown (``display(Markdown(...))``).

    Labels and column names from the data are written into the sentences as they are;
    this escapes the characters that would make them raw HTML, an entity, a link or code
    (``<``, ``>``, ``&`` as entities, the others with a backslash), so ``<script>`` in a
    segment name shows as text and runs nothing. A code span of plain text (a spec key such as
    ``weights:`` between backticks) stays a code span: the key shows in code style, never with
    literal backticks.
    """
    text_, out, pos = str(sentences), [], 0
    for m in _CODE_SPAN.finditer(text_):
        out += [_md_escape(text_[pos:m.start()]), m.group(0)]
        pos = m.end()
    return "".join([*out, _md_escape(text_[pos:])])


def code_html(escaped: str) -> str:
    """Text already escaped for HTML with its code spans (a key such as ``weights:`` between backticks) as ``<code>``.

    The HTML counterpart of :func:`markdown` for table cells, footnotes and a result's notes: the
    same spans, so a spec key reads in code style and never with literal backticks; the text was
    escaped first, so nothing from the data becomes markup.
    """
    return _CODE_SPAN.sub(r"<code>\1</code>", str(escaped))


def styled(table: pd.DataFrame, caption: str = "", precision: int = 1) -> Styler:
    """``table.style`` for display with every cell, header and the caption HTML-escaped.

    pandas' ``Styler`` writes cell values and labels into HTML unescaped unless told;
    labels from the data (segment, channel, touchpoint names) must never become markup.
    """
    style = table.style.format(precision=precision, escape="html").format_index(escape="html", axis=1)
    style = style.format_index(escape="html", axis=0).hide(axis="index")
    return style.set_caption(html.escape(caption)) if caption else style


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


def num(x: float, spec: str = ".1f", lang: str = "en") -> str:
    """``format(x, spec)`` written in ``lang`` (``0.68`` / ``0,68``; ``1,234`` / ``1.234``).

    Like :func:`fmt` but with a full format spec (``+.2f``, ``g``, ``,``), so the
    English research texts keep their exact format (``nan`` stays ``nan``; ``n.v.t.`` in Dutch).
    """
    if check_lang(lang) == "nl" and isinstance(x, float | np.floating) and np.isnan(x):
        return "n.v.t."
    s = format(x, spec)
    if lang == "nl":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def pvalue(p: float, lang: str = "en") -> str:
    """``= 0.034``, ``< 0.001`` (three decimals below 0.1, two above) in ``lang``; ``n/a`` if missing."""
    if p is None or np.isnan(p):
        return text("n_a", lang)
    return f"< {num(0.001, '.3f', lang)}" if p < 0.001 else f"= {num(p, '.3f' if p < 0.1 else '.2f', lang)}"


# Sentences of the research texts (describe_churn, describe_loyalty, describe_drivers).
# Numbers arrive already formatted (num, pvalue), so one template serves both languages.
_TEXT.update({
    "n_a": ("n/a", "n.v.t."),
    "ci_pct": ("{pct}% CI", "{pct}%-BI"),
    "range": ("{lo} to {hi}", "{lo} tot {hi}"),
    # churn
    "ch_timed": ("- **{m}**: {n} customers' first answers, of whom {churned} left within {h} days; {left} answers "
                 "were left out because their {h}-day horizon had not ended by {date}.",
                 "- **{m}**: eerste antwoorden van {n} klanten, van wie {churned} binnen {h} dagen opzegden; {left} "
                 "antwoorden zijn weggelaten omdat hun horizon van {h} dagen op {date} nog niet voorbij was."),
    "ch_na_churn": ("This question needs to know which customers left: dataset “{name}” has no churn label and no "
                    "end dates, so no score can be compared with churn. The overview, satisfaction and driver "
                    "reports do not need churn.",
                    "Deze vraag moet weten welke klanten zijn vertrokken: dataset “{name}” heeft geen opzeglabel en "
                    "geen einddatums, dus geen enkele score valt met opzeggingen te vergelijken. Het overzicht en de "
                    "rapporten over tevredenheid en drivers hebben geen opzeggingen nodig."),
    "ch_na_metrics": ("This question compares effort, NPS and satisfaction scores with churn; dataset “{name}” has "
                      "none of these (its metrics: {metrics}), so there is nothing to compare.",
                      "Deze vraag vergelijkt inspannings-, NPS- en tevredenheidsscores met opzeggingen; dataset "
                      "{name!r} heeft geen van deze (maatstaven: {metrics}), dus er valt niets te vergelijken."),
    "ch_untimed": ("- **{m}**: {n} customers, {churned} with the churn label.",
                   "- **{m}**: {n} klanten, van wie {churned} met het label opgezegd (churn)."),
    "ch_caveat": ("- **Caveat**: this data has no answer or churn dates, so whether churn followed the answer "
                  "cannot be checked; customers may have answered after deciding to leave. Read every "
                  "association below as 'goes together with', not 'predicts'.",
                  "- **Let op**: deze data heeft geen antwoord- of opzegdatums, dus of het verloop (churn) na het "
                  "antwoord kwam, valt niet na te gaan; klanten kunnen hebben geantwoord nadat ze al hadden besloten "
                  "te vertrekken. Lees elk verband hieronder als 'gaat samen met', niet als 'voorspelt'."),
    "ch_span": ("from {r1}% ({ci} {ci1}; n = {n1}) at {m} = {s1} to {r2}% ({ci2}; n = {n2}) at {m} = {s2}",
                "van {r1}% ({ci} {ci1}; n = {n1}) bij {m} = {s1} tot {r2}% ({ci2}; n = {n2}) bij {m} = {s2}"),
    "ch_span_few": ("with too few answers per score to compare",
                    "met te weinig antwoorden per score om te vergelijken"),
    "ch_holm": (", Holm-adjusted over the {k} metrics p {p}", ", Holm-gecorrigeerd over de {k} maatstaven p {p}"),
    "rises": ("rises", "stijgt"), "falls": ("falls", "daalt"), "flat": ("flat", "blijft gelijk"),
    "ch_trend": ("- Churn {direction} as {m} goes up: {span}. Trend test (Cochran-Armitage) p {p}{holm}.",
                 "- Het verloop (churn) {direction} naarmate {m} hoger is: {span}. Trendtoets (Cochran-Armitage) "
                 "p {p}{holm}."),
    "ch_holm_p": ("Holm-adjusted p {p}", "Holm-gecorrigeerde p {p}"),
    "ch_trend_p": ("trend test p {p}", "trendtoets p {p}"),
    "ch_no_trend": ("- No clear trend of churn with {m} ({span}; {why}): the data does not show that {m} is related "
                    "to churn.",
                    "- Geen duidelijke trend van het verloop (churn) met {m} ({span}; {why}): de data laat niet zien "
                    "dat {m} samenhangt met opzeggingen."),
    "ch_sep": ("- Logistic regression of churn on {m} ({model}): no maximum-likelihood odds ratio exists because of "
               "separation (see below); {method} was used instead.",
               "- Logistische regressie van churn op {m} ({model}): er bestaat geen maximum-likelihood-odds-ratio "
               "door separatie (zie hieronder); in plaats daarvan is {method} gebruikt."),
    "ch_status": ("- Logistic regression of churn on {m} ({model}): {status}. {note}",
                  "- Logistische regressie van churn op {m} ({model}): {status}. {note}"),
    "ch_ctrl": (" controlling for {controls}", " gecorrigeerd voor {controls}"),
    "ch_or_ns": (" (not significant: the interval includes 1)", " (niet significant: het interval bevat 1)"),
    "ch_or": ("- Each point higher on {m}{ctrl}: odds of churning x {odds} ({ci} {ci1}; p {p}; n = {n}, {ev} "
              "churned){verdict}.",
              "- Elk punt hoger op {m}{ctrl}: kans (odds) op opzeggen x {odds} ({ci} {ci1}; p {p}; n = {n}, {ev} "
              "opgezegd){verdict}."),
    "ch_auc": ("- How well each score separates leavers from stayers (AUC, {half} = coin flip; {pct}% bootstrap "
               "intervals): {parts}.",
               "- Hoe goed elke score vertrekkers van blijvers scheidt (AUC, {half} = kop of munt; "
               "{pct}%-bootstrap-intervallen): {parts}."),
    "ch_valid": ("- Checked on later answers (models fitted on the answers before {date}, tested on the {n} given "
                 "from then on; {ci}): {parts}. A calibration slope near 1 and a Brier score below the one of "
                 "predicting the average churn rate ({null}) mean the predicted risks can be used as such.",
                 "- Getoetst op latere antwoorden (modellen geschat op de antwoorden vóór {date}, getoetst op de "
                 "{n} die daarna kwamen; {ci}): {parts}. Een kalibratiehelling rond 1 en een Brier-score onder "
                 "die van het gemiddelde opzegpercentage voorspellen ({null}) betekenen dat de voorspelde risico's "
                 "als zodanig bruikbaar zijn."),
    "ch_valid_part": ("{m} AUC {auc} ({ci1}), Brier {brier}, calibration slope {slope} ({ci2}){td}",
                      "{m} AUC {auc} ({ci1}), Brier {brier}, kalibratiehelling {slope} ({ci2}){td}"),
    "ch_valid_td": ("; AUC at {h} days, censoring allowed for, {td}",
                    "; AUC op {h} dagen, rekening houdend met censurering, {td}"),
    "ch_verdict": ("- **Verdict**: on answers given from {date} on, {best} separates leavers from stayers best, "
                   "with an out-of-sample AUC of {auc} ({ci} {ci1}; {n} answers, {ev} left){next}.",
                   "- **Conclusie**: op antwoorden vanaf {date} scheidt {best} vertrekkers het best van blijvers, "
                   "met een AUC buiten de steekproef van {auc} ({ci} {ci1}; {n} antwoorden, {ev} vertrokken){next}."),
    "ch_verdict_next": ("; next {m} {auc}", "; daarna {m} {auc}"),
    "ch_no_valid": ("- No out-of-sample check: without answer dates there is no time split.",
                    "- Geen toets buiten de steekproef: zonder antwoorddatums is er geen splitsing in de tijd."),
    "vs": ("vs", "vs"),
    "no_comparison": ("no comparison", "geen vergelijking"),
    "ch_auc_better": ("{better} predicts churn better", "{better} voorspelt opzeggingen beter"),
    "ch_auc_assoc_better": ("{better} goes together with churn more closely",
                            "{better} hangt sterker samen met opzeggen"),
    "ch_auc_reversed": ("below {half}: the relation runs the other way: {rev} ({rci})",
                        "onder {half}: het verband loopt andersom: {rev} ({rci})"),
    "ch_auc_pair_reversed": ("no ranking: the relation runs the other way for {rev} (AUC below {half}, see above)",
                             "geen rangorde: het verband loopt andersom bij {rev} (AUC onder {half}, zie boven)"),
    "ch_auc_pair_untimed": ("- {a} vs {b} on the {n} customers who answered both ({ev} left): AUC {aa} vs "
                            "{ab}, difference {d} ({ci} {ci1}, DeLong p {p}): {verdict}.",
                            "- {a} vs {b} bij de {n} klanten die beide beantwoordden ({ev} vertrokken): "
                            "AUC {aa} vs {ab}, verschil {d} ({ci} {ci1}, DeLong p {p}): {verdict}."),
    "no_sig_diff": ("no significant difference", "geen significant verschil"),
    "ch_auc_pair": ("- {a} vs {b} on the {n} customers who answered both within {w} days ({ev} left): AUC {aa} vs "
                    "{ab}, difference {d} ({ci} {ci1}, DeLong p {p}): {verdict}.",
                    "- {a} vs {b} bij de {n} klanten die beide binnen {w} dagen beantwoordden ({ev} vertrokken): "
                    "AUC {aa} vs {ab}, verschil {d} ({ci} {ci1}, DeLong p {p}): {verdict}."),
    "ch_lr_adds": ("{added} adds information", "voegt {added} informatie toe"),
    "ch_lr_nothing": ("{added} adds nothing detectable", "voegt {added} niets aantoonbaars toe"),
    "ch_lr": ("- Given {base}, {verdict} (likelihood-ratio chi2 = {lr}, df = {df}, p {p}).",
              "- Naast {base} {verdict} (likelihood-ratio chi2 = {lr}, vg = {df}, p {p})."),
    "ch_logrank": ("log-rank p {p}", "log-rank p {p}"),
    "ch_no_logrank": ("no log-rank test", "geen log-ranktoets"),
    "ch_km": ("- Still customers {t} days after answering {m}, by band: {parts} ({test}).",
              "- Nog klant {t} dagen na het antwoord op {m}, per band: {parts} ({test})."),
    "ch_ph": (" The proportional-hazards check fails for some bands: read these as averages over time.",
              " De proportional-hazards-controle faalt voor sommige banden: lees deze als gemiddelden over de tijd."),
    "ch_cox": ("- Cox model, hazard of leaving vs the middle {m} band: {parts}.{caveat}",
               "- Cox-model, risico (hazard) op vertrek ten opzichte van de middelste band van {m}: {parts}.{caveat}"),
    "ch_hazard": ("- Monthly churn hazard with the latest answers known at each month's start ({months} "
                  "customer-months, {ev} churned), odds per month: {parts}.",
                  "- Maandelijks opzegrisico met de laatste antwoorden bekend aan het begin van elke maand ({months} "
                  "klantmaanden, {ev} opgezegd), odds per maand: {parts}."),
    "ch_value": ("- Value at risk: {risk} of {value} ({pct_risk}%; {ci} {ci1})",
                 "- Waarde in gevaar: {risk} van {value} ({pct_risk}%; {ci} {ci1})"),
    "ch_bottom": ("- **Bottom line**: none of the scores is significantly related to churn in this data; "
                  "do not act on differences between them.",
                  "- **Conclusie**: geen van de scores hangt in deze data significant samen met opzeggingen; "
                  "handel niet op verschillen tussen de scores."),
    "ch_separation": ("- **Separation**: {note}", "- **Separatie**: {note}"),
})

_TEXT.update({
    # loyalty
    "lo_within": (" within {w} days", " binnen {w} dagen"),
    "lo_pairs": ("- {n} customers answered both {c} and {nps}{win} (one pair per customer).",
                 "- {n} klanten beantwoordden zowel {c} als {nps}{win} (één paar per klant)."),
    "weakly": ("weakly", "zwak"), "moderately": ("moderately", "matig"), "strongly": ("strongly", "sterk"),
    "lo_corr": ("- {c} and {nps} go together {strength}: Spearman rho = {rho} ({ci} {rho_ci}), Kendall tau-b = "
                "{tau} ({tau_ci}); n = {n}. Satisfaction explains only part of the willingness to recommend.",
                "- {c} en {nps} hangen {strength} samen: Spearman rho = {rho} ({ci} {rho_ci}), Kendall tau-b = "
                "{tau} ({tau_ci}); n = {n}. Klanttevredenheid (CSAT) verklaart maar een deel van de bereidheid "
                "om aan te bevelen."),
    "lo_no_corr": ("- No correlation could be computed: {note}.", "- Er kon geen correlatie worden berekend: {note}."),
    "lo_snp": ("- Of the {n} satisfied customers ({c} top box {top}), {pct_s}% ({ci} {ci_s}) are not promoters, "
               "and {pct_d}% ({ci_d}) are even detractors: satisfied is not the same as loyal.",
               "- Van de {n} tevreden klanten ({c} topbox {top}) zijn {pct_s}% ({ci} {ci_s}) tevreden klanten die "
               "geen promotor zijn, en {pct_d}% ({ci_d}) zijn zelfs criticaster: tevreden is niet hetzelfde als "
               "loyaal."),
    "lo_chi2": ("- The NPS category mix differs by {c} level (chi2 = {chi2}, df = {df}, p {p}, Cramer's V = {v})",
                "- De verdeling over Promotors, Passieven en Criticasters verschilt per niveau van {c} (chi2 = "
                "{chi2}, vg = {df}, p {p}, Cramér's V = {v})"),
    "lo_churn_note": ("- Churn of satisfied non-promoters vs promoters: {note}.",
                      "- Verloop (churn) van tevreden klanten die geen promotor zijn vs Promotors: {note}."),
    "lo_sig_diff": ("a significant difference", "een significant verschil"),
    "lo_ns_diff": ("no significant difference (the interval includes 0)",
                   "geen significant verschil (het interval bevat 0)"),
    "lo_churn": ("- Among satisfied customers, {ra}% of non-promoters (n = {na}) and {rb}% of promoters (n = {nb}) "
                 "left within {h} days: difference {d} points ({ci} {ci1}, p {p}), {verdict}.",
                 "- Onder tevreden klanten zegden {ra}% van wie geen promotor is (n = {na}) en {rb}% van de "
                 "Promotors (n = {nb}) binnen {h} dagen op: verschil {d} punten ({ci} {ci1}, p {p}), {verdict}."),
    "lo_left_out": ("- {n} answer pairs were left out of the churn comparison because their {h}-day horizon had "
                    "not ended by the cut-off.",
                    "- {n} antwoordparen zijn weggelaten uit de vergelijking van opzeggingen omdat hun horizon van "
                    "{h} dagen op de peildatum nog niet voorbij was."),
    "lo_caveat": ("- **Caveat**: without dates the churn label may predate the answers; read churn "
                  "differences as association only.",
                  "- **Let op**: zonder datums kan het label opgezegd (churn) van vóór de antwoorden zijn; lees "
                  "verschillen in verloop alleen als samenhang."),
    "promoter": ("promoter", "promotor"), "passive": ("passive", "passief"), "detractor": ("detractor", "criticaster"),
    "lo_retention": ("- Said vs did (attitudinal vs behavioural loyalty): still customers {h} days after their NPS "
                     "answer: {parts}.",
                     "- Zeggen vs doen (attitudinale vs gedragsmatige loyaliteit): nog klant {h} dagen na het "
                     "NPS-antwoord: {parts}."),
    "lo_gap": ("- Promoters stay {gap} points more than detractors; {left}% of promoters left anyway, and {stay}% "
               "of detractors stayed (captive or inert customers).",
               "- Promotors blijven {gap} punten vaker dan Criticasters; {left}% van de Promotors vertrok toch, en "
               "{stay}% van de Criticasters bleef (gebonden of inerte klanten)."),
    "lo_segments": ("- Segments ({by}): NPS ranges from {lo} ({lo_seg}, {ci} {lo_ci}, n = {lo_n}) to {hi} "
                    "({hi_seg}, {hi_ci}, n = {hi_n}); mean {c} from {cmin} to {cmax}.",
                    "- Segmenten ({by}): NPS loopt van {lo} ({lo_seg}, {ci} {lo_ci}, n = {lo_n}) tot {hi} "
                    "({hi_seg}, {hi_ci}, n = {hi_n}); gemiddelde {c} van {cmin} tot {cmax}."),
    "lo_small": ("- Segments with fewer than {k} customers are not shown: {names}.",
                 "- Segmenten met minder dan {k} klanten worden niet getoond: {names}."),
    # drivers
    "dr_shapley": ("Shapley decomposition of R²", "Shapley-decompositie van R²"),
    "dr_johnson": ("Johnson's relative weights", "relatieve gewichten van Johnson"),
    "dr_r2_ci": (" ({ci} {lo} to {hi})", " ({ci} {lo} tot {hi})"),
    "dr_head": ("- {k} drivers together explain {r2}% of the variance in {y}{r2ci}; n = {n} customers; method: "
                "{name}.",
                "- {k} drivers verklaren samen {r2}% van de variantie in {y}{r2ci}; n = {n} klanten; methode: "
                "{name}."),
    "dr_row": ("- No. {rank}, {d}: {share}% of the explained variance{ci}; correlation with {y} {r}.",
               "- Nr. {rank}, {d}: {share}% van de verklaarde variantie{ci}; correlatie met {y} {r}."),
    "dr_overlap": ("- The intervals of {a} and {b} overlap: the data does not settle which matters more ({a} ranks "
                   "first in {p}% of bootstrap samples).",
                   "- De intervallen van {a} en {b} overlappen: de data beslist niet welke zwaarder weegt ({a} staat "
                   "bovenaan in {p}% van de bootstrapsteekproeven)."),
    "dr_leads": ("- {a} clearly leads: it ranks first in {p}% of bootstrap samples.",
                 "- {a} staat duidelijk bovenaan: als eerste in {p}% van de bootstrapsteekproeven."),
    "dr_little": ("- Together the drivers explain little (R² below 10%): most of what moves {y} is not in these "
                  "ratings.",
                  "- Samen verklaren de drivers weinig (R² onder 10%): het meeste van wat {y} beweegt, zit niet in "
                  "deze beoordelingen."),
    "dr_assoc": ("- Importance is association in this data, not proof that improving a driver will raise {y}.",
                 "- Belang is samenhang in deze data, geen bewijs dat het verbeteren van een driver {y} verhoogt."),
    # what applies to the data (not-applicable paragraphs and derived defaults)
    "ov_period_derived": ("Period: the last 12 months of data, {start} to {end} (the latest answer up to the run "
                          "date {run_date} is from {last}).",
                          "Periode: de laatste 12 maanden met data, {start} tot {end} (het laatste antwoord tot "
                          "de rapportdatum {run_date} is van {last})."),
    "ov_period_empty": ("No answers fall in the period {start} to {end}: this dataset's answers are dated {first} to "
                        "{last}. Nothing can be reported for this period; leave period_start empty to use the last "
                        "12 months of data, or choose a period inside the data.",
                        "Er vallen geen antwoorden in de periode {start} tot {end}: de antwoorden in deze dataset "
                        "zijn van {first} tot {last}. Over deze periode valt niets te melden; laat period_start leeg "
                        "voor de laatste 12 maanden met data, of kies een periode binnen de data."),
    "ov_churn_stale": ("Customer dates end on {last}, long before {end}: churn is shown up to {last}, not as if "
                       "nobody had left since.",
                       "De klantdatums eindigen op {last}, lang voor {end}: het verloop staat tot {last}, niet alsof "
                       "sindsdien niemand meer is opgezegd."),
    "ov_no_answers": ("This dataset has no answers up to the run date {run_date}: no NPS, CSAT or CES can be "
                      "reported; what can be computed from the customers (churn) is shown below.",
                      "Deze dataset heeft geen antwoorden tot de rapportdatum {run_date}: er valt geen NPS, CSAT of "
                      "CES te melden; wat uit de klanten te berekenen is (verloop), staat hieronder."),
    "ov_churn_share": ("- Churn: {pct}% of {n} customers are flagged as churned ({ci} {ci1}).",
                       "- Verloop (churn): {pct}% van {n} klanten is gemarkeerd als opgezegd ({ci} {ci1})."),
    "ov_churn_rate": ("- Churn: {pct}% of the {n} customers active at the start of {period} left during it "
                      "({ci} {ci1}).",
                      "- Verloop (churn): {pct}% van de {n} klanten die aan het begin van {period} klant waren, "
                      "zegde in die periode op ({ci} {ci1})."),
    "lo_na_one_score": ("This dataset has one satisfaction score ({m}) but no {lacking} metric, so satisfaction "
                        "cannot be compared with likelihood to recommend. Shown instead: how many satisfied customers "
                        "left anyway, how many dissatisfied customers stayed, and retention by score.",
                        "Deze dataset heeft één tevredenheidsscore ({m}) maar geen {lacking}-maatstaf, dus "
                        "tevredenheid valt niet te vergelijken met de bereidheid om aan te bevelen. In plaats daarvan: "
                        "hoeveel tevreden klanten toch vertrokken, hoeveel ontevreden klanten bleven, en het behoud "
                        "per score."),
    "lo_na_nothing": ("This question needs a CSAT and an NPS metric, or one score and a churn outcome; this "
                      "dataset lacks {lacking} and has no churn outcome to compare with, so nothing can be shown.",
                      "Deze vraag heeft een CSAT- en een NPS-maatstaf nodig, of één score en een verloopuitkomst "
                      "(churn); deze dataset mist {lacking} en heeft geen verloop om mee te vergelijken, dus er valt "
                      "niets te tonen."),
    "lo_sc_within": ("left within {h} days of their answer", "zegden binnen {h} dagen na hun antwoord op"),
    "lo_sc_flagged": ("are flagged as churned", "zijn gemarkeerd als opgezegd"),
    "lo_sc_left": ("- Satisfied but left: {pct}% ({ci} {ci1}) of {n} customers with a top-box {m} {when}.",
                   "- Tevreden maar vertrokken: {pct}% ({ci} {ci1}) van {n} klanten met een topbox-{m} {when}."),
    "lo_sc_stayed": ("- Dissatisfied but stayed: {pct}% ({ci} {ci1}) of {n} customers with a low {m} did not "
                     "churn.",
                     "- Ontevreden maar gebleven: {pct}% ({ci} {ci1}) van {n} klanten met een lage {m} zegde niet "
                     "op."),
    "lo_sc_retention": ("- Retention by score (share not churned): {parts}.",
                        "- Behoud per score (aandeel niet opgezegd): {parts}."),
    "dr_no_nps_metric": ("This dataset has no NPS metric, so likelihood to recommend cannot be explained; {y} is "
                         "used as the outcome instead: which scores go together with higher {y}.",
                         "Deze dataset heeft geen NPS-maatstaf, dus de bereidheid om aan te bevelen valt niet te "
                         "verklaren; {y} is in plaats daarvan de uitkomst: welke scores samengaan met een hogere {y}."),
    "dr_no_nps_churn": ("This dataset has no NPS metric, so likelihood to recommend cannot be explained; the churn "
                        "flag is used as the outcome instead (0 stayed, 1 churned; R² of a linear model of the flag) "
                        "with {drivers} as drivers. A driver's correlation below zero goes with less churn.",
                        "Deze dataset heeft geen NPS-maatstaf, dus de bereidheid om aan te bevelen valt niet te "
                        "verklaren; het opzeglabel (churn) is in plaats daarvan de uitkomst (0 gebleven, 1 opgezegd; "
                        "R² van een lineair model van het label) met {drivers} als drivers. Een negatieve correlatie "
                        "gaat samen met minder verloop."),
    "dr_na": ("This question needs an outcome (an NPS metric, or a CSAT metric or churn flag with scores to explain "
              "it); this dataset has the metrics {metrics} and no such pair, so no driver importance can be shown.",
              "Deze vraag heeft een uitkomst nodig (een NPS-maatstaf, of een CSAT-maatstaf of opzeglabel met scores om "
              "die te verklaren); deze dataset heeft de maatstaven {metrics} en niet zo'n paar, dus er valt geen "
              "belang van drivers te tonen."),
})

_TEXT.update({
    # banner tables and minimum detectable differences (issue 16: cxkit.stats.banner, cxkit.stats.power)
    "bn_title": ("Banner table", "Kruistabel"),
    "bn_total": ("Total", "Totaal"), "bn_rest": ("rest of the total", "rest van het totaal"),
    "bn_base": ("Base (answers)", "Basis (antwoorden)"),
    "bn_base_eff": ("Effective base (n_eff, weighted)", "Effectieve basis (n_eff, gewogen)"),
    "bn_mdd": ("Detectable difference", "Detecteerbaar verschil"),
    "bn_stat_nps": ("NPS", "NPS"), "bn_stat_top_box": ("% top box", "% topbox"),
    "bn_stat_mean": ("mean", "gemiddelde"), "bn_stat_easy": ("% easy", "% makkelijk"),
    "bn_unit_nps": ("NPS points", "NPS-punten"), "bn_unit_top_box": ("%-points", "procentpunten"),
    "bn_unit_mean": ("scale points", "schaalpunten"),
    "bn_letters": ("Letters: the column is significantly higher than the lettered columns of the same banner "
                   "variable; ▲/▼: significantly higher/lower than the rest of the total (alpha = {alpha}).",
                   "Letters: de kolom is significant hoger dan de kolommen met die letters binnen dezelfde "
                   "bannervariabele; ▲/▼: significant hoger/lager dan de rest van het totaal (alfa = {alpha})."),
    "bn_correction": ("Multiple testing: {method} over all {m} tests in this table.",
                      "Meervoudig toetsen: {method} over alle {m} toetsen in deze tabel."),
    "bn_corr_fdr_bh": ("Benjamini-Hochberg false discovery rate", "Benjamini-Hochberg false discovery rate"),
    "bn_corr_holm": ("Holm", "Holm"), "bn_corr_bonferroni": ("Bonferroni", "Bonferroni"),
    "bn_corr_none": ("no correction", "geen correctie"),
    "bn_tests": ("Tests: NPS adjusted-Wald (Rocks 2016), shares two-proportion score test, means Welch t; "
                 "weighted data on the effective base.",
                 "Toetsen: NPS adjusted-Wald (Rocks 2016), aandelen score-toets voor twee proporties, "
                 "gemiddelden Welch t; gewogen data op de effectieve basis."),
    "bn_suppressed": ("–: fewer than {min_n} answers (effective, when weighted): not shown and not tested.",
                      "–: minder dan {min_n} antwoorden (effectief, bij weging): niet getoond en niet getoetst."),
    "bn_mdd_note": ("±: where nothing is significant, the smallest difference from an equally large column "
                    "that the data could detect ({power} % power).",
                    "±: waar niets significant is, het kleinste verschil met een even grote kolom dat de data "
                    "zouden kunnen aantonen ({power} % onderscheidend vermogen)."),
    "bn_needs": ("{metric}: needs about {n} answers per column to detect {d} {unit} at {power} % power.",
                 "{metric}: er zijn ongeveer {n} antwoorden per kolom nodig om {d} {unit} aan te tonen met "
                 "{power} % onderscheidend vermogen."),
    "bn_na_metrics": ("This report needs at least one metric (NPS, CSAT or CES) in the dataset; it has none, so there "
                      "is no banner table to show.",
                      "Dit rapport heeft minstens één maatstaf (NPS, CSAT of CES) in de dataset nodig; die heeft er geen, "
                      "dus er is geen kruistabel te tonen."),
    "bn_na_columns": ("This report needs a grouping of the answers (a banner variable such as segment or channel) with "
                      "2 to 20 values; the dataset has none of {tried}, so there is no banner table to show. Name "
                      "the columns in the `columns` parameter.",
                      "Dit rapport heeft een indeling van de antwoorden nodig (een bannervariabele zoals segment of "
                      "kanaal) met 2 tot 20 waarden; de dataset heeft geen van {tried}, dus er is geen kruistabel te "
                      "tonen. Noem de kolommen in de parameter `columns`."),
    "bn_verdict_sig": ("- **{metric}** ({stat}, total {total}): {parts}.",
                       "- **{metric}** ({stat}, totaal {total}): {parts}."),
    "bn_verdict_up": ("{col} higher than the rest", "{col} hoger dan de rest"),
    "bn_verdict_down": ("{col} lower than the rest", "{col} lager dan de rest"),
    "bn_verdict_none": ("- **{metric}** ({stat}, total {total}): no column differs significantly from the rest; "
                        "the smallest detectable difference per column is about {mdd}.",
                        "- **{metric}** ({stat}, totaal {total}): geen kolom wijkt significant af van de rest; "
                        "het kleinste aantoonbare verschil per kolom is ongeveer {mdd}."),
    "bn_no_weights": ("This dataset has no survey weights: the figures describe the respondents as they answered.",
                      "Deze dataset heeft geen surveygewichten: de cijfers beschrijven de respondenten zoals ze "
                      "antwoordden."),
    "cmp_mdd": ("With {n} answers in the smaller group, only differences of about {mdd} {unit} or more are detectable at "
                "{power} % power; {d} {unit} needs about {need} answers per group.",
                "Met {n} antwoorden in de kleinste groep zijn alleen verschillen vanaf ongeveer {mdd} {unit} aan te tonen "
                "met {power} % onderscheidend vermogen; {d} {unit} vraagt ongeveer {need} antwoorden per groep."),
})


# League tables (cxkit.stats.league, cxkit.report.caterpillar; issue 16): columns and plot words, en/nl.
_COLUMNS.update({
    "raw": ("raw score", "ruwe score"), "raw_ci_low": ("raw CI low", "ruw BI onder"),
    "raw_ci_high": ("raw CI high", "ruw BI boven"),
    "shrunken": ("shrunken score", "bijgestelde score"), "shrunken_ci_low": ("shrunken CI low", "bijgesteld BI onder"),
    "shrunken_ci_high": ("shrunken CI high", "bijgesteld BI boven"), "shrinkage": ("shrinkage", "krimpfactor"),
    "rank": ("rank", "rang"), "mean_rank": ("mean rank", "gemiddelde rang"),
    "rank_low": ("rank interval low", "rangbereik onder"), "rank_high": ("rank interval high", "rangbereik boven"),
    "p_bottom": ("chance at the bottom", "kans onderaan"), "p_top": ("chance at the top", "kans bovenaan"),
    "chance_bottom_pct": ("chance among the worst (%)", "kans bij de slechtste (%)"),
    "chance_top_pct": ("chance among the best (%)", "kans bij de beste (%)"),
})
_TEXT.update({
    "lg_title": ("{metric} per {unit}: own score and shrunken score", "{metric} per {unit}: eigen en bijgestelde score"),
    "lg_raw": ("own answers only ({pct} % interval)", "alleen eigen antwoorden ({pct} % interval)"),
    "lg_shrunken": ("shrunken towards the overall level ({pct} % interval)",
                    "bijgesteld naar het algemene niveau ({pct} % interval)"),
    "lg_overall": ("overall level", "algemeen niveau"),
    "lg_nps": ("NPS (points)", "NPS (punten)"), "lg_csat": ("CSAT (% top box)", "CSAT (% topbox)"),
    "lg_ces": ("% easy", "% makkelijk"), "lg_churn": ("churned (%)", "vertrokken (%)"),
})

# The run index (cxkit.run.manifest): report titles and the index page's words, en/nl.
REPORT_TITLES: dict[str, tuple[str, str]] = {  # report titles in words (run index)
    "01_cx_overview": ("Customer experience overview", "Overzicht klantbeleving"),
    "02_satisfaction_vs_loyalty": ("Satisfaction vs loyalty", "Tevredenheid en loyaliteit"),
    "03_effort_nps_churn": ("Effort (CES), NPS and satisfaction vs churn",
                            "Inspanning (CES), NPS en tevredenheid tegenover opzeggingen"),
    "04_drivers": ("What drives NPS?", "Wat drijft de NPS?"),
}
INDEX_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Customer experience reports, {date}", "Rapporten klantbeleving, {date}"),
    "all_title": ("Customer experience reports", "Rapporten klantbeleving"),
    "runs": ("{n} runs: {ok} ok, {na}{failed} failed.", "{n} runs: {ok} gelukt, {na}{failed} mislukt."),
    "intro": ("Each figure with its interval and n, and its change against the previous run of the same report "
              "(▲ / ▼ significant). Suppressed groups had too few answers.",
              "Elk cijfer met zijn interval en n, en de verandering ten opzichte van de vorige run van hetzelfde "
              "rapport (▲ / ▼ significant). Weggelaten groepen hadden te weinig antwoorden."),
    "report": ("report", "rapport"), "dataset": ("dataset", "dataset"), "status": ("status", "status"),
    "figures": ("headline figures", "kerncijfers"), "duration": ("duration", "duur"), "files": ("files", "bestanden"),
    "ok": ("ok", "gelukt"), "failed": ("failed", "mislukt"), "not applicable": ("not applicable", "niet van toepassing"),
    "unknown": ("unknown", "onbekend"), "n_na": ("{n} not applicable, ", "{n} niet van toepassing, "), "none": ("none recorded", "geen vastgelegd"),
    "more": ("… {n} more in kpis.json", "… nog {n} in kpis.json"),
    "notebook": ("notebook", "notebook"), "manifest": ("manifest", "manifest"),
    "all_dates": ("All dates", "Alle datums"), "date": ("run date", "rundatum"), "reports": ("reports", "rapporten"),
}

# -- What loyalty is worth and who answered (issue 18: cxkit.stats.clv, research.value, research.response) --
_TEXT.update({
    # each category with its article: "an 'easy' answer", "a promoter"
    "va_cat_detractor": ("a detractor", "een criticaster"), "va_cat_passive": ("a passive", "een passieve klant"),
    "va_cat_promoter": ("a promoter", "een promotor"), "va_cat_hard": ("a 'hard' answer", "een antwoord 'moeilijk'"),
    "va_cat_neutral": ("a 'neutral' answer", "een antwoord 'neutraal'"),
    "va_cat_easy": ("an 'easy' answer", "een antwoord 'makkelijk'"),
    "va_cat_low": ("a low score", "een lage score"), "va_cat_middle": ("a middle score", "een middenscore"),
    "va_cat_top box": ("a top-box score", "een topboxscore"),
    "va_all": ("all customers", "alle klanten"),
    "va_diff": ("**{m}: {hi} is worth {d} more than {lo}** in lifetime value after the answer ({pct}% CI {a} to "
                "{b}, {h} months).",
                "**{m}: {hi} is {d} meer waard dan {lo}** aan klantwaarde na het antwoord ({pct}%-BI {a} tot "
                "{b}, {h} maanden)."),
    "va_move": ("Moving one detractor to passive is worth {d} ({pct}% CI {a} to {b}).",
                "Eén criticaster passief maken is {d} waard ({pct}%-BI {a} tot {b})."),
    "va_no_diff": ("{m}: too few customers per answer category for a lifetime value.",
                   "{m}: te weinig klanten per antwoordcategorie voor een klantwaarde."),
    "va_segments": ("Lifetime value of a new customer over {h} months, discounted at {d}% a year: {list}.",
                    "Klantwaarde van een nieuwe klant over {h} maanden, verdisconteerd tegen {d}% per jaar: {list}."),
    "va_risk": ("{v} of value is at risk among {n} current customers within {days} days ({pct}% of their value).",
                "{v} aan waarde loopt risico bij {n} huidige klanten binnen {days} dagen ({pct}% van hun waarde)."),
    "va_rate": ("{r}% of active customers answered {m} in a period with a survey.",
                "{r}% van de actieve klanten beantwoordde {m} in een periode met een enquête."),
    "va_bias": ("Respondents differ from non-respondents (respondents / non-respondents): {list}.",
                "Respondenten verschillen van niet-respondenten (respondenten / niet-respondenten): {list}."),
    "va_no_bias": ("Respondents resemble non-respondents on segment, tenure, revenue and later churn.",
                   "Respondenten lijken op niet-respondenten wat betreft segment, klantduur, omzet en later vertrek."),
    "va_weighted": ("Weighted to the customer base's margins, NPS is {w} against {u} unweighted.",
                    "Gewogen naar de verdeling van het klantenbestand is de NPS {w}, tegen {u} ongewogen."),
    "va_na_customers": ("Dataset “{name}” has no customers table with start and end dates, so neither lifetime value "
                        "nor response rates can be computed: this report does not apply.",
                        "Dataset “{name}” heeft geen klantentabel met begin- en einddatums, dus klantwaarde en "
                        "responspercentages zijn niet te berekenen: dit rapport is niet van toepassing."),
})
_COLUMNS.update({
    "customer_months": ("customer-months", "klantmaanden"), "revenue_per_month": ("revenue per month", "omzet per maand"),
    "retention_month": ("monthly retention", "maandelijks behoud"), "lifetime_months": ("expected months", "verwachte maanden"),
    "clv": ("lifetime value", "klantwaarde"), "clv_simple": ("simple formula", "eenvoudige formule"),
    "observed_months": ("months observed", "maanden waargenomen"), "category": ("category", "categorie"),
    "comparison": ("comparison", "vergelijking"), "difference": ("difference", "verschil"),
    "n_a": ("n (first)", "n (eerste)"), "n_b": ("n (second)", "n (tweede)"),
    "dimension": ("by", "per"), "level": ("group", "groep"), "respondents": ("respondents", "respondenten"),
    "response_rate": ("response rate", "responspercentage"), "variable": ("variable", "variabele"),
    "non_respondents": ("non-respondents", "niet-respondenten"), "test": ("test", "toets"),
    "expected_churners": ("expected leavers", "verwachte vertrekkers"), "at_risk": ("value at risk", "waarde in gevaar"),
    "pct_at_risk": ("% at risk", "% in gevaar"), "value_source": ("valued at", "gewaardeerd op"),
    "estimate": ("estimate", "schatting"),
})

# Raking and the weighting report (issue 16: cx.rake, `weights:` in the spec, cx.weighting_sensitivity).
_COLUMNS.update({
    "variable": ("variable", "variabele"), "level": ("level", "categorie"),
    "share_unweighted": ("share unweighted", "aandeel ongewogen"), "share_target": ("target share", "doelaandeel"),
    "share_weighted": ("share weighted", "aandeel gewogen"), "target": ("target", "doel"),
    "weighted_total": ("weighted total", "gewogen totaal"), "base": ("base weight", "basisgewicht"),
    "factor": ("raking factor", "wegingsfactor"), "weighted": ("weighted", "gewogen"),
    "unweighted": ("unweighted", "ongewogen"), "figure": ("figure", "cijfer"), "weight": ("weight", "gewicht"),
})
RAKING_MESSAGES = [
    ("Raked to {k} margins in {it} iterations: weighting efficiency {eff} %, design effect {deff}, n_eff {neff} "
     "of {n}; largest weight {ratio} x the mean",
     "Gewogen naar {k} marges in {it} iteraties: wegingsefficiëntie {eff} %, designeffect {deff}, effectieve n "
     "{neff} van {n}; grootste gewicht {ratio} x het gemiddelde"),
    ("{k} cells were held at the trimming bounds {bounds} (relative to the mean factor).",
     "{k} cellen zijn op de trimgrenzen {bounds} gehouden (ten opzichte van de gemiddelde factor)."),
    ("Weighting efficiency is below 50 %: the weighted figures rest on fewer than half the answers' worth of "
     "information; consider coarser targets or trimming.",
     "De wegingsefficiëntie is lager dan 50 %: de gewogen cijfers steunen op minder dan de helft van de "
     "informatie van de antwoorden; overweeg grovere doelen of trimmen."),
    ("Raking", "Weging (raking)"),
]
_MESSAGES.extend((_compile(en), nl) for en, nl in RAKING_MESSAGES)

# report title of notebook 05 (issue 16: banner tables)
REPORT_TITLES.update({"05_segment_tables": ("Segment tables", "Segmenttabellen")})


# One error budget per run (issue 16: cx.tests, cx.record_tests; the line each report states).
_TEXT.update({
    "eb_line": ("This report made {n} significance tests. Across the whole scheduled run they count in one family "
                "({how}, {pct} %); the run's manifest records how many differences stay significant and how many "
                "false flags to expect.",
                "Dit rapport voerde {n} significantietoetsen uit. Over de hele geplande run tellen ze als één "
                "familie ({how}, {pct} %); het manifest van de run vermeldt hoeveel verschillen significant blijven "
                "en hoeveel valse signalen te verwachten zijn."),
    "eb_none": ("This report made no significance tests (the run controls its tests as one family: {how}, {pct} %).",
                "Dit rapport voerde geen significantietoetsen uit (de run behandelt zijn toetsen als één familie: "
                "{how}, {pct} %)."),
    "eb_method_fdr_bh": ("false discovery rate, Benjamini-Hochberg", "fractie valse ontdekkingen, Benjamini-Hochberg"),
    "eb_method_holm": ("family-wise error rate, Holm", "familiegewijze foutkans, Holm"),
})

# -- open comments (issue 17: cxkit.text, research/comments, notebook 06) -----------------------
REPORT_TITLES["06_comments"] = ("What are customers saying?", "Wat zeggen klanten?")
_TEXT.update({
    "cm_not_applicable": ("Not applicable: dataset {name!s} has no comment column (no `free_text` declared in its "
                          "spec), so there is nothing to code.",
                          "Niet van toepassing: dataset {name!s} heeft geen kolom met opmerkingen (geen `free_text` "
                          "in de spec), dus er valt niets te coderen."),
    "cm_head": ("{n} comments analysed ({langs}); most mentioned: {top}.",
                "{n} opmerkingen geanalyseerd ({langs}); het vaakst genoemd: {top}."),
    "cm_none": ("none", "geen"),
    "cm_why_no_churn": ("this dataset has no churn record", "deze dataset heeft geen opzeggegevens"),
    "cm_why_no_topics": ("no topic is mentioned often enough", "geen onderwerp wordt vaak genoeg genoemd"),
    "cm_why_no_variation": ("no churn variation among the commenting customers",
                            "geen variatie in opzeggen onder de klanten met een opmerking"),
    "cm_left_out": ("{n} comments in other languages ({which}) are counted but left out: only English and Dutch "
                    "are coded.",
                    "{n} opmerkingen in andere talen ({which}) zijn geteld maar niet geanalyseerd: alleen Engels en "
                    "Nederlands worden gecodeerd."),
    "cm_no_score": ("These comments come without a score or churn record: which topics go with low scores or "
                    "with leaving cannot be said from this data, only how often each topic is mentioned and "
                    "in what tone.",
                    "Deze opmerkingen hebben geen score en geen opzeggegevens: welke onderwerpen samengaan met lage "
                    "scores of met vertrek valt uit deze data niet te zeggen, alleen hoe vaak elk onderwerp "
                    "genoemd wordt en op welke toon."),
    "cm_detractor": ("Topics that go with {outcome} more often (odds ratio above 1, significant): {up}; less "
                     "often: {down}.",
                     "Onderwerpen die vaker samengaan met {outcome} (odds ratio boven 1, significant): {up}; "
                     "minder vaak: {down}."),
    "cm_outcome_detractor": ("detractors (NPS 0-6)", "criticasters (NPS 0-6)"),
    "cm_outcome_column": ("{column} = {value}", "{column} = {value}"),
    "cm_outcome_not_satisfied": ("not satisfied answers (below the top box)", "niet-tevreden antwoorden (onder de topbox)"),
    "cm_churn": ("Topics after which customers left more often within {horizon} days (adjusted for detractor "
                 "status): {up}; less often: {down}.",
                 "Onderwerpen waarna klanten vaker opzegden binnen {horizon} dagen (gecorrigeerd voor "
                 "criticasters): {up}; minder vaak: {down}."),
    "cm_churn_not": ("Topics and later churn: not analysed ({why}).",
                     "Onderwerpen en latere opzeggingen: niet geanalyseerd ({why})."),
    "cm_sentiment_limits": ("Sentiment comes from word lists (VADER for English, the Pattern adjective lexicon for "
                            "Dutch): they miss sarcasm, irony and domain words, so compare groups of comments with "
                            "it, never judge one comment by it.",
                            "Sentiment komt uit woordenlijsten (VADER voor Engels, het bijvoeglijk-naamwoordlexicon "
                            "van Pattern voor Nederlands): ze missen sarcasme, ironie en vakwoorden, dus vergelijk er "
                            "groepen opmerkingen mee en beoordeel er nooit één opmerking op."),
    "cm_codebook": ("Codebook: {name}, version {version} (SHA-256 {sha}…), also recorded in the run manifest.",
                    "Codeboek: {name}, versie {version} (SHA-256 {sha}…), ook vastgelegd in het runmanifest."),
    "cm_empty_note": ("{n} empty comments left out.", "{n} lege opmerkingen weggelaten."),
    "cm_quotes_not_allowed": ("Quotes are not shown: the dataset spec does not allow it (`quotes: true`).",
                              "Citaten worden niet getoond: de dataset-spec staat het niet toe (`quotes: true`)."),
    "cm_axis_share": ("share of comments (%)", "aandeel opmerkingen (%)"),
    "cm_fig_topics": ("Topics mentioned, with 95% intervals", "Genoemde onderwerpen, met 95%-intervallen"),
})
_COLUMNS.update({
    "mentions": ("mentions", "vermeldingen"), "comments": ("comments", "opmerkingen"),
    "sentiment": ("mean sentiment", "gemiddeld sentiment"), "proposal": ("proposal", "voorstel"),
    "terms": ("words", "woorden"), "quote": ("quote", "citaat"), "analysed": ("analysed", "geanalyseerd"),
})

# Change decomposition and KPI monitoring (issue 17: cxkit.research.decompose, cxkit.research.monitor).
_TEXT.update({
    "dc_rose": ("{metric} rose {size} {unit} from {a} to {b}: {rate} from within-segment change, {mix} from a "
                "shift in who answered (by {by}).",
                "{metric} steeg {size} {unit} van {a} naar {b}: {rate} door verandering binnen segmenten, {mix} "
                "door een verschuiving in wie antwoordde (naar {by})."),
    "dc_fell": ("{metric} fell {size} {unit} from {a} to {b}: {rate} from within-segment change, {mix} from a "
                "shift in who answered (by {by}).",
                "{metric} daalde {size} {unit} van {a} naar {b}: {rate} door verandering binnen segmenten, {mix} "
                "door een verschuiving in wie antwoordde (naar {by})."),
    "dc_same": ("{metric} did not change from {a} to {b}: {rate} from within-segment change, {mix} from a shift "
                "in who answered (by {by}).",
                "{metric} veranderde niet van {a} naar {b}: {rate} door verandering binnen segmenten, {mix} door "
                "een verschuiving in wie antwoordde (naar {by})."),
    "dc_level": ("By {by}: within segments {rate} ({pct}% CI {rate_ci}), mix {mix} ({pct}% CI {mix_ci}).",
                 "Naar {by}: binnen segmenten {rate} ({pct}%-BI {rate_ci}), mix {mix} ({pct}%-BI {mix_ci})."),
    "dc_largest": ("Largest move: {segment}, {change} {unit} ({rate} within the segment, {mix} from its share).",
                   "Grootste beweging: {segment}, {change} {unit} ({rate} binnen het segment, {mix} door zijn aandeel)."),
    "dc_churn": ("churn rate", "churnpercentage"),
    "dc_mean_of": ("mean {metric}", "gemiddelde {metric}"),
    "percentage points": ("percentage points", "procentpunten"),
    "answer scale": ("on the answer scale", "op de antwoordschaal"),
    "dc_other": ("within other segments", "binnen overige segmenten"),
    "dc_total": ("total change {a} to {b}: {change}", "totale verandering {a} naar {b}: {change}"),
    "dc_mix": ("mix (who answered)", "mix (wie antwoordde)"),
    "dc_rate": ("within segments", "binnen segmenten"),
    "dc_mix_short": ("mix", "mix"),
    "dc_title": ("Why {metric} moved, {a} to {b}", "Waarom {metric} bewoog, {a} naar {b}"),
    "dc_change_axis": ("change ({unit})", "verandering ({unit})"),
    "mo_alert_low": ("Alert: {metric} ({series}) in {period} is {value}, below the lower control limit {limit} "
                     "(centre {centre}; n = {n}).",
                     "Signaal: {metric} ({series}) in {period} is {value}, onder de onderste controlegrens {limit} "
                     "(centrum {centre}; n = {n})."),
    "mo_alert_high": ("Alert: {metric} ({series}) in {period} is {value}, above the upper control limit {limit} "
                      "(centre {centre}; n = {n}).",
                      "Signaal: {metric} ({series}) in {period} is {value}, boven de bovenste controlegrens {limit} "
                      "(centrum {centre}; n = {n})."),
    "mo_split": ("Since {previous}: {change}, of which {rate} within segments and {mix} from who answered; "
                 "largest move: {largest}.",
                 "Sinds {previous}: {change}, waarvan {rate} binnen segmenten en {mix} door wie antwoordde; "
                 "grootste beweging: {largest}."),
    "mo_none": ("{metric}: no alerts in the latest period of {k} series.",
                "{metric}: geen signalen in de laatste periode van {k} reeksen."),
    "mo_some": ("{metric}: {a} alert(s) in the latest period of {k} series.",
                "{metric}: {a} signaal/signalen in de laatste periode van {k} reeksen."),
    "mo_method": ("Each period is judged against the periods before it: control limits at {sigmas} standard "
                  "errors, widened for the spread between periods (Laney p' chart); periods with fewer than {min_n} "
                  "answers are not judged.",
                  "Elke periode wordt beoordeeld tegen de perioden ervoor: controlegrenzen op {sigmas} "
                  "standaardfouten, verbreed voor de spreiding tussen perioden (Laney p'-kaart); perioden met "
                  "minder dan {min_n} antwoorden worden niet beoordeeld."),
    "mo_all": ("overall", "totaal"),
    "why_na_dates": ("Why it moved: not applicable, the answers have no dates, so there is no earlier period to "
                     "compare with.",
                     "Waarom het bewoog: niet van toepassing, de antwoorden hebben geen datum, dus er is geen eerdere "
                     "periode om mee te vergelijken."),
    "why_na_groups": ("Why it moved: not applicable, there is no column to split the answers by.",
                      "Waarom het bewoog: niet van toepassing, er is geen kolom om de antwoorden naar uit te splitsen."),
    "why_na_periods": ("Why it moved: not applicable, no metric has answers in two periods.",
                       "Waarom het bewoog: niet van toepassing, geen enkele maatstaf heeft antwoorden in twee perioden."),
    "al_none": ("No alerts: every monitored series is within its control limits in its latest period.",
                "Geen signalen: elke gevolgde reeks ligt in de laatste periode binnen haar controlegrenzen."),
    "mo_not_judged": ("{k} series-periods were not judged (fewer than {min_n} answers, or fewer than 6 earlier "
                      "periods to compare with).",
                      "{k} reeks-perioden zijn niet beoordeeld (minder dan {min_n} antwoorden, of minder dan 6 "
                      "eerdere perioden om mee te vergelijken)."),
    "dc_note_suppressed": ("Segments with too few answers are left out of the segment rows but counted in the totals.",
                           "Segmenten met te weinig antwoorden staan niet in de segmentrijen maar tellen mee in de "
                           "totalen."),
})
_COLUMNS.update({
    "level": ("level", "niveau"), "by": ("split by", "uitgesplitst naar"),
    "value_before": ("before", "ervoor"), "value_after": ("after", "erna"), "change": ("change", "verandering"), "mix": ("mix part", "mixdeel"),
    "mix_ci_low": ("mix CI low", "mix BI onder"), "mix_ci_high": ("mix CI high", "mix BI boven"),
    "rate": ("within-segment part", "deel binnen segmenten"), "rate_ci_low": ("within CI low", "binnen BI onder"),
    "rate_ci_high": ("within CI high", "binnen BI boven"), "change_ci_low": ("change CI low", "verandering BI onder"),
    "change_ci_high": ("change CI high", "verandering BI boven"), "n_before": ("n before", "n ervoor"),
    "n_after": ("n after", "n erna"), "share_before": ("% of answers before", "% van antwoorden ervoor"),
    "share_after": ("% of answers after", "% van antwoorden erna"),
})

# The run index's alerts column (issue 17: cxkit.report.alerts, cxkit.run.manifest).
INDEX_WORDS.update({
    "alerts": ("alerts", "signalen"),
    "no_alerts": ("none", "geen"),
})

# Trend charts: significant changes marked, small multiples per group, number formats (issue 12, i12).
_TEXT.update({
    "tr_sig_up": ("significant rise on the previous period", "significante stijging t.o.v. de vorige periode"),
    "tr_sig_down": ("significant fall on the previous period", "significante daling t.o.v. de vorige periode"),
    "tr_suppressed_label": ("suppressed: too few answers", "weggelaten: te weinig antwoorden"),
    "tr_by": ("{metric} per {freq} by {by}", "{metric} per {freq} naar {by}"),
    "freq_M": ("month", "maand"), "freq_Q": ("quarter", "kwartaal"), "freq_Y": ("year", "jaar"),
    "freq_W": ("week", "week"), "freq_D": ("day", "dag"),
    "no_survival": ("No answer and churn dates: time to churn cannot be analysed.",
                    "Geen antwoord- en opzegdatums: de tijd tot opzeggen valt niet te analyseren."),
})

# Notebook 05's league tables and weighting report (issue 16: cxkit.research.segments), en/nl.
_COLUMNS.update({
    "raking": ("raked", "weging"), "converged": ("converged", "geconvergeerd"),
    "iterations": ("iterations", "iteraties"), "efficiency_pct": ("weighting efficiency (%)", "wegingsefficiëntie (%)"),
    "deff": ("design effect", "designeffect"), "max_ratio": ("largest weight / mean", "grootste gewicht / gemiddelde"),
    "category": ("category", "categorie"), "share_unweighted_pct": ("unweighted (%)", "ongewogen (%)"),
    "share_target_pct": ("target (%)", "doel (%)"), "share_weighted_pct": ("weighted (%)", "gewogen (%)"),
})
_TEXT.update({
    "lgr_absent": ("League table: the dataset has no column {cols}, so the units are ranked without it.",
                   "Ranglijst: de dataset heeft geen kolom {cols}, dus de eenheden zijn zonder die kolom gerangschikt."),
    "lgr_personal": ("League table: {col} is not used as a unit: personal data ({why}); set allow_personal_data to "
                     "use it.",
                     "Ranglijst: {col} is niet als eenheid gebruikt: persoonsgegevens ({why}); zet "
                     "allow_personal_data aan om die te gebruiken."),
    "lgr_fallback": ("League table: none of the unit columns asked for is in the dataset, so the units are the "
                     "values of {col}.",
                     "Ranglijst: geen van de gevraagde eenheidskolommen staat in de dataset, dus de eenheden zijn de "
                     "waarden van {col}."),
    "lgr_none": ("League table: the dataset has no column to rank units by (such as segment, store or agent), so "
                 "there is no league table. Name the columns in the `league_unit` parameter.",
                 "Ranglijst: de dataset heeft geen kolom om eenheden naar te rangschikken (zoals segment, winkel of "
                 "medewerker), dus er is geen ranglijst. Noem de kolommen in de parameter `league_unit`."),
    "lgr_kind": ("{metric}: no league table for a scale of kind {kind}.",
                 "{metric}: geen ranglijst voor een schaal van het soort {kind}."),
    "lgr_few": ("{metric}: only {k} unit(s) with answers, so there is nothing to rank.",
                "{metric}: slechts {k} eenhe(i)d(en) met antwoorden, dus er valt niets te rangschikken."),
    "lgr_many": ("{metric}: {k} units, more than the {most} a league table shows; choose a coarser unit.",
                 "{metric}: {k} eenheden, meer dan de {most} die een ranglijst toont; kies een grovere eenheid."),
    "lgr_failed": ("{metric}: no league table: {why}", "{metric}: geen ranglijst: {why}"),
    "lgr_verdict": ("- **{metric}**, league table: {headline}", "- **{metric}**, ranglijst: {headline}"),
    "lgr_shrink_note": ("Shrunken scores pull small units towards the overall level: a unit with few answers is "
                        "not put at the top or bottom by chance. The rank interval and the chances of being among "
                        "the worst or best {pct} % of units say how sure the ranking is.",
                        "Bijgestelde scores trekken kleine eenheden naar het algemene niveau: een eenheid met weinig "
                        "antwoorden komt niet door toeval bovenaan of onderaan. Het rangbereik en de kansen om bij "
                        "de slechtste of beste {pct} % van de eenheden te horen zeggen hoe zeker de rangorde is."),
    "lgr_unit": ("unit ({cols})", "eenheid ({cols})"),
    "lgr_unweighted": ("The league tables count answers unweighted.",
                       "De ranglijsten tellen de antwoorden ongewogen."),
    "wtr_all": ("all answers", "alle antwoorden"), "wtr_column": ("weight column", "gewichtkolom"),
    "wtr_yes": ("yes", "ja"), "wtr_no": ("no", "nee"),
    "wtr_none": ("The figures of this report are unweighted: the dataset spec has no `weights:` block. To weight "
                 "the answers to known population shares, add `weights:` with `targets` per column (the share of "
                 "each category in the population) to the spec; data/README.md shows an example.",
                 "De cijfers van dit rapport zijn ongewogen: de dataspecificatie heeft geen blok `weights:`. Om de "
                 "antwoorden te wegen naar bekende aandelen in de populatie, voeg `weights:` met `targets` per kolom "
                 "(het aandeel van elke categorie in de populatie) toe aan de specificatie; data/README.md geeft een "
                 "voorbeeld."),
    "wtr_column_only": ("The answers carry the dataset's weight column (no `weights:` targets in the spec, so "
                        "nothing was raked); its efficiency is below.",
                        "De antwoorden dragen de gewichtkolom van de dataset (geen doelen onder `weights:` in de "
                        "specificatie, dus er is niet gewogen naar marges); de efficiëntie staat hieronder."),
    "wtr_off": ("Weights are switched off for this report (parameter `weights`): its figures are unweighted. The "
                "weighting the dataset defines is shown for reference.",
                "Weging staat uit voor dit rapport (parameter `weights`): de cijfers zijn ongewogen. De weging die "
                "de dataset definieert staat hieronder ter informatie."),
    "wtr_on": ("The figures of this report are weighted: the answers were raked to the population shares in the "
               "dataset spec's `weights:`. The weights cost precision: the effective base n_eff is what the "
               "weighted answers are worth.",
               "De cijfers van dit rapport zijn gewogen: de antwoorden zijn gewogen naar de aandelen in de populatie "
               "uit `weights:` in de dataspecificatie. Weging kost precisie: de effectieve basis n_eff is wat de "
               "gewogen antwoorden waard zijn."),
    "wtr_report": ("Weighting report", "Wegingsrapport"),
    "wtr_largest": ("Largest weights (cells of the target variables)", "Grootste gewichten (cellen van de doelvariabelen)"),
    "wtr_margins": ("Margins: unweighted, target and weighted shares", "Marges: ongewogen, doel- en gewogen aandelen"),
    "wtr_sensitivity": ("Headline figures unweighted and weighted", "Kerncijfers ongewogen en gewogen"),
    "wtr_verdict": ("- **Weighting**: the figures are weighted to the population; weighting efficiency {eff} % "
                    "(the weighted answers are worth that share of as many unweighted ones).",
                    "- **Weging**: de cijfers zijn gewogen naar de populatie; wegingsefficiëntie {eff} % (de gewogen "
                    "antwoorden zijn zoveel waard als dat aandeel ongewogen antwoorden)."),
})
# The loader's note on each raking (cxkit.data.weighting) in the data-quality appendix.
_MESSAGES.extend((_compile(en), nl) for en, nl in [
    ("weights ({which}; {cols}): {headline}.", "weging ({which}; {cols}): {headline}."),
    ("all answers", "alle antwoorden"),
])


# Reports 06 and 07 brought to the reader standard (issue 12 polish): titles, columns, the CLV chart.
REPORT_TITLES["07_value"] = ("What loyalty is worth and who answered", "Wat loyaliteit waard is en wie antwoordde")
_COLUMNS.update({
    "pct_of_r2": ("% of R²", "% van R²"),
})
_TEXT.update({
    "va_fig_clv": ("Lifetime value of a new customer per {by} ({pct}% interval, log scale)",
                   "Klantwaarde van een nieuwe klant per {by} ({pct}%-interval, logaritmische schaal)"),
    "va_tab_by_answer": ("{m}: lifetime value after the answer, per answer category",
                         "{m}: klantwaarde na het antwoord, per antwoordcategorie"),
    "va_tab_diff": ("{m}: difference in lifetime value between answer categories",
                    "{m}: verschil in klantwaarde tussen antwoordcategorieën"),
    "va_axis_clv": ("lifetime value over {h} months ({cur}, log scale)",
                    "klantwaarde over {h} maanden ({cur}, logaritmische schaal)"),
})
_COLUMNS.update({
    "share": ("share", "aandeel"), "correlation": ("correlation", "correlatie"), "beta": ("beta", "bèta"),
    "importance": ("importance", "belang"), "language": ("language", "taal"),
})
# Answer categories and their comparisons as table cells (reports 06, 07): whole-cell messages.
_ANSWER_CATEGORIES = {"detractor": "criticaster", "passive": "passief", "promoter": "promotor", "low": "laag",
                      "middle": "midden", "top box": "topbox", "hard": "moeilijk", "neutral": "neutraal",
                      "easy": "makkelijk"}
_MESSAGES.extend((_compile(en), nl) for en, nl in _ANSWER_CATEGORIES.items())
_MESSAGES.extend((_compile(f"{a} - {b}"), f"{_ANSWER_CATEGORIES[a]} - {_ANSWER_CATEGORIES[b]}")
                 for a, b in (("promoter", "detractor"), ("passive", "detractor"), ("promoter", "passive"),
                              ("top box", "low"), ("middle", "low"), ("top box", "middle"),
                              ("easy", "hard"), ("neutral", "hard"), ("easy", "neutral")))

# -- Reader-facing leftovers: notebook 05's league with too few units, 06's importance table, titles ----------
_TEXT.update({
    "lgr_few_units": ("{metric}: too few units for a league table: {k} units ({unit}) have answers, and it needs at "
                      "least {least} to estimate how much units differ.",
                      "{metric}: te weinig eenheden voor een ranglijst: {k} eenheden ({unit}) hebben antwoorden, en "
                      "er zijn er minstens {least} nodig om te schatten hoeveel eenheden verschillen."),
    "cm_importance_caption": ("Which topics matter most for {outcome}: each topic's share of what the topics explain "
                              "together, with its interval ({n} answers)",
                              "Welke onderwerpen het meest tellen voor {outcome}: het aandeel van elk onderwerp in wat "
                              "de onderwerpen samen verklaren, met het interval ({n} antwoorden)"),
    "cm_with_outcome": ("with {outcome}", "met {outcome}"),
})
_COLUMNS.update({
    "topic": ("topic", "onderwerp"), "with_outcome": ("with the outcome", "met de uitkomst"),
    "explained_pct": ("share of what the topics explain (%)", "aandeel in wat de onderwerpen verklaren (%)"),
    "chance_first_pct": ("chance it is the most important (%)", "kans dat het het belangrijkste is (%)"),
})
# the direction cells of the importance table, translated as whole cells
_MESSAGES.extend((_compile(en), nl) for en, nl in (("more often", "vaker"), ("less often", "minder vaak"),
                                                   ("no clear link", "geen duidelijk verband")))


# -- Value at risk polish (issue 18, valpolish: research.risk): totals per value source when segments mix sources --
_TEXT.update({
    "vr_source_total": ("{source}: {v} of {value} ({pct}%; {ci} {lo} to {hi})",
                        "{source}: {v} van {value} ({pct}%; {ci} {lo} tot {hi})"),
    "ch_value_sources": ("- Value at risk per value source (lifetime values and declared values are not added "
                         "together): {list}",
                         "- Waarde in gevaar per waardebron (klantwaarden en opgegeven waarden worden niet bij "
                         "elkaar opgeteld): {list}"),
    "va_risk_sources": ("Value at risk among current customers within {days} days, per value source (lifetime values "
                        "and declared values are not added together): {list}.",
                        "Waarde in gevaar bij huidige klanten binnen {days} dagen, per waardebron (klantwaarden en "
                        "opgegeven waarden worden niet bij elkaar opgeteld): {list}."),
})

# -- Reader-facing polish 2: chances in %, refused importance table, headers and chart titles in words ----------
_COLUMNS.update({
    "driver": ("driver", "drijfveer"),
})
_TEXT.update({
    "cm_importance_few_boot": ("The table of how much each topic matters for {outcome} is left out: its intervals need at "
                               "least {least} bootstrap resamples and this run asked for {n}.",
                               "De tabel met hoeveel elk onderwerp telt voor {outcome} ontbreekt: de intervallen vragen "
                               "minstens {least} bootstrap-steekproeven en deze run vroeg er {n}."),
    "cm_importance_not_fitted": ("The table of how much each topic matters for {outcome} is left out: too few complete "
                                 "answers, or too little variation, to split what the topics explain.",
                                 "De tabel met hoeveel elk onderwerp telt voor {outcome} ontbreekt: te weinig volledige "
                                 "antwoorden, of te weinig variatie, om te verdelen wat de onderwerpen verklaren."),
})
_COLUMNS.update({  # the sample's customer columns that reports group by (chart titles, league units)
    "preferred_channel": ("preferred channel", "voorkeurskanaal"), "contract": ("contract", "contract"),
    "tenure_band": ("tenure", "klantduur"),
})


def column_words(column: str, lang: str = "en") -> str:
    """A data column's name as words for a title or header: its display label when cxkit knows the column
    (:func:`column_label`), else the name with underscores as spaces (``loyalty_tier`` → ``loyalty tier``)."""
    label = column_label(str(column), lang)
    return label if label != column else str(column).replace("_", " ")


def unit_words(columns: str | list[str] | tuple[str, ...], lang: str = "en") -> str:
    """Combined unit columns (a league of ``segment / preferred_channel``) as words: ``segment / preferred channel``."""
    cols = [columns] if isinstance(columns, str) else list(columns)
    return " / ".join(column_words(c, lang) for c in cols)


__all__ += ["column_words", "unit_words"]


# -- Value by answer: a difference whose interval includes zero is not stated as a finding (issue 18, session 5) --
_TEXT.update({
    "va_diff_unclear": ("**{m}: no clear difference in lifetime value between {hi} and {lo}** after the answer ({d}, "
                        "{pct}% CI {a} to {b}, {h} months: the interval includes no difference).",
                        "**{m}: geen duidelijk verschil in klantwaarde tussen {hi} en {lo}** na het antwoord ({d}, "
                        "{pct}%-BI {a} tot {b}, {h} maanden: het interval omvat geen verschil)."),
    "va_move_unclear": ("Moving one detractor to passive has no clear value ({d}, {pct}% CI {a} to {b}).",
                        "Eén criticaster passief maken heeft geen duidelijke waarde ({d}, {pct}%-BI {a} tot {b})."),
})

# -- Reader-facing polish 3: alt text in the page's language, column headers of reports 01-03 in words -----------
_TEXT.update({
    "alt_chart": ("Chart: {body}.", "Grafiek: {body}."),
    "alt_against": ("{y} against {x}", "{y} tegen {x}"),
    "alt_series": ("series {names}", "reeksen {names}"),
    "alt_untitled": ("untitled figure", "figuur zonder titel"),
    # values of the sample's touchpoint and channel columns (banner headers of report 05): i18n.value_words
    "val_relationship": ("relationship", "relatie"), "val_support_contact": ("support contact", "contact met support"),
    "val_renewal": ("renewal", "verlenging"), "val_onboarding": ("onboarding", "onboarding"),
    "val_email": ("e-mail", "e-mail"), "val_web": ("web", "web"), "val_chat": ("chat", "chat"),
    "val_phone": ("phone", "telefoon"), "val_store": ("store", "winkel"),
    "val_annual": ("annual", "jaarlijks"), "val_monthly": ("monthly", "maandelijks"),
    # a driver asked after a touchpoint (cxkit.research.drivers: csat_renewal): i18n.driver_words
    "drv_after": ("{metric} after {touchpoint}", "{metric} na {touchpoint}"),
    # report 04's table of the answers per question (pandas describe: column, count, std)
    "drv_answers_column": ("question", "vraag"), "drv_answers_count": ("answers", "antwoorden"),
    "drv_answers_std": ("sd", "sd"),
})
_COLUMNS.update({
    # report 01: two periods compared (first = this period, as n_a)
    "value_a": ("value (first)", "waarde (eerste)"), "value_b": ("value (second)", "waarde (tweede)"),
    # report 02: crosstab rows, churn of two groups, CSAT and NPS per segment
    "row_n": ("answers in the row", "antwoorden in de rij"),
    "churned_a": ("churned (first)", "vertrokken (eerste)"), "churned_b": ("churned (second)", "vertrokken (tweede)"),
    "rate_a": ("churn rate % (first)", "churnpercentage (eerste)"),
    "rate_b": ("churn rate % (second)", "churnpercentage (tweede)"),
    "csat_mean": ("mean CSAT", "gemiddelde CSAT"),
    "csat_ci_low": ("CSAT: CI low", "CSAT: BI onder"), "csat_ci_high": ("CSAT: CI high", "CSAT: BI boven"),
    "nps_ci_low": ("NPS: CI low", "NPS: BI onder"), "nps_ci_high": ("NPS: CI high", "NPS: BI boven"),
    # report 03: two scores' AUC compared, the out-of-sample check of the churn models
    "auc_a": ("AUC (first)", "AUC (eerste)"), "auc_b": ("AUC (second)", "AUC (tweede)"),
    "boot_low": ("bootstrap: CI low", "bootstrap: BI onder"), "boot_high": ("bootstrap: CI high", "bootstrap: BI boven"),
    "added": ("added", "toegevoegd"),
    "split_at": ("tested from", "getoetst vanaf"),
    "n_train": ("earlier answers", "eerdere antwoorden"), "events_train": ("churned (earlier)", "vertrokken (eerder)"),
    "n_test": ("later answers", "latere antwoorden"), "events_test": ("churned (later)", "vertrokken (later)"),
    "auc_train": ("AUC, earlier answers", "AUC, eerdere antwoorden"),
    "auc_test": ("AUC, later answers", "AUC, latere antwoorden"),
    "auc_test_low": ("AUC later: CI low", "AUC later: BI onder"),
    "auc_test_high": ("AUC later: CI high", "AUC later: BI boven"),
    "brier": ("Brier score", "Brier-score"), "brier_null": ("Brier score without the model", "Brier-score zonder model"),
    "slope": ("calibration slope", "kalibratiehelling"),
    "slope_low": ("slope: CI low", "helling: BI onder"), "slope_high": ("slope: CI high", "helling: BI boven"),
    "observed": ("observed churn %", "waargenomen churn %"), "predicted": ("predicted churn %", "voorspelde churn %"),
    "td_auc": ("AUC at the horizon", "AUC op de horizon"),
    "td_cases": ("churned by the horizon", "vertrokken voor de horizon"),
    "td_controls": ("still customers at the horizon", "nog klant op de horizon"),
})


def value_words(value: object, lang: str = "en") -> str:
    """A data value as words where cxkit knows it (``support_contact`` → ``support contact``, Dutch
    ``contact met support``); any other value unchanged (it is the customer's own data: a store code stays)."""
    key = f"val_{value}"
    return text(key, lang) if key in _TEXT else str(value)


__all__ += ["value_words"]


def driver_words(name: object, lang: str = "en") -> str:
    """A driver's name as words: a metric asked after a touchpoint (``csat_renewal``) as ``CSAT after renewal``
    (Dutch ``CSAT na verlenging``), a known column by its label, any other name with underscores as spaces."""
    name = str(name)
    base, _, rest = name.partition("_")
    if base in ("nps", "csat", "ces") and rest and name not in _COLUMNS:
        tp = value_words(rest, lang)
        return text("drv_after", lang, metric=base.upper(), touchpoint=tp.replace("_", " "))
    return column_words(name, lang)


__all__ += ["driver_words"]
