"""Open comments, coded offline and reproducibly (issue 17).

* :mod:`.language`: which language a comment is in (told by a column, or an offline
  stopword-overlap detector); only English and Dutch are analysed, the rest is counted.
* :mod:`.codebook`: a YAML codebook of topics (keywords, phrases, fuzzy words per language),
  applied with Snowball stemming; its SHA-256 and version go into the run manifest.
* :mod:`.sentiment`: VADER for English, the Pattern adjective lexicon for Dutch (shipped as
  package data with its licence); both are word lists with rules, see their limits.
* :mod:`.propose`: suggests new codes from uncoded comments (TF-IDF + NMF, seeded).
* :mod:`.comments`: the comments of a dataset (a ``free_text`` column) or of a comments-only
  spec, as one table.

Nothing here downloads anything: stemmers, lexicons and the codebook are installed files.
Layer: above ``data`` and ``stats``, below ``report``.
"""
