"""A YAML codebook of comment topics, applied with Snowball stemming (English, Dutch).

Format (``cxkit/text/codebook.yaml`` is the default)::

    name: cxkit default CX codebook
    version: 3
    topics:
      price:
        label: {en: Price, nl: Prijs}
        en:
          keywords: [expensive, price, overpriced]   # single words, matched on their stem
          phrases: ["rip off", "too much money"]      # word sequences, matched on stems in order
          fuzzy: [expensive]                          # words also matched with one typo (5+ letters)
        nl:
          keywords: [duur, prijs]

A comment carries a topic when any keyword, phrase or fuzzy word of the comment's language
matches. Stemming (Snowball, Porter's algorithms for English and Dutch) lets ``charged`` and
``charges`` match ``charge``; fuzzy words take one insertion, deletion, substitution or swap of
neighbouring letters (``expnsive``). The codebook's SHA-256 (of its file's bytes) and
``version`` are recorded in the run manifest when it is loaded, and the coding of a comment
depends only on its text, its language and the codebook, so identical input gives identical
output.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._checks import check_keys
from .._inputs import read_yaml, record_read
from ..errors import ParameterError, SpecError
from .language import SUPPORTED

__all__ = ["Codebook", "load_codebook", "default_codebook_path", "code_comments", "tokens", "stems"]

_WORD = re.compile(r"[0-9a-zà-ÿ]+(?:'[a-z]+)?")
_LANG_NAMES = {"en": "english", "nl": "dutch"}
_MATCH_KEYS = ("keywords", "phrases", "fuzzy")
MIN_FUZZY = 5  # shorter words with one typo are too often other real words ("cost" / "lost")


def default_codebook_path() -> Path:
    """The shipped codebook (``cxkit/text/codebook.yaml``): CX topics in English and Dutch."""
    return Path(__file__).resolve().parent / "codebook.yaml"


def _stemmer(lang: str):
    import snowballstemmer  # pure Python, offline; loaded on first use

    return snowballstemmer.stemmer(_LANG_NAMES[lang])


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters and digits; ``don't`` stays one word)."""
    return _WORD.findall(text.lower()) if isinstance(text, str) else []


def stems(words: Sequence[str], lang: str) -> list[str]:
    """Snowball stems of ``words`` in ``lang`` (``en`` or ``nl``)."""
    return _stemmer(lang).stemWords(list(words))


def _deletes(word: str) -> set[str]:
    """The word and every form with one letter left out: two words within one edit share one."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class _Rules:
    keywords: Mapping[str, frozenset[str]]  # stem -> topics
    phrases: tuple[tuple[str, str], ...]    # (" stem stem ", topic)
    fuzzy: Mapping[str, frozenset[str]]     # deletion variant -> topics
    fuzzy_words: Mapping[str, str]          # fuzzy word -> topic
    prefixes: frozenset[str] = frozenset()  # first 3 letters of every keyword and phrase stem


@dataclass(frozen=True)
class Codebook:
    """Topics with their match rules per language.

    Attributes
    ----------
    name, version : str
    topics : dict
        topic -> ``{"label": {lang: text}, lang: {"keywords": [...], "phrases": [...], "fuzzy": [...]}}``.
    sha256 : str
        Of the codebook file's bytes (of its canonical JSON when built from a mapping).
    source : str
        The file it came from, or ``"mapping"``.
    """

    name: str
    version: str
    topics: Mapping[str, Mapping[str, Any]]
    sha256: str
    source: str = "mapping"
    _rules: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def names(self) -> list[str]:
        """Topic names in codebook order (the order of coded columns and tables)."""
        return list(self.topics)

    def label(self, topic: str, lang: str = "en") -> str:
        """The topic's reader-visible label in ``lang`` (its name when none is given)."""
        lab = self.topics[topic].get("label") or {}
        return str(lab.get(lang) or lab.get("en") or topic.replace("_", " "))

    def labels(self, lang: str = "en") -> dict[str, str]:
        return {t: self.label(t, lang) for t in self.topics}

    def rules(self, lang: str) -> _Rules:
        """Stemmed match rules for ``lang`` (built once)."""
        if lang not in self._rules:
            kw: dict[str, set[str]] = {}
            ph: list[tuple[str, str]] = []
            fz: dict[str, set[str]] = {}
            fw: dict[str, str] = {}
            for topic, spec in self.topics.items():
                rules = spec.get(lang) or {}
                for w in rules.get("keywords") or []:
                    for s in stems(tokens(str(w)), lang):
                        kw.setdefault(s, set()).add(topic)
                for p in rules.get("phrases") or []:
                    st = stems(tokens(str(p)), lang)
                    if st:
                        ph.append((" " + " ".join(st) + " ", topic))
                for w in rules.get("fuzzy") or []:
                    w = str(w).lower()
                    fw[w] = topic
                    if len(w) >= MIN_FUZZY:
                        for d in _deletes(w):
                            fz.setdefault(d, set()).add(topic)
            # English Snowball keeps a word's first three letters; Dutch does not (afgeschreven -> afschreef).
            pre = {k[:3] for k in kw} | {w[:3] for p, _ in ph for w in p.split()} if lang == "en" else set()
            self._rules[lang] = _Rules({k: frozenset(v) for k, v in kw.items()}, tuple(ph),
                                       {k: frozenset(v) for k, v in fz.items()}, fw, frozenset(pre))
        return self._rules[lang]

    def summary(self) -> pd.DataFrame:
        """One row per topic and language: label and how many keywords, phrases, fuzzy words."""
        rows = []
        for t, spec in self.topics.items():
            for lang in SUPPORTED:
                r = spec.get(lang) or {}
                rows.append({"topic": t, "language": lang, "label": self.label(t, lang),
                             **{k: len(r.get(k) or []) for k in _MATCH_KEYS}})
        return pd.DataFrame(rows)


def _check(data: Any, where: str) -> tuple[str, str, dict]:
    if not isinstance(data, Mapping) or not isinstance(data.get("topics"), Mapping) or not data["topics"]:
        raise SpecError(f"{where}: a codebook needs `topics:` mapping topic names to their rules; "
                        f"got {type(data).__name__ if not isinstance(data, Mapping) else sorted(data)}.")
    allowed = {"label", *SUPPORTED, "description"}
    for topic, spec in data["topics"].items():
        if not isinstance(spec, Mapping):
            raise SpecError(f"{where}: topic {topic!r} must be a mapping with `label` and per-language rules "
                            f"({', '.join(SUPPORTED)}); got {spec!r}.")
        check_keys(spec, allowed, f"{where}: topic {topic!r}",
                   hint=f" (languages other than {', '.join(SUPPORTED)} are not analysed)")
        for lang in SUPPORTED:
            rules = spec.get(lang) or {}
            if not isinstance(rules, Mapping) or set(rules) - set(_MATCH_KEYS):
                raise SpecError(f"{where}: topic {topic!r}, language {lang!r}: expected a mapping with "
                                f"{list(_MATCH_KEYS)}; got {rules!r}.")
            for k in _MATCH_KEYS:
                v = rules.get(k) or []
                if not isinstance(v, list) or not all(isinstance(x, str | int) for x in v):
                    raise SpecError(f"{where}: topic {topic!r}, {lang}.{k} must be a list of words; got {v!r}.")
    return str(data.get("name", "codebook")), str(data.get("version", "1")), dict(data["topics"])


def load_codebook(codebook: str | Path | Mapping | Codebook | None = None) -> Codebook:
    """Read a codebook (a YAML file, a mapping, or ``None`` for the shipped default).

    A file is read with cxkit's safe YAML loader and recorded (path, SHA-256, version)
    in the run manifest.

    Raises
    ------
    SpecError
        The file is not a codebook; the message names the topic and key.
    """
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is None:
        codebook = default_codebook_path()
    if isinstance(codebook, Mapping):
        name, version, topics = _check(codebook, "codebook")
        digest = hashlib.sha256(json.dumps(codebook, sort_keys=True, default=str).encode()).hexdigest()
        return Codebook(name, version, topics, digest)
    if not isinstance(codebook, str | Path):
        raise ParameterError(f"`codebook` must be a YAML file path, a mapping or None (the shipped codebook); "
                             f"got {type(codebook).__name__}.")
    path = Path(codebook)
    data = read_yaml(path, "codebook", SpecError)
    name, version, topics = _check(data, f"codebook {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    record_read(path, table=f"codebook (version {version})", rows=len(topics), how="codebook")
    return Codebook(name, version, topics, digest, str(path))


def _code_one(text: str, rules: _Rules, stemmer: Any, cache: dict[str, frozenset[str]]) -> set[str]:
    words = tokens(text)
    found: set[str] = set()
    stemmed = []
    for w in words:
        hit = cache.get(w)
        if hit is None:
            # English: a word starting unlike every keyword and phrase stem cannot match one, so it is
            # not stemmed (pure-Python stemming is the slow part). Dutch: every word is stemmed.
            s = stemmer.stemWord(w) if not rules.prefixes or w[:3] in rules.prefixes else "\x01"
            topics = set(rules.keywords.get(s, ()))
            if rules.fuzzy and len(w) >= MIN_FUZZY - 1:
                for d in _deletes(w):
                    topics |= rules.fuzzy.get(d, frozenset())
            hit = cache[w] = frozenset(topics)
            cache[w + "\0"] = s  # the stem, for phrases
        found |= hit
        stemmed.append(cache[w + "\0"])
    if rules.phrases:
        joined = " " + " ".join(stemmed) + " "
        for p, topic in rules.phrases:
            if topic not in found and p in joined:
                found.add(topic)
    return found


def code_comments(texts: Sequence[str] | pd.Series, languages: Sequence[str] | pd.Series | str,
                  codebook: Codebook | str | Path | Mapping | None = None) -> pd.DataFrame:
    """Which topics each comment mentions (one boolean column per topic, codebook order).

    Parameters
    ----------
    texts : sequence of str
    languages : sequence of str or str
        ``en`` or ``nl`` per comment (or one for all); other languages get no topics
        (they are counted and left out by :func:`cxkit.comment_study`).
    codebook : Codebook, path or mapping, optional
        Default: the shipped codebook.

    Returns
    -------
    DataFrame of bool, index of ``texts``.
    """
    cb = load_codebook(codebook)
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))
    langs = (pd.Series(languages, index=s.index) if isinstance(languages, str)
             else pd.Series(list(languages), index=s.index))
    out = {t: [False] * len(s) for t in cb.names}
    for lang in SUPPORTED:
        rows = [i for i, v in enumerate(langs.to_numpy()) if v == lang]
        if not rows:
            continue
        rules, stemmer, cache = cb.rules(lang), _stemmer(lang), {}
        values = s.to_numpy()
        for i in rows:
            for t in _code_one(values[i], rules, stemmer, cache):
                out[t][i] = True
    return pd.DataFrame(out, index=s.index, dtype=bool)
