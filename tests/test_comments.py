"""Open comments (issue 17): coding, languages, sentiment, links to scores and churn, privacy, determinism.

Ground truth: the sample's ``comments.csv`` holds the planted topics of every comment
(``cxkit/data/sample/README.md``, section "Open comments"): price and network raise detraction and
churn, billing and support_wait raise detraction only, staff lowers detraction, app is unrelated.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import cxkit as cx
from cxkit.data.privacy import scrub_text
from cxkit.errors import SpecError
from cxkit.text.codebook import code_comments, load_codebook
from cxkit.text.language import detect_language
from cxkit.text.propose import propose_codes
from cxkit.text.sentiment import sentiment

from .conftest import ROOT, shared_path

SAMPLE_COMMENTS = ROOT / "cxkit" / "data" / "sample" / "comments.csv"
PLANTED = ("price", "network", "billing", "support_wait", "staff", "app")


@pytest.fixture(scope="module")
def study(sample):
    return cx.comment_study(sample, n_boot=50)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_coding_recovers_the_planted_topics(lang):
    c = pd.read_csv(SAMPLE_COMMENTS, keep_default_na=False)
    c = c[c["language"] == lang]
    coded = code_comments(c["comment"], c["language"])
    for topic in PLANTED:
        truth = c["topics"].str.split(";").map(lambda ts, t=topic: t in ts)
        hit = coded[topic]
        tp = int((truth & hit).sum())
        assert truth.sum() > 200, topic
        assert tp / hit.sum() >= 0.9 and tp / truth.sum() >= 0.9, (lang, topic, tp, hit.sum(), truth.sum())


def test_sample_comments_load_with_their_answers(sample):
    comments = cx.load_comments(sample)
    assert comments.column == "comment" and comments.has_scores
    assert len(comments.frame) == len(pd.read_csv(SAMPLE_COMMENTS))
    assert set(comments.frame["metric"]) == {"nps", "csat"}
    assert "comment" in sample.free_text
    # Declared free text is personal: reports drop it.
    assert "comment" not in cx.privacy.redact(sample.responses, sample).columns


def test_topics_drive_detraction_in_the_planted_direction(study):
    m = study.tables["detractor_model"].set_index("topic")
    for t in ("price", "network", "billing", "support_wait"):
        assert m.loc[t, "odds_ratio_low"] > 1, t
    assert m.loc["staff", "odds_ratio_high"] < 1
    assert m.loc["app", "odds_ratio_low"] < 1 < m.loc["app", "odds_ratio_high"]


def test_topic_churn_effects_recover_the_planted_direction(study):
    m = study.tables["churn_model"].set_index("topic")
    for t in ("price", "network"):  # planted churn effects (log-odds +1.2 and +1.0 on the topic's odds)
        assert m.loc[t, "odds_ratio_low"] > 1, t
    for t in ("support_wait", "staff", "app"):  # no planted churn effect
        assert m.loc[t, "odds_ratio_low"] < 1.0 < m.loc[t, "odds_ratio_high"] or m.loc[t, "odds_ratio"] < 1.2, t
    assert min(m.loc["price", "odds_ratio"], m.loc["network", "odds_ratio"]) > m.drop(
        ["price", "network"])["odds_ratio"].max()
    text = study.describe("en")
    assert "Price" in text.split("more often within 180 days")[1].split("\n")[0]


def test_prevalence_has_intervals_and_suppression(study):
    p = study.tables["prevalence"]
    assert set(p["group"]) == {"detractor", "passive", "promoter"}
    ok = p[~p["suppressed"]]
    assert ((ok["ci_low"] <= ok["share"]) & (ok["share"] <= ok["ci_high"])).all()
    det = p[(p["group"] == "detractor") & (p["topic"] == "price")]["share"].iloc[0]
    pro = p[(p["group"] == "promoter") & (p["topic"] == "price")]["share"].iloc[0]
    assert det > 2 * pro


def test_study_tables_hold_no_comment_text(study):
    text = pd.read_csv(SAMPLE_COMMENTS)["comment"].iloc[0]
    for name, t in study.tables.items():
        assert not t.astype(str).apply(lambda col: col.str.contains(text, regex=False)).any().any(), name
    assert "text" not in study.coded.columns and "quotes" not in study.tables


def test_quotes_need_the_spec_to_allow_them(sample, tmp_path):
    st = cx.comment_study(sample, show_quotes=True, n_boot=20)
    assert "quotes" not in st.tables and any("quotes: true" in n for n in st.notes)
    (tmp_path / "c.csv").write_text("id,text\n1,Mr. Smith was friendly and helpful; call +31 6 1234 5678\n"
                                    "2,The price is too expensive for me\n")
    spec = {"tables": {"comments": {"file": str(tmp_path / "c.csv"), "columns": {"comment_id": "id", "text": "text"},
                                    "quotes": True}}}
    st = cx.comment_study(spec, language="en", show_quotes=True, min_n=1)
    q = " ".join(st.tables["quotes"]["quote"])
    assert "Smith" not in q and "1234" not in q and "friendly" in q


def test_scrub_text_removes_contact_details_ids_and_introduced_names():
    out = scrub_text(["Mail jan.jansen@example.com or call 06-12345678 about C00042",
                      "I spoke to Sarah; ik werd geholpen door Anna de Vries", "Size 4, 2 stars, 30 days"]).tolist()
    assert "example.com" not in out[0] and "12345678" not in out[0] and "C00042" not in out[0]
    assert "Sarah" not in out[1] and "Anna" not in out[1] and "Vries" not in out[1]
    assert out[2] == "Size 4, 2 stars, 30 days"


def test_language_detection_and_unsupported_languages():
    langs = detect_language(["The bill was wrong and I was charged twice for it",
                             "De factuur klopt niet en ik moest heel lang wachten",
                             "Appartement très propre et bien situé, nous avons adoré", "La casa estaba muy limpia y bien",
                             "ok"]).tolist()
    assert langs == ["en", "nl", "fr", "es", "und"]
    coded = code_comments(["Trop cher, le prix"], ["fr"])
    assert not coded.any(axis=None)


def test_stemming_phrases_and_typos():
    coded = code_comments(["I was overcharged on my invoices", "Way too expnsive", "on hold forever",
                           "Ik ben nooit teruggebeld", "De facturen kloppen niet"], ["en", "en", "en", "nl", "nl"])
    assert coded.loc[0, "billing"] and coded.loc[1, "price"] and coded.loc[2, "support_wait"]
    assert coded.loc[3, "support_wait"] and coded.loc[4, "billing"]


def test_sentiment_sign_and_limits():
    s = sentiment(["Great service, very friendly!", "Terrible, never again", "Heel mooi en schoon appartement",
                   "Niet schoon, vies", "Très bien"], ["en", "en", "nl", "nl", "fr"])
    assert s[0] > 0.5 and s[1] < -0.3 and s[2] > 0.3 and s[3] < -0.3 and pd.isna(s[4])


def test_codebook_errors_name_the_topic(tmp_path):
    with pytest.raises(SpecError, match="topic 'price'.*keywords"):
        load_codebook({"topics": {"price": {"en": {"keywords": "expensive"}}}})
    with pytest.raises(SpecError, match="unknown keys.*'fr'"):
        load_codebook({"topics": {"price": {"fr": {"keywords": ["cher"]}}}})
    p = tmp_path / "cb.yaml"
    p.write_text("version: 7\ntopics:\n  price:\n    en: {keywords: [expensive]}\n")
    cb = load_codebook(p)
    assert cb.version == "7" and len(cb.sha256) == 64


def test_proposals_are_deterministic():
    texts = [f"the parking garage was full again {i}" for i in range(15)] + \
            [f"delivery of the router took two weeks {i}" for i in range(15)]
    a, b = propose_codes(texts, "en", n_codes=2), propose_codes(texts, "en", n_codes=2)
    pd.testing.assert_frame_equal(a, b)
    assert {"parking" in t or "delivery" in t for t in a["terms"]} == {True}


def test_not_applicable_without_free_text(tmp_path):
    (tmp_path / "r.csv").write_text("customer_id,nps\n" + "".join(f"c{i},{i % 11}\n" for i in range(40)))
    spec = {"name": "t", "tables": {"responses": {"file": str(tmp_path / "r.csv"),
                                                  "columns": {"customer_id": "customer_id"}, "scores": {"nps": "nps"}}},
            "scales": {"nps": {"kind": "nps"}}}
    st = cx.comment_study(spec)
    assert st.status == "no free text" and not st.applicable
    assert "Not applicable" in st.describe("en") and "Niet van toepassing" in st.describe("nl")


GUARDED = textwrap.dedent("""
    import socket, sys
    def _refuse(*a, **k):
        raise OSError("network disabled by the test")
    class _Guard(socket.socket):  # a class still (ssl subclasses it); any connection attempt fails
        connect = connect_ex = sendto = _refuse
    socket.socket = _Guard
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    attempts = []
    sys.addaudithook(lambda event, args: attempts.append(event) if event.startswith("socket.connect") else None)
    import cxkit as cx
    st = cx.comment_study(cx.sample_spec_path(), n_boot=30)
    out = [st.describe("en"), st.describe("nl")]
    for name, t in sorted(st.tables.items()):
        out.append(name)
        out.append(t.to_csv(index=False, float_format="%.12g"))
    assert not attempts, attempts
    sys.stdout.buffer.write("\\n".join(out).encode("utf-8"))
""")


@pytest.mark.slow
def test_offline_runs_are_byte_identical():
    runs = [subprocess.run([sys.executable, "-c", GUARDED], capture_output=True, cwd=ROOT, check=False,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
            for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert len(runs[0].stdout) > 1000 and runs[0].stdout == runs[1].stdout


@pytest.mark.shared
def test_womens_clothing_reviews_rating_and_recommend():
    shared_path("womens_clothing_reviews")
    st = cx.comment_study(ROOT / "data" / "specs" / "womens_clothing.yaml", outcome="recommended", n_boot=20)
    assert st.status == "ok"
    lang = st.tables["languages"].set_index("language")["comments"]
    assert lang.sum() == 23486 - 845  # every non-empty review, 845 empty (shared/data/README.md)
    assert lang["en"] / lang.sum() > 0.99
    assert set(st.tables["prevalence"]["group"]) == {"1", "2", "3", "4", "5"}
    m = st.tables["detractor_model"].set_index("topic")
    assert m.loc["material", "odds_ratio_low"] > 1  # fabric complaints go with not recommending
    assert "churn" in st.describe("en")


@pytest.mark.shared
def test_brussels_reviews_dutch_only_and_no_score():
    shared_path("brussels_airbnb_reviews")
    st = cx.comment_study(ROOT / "data" / "specs" / "comments_only" / "brussels_airbnb.yaml")
    langs = st.tables["languages"].set_index("language")
    assert langs.loc["nl", "comments"] == 500 and langs.loc["nl", "analysed"]
    assert langs.loc["fr", "comments"] == 500 and not langs.loc["fr", "analysed"]
    text = st.describe("en")
    assert "1,000 comments in other languages" in text and "without a score" in text
    assert "zonder" not in text and "geen score" in st.describe("nl")
    top = st.tables["topics"].iloc[0]["topic"]
    assert top == "location"


@pytest.mark.shared
def test_detector_agrees_with_the_told_languages_on_brussels():
    df = pd.read_csv(shared_path("brussels_airbnb_reviews", "brussels_reviews.csv"))
    det = detect_language(df["feedback"])
    assert (det == df["language"]).mean() >= 0.95


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_notebook_06_on_the_comments_only_spec(lang, tmp_path):
    shared_path("brussels_airbnb_reviews")
    from cxkit.run.notebook import execute_notebook

    res = execute_notebook(ROOT / "notebooks" / "06_comments.ipynb", tmp_path,
                           {"spec": str(ROOT / "data" / "specs" / "comments_only" / "brussels_airbnb.yaml"),
                            "lang": lang}, name="06_comments")
    assert res.status == "ok", res.error
    html = res.html.read_text(encoding="utf-8")
    assert "Traceback" not in html and ("geen score" in html if lang == "nl" else "without a score" in html)
    review = pd.read_csv(shared_path("brussels_airbnb_reviews", "brussels_reviews.csv"))["feedback"].iloc[0]
    assert review[:40] not in html  # comments are never shown without `quotes: true`


def test_codebook_hash_and_version_reach_the_manifest(tmp_path, monkeypatch):
    from cxkit._inputs import READS_ENV
    from cxkit.run.manifest import merge_reads

    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(READS_ENV, str(log))
    cb = load_codebook()
    entry = [e for e in merge_reads([], log) if e["read_as"] == "codebook"][0]
    assert entry["sha256"] == cb.sha256 and entry["table"] == f"codebook (version {cb.version})"


def test_quotes_key_is_allowed_on_an_answers_table(tmp_path):
    (tmp_path / "r.csv").write_text("customer_id,nps,comment\n" + "".join(
        f"c{i},{i % 11},{'Far too expensive - call 0612345678' if i % 2 else 'Friendly and helpful staff'}\n"
        for i in range(60)))
    spec = {"name": "t", "tables": {"responses": {"file": str(tmp_path / "r.csv"), "columns": {"customer_id": "customer_id"},
                                                  "scores": {"nps": "nps"}, "free_text": ["comment"], "quotes": True}},
            "scales": {"nps": {"kind": "nps"}}}
    st = cx.comment_study(spec, language="en", show_quotes=True, min_n=5, n_boot=10)
    assert "quotes" in st.tables and "0612345678" not in " ".join(st.tables["quotes"]["quote"])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_importance_reads_in_plain_words_and_whole_numbers(study, lang):
    t = study.importance_reader_table()
    analyst = study.tables["detractor_importance"]
    assert list(t.columns) == ["topic", "with_outcome", "explained_pct", "ci_low", "ci_high", "chance_first_pct"]
    assert list(t["topic"]) == list(analyst["label"])
    pd.testing.assert_series_equal(t["explained_pct"], analyst["pct_of_r2"], check_names=False)
    pd.testing.assert_series_equal(t["chance_first_pct"], 100 * analyst["p_top"], check_names=False)
    # the planted directions (sample README): price and network raise detraction, staff lowers it, app is
    # unrelated; the words follow the verdict's rule (significant odds ratio), not a coefficient's sign
    way = dict(zip(analyst["driver"], t["with_outcome"], strict=True))
    assert way["price"] == way["network"] == "more often" and way["staff"] == "less often"
    assert way["app"] == "no clear link"
    outcome = study.facts["outcome_label"]
    html = cx.show(t, lang, labels={"with_outcome": cx.i18n.text("cm_with_outcome", lang, outcome=outcome)}).to_html()
    for analyst_word in ("beta", "bèta", "P(top)", "P(bovenaan)", "R²", "correlation", "correlatie", "importance"):
        assert analyst_word not in html, analyst_word
    assert cx.i18n.column_label("explained_pct", lang) in html and cx.i18n.column_label("chance_first_pct", lang) in html
    assert ("vaker" if lang == "nl" else "more often") in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)[2:] for r in rows]
    assert len(cells) == len(t) and all(re.fullmatch(r"-?\d+", c) for r in cells for c in r), cells  # whole numbers


def test_notebook_06_shows_the_reader_importance_and_exports_the_analyst_table(tmp_path):
    from cxkit.run.notebook import execute_notebook

    out = tmp_path / "tables"
    res = execute_notebook(ROOT / "notebooks" / "06_comments.ipynb", tmp_path,
                           {"run_date": "2026-11-01", "lang": "nl", "n_boot": 50, "output_dir": str(out)},
                           name="06_comments")
    assert res.status == "ok", res.error
    html = res.html.read_text(encoding="utf-8")
    assert "Welke onderwerpen het meest tellen voor criticasters (NPS 0-6)" in html
    assert "met criticasters (NPS 0-6)" in html and "kans dat het het belangrijkste is (%)" in html
    for analyst_word in ("P(bovenaan)", "van R²", "bèta", ">belang<"):
        assert analyst_word not in html, analyst_word
    csv = pd.read_csv(out / "detractor_importance.csv")
    assert {"correlation", "beta", "importance", "pct_of_r2", "p_top"} <= set(csv.columns)
