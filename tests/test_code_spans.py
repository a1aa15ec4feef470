"""Spec keys in generated text read as code, never with literal backticks; data stays text.

The sentences name spec keys and parameters between backticks (`weights:`, `duplicates.keep: all`).
Rendered through the report's own path (Markdown output or a table cell, the sanitiser, nbconvert),
the reader sees the key in code style; a label from the data holding markup or backticks still
shows as text and runs nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nbformat
import pandas as pd
import pytest

import cxkit as cx
from cxkit._results import Result
from cxkit.run.notebook import render_html


def _rendered(tmp_path, markdown: str, table_html: str = "") -> str:
    """The body of the HTML report of one Markdown output (and one HTML output), as a reader gets it."""
    outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": markdown, "text/plain": "x"})]
    if table_html:
        outputs.append(nbformat.v4.new_output("display_data", data={"text/html": table_html, "text/plain": "t"}))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=outputs)])
    nbformat.write(nb, tmp_path / "t.ipynb")
    body = render_html(tmp_path / "t.ipynb", tmp_path / "t.html").read_text()
    body = body[body.index("<body"):]
    return re.sub(r"<nav\b.*?</nav>", "", body, flags=re.S)  # the report's own links to the index


def _visible(body: str) -> str:
    """What the reader reads: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</?(code|strong|em|span|a)\b[^>]*>", "", body)  # inline: no word break
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_spec_keys_in_generated_sentences_read_as_code_not_backticks(tmp_path, lang):
    sentence = cx.i18n.text("wtr_none", lang)
    assert "`weights:`" in sentence  # the template names the key between backticks
    body = _rendered(tmp_path, cx.i18n.markdown(sentence))
    assert "<code>weights:</code>" in body and "<code>targets</code>" in body
    assert "`" not in _visible(body)


def test_a_label_with_markup_stays_text_beside_a_spec_key(tmp_path):
    label = "<script>document.title='pwned'</script>"
    md = cx.i18n.markdown(f"- **{label}** scores low; add `weights:` to the spec. R&D [x](javascript:alert(1))")
    body = _rendered(tmp_path, md)
    assert "<script>document" not in body and "javascript:" not in body.replace("[x](javascript:alert(1))", "")
    assert "<a " not in body and "<code>weights:</code>" in body
    text = _visible(body)
    assert label in text and "R&D" in text and "`" not in text


def test_a_label_with_backticks_neither_breaks_the_key_nor_becomes_markup(tmp_path):
    # a stray backtick does not pair with the template's span after it: the key stays code
    md = cx.i18n.markdown("Segment a`b scores low; add `weights:`.")
    body = _rendered(tmp_path, md)
    assert "<code>weights:</code>" in body and "a`b scores low" in _visible(body)
    # markup between backticks is not a code span of plain text: shown as written, tags as text
    md = cx.i18n.markdown("Segment `<img src=x onerror=alert(1)>` scores low.")
    body = _rendered(tmp_path, md)
    assert "<img src=x" not in body and "onerror=alert(1)>` scores low" in _visible(body)
    # a label whose backticks enclose plain text reads as code: its text is all shown, nothing runs
    body = _rendered(tmp_path, cx.i18n.markdown("Team `A` scores low."))
    assert "Team A scores low." in _visible(body) and "<code>A</code>" in body


def test_spec_keys_in_table_cells_footnotes_and_captions_read_as_code(tmp_path):
    table = pd.DataFrame({"check": ["duplicates", "<b>hostile</b>"],
                          "message": ["62 surplus row(s); all kept (`duplicates.keep: all`).",
                                      "label `<script>alert(1)</script>` and a`b"],
                          "n": [62, 1], "note": ["set `min_n` lower", ""]})
    styler = cx.show(table, "en", caption="Checks of `spec.yaml`")
    out = styler.to_html()
    assert "<code>duplicates.keep: all</code>" in out and "<code>min_n</code>" in out
    assert "<code>spec.yaml</code>" in out
    assert "<script>" not in out and "<b>hostile" not in out and "&lt;b&gt;hostile&lt;/b&gt;" in out
    body = _rendered(tmp_path, "x", out)
    text = _visible(body)
    assert "<code>duplicates.keep: all</code>" in body and "(duplicates.keep: all)" in text
    assert "label `<script>alert(1)</script>` and a`b" in text and "<script>alert" not in body


@dataclass(frozen=True, repr=False)
class _Noted(Result):
    notes: tuple[str, ...] = ("Declared `value` used; <i>segment</i> skipped.",)
    title = "Noted"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"a": [1]})

    def headline(self) -> str:
        return "Add `weights:` to weight <b>it</b>."


def test_a_result_printed_in_a_notebook_shows_keys_as_code():
    out = cx.show(_Noted(), "en").to_html()
    assert "<code>weights:</code>" in out and "<code>value</code>" in out
    assert "<b>it" not in out and "<i>segment" not in out and "`" not in out
