"""Executing notebooks with papermill and rendering them to HTML for review."""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import html
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from .._checks import check_parameter_value
from .._files import atomic_write, writable_folder
from .._progress import PROGRESS_ENV
from .._results import Result
from ..errors import OutputError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReportResult", "execute_notebook", "render_html", "previous_run", "atomic_write", "notebook_parameters",
           "check_parameters", "parse_parameter_text"]


@dataclass(frozen=True, repr=False)
class ReportResult(Result):
    """Where a run's outputs are and whether it succeeded."""

    notebook: Path
    html: Path
    status: str
    error: str = ""

    def summary(self) -> pd.DataFrame:
        """The run as one row: notebook, html, status, error."""
        import pandas as pd  # lazily: running a notebook needs no pandas here

        return pd.DataFrame([{"notebook": str(self.notebook), "html": str(self.html), "status": self.status,
                              "error": self.error}])

    def headline(self) -> str:
        return f"{self.status}: {self.html}" + (f" ({self.error.splitlines()[0]})" if self.error else "")


def _literal(source: Any) -> Any:
    """papermill reports defaults as source text; evaluate literals, keep anything else as text."""
    if not isinstance(source, str):
        return source
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return source


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The notebook's declared parameters: ``{name: {"type": str, "default": value, "help": str}}``.

    Read with papermill's own inspector, from the cell tagged ``parameters``.
    ``type`` is the annotation as written (``"None"`` when there is none);
    ``default`` is the evaluated literal.
    """
    import papermill as pm

    try:
        raw = pm.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise ParameterError(f"{notebook}: cannot read its parameters cell: {exc}") from None
    return {k: {"type": v.get("inferred_type_name", "None"), "default": _literal(v.get("default")),
                "help": v.get("help", "")} for k, v in raw.items()}


# Annotation base names we can check; anything else (a class name, Any) is accepted as is.
_BASES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list, tuple),
    "List": (list, tuple), "Sequence": (list, tuple), "tuple": (list, tuple), "Tuple": (list, tuple),
    "dict": (dict,), "Dict": (dict,), "Mapping": (dict,), "None": (type(None),), "NoneType": (type(None),),
}


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets: ``"list[str] | None"`` -> ``["list[str]", "None"]``."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [p.strip() for p in [*parts, cur] if p.strip()]


def _alternatives(annotation: str) -> list[tuple[str, str]]:
    """``"Optional[list[str]]"`` -> ``[("list", "str"), ("None", "")]``."""
    out = []
    for part in _split_top(annotation.replace("typing.", ""), "|"):
        m = re.fullmatch(r"(\w+)(?:\[(.*)\])?", part)
        if not m:
            out.append((part, ""))
        elif m.group(1) == "Optional":
            out += _alternatives(m.group(2) or "") + [("None", "")]
        elif m.group(1) == "Union":
            for p in _split_top(m.group(2) or "", ","):
                out += _alternatives(p)
        else:
            out.append((m.group(1), m.group(2) or ""))
    return out


def _coerce(annotation: str, value: Any) -> tuple[bool, Any]:
    """(accepted, value) for ``value`` against the annotation; dates become ISO text for ``str``."""
    if annotation.strip() in ("", "None"):
        return True, value  # papermill's name for "no annotation"
    alts = _alternatives(annotation)
    if not alts or any(base not in _BASES for base, _ in alts):
        return True, value  # unannotated or a type we cannot check: papermill passes it through
    for base, args in alts:
        if base == "str" and isinstance(value, dt.date):  # YAML reads 2026-01-31 as a date
            return True, value.isoformat()
        if isinstance(value, bool) and base in ("int", "float"):
            continue  # True is an int in Python, but never a sensible count or level
        if isinstance(value, _BASES[base]):
            if base == "float":
                return True, float(value)
            if base in ("list", "List", "Sequence", "tuple", "Tuple"):
                item = _split_top(args, ",")[0] if args else ""
                items = [_coerce(item, v) if item else (True, v) for v in value]
                if all(ok for ok, _ in items):
                    return True, [v for _, v in items]
                continue
            return True, value
    return False, value


def _yaml12_loader() -> type:
    """A safe PyYAML loader that resolves plain scalars like YAML 1.2's core schema.

    PyYAML implements YAML 1.1 only (``030`` is octal 24, ``1:30`` is sexagesimal 90,
    ``yes``/``on`` are booleans); ruamel.yaml, which does 1.2, is not a dependency, so the
    1.1-only resolvers are replaced here: ints are decimal (``0o``/``0x`` prefixed for other
    bases), floats as in 1.2, booleans only true/false, and everything else stays text.
    """
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                                                      "tag:yaml.org,2002:bool")]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                 list("-+0123456789"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
                   r"|\.(?:nan|NaN|NAN))$"), list("-+.0123456789"))

    def construct_int(loader: Any, node: Any) -> int:
        value = loader.construct_scalar(node)
        if value.startswith(("0o", "0x")):
            return int(value, 0)
        return int(value, 10)  # "030" is thirty: no octal, no sexagesimal

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader


def parse_parameter_text(text: str, annotation: str) -> Any:
    """A parameter value typed on the command line: text for ``str`` parameters, else YAML.

    ``-p segment 123`` stays the string ``"123"`` for a ``str`` parameter, while
    ``-p min_n 50`` becomes ``50`` and ``-p group_by '[segment]'`` a list. Read as YAML 1.2:
    ``030`` is 30 (not octal 24) and ``1:30`` stays text (not 90 minutes).
    """
    if [b for b, _ in _alternatives(annotation)] in (["str"], ["str", "None"], ["None", "str"]) \
            and text not in ("null", "~"):
        return text
    import yaml

    try:
        return yaml.load(text, Loader=_yaml12_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return text


def check_parameters(notebook: str | Path, parameters: Mapping[str, Any] | None,
                     declared: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Check names and types of ``parameters`` against the notebook's annotated parameters cell.

    papermill only warns about unknown names and never checks types; a report
    run with ``min_n="50"`` would fail far from the cause, or worse, not fail.

    Returns
    -------
    dict : the parameters, with ints widened to float and dates turned to ISO
        text where the annotation asks for it.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, the expected type and the value given.
    """
    if parameters is not None and not isinstance(parameters, Mapping):
        raise ParameterError(f"`parameters` must be a mapping of name to value; got {type(parameters).__name__}.")
    declared = notebook_parameters(notebook) if declared is None else declared
    out = {}
    for name, value in (parameters or {}).items():
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise ParameterError(f"{Path(notebook).name}: unknown parameter `{name}` (value {value!r}); its "
                                 f"parameters cell declares {', '.join(declared) or 'none'}.{hint}")
        annotation = str(declared[name].get("type") or "None")
        ok, coerced = _coerce(annotation, value)
        if not ok:
            raise ParameterError(f"{Path(notebook).name}: parameter `{name}` expects {annotation}; "
                                 f"got {value!r} ({type(value).__name__}).")
        # Values every report shares are checked for range too (level=95, a bad run_date...).
        check_parameter_value(Path(notebook).name, name, coerced)
        out[name] = coerced
    return out


# nbconvert's default ("lab") template drops images' alt text; its "classic" one keeps
# it. This adds the ``alt`` of the PNG's display metadata (see cxkit.alttext) to the
# lab template's <img> tag.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block data_png scoped -%}
{%- set alttext = output | get_metadata('alt', 'image/png') -%}
{%- if alttext -%}
{{ super() | replace('<img ', '<img alt="' ~ (alttext | escape_html) ~ '" ', 1) }}
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock data_png -%}
{#- Self-contained: no script from a CDN (require.js, MathJax, mermaid, widgets), so
    opening a report on an intranet or offline makes no network request. -#}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


# What notebook outputs and Markdown may contain in a shared report: text, tables, lists and
# images; no script, event handler, frame, form or ``javascript:`` link. The charts' PNGs are
# outputs of their own (``image/png``) and keep their ``<img>`` and alt text untouched.
_HTML_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
              "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
              "nav", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "style", "sub", "summary", "sup", "table",
              "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"]
_HTML_ATTRS = {"*": ["class", "id", "title", "align", "style"], "a": ["href", "title"], "img": ["src", "alt", "width", "height"],
               "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"], "table": ["border"], "style": ["type"],
               "ol": ["start"]}

# Inline ``style`` attributes keep only these properties (bleach's CSS sanitizer): the report header,
# navigation and table captions use them; none of them can load a URL.
_CSS_PROPERTIES = ["color", "background-color", "font-size", "font-weight", "font-style", "text-align",
                   "white-space", "padding", "margin"]


def _sanitizer() -> Any:
    """nbconvert's ``SanitizeHTML`` preprocessor (bleach) with the allow list above.

    The backstop behind the escaping at the source (``cx.i18n.styled``, ``cx.i18n.markdown``,
    the result Printer): whatever HTML a cell still produces, no script from the data runs
    in a reader's browser.
    """
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    return SanitizeHTML(tags=_HTML_TAGS, attributes=_HTML_ATTRS, strip=True, styles=_CSS_PROPERTIES)


_HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def _safe_links(body: str) -> str:
    """Neutralise ``javascript:``/``vbscript:``/``data:`` links that Markdown rendering created.

    The sanitiser sees Markdown *source*, where ``[x](javascript:...)`` is not yet a tag; this
    checks the rendered links (entities decoded, whitespace and control characters removed,
    as a browser reads them).
    """
    def fix(m: re.Match[str]) -> str:
        url = re.sub(r"[\x00-\x20]", "", html.unescape(m.group(3))).lower()
        bad = url.startswith(("javascript:", "vbscript:", "data:", "file:"))
        return f"{m.group(1)}{m.group(2)}#{m.group(2)}" if bad else m.group(0)

    return _HREF.sub(fix, body)


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _html_cell(markup: str) -> Any:
    """A code cell (input hidden on export) whose only output is ``markup``: HTML as generated, not markdown."""
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": markup})]
    return cell


def _headings(cells: list[Any]) -> list[str]:
    out = []
    for c in cells:
        if c.cell_type == "markdown":
            out += [m.group(1).strip() for m in re.finditer(r"^## +(.+)$", c.source, flags=re.M)]
    return out


def _anchor(heading: str) -> str:
    # nbconvert's heading ids: the text with spaces as hyphens
    return heading.replace(" ", "-")


def _parameter_text(value: Any, lang: str) -> str:
    from ..report.i18n import text

    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    if value in (None, ""):
        return "–"
    return str(value)


# Parameters the narrative names as code (`horizon_days`) read as their value on the page: the analyst in
# JupyterLab sees which parameter sets it, the manager reading the report "within 180 days".
_PARAMETER_WORDS = {"horizon_days": ("{v} days", "{v} dagen"), "window_days": ("{v} days", "{v} dagen"),
                    "min_n": ("{v}", "{v}"), "horizon": ("{v}", "{v}")}
_CODE_SPAN = re.compile(r"`([a-z_]+)`")


def _parameter_values(nb: Any, parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The run's value of each parameter: the cells tagged ``parameters`` and ``injected-parameters`` (papermill's,
    later), then those passed. Only literals count; anything else is left as the name."""
    values: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not {"parameters", "injected-parameters"} & set(_tags(cell)):
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            continue
        for node in body:
            target = node.target if isinstance(node, ast.AnnAssign) else (
                node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
            if isinstance(target, ast.Name) and node.value is not None:
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except (ValueError, SyntaxError):
                    continue
    values.update(parameters or {})
    return values


def _parameters_in_words(source: str, values: Mapping[str, Any], lang: str) -> str:
    """`horizon_days` -> "180 days" (en) / "180 dagen" (nl) for the parameters in :data:`_PARAMETER_WORDS`."""
    from ..report.i18n import num

    def words(m: re.Match[str]) -> str:
        name = m.group(1)
        v = values.get(name)
        if name not in _PARAMETER_WORDS or isinstance(v, bool) or not isinstance(v, int | float):
            return m.group(0)
        return _PARAMETER_WORDS[name][lang == "nl"].format(v=num(v, ",.0f", lang))

    return _CODE_SPAN.sub(words, source)


def _layout(nb: Any, parameters: Mapping[str, Any] | None, lang: str,
            previous_kpis: list[dict[str, Any]] | None, previous_date: str) -> None:
    """Answer first: title, header, KPI tiles, cells tagged ``summary`` (the verdict), contents, the body,
    then an appendix of cells tagged ``appendix`` (data quality, pairing counts, method notes) and the run
    parameters. The notebook computes in its own order; only the page is reordered.
    """
    import pandas as pd

    from ..report.i18n import text
    from ..report.kpis import extract_kpis
    from ..report.summary import nav_html, tiles_html
    from ..report.tables import show

    cells = list(nb.cells)
    values = _parameter_values(nb, parameters)
    for c in cells:  # the narrative in the report's language (the cell names its i18n key)
        key = c.get("metadata", {}).get("cxkit", {}).get("text") if c.cell_type == "markdown" else None
        if key and lang != "en":
            c.source = text(key, lang)
        if key:
            c.source = _parameters_in_words(c.source, values, lang)
    title = cells[:1] if cells and cells[0].cell_type == "markdown" and cells[0].source.lstrip().startswith("# ") \
        else []
    rest = cells[len(title):]
    header = [c for c in rest if "header" in _tags(c)]
    summary = [c for c in rest if "summary" in _tags(c)]
    appendix = [c for c in rest if "appendix" in _tags(c)]
    body = [c for c in rest if not _tags(c) & {"header", "summary", "appendix"}]
    kpis = extract_kpis(nb)
    tiles = tiles_html(kpis, previous_kpis or [], lang, previous_date)
    params = [] if not parameters else [_html_cell("<div class='cx-data'>" + show(
        pd.DataFrame({"parameter": list(parameters), "value": [_parameter_text(v, lang) for v in parameters.values()]}),
        lang, caption=text("run_parameters", lang), labels={"parameter": text("parameter", lang),
                                                             "value": text("value", lang)}).to_html() + "</div>")]
    tail = appendix + params
    appendix_head = [nbformat.v4.new_markdown_cell(f"## {text('appendix', lang)}")] if tail else []
    sections = _headings(summary + body + appendix_head)
    toc = []
    if len(sections) >= 4:  # long reports get a table of contents
        items = "".join(f"<li><a href='#{html.escape(_anchor(h), quote=True)}'>{html.escape(h)}</a></li>"
                        for h in sections)
        toc = [_html_cell(f"<details open class='cx-toc'><summary><b>{html.escape(text('contents', lang))}</b>"
                          f"</summary><ol>{items}</ol></details>")]
    nb.cells = ([_html_cell(nav_html(lang))] + title + header + ([_html_cell(tiles)] if tiles else []) + summary
                + toc + body + appendix_head + tail + [_html_cell(nav_html(lang))])


def render_html(notebook: str | Path, html_path: str | Path, *, title: str | None = None,
                parameters: Mapping[str, Any] | None = None, lang: str | None = None,
                previous_kpis: list[dict[str, Any]] | None = None, previous_date: str = "") -> Path:
    """Render an executed notebook to HTML with code hidden (outputs and markdown only), answer first.

    The page opens with the title, the header line (dataset, period, run date), the
    KPI tiles (with the change against ``previous_kpis``, the same report's
    previous run of ``previous_date``) and the verdict; the run parameters and
    cells tagged ``appendix`` close it. ``lang`` default: the ``lang`` parameter.
    Outputs and Markdown are sanitised (an allow list of tags and attributes): a report is safe to share.
    """
    import jinja2
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    lang = lang or str((parameters or {}).get("lang") or "en")
    if lang not in ("en", "nl"):
        lang = "en"
    _layout(nb, parameters, lang, previous_kpis, previous_date)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            language_code=lang, extra_loaders=[jinja2.DictLoader({"cxkit.html.j2": _TEMPLATE})],
                            template_file="cxkit.html.j2")
    exporter.register_preprocessor(_sanitizer(), enabled=True)
    for i, cell in enumerate(nb.cells):  # nbformat gives new cells random ids; the HTML carries them
        cell["id"] = f"c{i}"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or Path(notebook).stem},
                                                         "language_code": lang})
    return atomic_write(html_path, _stable_styler_ids(_safe_links(body)))


_STYLER_ID = re.compile(r"(?<![\w-])T_([0-9a-f]{5})(?![0-9a-zA-Z])")


def _stable_styler_ids(body: str) -> str:
    """Number pandas Styler table ids (``T_<random uuid>``) in order of appearance.

    Styler draws a random 5-hex uuid per table unless the notebook calls ``set_uuid``; renumbering
    here keeps every report byte-reproducible whatever its notebooks do (ids stay unique per page).
    """
    seen: dict[str, str] = {}

    def number(m: re.Match[str]) -> str:
        return "T_" + seen.setdefault(m.group(1), f"t{len(seen) + 1:04d}")

    return _STYLER_ID.sub(number, body)


def previous_run(date_dir: str | Path, name: str) -> tuple[list[dict[str, Any]], str]:
    """KPIs and date of the latest run called ``name`` before ``date_dir`` (a ``reports/<date>`` folder)."""
    import json

    date_dir = Path(date_dir)
    earlier = sorted((d for d in date_dir.parent.glob("*") if d.is_dir() and d.name < date_dir.name
                      and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.name) and (d / name / "kpis.json").is_file()),
                     reverse=True)
    for d in earlier:
        try:
            return json.loads((d / name / "kpis.json").read_text(encoding="utf-8")).get("kpis", []), d.name
        except (OSError, ValueError):
            continue
    return [], ""


def _absolutise(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """String parameters naming existing paths (relative to the caller) become absolute.

    Notebooks run with their own folder as working directory, so a path the
    caller typed relative to *their* folder would otherwise point elsewhere.
    """
    out = {}
    for k, v in parameters.items():
        if isinstance(v, str) and v and not os.path.isabs(v) and ("/" in v or os.sep in v) and Path(v).exists():
            v = str(Path(v).resolve())
        out[k] = v
    return out


def _cell_timeout(timeout: float, notebook_timeout: float | None) -> Any:
    """nbclient's per-cell ``timeout_func``: the cell limit, or less once the notebook's own limit nears.

    nbclient interrupts a cell that runs out its time and papermill fails the notebook, so the
    whole-notebook limit needs no second mechanism (and no killed kernel left behind).
    """
    if not notebook_timeout:
        return None
    deadline = time.monotonic() + notebook_timeout

    def cell_timeout(cell: Any) -> float:
        return max(0.01, min(float(timeout), deadline - time.monotonic()))

    return cell_timeout


def execute_notebook(notebook: str | Path, output_dir: str | Path, parameters: Mapping[str, Any] | None = None,
                     *, force: bool = False, name: str | None = None, kernel_name: str | None = None,
                     timeout: int = 1200, shown_parameters: Mapping[str, Any] | None = None,
                     notebook_timeout: float | None = None, error_budget: bool = True) -> ReportResult:
    """Execute ``notebook`` with papermill into ``output_dir`` and render HTML beside it.

    Parameters are checked against the notebook's parameters cell first
    (:func:`check_parameters`). An existing output is never overwritten unless
    ``force``. A failing notebook still leaves its partial ``.ipynb`` and
    ``.html`` (with the error visible) and returns ``status="failed"``. A notebook that
    called :func:`cxkit.not_applicable` returns ``status="not applicable"`` with its reason as ``error``.
    ``shown_parameters`` (default: ``parameters``) are listed at the top of the HTML.
    ``timeout`` is per cell; ``notebook_timeout`` (seconds, default none) bounds the whole
    notebook: the cell running when it is spent is interrupted and the report fails.
    With ``error_budget`` (default) a last cell is added to the executed copy: it states the report's
    significance tests in one line and carries them for the run's manifest
    (:func:`cxkit.report.error_budget.record_tests`); the notebook file is not changed.
    """
    import papermill as pm

    notebook = Path(notebook)
    if not notebook.exists():
        raise ParameterError(f"`notebook`: {notebook} does not exist.")
    checked = check_parameters(notebook, parameters)
    output_dir = Path(output_dir)
    stem = name or notebook.stem
    out_nb, out_html = output_dir / f"{stem}.ipynb", output_dir / f"{stem}.html"
    if not force and (out_nb.exists() or out_html.exists()):
        raise OutputError(f"{out_html} exists already; earlier reports are never overwritten. "
                          "Choose another run date or output folder, or pass force=True (--force).")
    writable_folder(output_dir)
    params = _absolutise(checked)
    tmp_nb = output_dir / f".{stem}.running.ipynb"
    status, error = "ok", ""
    t0 = time.monotonic()
    # no progress bars in the kernel: the run renders to HTML, where a bar is noise (cxkit._progress)
    previous_progress = os.environ.get(PROGRESS_ENV)
    os.environ[PROGRESS_ENV] = "0"  # the kernel inherits it
    source: Any = str(notebook)
    if error_budget:
        from ..report.error_budget import budget_cell  # lazily: pandas, statsmodels

        source = nbformat.read(str(notebook), as_version=4)
        source.cells.append(budget_cell())
    try:
        pm.execute_notebook(source, str(tmp_nb), parameters=params, cwd=str(notebook.parent.resolve()),
                            kernel_name=kernel_name, progress_bar=False, log_output=False,
                            execution_timeout=timeout, timeout_func=_cell_timeout(timeout, notebook_timeout),
                            # The kernel's start-up warning about unencrypted local TCP
                            # would print on every scheduled run; errors still show.
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except pm.PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # dead kernel, cell timeout, missing kernel: still a failed report, not a crash
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        if previous_progress is None:
            os.environ.pop(PROGRESS_ENV, None)
        else:
            os.environ[PROGRESS_ENV] = previous_progress
    if status == "failed" and notebook_timeout and time.monotonic() - t0 >= notebook_timeout:
        error = (f"NotebookTimeout: the notebook ran longer than its limit of {notebook_timeout:g} s "
                 f"(--notebook-timeout) and was stopped ({error})")
    shown = checked if shown_parameters is None else shown_parameters
    # reports/<date>/<run>/ (or a staging folder beside <run>): earlier dates sit beside <date>
    date_dir = output_dir.parent
    prev, prev_date = previous_run(date_dir, stem) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_dir.name) else ([], "")
    if tmp_nb.exists():
        os.replace(tmp_nb, out_nb)
        if status == "ok":  # the notebook ran but said its question needs what the data lacks
            from ..report.kpis import NOT_APPLICABLE, extract_not_applicable  # lazily: pandas

            reasons = extract_not_applicable(out_nb)
            if reasons:
                status, error = NOT_APPLICABLE, " ".join(reasons)
        render_html(out_nb, out_html, title=stem, parameters=shown, previous_kpis=prev, previous_date=prev_date)
    else:  # the kernel never ran a cell: keep a page that says why
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
            f"# {stem}\n\n**This report failed before any cell ran.**\n\n```\n{error}\n```")])
        atomic_write(out_nb, nbformat.writes(nb))
        render_html(out_nb, out_html, title=stem, parameters=shown)
    return ReportResult(notebook=out_nb, html=out_html, status=status, error=error)
