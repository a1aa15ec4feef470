"""Answer labels to numbers: built-in English/Dutch vocabularies, "N - label" forms, recodes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxkit import Scale, SpecError
from cxkit.data.labels import parse_labels, recode, vocabulary

CSAT5 = Scale.csat(1, 5)
CES7 = Scale.ces(1, 7, "higher_is_easier", [5, 6, 7])
EFFORT5 = Scale.ces(1, 5, "higher_is_harder", [1, 2])


@pytest.mark.parametrize("scale,answers,expected", [
    (CSAT5, ["Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"], [1, 2, 3, 4, 5]),
    (CSAT5, ["Very dissatisfied", "dissatisfied", "Neither satisfied nor dissatisfied", "SATISFIED",
             " very satisfied. "], [1, 2, 3, 4, 5]),
    (CES7, ["Helemaal mee oneens", "Mee oneens", "Enigszins mee oneens", "Neutraal", "Enigszins mee eens",
            "Mee eens", "Helemaal mee eens"], list(range(1, 8))),
    (CES7, ["Strongly disagree", "Strongly agree", "Somewhat agree"], [1, 7, 5]),
    (EFFORT5, ["Zeer weinig moeite", "Very high effort", "Weinig moeite"], [1, 5, 2]),
    (Scale.nps(), ["0 - Not at all likely", "10 - Extremely likely", "Zeer waarschijnlijk", "7", "8.0"],
     [0, 10, 10, 7, 8]),
])
def test_builtin_vocabularies(scale, answers, expected):
    nums, unknown = parse_labels(pd.Series(answers, dtype=object), scale, "builtin")
    assert nums.tolist() == expected and not unknown.any()


@pytest.mark.parametrize("label,number", [
    ("10 - Extremely likely", 10), ("7 = Helemaal mee eens", 7), ("4. Satisfied", 4), ("4: Tevreden", 4),
    ("3 (neutral)", 3), ("5 – Zeer tevreden", 5),
])
def test_numbered_labels_take_the_leading_code(label, number):
    nums, unknown = parse_labels(pd.Series([label]), Scale.nps(), {})
    assert nums.iloc[0] == number and not unknown.any()


def test_unknown_and_missing_are_told_apart():
    s = pd.Series(["Tevreden", None, "Blij", "", "Heel blij"], dtype=object)
    nums, unknown = parse_labels(s, CSAT5, "builtin")
    assert unknown.tolist() == [False, False, True, False, True]
    assert nums.iloc[0] == 4 and np.isnan(nums.iloc[1])


def test_explicit_map_adds_to_builtin():
    nums, unknown = parse_labels(pd.Series(["Top", "Tevreden"]), CSAT5, {"Top": 5})
    assert nums.tolist() == [5, 4] and not unknown.any()
    with pytest.raises(SpecError, match="whole number"):
        parse_labels(pd.Series(["Top"]), CSAT5, {"Top": "five"})


def test_no_vocabulary_for_unusual_scale():
    with pytest.raises(SpecError, match="no built-in vocabulary"):
        parse_labels(pd.Series(["x"]), Scale.csat(1, 10, top_box=[9, 10]), "builtin")
    assert vocabulary(Scale.csat(1, 10, top_box=[9, 10])) == {}


def test_recode():
    s = pd.Series([1.0, 11.0, np.nan])
    assert recode(s, {"add": -1}).tolist()[:2] == [0.0, 10.0]
    assert recode(pd.Series([1.0, 2.0, 5.0]), {"map": {1: 5, 5: 1}}).tolist() == [5.0, 2.0, 1.0]
    with pytest.raises(SpecError, match="add"):
        recode(s, {"shift": -1})


def test_non_answers_are_missing_not_unknown():
    s = pd.Series(["Weet niet", "Don't know", "n.v.t.", "Tevreden"], dtype=object)
    nums, unknown = parse_labels(s, CSAT5, "builtin")
    assert not unknown.any() and nums.isna().tolist() == [True, True, True, False]


def test_decimal_comma_never_reads_a_dot_as_thousands_by_accident():
    from cxkit.data.readers import to_number

    got = to_number(pd.Series(["1,5", "1.234,5", "1.5", "12"]), ",").tolist()
    assert got[:2] == [1.5, 1234.5] and np.isnan(got[2]) and got[3] == 12
