"""Which language a comment is in: told (a column or parameter) or detected offline.

The detector counts how many of a comment's words are frequent function words
(stopwords) of each language and picks the language with the largest share. It is
used because it needs no model file, is deterministic, and is accurate enough for
whole comments of a sentence or more in the few languages CX exports hold
(English, Dutch, French, Spanish, German); very short comments ("ok", "top") get
``"und"`` (undetermined) rather than a guess. A told language always wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

__all__ = ["SUPPORTED", "STOPWORDS", "detect_language", "languages"]

SUPPORTED = ("en", "nl")
UNDETERMINED = "und"

# Short lists of the most frequent function words (written from general knowledge of each language).
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""the and to a of is it was in for that with my on but this not they be have are were
        you very at so i we had would as all their there our an or from he she them me your no just what
        been when out if about will can could too one it's i'm don't didn't""".split()),
    "nl": frozenset("""de het een en van is dat die in te niet op zijn met voor er maar ook we ik je was
        naar om aan heel wel dan als bij nog al zo hij zij ze ons onze mijn uit waren had hebben heeft
        geen veel erg wat door kan werd zeer deze dit hier daar echt goed""".split()),
    "fr": frozenset("""le la les et de des un une est du en que qui pour dans nous très pas au avec sur
        il elle était ce cette on a son sa ses mais bien tout plus vous je notre nos appartement""".split()),
    "es": frozenset("""el la los las y de del un una es en que por con para muy no lo se al su sus
        nos fue estaba pero todo como más mi este esta está hay casa""".split()),
    "de": frozenset("""der die das und ist nicht ein eine zu den mit von sich auf für im dem war wir es
        sehr auch aber ich sie noch wie wohnung""".split()),
}
_WORD = re.compile(r"[a-zà-ÿ']+")
MIN_WORDS = 3
MIN_SHARE = 0.12


def _detect_one(text: str) -> str:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return UNDETERMINED
    scores = {lang: sum(w in sw for w in words) / len(words) for lang, sw in STOPWORDS.items()}
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < MIN_SHARE or ranked[0] == ranked[1]:  # a tie is no evidence: say undetermined
        return UNDETERMINED
    return max(scores, key=lambda k: scores[k])


def detect_language(texts: Sequence[str] | pd.Series) -> pd.Series:
    """Language code (``en``, ``nl``, ``fr``, ``es``, ``de`` or ``und``) of each text.

    Parameters
    ----------
    texts : sequence of str
        Missing values give ``und``.

    Returns
    -------
    Series of str, aligned with ``texts``.
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))
    return s.map(lambda t: _detect_one(t) if isinstance(t, str) else UNDETERMINED).astype(object)


def languages(texts: pd.Series, told: pd.Series | str | None = None) -> pd.Series:
    """The language of each comment: ``told`` (a column or one code) where given, else detected.

    Codes are lower-cased and cut to two letters (``nl-BE`` -> ``nl``).
    """
    if isinstance(told, str):
        return pd.Series(told.lower()[:2], index=texts.index, dtype=object)
    detected = detect_language(texts)
    detected.index = texts.index
    if told is None:
        return detected
    given = told.astype("string").str.strip().str.lower().str[:2]
    return given.where(given.notna() & (given != ""), detected).astype(object)
