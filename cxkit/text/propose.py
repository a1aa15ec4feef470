"""Propose new codes from comments the codebook does not cover (TF-IDF + NMF, seeded).

The analyst reads the proposals and, if they are real topics, adds words to the codebook;
nothing is coded automatically. Non-negative matrix factorisation of the TF-IDF matrix
(scikit-learn; ``init="nndsvd"`` is deterministic, ``random_state`` fixed) gives the same
proposals for the same comments.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .codebook import tokens
from .language import STOPWORDS

__all__ = ["propose_codes"]


def propose_codes(texts: Sequence[str] | pd.Series, lang: str = "en", *, n_codes: int = 5, n_terms: int = 8,
                  min_comments: int = 20, seed: int = 0) -> pd.DataFrame:
    """Candidate topics in uncoded comments: their top words and how many comments load on each.

    Parameters
    ----------
    texts : sequence of str
        Comments in one language that no codebook topic matched.
    lang : str
        For the stopword list.
    n_codes, n_terms : int
        Number of proposals and words shown per proposal.
    min_comments : int
        Fewer comments give no proposals (an empty table): topics from a handful of
        comments are anecdotes.
    seed : int

    Returns
    -------
    DataFrame with ``proposal, terms, comments`` (``comments``: how many comments have this
    proposal as their strongest).
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [t for t in (texts.tolist() if isinstance(texts, pd.Series) else list(texts)) if isinstance(t, str)]
    cols = ["proposal", "terms", "comments"]
    if len(docs) < max(min_comments, n_codes):
        return pd.DataFrame(columns=cols)
    vec = TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False,
                          stop_words=sorted(STOPWORDS.get(lang, ())), ngram_range=(1, 2), min_df=3, max_df=0.5)
    try:
        X = vec.fit_transform(docs)
    except ValueError:  # no word left after stopwords and min_df
        return pd.DataFrame(columns=cols)
    k = min(n_codes, X.shape[1], X.shape[0])
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=400)
    with warnings.catch_warnings():  # proposals are for reading; a not-quite-converged fit is still useful
        warnings.simplefilter("ignore")
        W = model.fit_transform(X)
    vocab = np.array(vec.get_feature_names_out())
    strongest = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    rows = []
    for j in range(k):
        order = np.lexsort((vocab, -model.components_[j]))[:n_terms]  # ties broken by the word itself
        rows.append({"proposal": j + 1, "terms": ", ".join(vocab[order]), "comments": int((strongest == j).sum())})
    out = pd.DataFrame(rows, columns=cols)
    return out[out["comments"] > 0].sort_values(["comments", "proposal"], ascending=[False, True],
                                                        ignore_index=True)
