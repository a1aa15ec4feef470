"""Dutch research texts: same numbers as the English ones, Dutch words and decimal commas."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.errors import ParameterError
from cxkit.research.churn import describe_churn
from cxkit.research.drivers import describe_drivers, relative_importance
from cxkit.research.loyalty import describe_loyalty

RUN_DATE = "2026-11-01"
# A number with optional thousands groups and decimals, in each language's writing.
_NUM = {"en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
        "nl": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")}


def _numbers(txt: str, lang: str) -> list[float]:
    """Every number in ``txt`` as a float, read by hand (not with cxkit's formatting)."""
    thousands, decimal = (",", ".") if lang == "en" else (".", ",")
    return [float(m.replace(thousands, "").replace(decimal, ".")) for m in _NUM[lang].findall(txt)]


def _translated(en: str, nl: str, passthrough: str = "") -> tuple[str, str]:
    """Drop identical lines, and a known note (English, and its Dutch rendering) before comparing numbers."""
    en_l, nl_l = en.split("\n"), nl.split("\n")
    assert len(en_l) == len(nl_l)
    keep = [(a, b) for a, b in zip(en_l, nl_l, strict=True) if a != b]
    from cxkit.report.i18n import message

    dutch = message(passthrough, "nl")
    return ("\n".join(a.replace(passthrough, "") if passthrough else a for a, _ in keep),
            "\n".join(b.replace(dutch, "") if passthrough else b for _, b in keep))


def _check(en: str, nl: str, words: list[str], passthrough: str = "") -> None:
    assert re.search(r"\d,\d\d", nl), "no decimal comma in the Dutch text"
    for w in words:
        assert w in nl, w
    a, b = _translated(en, nl, passthrough)
    assert a and b
    assert _numbers(b, "nl") == _numbers(a, "en")


@pytest.fixture(scope="module")
def sample_asof(sample):
    return sample.as_of(RUN_DATE)


def test_churn_text_in_dutch(sample_asof):
    study = cx.churn_study(sample_asof, horizon_days=180, window_days=90, as_of=RUN_DATE, n_boot=50, seed=1,
                           hazard=False)
    en, nl = describe_churn(study, "en"), describe_churn(study, "nl")
    _check(en, nl, ["95%-BI", "opzeggingen", "verloop", "klanten", " tot "], study.revenue_note)
    assert "0,5 = kop of munt" in nl
    assert "AUC buiten de steekproef" in nl and "out-of-sample AUC" in en
    with pytest.raises(ParameterError, match="lang"):
        describe_churn(study, "xx")


def test_loyalty_text_in_dutch(sample_asof):
    study = cx.loyalty_study(sample_asof, window_days=90, horizon_days=180, as_of=RUN_DATE)
    en, nl = describe_loyalty(study, "en"), describe_loyalty(study, "nl")
    _check(en, nl, ["tevreden klanten die geen promotor zijn", "Promotors", "Criticasters", "95%-BI",
                    "Klanttevredenheid (CSAT)"])
    with pytest.raises(ParameterError, match="lang"):
        describe_loyalty(study, "xx")


def test_drivers_text_in_dutch():
    rng = np.random.default_rng(4)
    n = 400
    x = rng.normal(size=(n, 3))
    df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(nps=x @ [0.6, 0.3, 0.1] + rng.normal(size=n))
    imp = relative_importance(df, "nps", ["a", "b", "c"], n_boot=50, seed=2)
    en, nl = describe_drivers(imp, "en"), describe_drivers(imp, "nl")
    _check(en, nl, ["verklaren samen", "van de verklaarde variantie", "correlatie met nps", "95%-BI",
                    "bootstrapsteekproeven"])
    assert f"{imp.table['correlation'].iloc[0]:+.2f}".replace(".", ",") in nl
    with pytest.raises(ParameterError, match="lang"):
        describe_drivers(imp, "xx")


def test_drivers_text_names_touchpoint_drivers_in_words():
    """Report 04 (polish 3): the importance text says "CSAT after renewal", not the code csat_renewal."""
    rng = np.random.default_rng(4)
    n = 400
    x = rng.normal(size=(n, 2))
    df = pd.DataFrame(x, columns=["csat_renewal", "ces_support_contact"]).assign(nps=x @ [0.6, 0.3] + rng.normal(size=n))
    imp = relative_importance(df, "nps", ["csat_renewal", "ces_support_contact"], n_boot=50, seed=2)
    en, nl = describe_drivers(imp, "en"), describe_drivers(imp, "nl")
    assert "CSAT after renewal" in en and "CES after support contact" in en
    assert "CSAT na verlenging" in nl and "CES na contact met support" in nl
    assert "csat_renewal" not in en + nl and "ces_support_contact" not in en + nl
