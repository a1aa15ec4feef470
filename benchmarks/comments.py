"""Comment coding on 1M comments: cxkit's codebook coder against a plain Python equivalent, one run.

    .venv/bin/python benchmarks/comments.py            # 1,000,000 comments
    .venv/bin/python benchmarks/comments.py --n 100000

Comments are built from the sample's comment generator templates (English and Dutch, seeded) with
two to six random extra words from a 20,000-word vocabulary appended, so the word cache meets many
distinct words, as in real text. Contenders:

* ``cxkit``: :func:`cxkit.text.codebook.code_comments` (Snowball stems cached per distinct word,
  phrases on stemmed text, one-typo matching through deletion variants);
* ``plain``: what one writes by hand: lower-case the comment, split on non-letters, and test each
  topic's keywords against the set of words (no stemming, no phrases, no typos).

Prints wall time per contender, comments per second and how often the two agree per topic.
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import pandas as pd

from cxkit.data.synth_comments import FILLERS, TEMPLATES, TYPOS
from cxkit.text.codebook import code_comments, load_codebook


def make_comments(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    vocab = ["".join(rng.choice(list("abcdefghijklmnoprstuvwz"), size=int(k))) for k in rng.integers(3, 10, 20_000)]
    langs = np.where(rng.random(n) < 0.4, "nl", "en")
    topics = list(TEMPLATES["en"])
    texts = []
    for i in range(n):
        lg = langs[i]
        parts = [rng.choice(TYPOS[lg][t] if rng.random() < 0.1 else TEMPLATES[lg][t])
                 for t in topics if rng.random() < 0.15] or [rng.choice(FILLERS[lg])]
        parts.append(" ".join(vocab[j] for j in rng.integers(0, len(vocab), int(rng.integers(2, 7)))))
        texts.append(" ".join(parts))
    return texts, list(langs)


def plain_python(texts: list[str], langs: list[str], codebook) -> pd.DataFrame:
    words_by = {lg: {t: {str(w).lower() for w in (spec.get(lg) or {}).get("keywords") or []}
                     for t, spec in codebook.topics.items()} for lg in ("en", "nl")}
    split = re.compile(r"[^0-9a-zà-ÿ']+")
    out = {t: [] for t in codebook.topics}
    for text, lg in zip(texts, langs, strict=True):
        words = set(split.split(text.lower()))
        for t, kws in words_by[lg].items():
            out[t].append(not kws.isdisjoint(words))
    return pd.DataFrame(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    texts, langs = make_comments(args.n)
    print(f"built {args.n:,} comments in {time.perf_counter() - t0:.1f} s")
    cb = load_codebook()
    timings = {}
    t0 = time.perf_counter()
    a = code_comments(pd.Series(texts), pd.Series(langs), cb)
    timings["cxkit"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = plain_python(texts, langs, cb)
    timings["plain"] = time.perf_counter() - t0
    for k, v in timings.items():
        print(f"{k:6s} {v:8.1f} s  {args.n / v:12,.0f} comments/s")
    print(f"ratio cxkit / plain: {timings['cxkit'] / timings['plain']:.2f}")
    agree = (a.to_numpy() == b.to_numpy()).mean(axis=0)
    print("agreement per topic:", ", ".join(f"{t} {x:.3f}" for t, x in zip(cb.names, agree, strict=True)))
    print("topics found (cxkit, plain):", int(a.to_numpy().sum()), int(b.to_numpy().sum()))


if __name__ == "__main__":
    main()
