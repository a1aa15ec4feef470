"""One result protocol: every result class of the public API prints the same way (cxkit._results)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit._results import Result, Study
from cxkit.run.batch import BatchResult, RunResult

RUN_DATE = "2026-11-01"
LABEL = "<b>x</b>"


@pytest.fixture(scope="module")
def ds(sample):
    return sample.as_of(RUN_DATE)


@pytest.fixture(scope="module")
def studies(ds):
    return {
        "churn": cx.churn_study(ds, horizon_days=180, window_days=90, as_of=RUN_DATE, n_boot=50),
        "loyalty": cx.loyalty_study(ds, window_days=90, horizon_days=180, as_of=RUN_DATE),
        "drivers": cx.driver_study(ds, by_touchpoint=True, missing="pairwise", n_boot=50),
    }


def _survival_frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 200
    g = np.where(np.arange(n) % 2, LABEL, "y")
    t = rng.exponential(np.where(g == LABEL, 200, 400))
    return pd.DataFrame({"time_days": np.minimum(t, 365), "event": t < 365, "g": g, "x": rng.normal(size=n)})


def _results(ds, studies) -> dict[str, Result]:
    rng = np.random.default_rng(0)
    scores = pd.DataFrame({"score": rng.integers(0, 11, 300), "g": [LABEL, "y", "z"] * 100})
    surv = _survival_frame()
    run = RunResult(name=LABEL, run_date=RUN_DATE, status="ok", folder=cx.sample_spec_path().parent,
                    html=cx.sample_spec_path(), duration_s=1.0)
    churn = studies["churn"]
    return {
        "Comparison": cx.compare(scores, "g", LABEL, "y", min_n=0),
        "KaplanMeier": cx.kaplan_meier(surv, group="g", min_n=10),
        "CoxResult": cx.cox(surv, ["g", "x"], categorical=["g"]),
        "Aligned": cx.align_churn(ds, ds.metrics("nps")[0], as_of=RUN_DATE),
        "HazardResult": churn.hazard,
        "Importance": studies["drivers"].importance,
        "ValidationReport": cx.validate_dataset(cx.sample_spec_path()),
        "RunResult": run,
        "BatchResult": BatchResult(runs=(run,)),
        **{type(s).__name__: s for s in studies.values()},
    }


def test_every_result_prints_through_the_protocol(ds, studies):
    results = _results(ds, studies)
    assert {"ChurnStudy", "LoyaltyStudy", "DriverStudy"} <= set(results)
    for name, res in results.items():
        assert isinstance(res, Result), name
        assert type(res).__name__ == name
        r = repr(res)
        assert "\n" not in r and r.startswith(f"<{name}: ") and len(r) < 260, (name, r)
        assert isinstance(res.summary(), pd.DataFrame), name
        assert res.to_frame().equals(res.summary()), name
        assert isinstance(res.headline(), str) and res.headline(), name
        assert isinstance(str(res), str) and str(res).strip(), name
        html = res._repr_html_()
        assert "<strong>" in html, name  # drawn by the one Printer
        assert "<b>x</b>" not in html, name  # no raw markup from the data


def test_group_labels_are_escaped_in_html(ds, studies):
    results = _results(ds, studies)
    for name in ("Comparison", "KaplanMeier", "RunResult", "BatchResult"):
        html = results[name]._repr_html_()
        assert "&lt;b&gt;x&lt;/b&gt;" in html and LABEL not in html, name
        assert LABEL in str(results[name]), name  # plain text shows the label as it is


def test_validation_report_repr_shows_no_rows(sample):
    rep = cx.validate_dataset(cx.sample_spec_path())
    ids = set(sample.responses["customer_id"].astype(str))
    assert not any(i in repr(rep) for i in ids)  # the headline only: no rows, no messages
    quoted = {i for i in ids if i in " ".join(rep.notes)}
    assert quoted  # the sample's duplicate-key warning quotes ids: the analyst's own report shows them
    shown = rep.redacted()
    for text in (repr(shown), str(shown), shown._repr_html_()):
        assert not any(i in text for i in quoted)
    assert "Data-quality report" in shown._repr_html_()


def test_studies_share_one_shape(studies):
    for kind, study in studies.items():
        assert isinstance(study, Study), kind
        for lang in ("en", "nl"):
            text = study.describe(lang)
            assert isinstance(text, str) and text.strip(), (kind, lang)
        assert study.headline() in study.describe()
        assert study.tables and all(isinstance(t, pd.DataFrame) for t in study.tables.values()), kind
        assert list(study.summary()["table"]) == list(study.tables), kind
        assert all(isinstance(n, str) for n in study.notes), kind
        assert "customer_id" not in study.summary()["columns"].str.cat(sep=", "), kind
        assert study.figures, kind
        for name, draw in study.figures.items():
            fig, ax = plt.subplots()
            assert draw(ax=ax) is ax, (kind, name)
            plt.close(fig)
        assert study.describe() in str(study) or study.describe().strip().splitlines()[0] in str(study)


def test_describe_drivers_is_the_method(studies):
    study = studies["drivers"]
    assert cx.describe_drivers(study, "nl") == study.describe("nl") == cx.describe_drivers(study.importance, "nl")
