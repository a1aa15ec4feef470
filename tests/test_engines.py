"""Counting in the engine: pandas, DuckDB (relations, Parquet and CSV files) and PySpark
give the same count tables and therefore the same metrics, intervals and comparisons.

The pandas results themselves are checked against independent computations in
test_metrics.py / test_compare.py; here every other engine must reproduce them to 1e-9.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import cxkit as cx

CES = cx.Scale.ces(1, 7, "higher_is_easier", easy=[5, 6, 7])
SCALES = {"nps": cx.Scale.nps(), "csat": cx.Scale.csat(), "ces": CES}


def make_answers(n: int = 3000, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    metric = rng.choice(["nps", "csat", "ces"], n, p=[0.5, 0.3, 0.2])
    hi = np.select([metric == "nps", metric == "csat"], [10, 5], 7)
    lo = np.where(metric == "nps", 0, 1)
    return pd.DataFrame({
        "metric": metric,
        "score": lo + rng.integers(0, 1000, n) % (hi - lo + 1),
        "segment": rng.choice(["consumer", "smb", "enterprise"], n),
        "channel": rng.choice(["web", "phone"], n),
        "weight": rng.uniform(0.2, 3.0, n).round(3),
        "answered_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 200 * 24, n), unit="h"),
    })


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return make_answers()


@pytest.fixture(scope="module")
def files(answers, tmp_path_factory):
    d = tmp_path_factory.mktemp("engines")
    answers.to_parquet(d / "answers.parquet", index=False)
    answers.to_csv(d / "answers.csv", index=False)
    return d


def backends(df: pd.DataFrame, files, name: str = "answers"):
    """The same table as pandas, DuckDB relation, Parquet path and CSV path."""
    con = duckdb.connect()
    yield "pandas", df
    yield "duckdb", con.from_df(df)
    yield "parquet", str(files / f"{name}.parquet")
    yield "csv", files / f"{name}.csv"


def same(a: pd.DataFrame, b: pd.DataFrame, what: str = "") -> None:
    """Equal tables: identical labels and counts, numbers within 1e-9."""
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b), what
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(x):
            np.testing.assert_allclose(x.to_numpy(float), y.to_numpy(float), rtol=1e-9, atol=1e-9,
                                       err_msg=f"{what} column {col}")
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), f"{what} column {col}"


# -- the count table itself --------------------------------------------------------
def test_count_table_matches_plain_pandas_counting(answers, files):
    nps_rows = answers[answers.metric == "nps"]
    expected = (nps_rows.assign(w2=nps_rows.weight**2)
                .groupby(["segment", "score"]).agg(n=("score", "size"), w=("weight", "sum"), w2=("w2", "sum"))
                .reset_index())
    con = duckdb.connect()
    for name, data in [("pandas", nps_rows), ("duckdb", con.from_df(nps_rows))]:
        got = cx.score_counts(data, "score", "segment", weight="weight")
        same(got, expected.astype({"score": got["score"].dtype}), name)


def test_missing_values_are_dropped_in_every_engine(answers, files):
    df = answers[answers.metric == "nps"].copy()
    df.loc[df.index[:7], "score"] = np.nan
    df.loc[df.index[7:10], "segment"] = None
    ref = cx.nps(df, by="segment", min_n=0)
    assert ref["n"].sum() == len(df) - 10
    got = cx.nps(duckdb.connect().from_df(df), by="segment", min_n=0)
    same(ref, got, "duckdb with missing values")


# -- metrics: every engine equals pandas -----------------------------------------------
@pytest.mark.parametrize("kwargs", [
    {"by": "segment"},
    {"by": ["segment", "channel"], "weight": "weight"},
    {"by": "channel", "period": "answered_at", "freq": "M"},
    {"period": "answered_at", "freq": "W", "weight": "weight"},
])
def test_metric_tables_identical_across_engines(answers, files, kwargs, monkeypatch):
    ref = cx.metric_suite(answers, SCALES, min_n=0, **kwargs)
    assert set(ref) == {"nps", "csat", "ces"}
    for name, data in backends(answers, files):
        got = cx.metric_suite(data, SCALES, min_n=0, **kwargs)
        for m in ref:
            same(ref[m], got[m], f"{name} {m} {kwargs}")
    # pandas frames are counted by DuckDB in place; pandas' own groupby gives the same tables
    import cxkit.stats.engines as engines

    monkeypatch.setattr(engines, "PANDAS_VIA_DUCKDB", False)
    got = cx.metric_suite(answers, SCALES, min_n=0, **kwargs)
    for m in ref:
        same(ref[m], got[m], f"pandas groupby {m} {kwargs}")


def test_pandas_columns_mixing_text_and_numbers_keep_their_groups(monkeypatch):
    # DuckDB would turn 1 and "1" into one text group; such columns are counted by pandas.
    import cxkit.stats.engines as engines

    df = pd.DataFrame({"segment": [1, "1", "a"] * 20, "score": [10, 9, 0] * 20})
    got = cx.nps(df, by="segment", min_n=0)
    monkeypatch.setattr(engines, "PANDAS_VIA_DUCKDB", False)
    same(got, cx.nps(df, by="segment", min_n=0), "mixed object column")
    assert len(got) == 3


def test_single_metric_functions_accept_engines(answers, files):
    nps_rows = answers[answers.metric == "nps"].reset_index(drop=True)
    csat_rows = answers[answers.metric == "csat"].reset_index(drop=True)
    ref_nps = cx.nps(nps_rows, by="segment", weight="weight", period="answered_at", min_n=0)
    ref_csat = cx.csat(csat_rows, by="channel", ci="bootstrap", seed=5, min_n=0)
    con = duckdb.connect()
    same(ref_nps, cx.nps(con.from_df(nps_rows), by="segment", weight="weight", period="answered_at", min_n=0))
    same(ref_csat, cx.csat(con.from_df(csat_rows), by="channel", ci="bootstrap", seed=5, min_n=0))
    rel = con.read_parquet(str(files / "answers.parquet")).filter("metric = 'ces'")
    same(cx.ces(answers[answers.metric == "ces"], scale=CES, by="segment", min_n=0),
         cx.ces(rel, scale=CES, by="segment", min_n=0))


def test_metric_suite_equals_one_metric_at_a_time(answers):
    suite = cx.metric_suite(answers, SCALES, by="segment", min_n=0)
    same(suite["nps"], cx.nps(answers[answers.metric == "nps"], by="segment", min_n=0))
    same(suite["ces"], cx.ces(answers[answers.metric == "ces"], scale=CES, by="segment", min_n=0))


def test_period_labels_match_add_period(answers):
    for freq in ("D", "W", "M", "Q", "Y"):
        nps_rows = answers[answers.metric == "nps"]
        got = cx.nps(duckdb.connect().from_df(nps_rows), period="answered_at", freq=freq, min_n=0)
        expected = cx.add_period(nps_rows, "answered_at", freq)["period"].value_counts().sort_index()
        assert got["period"].tolist() == expected.index.tolist(), freq
        assert got["n"].tolist() == expected.tolist(), freq


def test_comparisons_identical_across_engines(answers, files):
    nps_rows = answers[answers.metric == "nps"].reset_index(drop=True)
    rel = duckdb.connect().from_df(nps_rows)
    a = cx.compare(nps_rows, "segment", "smb", "consumer", min_n=0)
    b = cx.compare(rel, "segment", "smb", "consumer", min_n=0)
    same(a.to_frame(), b.to_frame(), "compare")
    same(cx.pairwise(nps_rows, "segment", min_n=0), cx.pairwise(rel, "segment", min_n=0))
    same(cx.changes(nps_rows, "answered_at", by="channel", min_n=0),
         cx.changes(rel, "answered_at", by="channel", min_n=0))


# -- errors: named values and counts, no row numbers from engines ----------------------
def test_engine_reports_bad_scores_with_values_and_counts(answers):
    df = answers[answers.metric == "nps"].copy()
    df["score"] = df["score"].astype(float)
    df.loc[df.index[[0, 5, 9]], "score"] = 11
    df.loc[df.index[3], "score"] = 7.5
    with pytest.raises(cx.DataError) as err:
        cx.nps(duckdb.connect().from_df(df), source="lake/answers")
    msg = str(err.value)
    assert "lake/answers" in msg and "'score'" in msg
    assert "11 (3 rows)" in msg and "7.5 (1 row)" in msg and "0..10" in msg
    assert "Row numbers are not available" in msg and "duckdb" in msg
    with pytest.raises(cx.DataError, match=r"row 1\b|rows 1, 4"):  # pandas still names the rows
        cx.nps(df)


def test_engine_reports_text_scores_and_bad_weights(answers):
    df = answers[answers.metric == "csat"].copy()
    df["score"] = df["score"].astype(str)
    df.loc[df.index[:2], "score"] = "very good"
    con = duckdb.connect()
    with pytest.raises(cx.DataError, match=r"non-numeric answers 'very good' \(2 rows\)"):
        cx.csat(con.from_df(df))
    df = answers[answers.metric == "csat"].copy()
    df.loc[df.index[4], "weight"] = -1.0
    with pytest.raises(cx.DataError, match="'weight'.*non-negative.*smallest -1"):
        cx.csat(con.from_df(df), weight="weight")
    with pytest.raises(cx.DataError, match="row 5"):
        cx.csat(df, weight="weight")


def test_engine_input_errors(answers, files, tmp_path):
    with pytest.raises(cx.ParameterError, match="does not exist"):
        cx.nps(tmp_path / "missing.parquet")
    (tmp_path / "answers.json").write_text("{}")
    with pytest.raises(cx.ParameterError, match="Parquet"):
        cx.nps(tmp_path / "answers.json")
    with pytest.raises(cx.ParameterError, match="DuckDB relation"):
        cx.nps([1, 2, 3])
    with pytest.raises(cx.ParameterError, match=r"\['segmnt'\].*available"):
        cx.nps(str(files / "answers.parquet"), by="segmnt")
    text_dates = duckdb.connect().from_df(answers.assign(answered_at=answers.answered_at.astype(str)))
    with pytest.raises(cx.DataError, match="'answered_at' holds text"):
        cx.nps(text_dates.filter("metric = 'nps'"), period="answered_at")


# -- churn rate: customers counted per group, start day and end day ------------------------
def make_customers(n: int = 2000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(1, 500, n), unit="D")
    return pd.DataFrame({"start_date": start, "end_date": end.where(rng.random(n) < 0.4),
                         "segment": rng.choice(["consumer", "smb", "enterprise"], n)})


@pytest.mark.parametrize("kwargs", [{}, {"by": "segment", "freq": "Q"},
                                    {"freq": "W", "period_start": "2023-06-01", "period_end": "2024-02-10"}])
def test_churn_rate_identical_across_engines(tmp_path, kwargs, monkeypatch):
    cust = make_customers()
    # independent check of the definition on one period, straight from the rows
    a, b = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    # end_date is the first day no longer a customer: active at a when start < a and end > a; left in [a, b)
    # when the last day, end - 1 day, is before b, i.e. end <= b.
    active = (cust.start_date < a) & (cust.end_date.isna() | (cust.end_date > a))
    left = active & (cust.end_date <= b)
    jan = cx.churn_rate(cust, min_n=0).set_index("period").loc["2024-01"]
    assert (jan["at_start"], jan["churned"]) == (active.sum(), left.sum())
    ref = cx.churn_rate(cust, min_n=0, **kwargs)
    cust.to_parquet(tmp_path / "c.parquet", index=False)
    cust.to_csv(tmp_path / "c.csv", index=False)
    for name, data in [("duckdb", duckdb.connect().from_df(cust)), ("parquet", str(tmp_path / "c.parquet")),
                       ("csv", tmp_path / "c.csv")]:
        same(ref, cx.churn_rate(data, min_n=0, **kwargs), f"churn {name} {kwargs}")
    import cxkit.stats.engines as engines

    monkeypatch.setattr(engines, "PANDAS_VIA_DUCKDB", False)
    same(ref, cx.churn_rate(cust, min_n=0, **kwargs), f"churn pandas groupby {kwargs}")


def test_churn_rate_engine_errors_count_the_bad_customers():
    cust = make_customers(50)
    cust.loc[:2, "end_date"] = cust.loc[:2, "start_date"] - pd.Timedelta(days=3)
    rel = duckdb.connect().from_df(cust)
    with pytest.raises(cx.DataError, match=r"3 customer\(s\) end .*Row numbers are not available"):
        cx.churn_rate(rel)
    with pytest.raises(cx.DataError, match="'start_date' holds text"):
        cx.churn_rate(duckdb.connect().from_df(cust.assign(start_date=cust.start_date.astype(str))))
    no_start = duckdb.connect().from_df(make_customers(50).assign(start_date=pd.NaT))
    with pytest.raises(cx.DataError, match=r"50 customer\(s\) without a start date"):
        cx.churn_rate(no_start)


# -- bootstrap --------------------------------------------------------------------------
def test_share_bootstrap_matches_scipy_bootstrap_of_the_rows():
    from scipy import stats

    scores = np.repeat([5, 4, 3, 2, 1], [42, 32, 10, 9, 14])
    t = cx.csat(pd.DataFrame({"score": scores}), ci="bootstrap", n_boot=4000, seed=1, min_n=0).iloc[0]
    assert t["method"] == "bootstrap"
    for stat, lo, hi in [(lambda x: np.mean(x >= 4) * 100, "ci_low", "ci_high"),
                         (np.mean, "mean_ci_low", "mean_ci_high")]:
        ref = stats.bootstrap((scores,), stat, n_resamples=20000, method="percentile", random_state=2)
        assert t[lo] == pytest.approx(ref.confidence_interval.low, abs=0.03 * abs(ref.confidence_interval.low) + 0.5)
        assert t[hi] == pytest.approx(ref.confidence_interval.high, abs=0.03 * abs(ref.confidence_interval.high) + 0.5)


def test_bootstrap_is_seeded_and_independent_of_block_size(monkeypatch, answers):
    import cxkit.stats.bootstrap as boot

    ces_rows = answers[answers.metric == "ces"]
    a = cx.ces(ces_rows, by="segment", scale=CES, ci="bootstrap", n_boot=600, seed=9, min_n=0)
    monkeypatch.setattr(boot, "_GROUPS", 2)
    monkeypatch.setattr(boot, "_CELLS", 16)
    b = cx.ces(ces_rows, by="segment", scale=CES, ci="bootstrap", n_boot=600, seed=9, min_n=0)
    same(a, b)
    c = cx.ces(ces_rows, by="segment", scale=CES, ci="bootstrap", n_boot=600, seed=10, min_n=0)
    assert not np.allclose(a["mean_ci_low"], c["mean_ci_low"])
    with pytest.raises(cx.ParameterError, match="n_boot"):
        cx.ces(ces_rows, scale=CES, ci="bootstrap", n_boot=10)


def test_bootstrap_covers_the_truth_about_as_often_as_promised():
    # 300 groups drawn from a known distribution: a 90% interval should cover ~90% of them.
    rng = np.random.default_rng(3)
    p = np.array([0.1, 0.1, 0.2, 0.3, 0.3])
    rows = pd.DataFrame({"g": np.repeat(np.arange(300), 200), "score": rng.choice(np.arange(1, 6), 300 * 200, p=p)})
    t = cx.csat(rows, by="g", ci="bootstrap", level=0.9, n_boot=500, seed=4, min_n=0)
    cover_share = ((t["ci_low"] <= 60) & (60 <= t["ci_high"])).mean()
    cover_mean = ((t["mean_ci_low"] <= p @ np.arange(1, 6)) & (p @ np.arange(1, 6) <= t["mean_ci_high"])).mean()
    assert 0.84 <= cover_share <= 0.96 and 0.84 <= cover_mean <= 0.96


# -- PySpark, local mode ------------------------------------------------------------------
@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("PySpark needs Java, and no `java` is on PATH")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("cxkit-tests")
               .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
               .config("spark.driver.memory", "512m").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.ui.showConsoleProgress", "false")
               # Client JIT only and a serial GC: a small test JVM starts about twice as fast.
               .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_pyspark_gives_the_same_results(spark, answers):
    # One test for all Spark checks: one JVM even when pytest-xdist spreads tests over workers.
    local = answers.assign(churned=(answers.score < 4) ^ (answers.channel == "web"))
    sdf = spark.createDataFrame(local)
    kwargs = {"by": "segment", "weight": "weight", "period": "answered_at"}
    ref = cx.metric_suite(local, SCALES, min_n=0, **kwargs)
    got = cx.metric_suite(sdf, SCALES, min_n=0, **kwargs)
    for m in ref:
        same(ref[m], got[m], f"pyspark {m}")
    same(cx.csat(local[local.metric == "csat"], by="channel", ci="bootstrap", seed=3, min_n=0),
         cx.csat(sdf.filter("metric = 'csat'"), by="channel", ci="bootstrap", seed=3, min_n=0), "pyspark bootstrap")
    a = cx.grouped_logit(local, "churned", categorical="segment", numeric="score")
    b = cx.grouped_logit(sdf, "churned", categorical="segment", numeric="score")
    same(a.terms, b.terms, "pyspark logit")
    cust = make_customers()
    same(cx.churn_rate(cust, by="segment", freq="Q", min_n=0),
         cx.churn_rate(spark.createDataFrame(cust), by="segment", freq="Q", min_n=0), "pyspark churn")
    # CLV counted into cells on Spark: the same sorted cells as DuckDB, so the seeded intervals repeat too.
    cust = cust.assign(value=np.random.default_rng(2).lognormal(3, 0.5, len(cust)).round(1))
    same(cx.clv(duckdb.from_df(cust), by="segment", n_boot=200, min_risk=5).summary(),
         cx.clv(spark.createDataFrame(cust), by="segment", n_boot=200, min_risk=5).summary(), "pyspark clv")
    bad = sdf.filter("metric = 'nps'").selectExpr("CASE WHEN score = 10 THEN 11 ELSE score END AS score")
    n_bad = int((local[local.metric == "nps"].score == 10).sum())
    with pytest.raises(cx.DataError, match=f"11 \\({n_bad} rows\\).*pyspark"):
        cx.nps(bad)


def test_pandas_column_names_differing_in_case_stay_apart():
    # DuckDB identifiers ignore case; such frames are counted by pandas.
    df = pd.DataFrame({"Segment": ["a", "b"] * 30, "segment": ["x"] * 60, "score": [9, 3] * 30})
    t = cx.nps(df, by=["Segment", "segment"], min_n=0)
    assert t[["Segment", "segment", "n"]].values.tolist() == [["a", "x", 30], ["b", "x", 30]]
    with pytest.raises(cx.ParameterError, match="`by` must be a column name"):
        cx.nps(df, by=0)
