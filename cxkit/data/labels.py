"""Answer labels to numbers: built-in English and Dutch vocabularies, "N - label" forms, recodes.

Survey tools export answers as text ("10 - Extremely likely", "Zeer tevreden").
A dataset spec turns them into numbers per metric::

    labels:
      nps: builtin                     # the vocabulary matching the metric's scale
      csat: {Top: 5, Good: 4, Okay: 3} # or an explicit map (plus the built-in forms)
    recode:
      nps: {add: -1}                   # then shift a 1..11 coding to 0..10
      csat: {map: {1: 5, 2: 4, 4: 2, 5: 1}}

Order: label -> number -> recode -> range check. A leading number ("7 - Agree",
"7 = helemaal mee eens", "7. Agree") is read as the code itself, whatever the
words. Matching ignores case, accents' absence is not assumed, and surrounding
spaces/punctuation are dropped. Unknown labels are collected, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..scales import Scale

__all__ = ["vocabulary", "parse_labels", "recode", "LABEL_FORMS", "NON_ANSWERS", "normalise_label"]

_NUMBERED = re.compile(r"^\s*(-?\d+)\s*(?:[-–—=:.)]|\s)\s*\D.*$|^\s*(-?\d+)\s*$")
LABEL_FORMS = ('"10 - Extremely likely"', '"7 = Helemaal mee eens"', '"4. Satisfied"', '"4: Tevreden"', '"4"')

# Built-in vocabularies: (kind, min, max, direction) -> {number: [labels in English and Dutch]}.
# Wording follows the common survey-tool defaults (Qualtrics, SurveyMonkey, Dutch panels).
_NPS_ENDS = {0: ["not at all likely", "not likely at all", "zeer onwaarschijnlijk", "helemaal niet waarschijnlijk",
                 "zeker niet"],
             10: ["extremely likely", "very likely", "zeer waarschijnlijk", "extreem waarschijnlijk", "zeker wel"]}
_CSAT5 = {1: ["very dissatisfied", "very unsatisfied", "zeer ontevreden", "heel ontevreden"],
          2: ["dissatisfied", "unsatisfied", "somewhat dissatisfied", "ontevreden"],
          3: ["neutral", "neither satisfied nor dissatisfied", "neutraal", "niet tevreden, niet ontevreden",
              "niet tevreden niet ontevreden"],
          4: ["satisfied", "somewhat satisfied", "tevreden"],
          5: ["very satisfied", "extremely satisfied", "zeer tevreden", "heel tevreden"]}
_CSAT3 = {1: ["dissatisfied", "unsatisfied", "ontevreden"], 2: ["neutral", "neutraal"],
          3: ["satisfied", "tevreden"]}
_CSAT7 = {1: ["very dissatisfied", "extremely dissatisfied", "completely dissatisfied", "zeer ontevreden",
              "heel ontevreden"],
          2: ["dissatisfied", "ontevreden"], 3: ["somewhat dissatisfied", "enigszins ontevreden"],
          4: ["neutral", "neither satisfied nor dissatisfied", "neutraal", "niet tevreden, niet ontevreden"],
          5: ["somewhat satisfied", "enigszins tevreden"], 6: ["satisfied", "tevreden"],
          7: ["very satisfied", "extremely satisfied", "completely satisfied", "zeer tevreden", "heel tevreden"]}
_AGREE7 = {1: ["strongly disagree", "helemaal mee oneens", "zeer mee oneens"], 2: ["disagree", "mee oneens", "oneens"],
           3: ["somewhat disagree", "enigszins mee oneens", "een beetje mee oneens"],
           4: ["neither agree nor disagree", "neutral", "neutraal", "niet mee eens, niet mee oneens",
               "niet eens, niet oneens"],
           5: ["somewhat agree", "enigszins mee eens", "een beetje mee eens"], 6: ["agree", "mee eens", "eens"],
           7: ["strongly agree", "helemaal mee eens", "zeer mee eens"]}
_AGREE5 = {1: _AGREE7[1], 2: _AGREE7[2], 3: _AGREE7[4], 4: _AGREE7[6], 5: _AGREE7[7]}
_EASY5 = {1: ["very difficult", "very hard", "zeer moeilijk", "heel moeilijk"],
          2: ["difficult", "somewhat difficult", "moeilijk"],
          3: ["neither easy nor difficult", "neutral", "neutraal", "niet makkelijk, niet moeilijk"],
          4: ["easy", "somewhat easy", "makkelijk", "gemakkelijk"],
          5: ["very easy", "zeer makkelijk", "heel makkelijk", "zeer gemakkelijk"]}
_EFFORT5 = {1: ["very low effort", "very little effort", "zeer weinig moeite", "heel weinig moeite"],
            2: ["low effort", "little effort", "weinig moeite"],
            3: ["moderate effort", "neutral", "neutraal", "gemiddelde moeite"],
            4: ["high effort", "much effort", "veel moeite"],
            5: ["very high effort", "very much effort", "zeer veel moeite", "heel veel moeite"]}
_BUILTIN: dict[tuple[str, int, int, str], dict[int, list[str]]] = {
    ("nps", 0, 10, "higher_is_better"): _NPS_ENDS,
    ("csat", 1, 5, "higher_is_better"): _CSAT5,
    ("csat", 1, 3, "higher_is_better"): _CSAT3,
    ("csat", 1, 7, "higher_is_better"): _CSAT7,
    ("ces", 1, 7, "higher_is_easier"): _AGREE7,
    ("ces", 1, 5, "higher_is_easier"): {k: _AGREE5[k] + _EASY5[k] for k in _AGREE5},
    ("ces", 1, 5, "higher_is_harder"): _EFFORT5,
    ("ces", 1, 7, "higher_is_harder"): {8 - k: v for k, v in _AGREE7.items()},  # "it was hard" agreement
}


# Non-answers: read as missing (and counted in the report), never as a score or an unknown label.
NON_ANSWERS = frozenset({"don't know", "dont know", "do not know", "not applicable", "n/a", "n.a", "no opinion",
                         "prefer not to say", "weet niet", "weet ik niet", "geen mening", "n.v.t", "nvt",
                         "niet van toepassing", "zeg ik liever niet", "wil ik niet zeggen"})


def normalise_label(text: Any) -> str:
    """Lower case, single spaces, no surrounding punctuation: how labels are matched."""
    s = re.sub(r"\s+", " ", str(text)).strip().lower()
    return s.strip(" .!;:\"'")


def vocabulary(scale: Scale) -> dict[str, int]:
    """Built-in label -> number map for ``scale`` (English and Dutch), empty if none fits."""
    key = (scale.kind, scale.min, scale.max, scale.direction)
    vocab = {normalise_label(lab): n for n, labs in _BUILTIN.get(key, {}).items() for lab in labs}
    vocab.update({normalise_label(lab): int(n) for n, lab in (scale.labels or {}).items()})
    return vocab


def _as_map(spec: Any, scale: Scale, where: str) -> dict[str, int]:
    if spec == "builtin":
        vocab = vocabulary(scale)
        if not vocab and scale.kind != "nps":
            raise SpecError(f"{where}: no built-in vocabulary for {scale.describe()}; give an explicit map "
                            "{label: number}.")
        return vocab
    if isinstance(spec, Mapping):
        out = vocabulary(scale)
        for lab, n in spec.items():
            if not isinstance(n, int | np.integer) or isinstance(n, bool):
                raise SpecError(f"{where}: label {lab!r} must map to a whole number; got {n!r}.")
            out[normalise_label(lab)] = int(n)
        return out
    raise SpecError(f"{where}: expected 'builtin' or a map {{label: number}}; got {spec!r}.")


def parse_labels(values: pd.Series, scale: Scale, spec: Any, where: str = "labels") -> tuple[pd.Series, pd.Series]:
    """Turn answer labels into numbers.

    Parameters
    ----------
    values : Series
        Raw answers: numbers, numeric text, "N - label" text or labels.
    scale : Scale
        The metric's scale, selecting the built-in vocabulary.
    spec : "builtin" or mapping
        The spec's ``labels`` entry for this metric.

    Returns
    -------
    numbers : Series of float (NaN where missing, a non-answer such as
        "Weet niet" / "Don't know" (see ``NON_ANSWERS``), or unknown)
    unknown : Series of bool, True where a non-missing answer matched nothing
    """
    vocab = _as_map(spec, scale, where)
    text = values.astype("string")
    numbers = pd.to_numeric(text.str.strip(), errors="coerce").astype(float)
    todo = numbers.isna() & values.notna()
    if todo.any():
        # Parse each distinct label once: exports repeat a handful of labels many times.
        lookup = {}
        for raw in pd.unique(text[todo]):
            m = _NUMBERED.match(raw)
            if m:
                lookup[raw] = float(m.group(1) or m.group(2))
            else:
                lookup[raw] = float(vocab.get(normalise_label(raw), np.nan))
        numbers[todo] = text[todo].map(lookup).astype(float)
    skipped = text.map(lambda t: pd.notna(t) and normalise_label(t) in NON_ANSWERS).astype(bool)
    unknown = numbers.isna() & values.notna() & (text.str.strip() != "") & ~skipped
    return numbers, unknown.fillna(False).astype(bool)


def recode(numbers: pd.Series, spec: Any, where: str = "recode") -> pd.Series:
    """Apply a declared recode: ``{add: k}`` or ``{map: {old: new}}`` (unlisted values kept)."""
    if not isinstance(spec, Mapping) or set(spec) - {"add", "map"} or not spec:
        raise SpecError(f"{where}: expected {{add: number}} or {{map: {{old: new}}}}; got {spec!r}.")
    out = numbers.astype(float)
    if "map" in spec:
        m = spec["map"]
        if not isinstance(m, Mapping):
            raise SpecError(f"{where}: `map` must map old values to new ones; got {m!r}.")
        table = {}
        for k, v in m.items():
            # `null` (or an empty value) means missing: "0 = not applicable" is `{0: null}`.
            new = np.nan if v is None or (isinstance(v, str) and not v.strip()) else v
            try:
                table[float(k)] = float(new)
            except (TypeError, ValueError):
                raise SpecError(f"{where}: `map` must map numbers to numbers or null (missing); "
                                f"got {k!r}: {v!r}.") from None
        out = out.map(lambda v: table.get(float(v), v) if pd.notna(v) else v)
    if "add" in spec:
        if not isinstance(spec["add"], int | float) or isinstance(spec["add"], bool):
            raise SpecError(f"{where}: `add` must be a number; got {spec['add']!r}.")
        out = out + spec["add"]
    return out.astype(float)
