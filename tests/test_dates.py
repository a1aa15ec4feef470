"""One date policy everywhere (cxkit._dates): time-zone-aware timestamps are converted to UTC,
then to calendar periods; naive timestamps are taken as given.

An answer at 2025-04-01 00:30+02:00 is 2025-03-31 22:30 UTC: March, on pandas, DuckDB
(whatever the connection's time zone), Parquet, CSV and PySpark (whatever the session's
time zone), through ``cx.nps(..., period=...)``, ``cx.add_period``, ``cx.churn_rate`` and the loader.
A naive 2025-04-01 00:30 is April everywhere.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import yaml

import cxkit as cx

from .test_engines import spark  # noqa: F401  (the session-wide local Spark fixture)

EDGE = "2025-04-01 00:30:00+02:00"  # 2025-03-31 22:30 UTC
LATER = "2025-04-15 12:00:00+02:00"  # April in any zone


def answers(aware: bool = True) -> pd.DataFrame:
    stamps = [EDGE, LATER] if aware else [EDGE[:19], LATER[:19]]
    return pd.DataFrame({"score": [9, 3], "answered_at": pd.to_datetime(stamps)})


def customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["a", "b", "c"],
                         "start_date": pd.to_datetime(["2025-01-10 10:00:00+02:00"] * 3),
                         "end_date": pd.to_datetime([EDGE, LATER, None])})


def periods(table: pd.DataFrame) -> list[str]:
    return table["period"].tolist()


def engines(df: pd.DataFrame, tmp_path, name: str):
    """The same table as pandas, text, DuckDB (a non-UTC connection), Parquet and CSV."""
    yield "pandas", df
    yield "pandas text", df.assign(**{c: df[c].astype(str).replace("NaT", None)
                                      for c in df.select_dtypes("datetime").columns})
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")  # the connection's zone must not matter
    yield "duckdb", con.from_df(df)
    df.to_parquet(tmp_path / f"{name}.parquet", index=False)
    yield "parquet", str(tmp_path / f"{name}.parquet")
    df.to_csv(tmp_path / f"{name}.csv", index=False)
    yield "csv", tmp_path / f"{name}.csv"


def test_aware_timestamps_take_the_utc_period_on_every_engine(tmp_path):
    for engine, data in engines(answers(), tmp_path, "answers"):
        assert periods(cx.nps(data, period="answered_at", min_n=0)) == ["2025-03", "2025-04"], engine
    assert cx.add_period(answers(), "answered_at")["period"].tolist() == ["2025-03", "2025-04"]
    assert cx.add_period(answers(), "answered_at", freq="D")["period"].tolist() == ["2025-03-31", "2025-04-15"]


def test_churn_rate_takes_the_utc_period_on_every_engine(tmp_path):
    for engine, data in engines(customers(), tmp_path, "customers"):
        t = cx.churn_rate(data, freq="M", min_n=0).set_index("period")
        assert t.loc["2025-03", "churned"] == 1 and t.loc["2025-04", "churned"] == 1, engine
        assert t.loc["2025-03", "at_start"] == 3 and t.loc["2025-04", "at_start"] == 2, engine


def test_naive_timestamps_are_taken_as_given(tmp_path):
    for engine, data in engines(answers(aware=False), tmp_path, "naive"):
        assert periods(cx.nps(data, period="answered_at", min_n=0)) == ["2025-04"], engine
    assert cx.add_period(answers(aware=False), "answered_at")["period"].tolist() == ["2025-04", "2025-04"]
    naive = customers().assign(start_date=pd.Timestamp("2025-01-10"),
                               end_date=pd.to_datetime([EDGE[:19], LATER[:19], None]))
    # end_date is the first day no longer a customer (issue 15): the naive end 2025-04-01 00:30 is that day
    # as given, so the last day as a customer is 31 March; the aware EDGE is 31 March in UTC, last day 30 March.
    t = cx.churn_rate(naive, freq="D", min_n=0, period_start="2025-03-29", period_end="2025-04-02")
    assert t.set_index("period")["churned"].to_dict() == {"2025-03-29": 0, "2025-03-30": 0, "2025-03-31": 1,
                                                          "2025-04-01": 0, "2025-04-02": 0}


def test_a_column_mixing_offsets_and_none():
    mixed = pd.DataFrame({"score": [9, 3, 7], "answered_at": [EDGE, "2025-03-31T20:00:00-05:00", "2025-04-01 00:30"]})
    assert periods(cx.nps(mixed, period="answered_at", min_n=0)) == ["2025-03", "2025-04"]
    assert cx.add_period(mixed, "answered_at")["period"].tolist() == ["2025-03", "2025-04", "2025-04"]


def test_churn_rate_accepts_every_freq():
    # Churn counts customers active at a period's start: with quarters and years both leavers
    # started in the period they left, so only the finer frequencies count them.
    for freq, churned in (("D", 2), ("W", 2), ("M", 2), ("Q", 1), ("Y", 0)):
        assert cx.churn_rate(customers(), freq=freq, min_n=0)["churned"].sum() == churned, freq
    t = cx.churn_rate(customers(), freq="D", min_n=0, period_start="2025-03-29", period_end="2025-04-02")
    # EDGE ends on 31 March UTC, the first day no longer a customer: the last day, 30 March, is when they left.
    assert t.set_index("period").loc["2025-03-30", "churned"] == 1


def test_the_loader_applies_the_same_policy(tmp_path):
    (tmp_path / "r.csv").write_text(f"id,date,q,a\n1,{EDGE},nps,9\n2,{LATER},nps,3\n3,2025-04-01 00:30,nps,7\n")
    pd.DataFrame({"id": [1, 2], "date": pd.to_datetime([EDGE, LATER]), "q": "nps", "a": [9, 3]}).to_parquet(
        tmp_path / "r.parquet", index=False)  # a tz-aware timestamp column, not text
    columns = {"customer_id": "id", "answered_at": "date", "metric": "q", "score": "a"}
    for file, expected in (("r.csv", ["2025-03", "2025-04", "2025-04"]), ("r.parquet", ["2025-03", "2025-04"])):
        spec = {"name": "t", "tables": {"responses": {"file": file, "columns": columns}},
                "scales": {"nps": {"kind": "nps"}}}
        (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
        ds = cx.load_dataset(tmp_path / "spec.yaml")
        assert cx.add_period(ds.responses, "answered_at")["period"].tolist() == expected, file


def test_pyspark_uses_the_same_policy(spark):  # noqa: F811
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")  # the session's zone must not matter
    try:
        sdf = spark.createDataFrame(answers())
        assert periods(cx.nps(sdf, period="answered_at", min_n=0)) == ["2025-03", "2025-04"]
        t = cx.churn_rate(spark.createDataFrame(customers()), freq="M", min_n=0).set_index("period")
        assert t.loc["2025-03", "churned"] == 1 and t.loc["2025-04", "churned"] == 1
        naive = spark.sql("SELECT 9 AS score, TIMESTAMP_NTZ '2025-04-01 00:30:00' AS answered_at")
        assert periods(cx.nps(naive, period="answered_at", min_n=0)) == ["2025-04"]
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)
