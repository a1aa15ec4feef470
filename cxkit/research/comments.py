"""What customers say: open comments coded by topic and linked to scores and later churn (issue 17).

:func:`comment_study` reads a dataset's comments (:mod:`cxkit.text.comments`), settles each
comment's language (told or detected; only English and Dutch are analysed, the rest counted
and left out), codes the topics with the codebook, scores sentiment, and, where the comments
come with scores, shows

* topic prevalence per NPS category / CSAT level, with Wilson intervals
  (:func:`cxkit.stats.intervals.wilson`) and the usual small-group suppression;
* topics as drivers of detractor status (NPS 0-6, or not top box for CSAT): relative
  importance (:func:`cxkit.research.drivers.relative_importance`) and the direction as odds
  ratios (:func:`cxkit.stats.logit.logit`);
* topics and later churn: each commented answer paired with churn within ``horizon_days``
  after it (:func:`cxkit.research.alignment.align_churn`, first answer per customer), a
  logistic model of churn on the topics, adjusted for detractor status;
* proposed new codes from comments no topic matched (:func:`cxkit.text.propose.propose_codes`).

Quotes are shown only when the spec allows it (``quotes: true`` on the table) and the report
asks (``show_quotes``), and then scrubbed (:func:`cxkit.data.privacy.scrub_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, check_columns
from .._inputs import read_yaml
from .._results import Study
from ..data.dataset import Dataset
from ..data.privacy import scrub_text
from ..errors import CxkitError, SpecError
from ..report.i18n import num
from ..report.i18n import text as _t
from ..report.tables import FORMATS_ATTR
from ..stats.intervals import wilson
from ..stats.logit import logit
from ..stats.suppression import suppress
from ..text.codebook import Codebook, code_comments, load_codebook
from ..text.comments import Comments, load_comments
from ..text.language import SUPPORTED, languages
from ..text.propose import propose_codes
from ..text.sentiment import sentiment
from .alignment import align_churn, plain_ids
from .drivers import relative_importance

__all__ = ["CommentStudy", "comment_study"]

MIN_MENTIONS = 10  # a topic mentioned fewer times is not put into a model (its odds ratio is noise)
MIN_BOOT = 50  # relative_importance's least number of bootstrap resamples (its intervals need them)


@dataclass(frozen=True, repr=False)
class CommentStudy(Study):
    """Topics, sentiment and their links to scores and churn; see :func:`comment_study`.

    Attributes
    ----------
    status : str
        ``ok``, ``no free text`` (nothing to analyse: "not applicable") or ``no supported comments``.
    codebook : Codebook or None
    coded : DataFrame or None
        One row per analysed comment: ``language``, ``sentiment``, one boolean column per topic,
        plus ``metric, score, detractor, customer_id, answered_at`` where known. No comment text.
    params : mapping
    """

    name: str
    status: str
    codebook: Codebook | None
    coded: pd.DataFrame | None
    table_map: Mapping[str, pd.DataFrame]
    facts: Mapping[str, Any]
    params: Mapping[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self.table_map)

    @property
    def applicable(self) -> bool:
        return self.status == "ok"

    @property
    def figures(self) -> dict[str, Callable[..., Any]]:
        if not self.applicable:
            return {}

        def topics(ax: Any = None, lang: str = "en") -> Any:
            import matplotlib.pyplot as plt

            t = self.table_map["topics"].iloc[::-1]
            if ax is None:
                _, ax = plt.subplots(figsize=(7, 0.35 * len(t) + 1.2))
            share = 100 * t["share"].to_numpy()
            err = np.vstack([share - 100 * t["ci_low"].to_numpy(), 100 * t["ci_high"].to_numpy() - share])
            ax.barh(t["label"], share, xerr=err, color="#4C72B0", ecolor="#333333", capsize=3)
            ax.set_xlabel(_t("cm_axis_share", lang))
            ax.set_title(_t("cm_fig_topics", lang))
            return ax

        return {"topics": topics}

    def importance_reader_table(self) -> pd.DataFrame:
        """The topics' importance for detractor status (or the chosen outcome) as a reader reads it.

        For ``cx.show(study.importance_reader_table(), lang)``: the topic's name; whether comments on it
        go with the outcome ``more often`` or ``less often`` (``with_outcome``, by the verdict's rule: the
        odds ratio of ``tables["detractor_model"]`` significant and above or below 1; else ``no clear
        link``; notebook 06 heads it with the outcome's name, ``cm_with_outcome``); its share of what the
        topics explain together (``% of R²``) with the bootstrap interval; and the chance in % that it is
        the most important topic (share of bootstrap samples in which it ranked first), all as whole
        numbers. The analyst's columns (correlation, beta, importance, ``pct_of_r2``, ``p_top``) stay in
        ``tables["detractor_importance"]``, which the CSV export writes. Empty when there is no
        importance table.
        """
        cols = ["topic", "with_outcome", "explained_pct", "ci_low", "ci_high", "chance_first_pct"]
        t = self.table_map.get("detractor_importance")
        if t is None or not len(t):
            return pd.DataFrame(columns=cols)
        out = pd.DataFrame({"topic": t["label"].to_numpy(), "explained_pct": t["pct_of_r2"].to_numpy(float),
                            "ci_low": t["ci_low"].to_numpy(float), "ci_high": t["ci_high"].to_numpy(float),
                            "chance_first_pct": 100 * t["p_top"].to_numpy(float)})
        model = self.table_map.get("detractor_model")
        if model is not None and len(model):
            alpha = 1 - float(self.params.get("level", 0.95))
            up = model.loc[_linked(model, alpha, True), "topic"]
            down = model.loc[_linked(model, alpha, False), "topic"]
            # words, not a coefficient; each cell is translated as a whole (cxkit.report.i18n)
            out.insert(1, "with_outcome", np.select([t["driver"].isin(up), t["driver"].isin(down)],
                                                    ["more often", "less often"], "no clear link"))
        out.attrs[FORMATS_ATTR] = {c: "whole" for c in ("explained_pct", "ci_low", "ci_high", "chance_first_pct")}
        return out[[c for c in cols if c in out.columns]]

    def importance_note(self, lang: str = "en") -> str:
        """Why the topics' importance table is missing, in one sentence in ``lang``; empty when it is shown.

        :func:`relative_importance` refuses, for instance, fewer than 50 bootstrap resamples
        (``n_boot``) or too few complete answers; the report then says so where the table would be.
        """
        why = self.facts.get("importance_why")
        if not why or "detractor_importance" in self.table_map:
            return ""
        return _t(why, lang, outcome=self.facts.get("outcome_label", ""), least=MIN_BOOT,
                  n=self.facts.get("n_boot", ""))

    def describe(self, lang: str = "en") -> str:
        f = self.facts
        if self.status == "no free text":
            return "- " + _t("cm_not_applicable", lang, name=self.name)
        lines = [_t("cm_head", lang, n=num(f["analysed"], ",d", lang), langs=f["langs"],
                    top=f["top"] or _t("cm_none", lang))]
        if f["left_out"]:
            lines.append(_t("cm_left_out", lang, n=num(f["left_out"], ",d", lang), which=f["left_out_langs"]))
        if self.status == "no supported comments":
            return "\n".join("- " + x for x in lines)
        if not f["has_scores"]:
            lines.append(_t("cm_no_score", lang))
        else:
            lines.append(_t("cm_detractor", lang, outcome=f["outcome_label"],
                            up=f["det_up"] or _t("cm_none", lang), down=f["det_down"] or _t("cm_none", lang)))
            if f.get("churn_done"):
                lines.append(_t("cm_churn", lang, horizon=f["horizon_days"], up=f["churn_up"] or _t("cm_none", lang),
                                down=f["churn_down"] or _t("cm_none", lang)))
            elif f.get("churn_why"):
                lines.append(_t("cm_churn_not", lang, why=_t(f["churn_why"], lang)))
        lines.append(_t("cm_sentiment_limits", lang))
        lines.append(_t("cm_codebook", lang, name=self.codebook.name, version=self.codebook.version,
                        sha=self.codebook.sha256[:12]))
        return "\n".join("- " + x for x in lines)


def _outcome(frame: pd.DataFrame, ds: Dataset, metric: str) -> tuple[pd.Series, str]:
    scale = ds.scale(metric)
    score = frame["score"]
    if scale.kind == "nps":
        return score.le(6), "detractor"
    bad = scale.bad or tuple(v for v in range(scale.min, scale.max + 1) if v not in scale.good)
    return score.isin(bad), "not satisfied"


def _groups(frame: pd.DataFrame, ds: Dataset, metric: str) -> pd.Series:
    scale = ds.scale(metric)
    if scale.kind == "nps":
        return pd.cut(frame["score"], [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"]).astype(str)
    return frame["score"].round().astype(int).astype(str)


def _model_table(fit: Any, topics: list[str], labels: Mapping[str, str]) -> pd.DataFrame:
    cols = ["topic", "label", "odds_ratio", "odds_ratio_low", "odds_ratio_high", "p_value"]
    if fit is None or not fit.fitted:
        return pd.DataFrame(columns=cols)
    t = fit.table.set_index("term")
    rows = [{"topic": k, "label": labels[k], **{c: float(t.loc[k, c]) for c in cols[2:]}} for k in topics
            if k in t.index]
    return pd.DataFrame(rows, columns=cols)


def _linked(table: pd.DataFrame, alpha: float, up: bool) -> pd.Series:
    """Topics whose odds ratio is significant and above (``up``) or below 1: the verdict's one rule."""
    return (table["p_value"] < alpha) & ((table["odds_ratio_low"] > 1) if up else (table["odds_ratio_high"] < 1))


def _direction(table: pd.DataFrame, alpha: float, up: bool) -> str:
    if table.empty:
        return ""
    sig = table[_linked(table, alpha, up)]
    return ", ".join(sig.sort_values("odds_ratio", ascending=not up)["label"])


def _quotes_allowed(source: Any) -> bool:
    """The spec's comment table (or answers table) says ``quotes: true``."""
    spec = None
    if isinstance(source, Mapping):
        spec = source
    elif isinstance(source, str | Path):
        spec = read_yaml(Path(source), "dataset spec", SpecError)
    elif isinstance(source, Dataset) and source.spec_path is not None:
        spec = read_yaml(source.spec_path, "dataset spec", SpecError)
    tables = (spec or {}).get("tables") or {}
    return any(isinstance(t, Mapping) and t.get("quotes") is True for t in tables.values())


def comment_study(source: str | Path | Mapping[str, Any] | Dataset, *, codebook: Any = None,
                  text: str | None = None, language: str | None = None, metric: str | None = None,
                  outcome: str | None = None, outcome_event: Any = 0, horizon_days: int = 180, level: float = 0.95, min_n: int = 30, show_quotes: bool = False,
                  n_quotes: int = 2, n_proposals: int = 5, n_boot: int = 200, seed: int = 0,
                  lang: str = "en") -> CommentStudy:
    """Code a dataset's open comments and relate the topics to scores and later churn.

    Parameters
    ----------
    source : Dataset, spec path or mapping
        A dataset with a ``free_text`` column, or a comments-only spec (see :mod:`cxkit.text.comments`).
    codebook : path, mapping or Codebook, optional
        Default: the shipped codebook (``cxkit/text/codebook.yaml``).
    text, language : str, optional
        The comment column and a column with each comment's language (else detected).
    metric : str, optional
        The score the comments are read against (default: ``nps`` if commented, else the most
        commented metric).
    outcome, outcome_event : str, value, optional
        A yes/no column of the answers to explain instead of detractor status (e.g.
        ``recommended``), and its value that counts as the event (default 0: "does not").
    horizon_days : int
        Churn counts when it happens within this many days after the answer.
    level, min_n : float, int
        Interval level; smallest group shown.
    show_quotes : bool
        Show scrubbed example comments per topic, only if the spec allows (``quotes: true``).
    n_proposals, n_boot, seed : int
        Proposed codes per language; bootstrap resamples for importance; seed (results are
        identical for identical input).
    lang : {"en", "nl"}
        Language of the labels in the tables.

    Returns
    -------
    CommentStudy
        Status ``no free text`` (not applicable) when the dataset has no comment column.
    """
    check_choice("lang", lang, ("en", "nl"))
    params = {"level": level, "min_n": min_n, "horizon_days": horizon_days, "seed": seed, "metric": metric}
    comments: Comments | None = load_comments(source, text=text, language=language)
    name = comments.name if comments else (source.name if isinstance(source, Dataset) else str(source))
    if comments is None:
        return CommentStudy(name, "no free text", None, None, {}, {}, params)
    cb = load_codebook(codebook)
    labels = cb.labels(lang)
    frame = comments.frame
    told = frame["language_told"].where(frame["language_told"] != "", None)
    frame = frame.assign(language=languages(frame["text"], told if told.notna().any() else None).to_numpy())
    counts = frame["language"].value_counts()
    lang_table = pd.DataFrame({"language": counts.index, "comments": counts.to_numpy(),
                               "analysed": [x in SUPPORTED for x in counts.index]}).sort_values(
        ["analysed", "comments", "language"], ascending=[False, False, True], ignore_index=True)
    ok = frame["language"].isin(SUPPORTED).to_numpy()
    left_out = lang_table[~lang_table["analysed"]]
    facts: dict[str, Any] = {
        "analysed": int(ok.sum()), "left_out": int((~ok).sum()), "has_scores": False,
        "langs": ", ".join(f"{r.language} {num(r.comments, ',d', lang)}" for r in lang_table[lang_table["analysed"]].itertuples()),
        "left_out_langs": ", ".join(f"{r.language} {num(r.comments, ',d', lang)}" for r in left_out.itertuples()),
        "horizon_days": horizon_days, "top": ""}
    notes = [_t("cm_empty_note", lang, n=num(comments.empty, ',d', lang))] if comments.empty else []
    tables: dict[str, pd.DataFrame] = {"languages": lang_table}
    a = frame[ok].reset_index(drop=True)
    if a.empty:
        return CommentStudy(name, "no supported comments", cb, None, tables, facts, params, tuple(notes))

    coded = code_comments(a["text"], a["language"], cb)
    a["sentiment"] = sentiment(a["text"], a["language"]).to_numpy()
    topics = cb.names
    a = pd.concat([a, coded.reset_index(drop=True)], axis=1)
    n = len(a)
    cnt = coded.sum().reindex(topics)
    lo, hi = wilson(cnt.to_numpy(), np.full(len(topics), n), level)
    sent = [float(a.loc[a[t], "sentiment"].mean()) if cnt[t] else np.nan for t in topics]
    topic_table = pd.DataFrame({"topic": topics, "label": [labels[t] for t in topics], "comments": cnt.to_numpy(),
                                "share": cnt.to_numpy() / n, "ci_low": lo, "ci_high": hi,
                                "sentiment": np.round(sent, 4)})
    topic_table = topic_table.sort_values(["comments", "topic"], ascending=[False, True], ignore_index=True)
    # shares are fractions here (0.14): the table formatter shows them, and their intervals, in %
    topic_table.attrs[FORMATS_ATTR] = {"share": "fraction"}
    tables["topics"] = topic_table
    shown = topic_table[topic_table["comments"] > 0].head(3)
    facts["top"] = ", ".join(f"{r.label} ({num(100 * r.share, '.0f', lang)}%)" for r in shown.itertuples())
    by_lang = a.groupby("language")[["sentiment", *topics]].mean().reset_index()
    tables["by_language"] = by_lang.round(4)

    # Proposals from what no topic caught.
    uncoded = ~coded.to_numpy().any(axis=1)
    props = []
    for lg in SUPPORTED:
        texts = a.loc[uncoded & (a["language"] == lg).to_numpy(), "text"]
        p = propose_codes(texts, lg, n_codes=n_proposals, seed=seed)
        if len(p):
            props.append(p.assign(language=lg)[["language", "proposal", "terms", "comments"]])
    tables["proposals"] = (pd.concat(props, ignore_index=True) if props
                           else pd.DataFrame(columns=["language", "proposal", "terms", "comments"]))
    facts["uncoded"] = int(uncoded.sum())

    if show_quotes and _quotes_allowed(source):
        rows = []
        for t in topics:
            ex = a.loc[a[t], "text"].drop_duplicates().head(n_quotes)
            rows += [{"topic": t, "label": labels[t], "quote": q} for q in scrub_text(ex)]
        tables["quotes"] = pd.DataFrame(rows, columns=["topic", "label", "quote"])
    elif show_quotes:
        notes.append(_t("cm_quotes_not_allowed", lang))

    ds = comments.dataset
    coded_out = a.drop(columns=["text", "language_told", "_row"], errors="ignore")
    if ds is not None and comments.has_scores:
        facts["has_scores"] = True
        commented = a["metric"].value_counts()
        metric = metric or ("nps" if "nps" in commented.index else str(commented.index[0]))
        params["metric"] = metric
        m = a[a["metric"] == metric].reset_index(drop=True)
        if outcome is not None:
            check_columns(m, [outcome], argument="outcome", source=f"the answers of {ds.name!r}")
            m = m[m[outcome].notna()].reset_index(drop=True)
            m["detractor"] = (m[outcome].astype(str).str.replace(r"\.0$", "", regex=True)
                              == str(outcome_event)).astype(int).to_numpy()
            facts["outcome_label"] = _t("cm_outcome_column", lang, column=outcome, value=outcome_event)
        else:
            det, outcome_name = _outcome(m, ds, metric)
            m["detractor"] = det.astype(int).to_numpy()
            facts["outcome_label"] = _t("cm_outcome_" + outcome_name.replace(" ", "_"), lang)
        m["group"] = _groups(m, ds, metric)
        prev = []
        for g, sub in m.groupby("group", sort=True):
            c = sub[topics].sum()
            glo, ghi = wilson(c.to_numpy(), np.full(len(topics), len(sub)), level)
            prev.append(pd.DataFrame({"group": g, "topic": topics, "label": [labels[t] for t in topics],
                                      "comments": len(sub), "mentions": c.to_numpy(),
                                      "share": c.to_numpy() / len(sub), "ci_low": glo, "ci_high": ghi}))
        prev_t = pd.concat(prev, ignore_index=True)
        tables["prevalence"] = suppress(prev_t, size_col="comments", value_cols=["mentions", "share", "ci_low",
                                                                                  "ci_high"], min_n=min_n)
        tables["prevalence"].attrs[FORMATS_ATTR] = {"share": "fraction"}
        used = [t for t in topics if MIN_MENTIONS <= m[t].sum() <= len(m) - MIN_MENTIONS]
        alpha = 1 - level
        if used and m["detractor"].nunique() == 2:
            x = m[["detractor", *used]].astype(float)
            try:
                imp = relative_importance(x, "detractor", used, n_boot=n_boot, seed=seed, level=level, min_n=min_n)
                t_imp = imp.table.assign(label=lambda d: d["driver"].map(labels) if "driver" in d else None)
                # the topic's name first: it names the row
                tables["detractor_importance"] = t_imp[["label", *[c for c in t_imp.columns if c != "label"]]]
            except CxkitError as exc:
                notes.append(str(exc))
                # the reader is told why the table is missing (importance_note), in words, not the error
                few_boot = isinstance(n_boot, int | np.integer) and 0 < n_boot < MIN_BOOT
                facts["importance_why"] = "cm_importance_few_boot" if few_boot else "cm_importance_not_fitted"
                facts["n_boot"] = n_boot
            fit = logit(x, "detractor", used, level=level)
            tables["detractor_model"] = _model_table(fit, used, labels)
            facts["det_up"] = _direction(tables["detractor_model"], alpha, True)
            facts["det_down"] = _direction(tables["detractor_model"], alpha, False)
        else:
            facts["det_up"] = facts["det_down"] = ""
        churn_table, why = _churn(ds, m, metric, used, labels, horizon_days, level)
        if churn_table is not None:
            tables["churn_model"] = churn_table
            facts["churn_done"] = True
            facts["churn_up"] = _direction(churn_table, alpha, True)
            facts["churn_down"] = _direction(churn_table, alpha, False)
        else:
            facts["churn_why"] = why
    return CommentStudy(name, "ok", cb, coded_out, tables, facts, params, tuple(notes))


def _churn(ds: Dataset, m: pd.DataFrame, metric: str, used: list[str], labels: Mapping[str, str],
           horizon_days: int, level: float) -> tuple[pd.DataFrame | None, str]:
    """Topics vs churn within ``horizon_days`` after the commented answer (first per customer)."""
    if ds.customers is None or not ({"end_date", "churned"} & set(ds.customers.columns)):
        return None, "cm_why_no_churn"
    if not used:
        return None, "cm_why_no_topics"
    keys = ["customer_id", "answered_at"] if "answered_at" in m.columns else ["customer_id"]
    resp = m.drop(columns=[c for c in m.columns if c not in ("customer_id", "answered_at", "metric", "score",
                                                             "touchpoint", "channel", "weight")])
    aligned = align_churn(replace(ds, responses=resp.reset_index(drop=True)), metric, horizon_days=horizon_days,
                          keep="first")
    f = aligned.frame
    if not len(f) or f["churned"].nunique() < 2:
        return None, "cm_why_no_variation"
    topics_by = m.assign(customer_id=plain_ids(m["customer_id"])).drop_duplicates(keys)[keys + used + ["detractor"]]
    f = f.merge(topics_by, on=keys, how="inner")
    x = f[["churned", *used, "detractor"]].astype(float)
    fit = logit(x, "churned", used, controls=["detractor"], level=level)
    return _model_table(fit, used, labels), ""
