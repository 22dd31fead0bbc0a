"""Render a :class:`~swchat.report.summary.Summary` as Markdown or as one self-contained HTML file.

- :func:`render_html` — one file, nothing fetched: CSS inline, figures as ``data:`` PNG, no
  fonts, scripts or network requests (a Content-Security-Policy forbids them), responsive for
  phones and with print styles. Jinja2 autoescaping is on and user text is never marked safe;
  only ``http(s)`` URLs become links (``rel="noopener noreferrer nofollow"``), anything else
  (``javascript:``…) is shown as text.
- :func:`render_markdown` — paste-ready for a blog. Every value the template prints is escaped
  (``<``, ``>``, ``&``, ``[``, ``]``, ``*``, ``_``, ``|``, a leading ``#``…, and line breaks
  folded), the Markdown twin of autoescaping; only ``http(s)`` URLs become links.
- :func:`write_report` — either, chosen by the file suffix (``.html``/``.htm`` or ``.md``);
  a Markdown report's figures are written as PNG files beside it (``<name>_files/``).

Examples
--------
>>> from swchat.report.summary import Metric, Summary
>>> s = Summary(title="#SWChat <b>", hashtag="SWChat", session_id=None, tz="UTC", start=None,
...             end=None, date=None, generated="now", version="0", headline=[Metric("posts", "Posts", 3)])
>>> "#SWChat &lt;b&gt;" in render_html(s)
True
>>> render_markdown(s).splitlines()[0]
'# \\\\#SWChat &lt;b&gt;'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ..choices import REPORT_SUFFIXES
from ..errors import SwchatError

if TYPE_CHECKING:  # pragma: no cover
    from .summary import Summary

__all__ = [
    "BRIEF_ANSWERS",
    "SUFFIXES",
    "is_web_url",
    "md_escape",
    "md_link",
    "render_html",
    "render_markdown",
    "write_report",
]

#: The report file suffixes :func:`write_report` understands: HTML, then Markdown.
SUFFIXES = REPORT_SUFFIXES

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)
_REL = "noopener noreferrer nofollow"


def is_web_url(value: Any) -> bool:
    """Whether ``value`` is an absolute ``http`` or ``https`` URL with a host.

    Examples
    --------
    >>> is_web_url("https://basw.co.uk/x"), is_web_url("javascript:alert(1)"), is_web_url("//x.org")
    (True, False, False)
    """
    if not isinstance(value, str) or any(c in value for c in "\x00\n\r\t <>\"'`\\"):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# -- Markdown ------------------------------------------------------------------------------


class MdSafe(str):
    """Markdown the renderer built itself (links), which must not be escaped again."""

    __slots__ = ()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(value: Any) -> str:
    """Escape text for Markdown: no HTML, no links, no emphasis, no headings or lists, one line.

    ``<``, ``>`` and ``&`` become HTML entities; the Markdown punctuation ``\\ ` * _ [ ] | ~``
    gets a backslash; a leading ``#``, ``>``, ``+``, ``-``, ``=`` or ``1.`` is escaped; line
    breaks become spaces.

    Examples
    --------
    >>> md_escape("# <script>alert(1)</script> [x](javascript:y) | *hi*")
    '\\\\# &lt;script&gt;alert(1)&lt;/script&gt; \\\\[x\\\\](javascript:y) \\\\| \\\\*hi\\\\*'
    """
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return str(value)
    return _md_piece(" ".join(str(value).split()))


def _md_piece(text: str) -> str:
    """Escape a piece of one-line text (white space kept as it is)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^([#+=-])", r"\\\1", text)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return text


def _md_url(url: str) -> str:
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def md_link(url: Any, text: Any = None) -> MdSafe:
    """A Markdown link when ``url`` is http(s), else the escaped text (or URL) alone.

    Examples
    --------
    >>> md_link("https://example.org/care_(uk)", "a [page]")
    '[a \\\\[page\\\\]](https://example.org/care_%28uk%29)'
    >>> md_link("javascript:alert(1)")
    'javascript:alert(1)'
    """
    label = md_escape(url if text is None else text)
    if not is_web_url(url):
        return MdSafe(label)
    target = _md_url(str(url)).replace("(", "%28").replace(")", "%29")
    return MdSafe(f"[{label}]({target})")


def _with_links(text: str, piece: Callable[[str], Any], link: Callable[[str], Any]) -> list[Any]:
    """``text`` cut at its http(s) URLs: ``piece`` of each stretch between them, ``link`` of each URL."""
    out, at = [], 0
    for match in _URL_IN_TEXT.finditer(text):
        out.append(piece(text[at:match.start()]))
        out.append(link(match.group(0)))
        at = match.end()
    out.append(piece(text[at:]))
    return out


def _md_text(value: Any) -> MdSafe:
    """Post text for Markdown: escaped, with its http(s) URLs as links."""
    if value is None:
        return MdSafe("")
    return MdSafe("".join(_with_links(" ".join(str(value).split()), _md_piece, md_link)))


def _md_finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, MdSafe | int | float):
        return value
    return md_escape(value)


# -- HTML ------------------------------------------------------------------------------------


def _html_link(url: Any, text: Any = None) -> Any:
    from markupsafe import Markup, escape

    label = url if text is None else text
    if not is_web_url(url):
        return escape(label if label is not None else "")
    return Markup('<a href="{}" rel="{}">{}</a>').format(url, _REL, label)


def _html_text(value: Any) -> Any:
    """Post text for HTML: escaped, its http(s) URLs made links."""
    from markupsafe import Markup, escape

    if value is None:
        return Markup("")
    return Markup("").join(_with_links(str(value), escape, _html_link))


# -- shared filters -------------------------------------------------------------------------------


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return MdSafe("–")
    try:
        return MdSafe(f"{round(value):,}" if not digits else f"{value:,.{digits}f}")
    except (TypeError, ValueError):
        return str(value)


def _signed(value: Any) -> str:
    if value is None:
        return MdSafe("")
    if value == 0:
        return MdSafe("±0")
    if isinstance(value, float) and not value.is_integer():
        return MdSafe(f"{value:+,.1f}".replace("-", "−"))
    return MdSafe(f"{round(value):+,}".replace("-", "−"))


def _pct(value: Any, digits: int = 0) -> str:
    if value is None:
        return MdSafe("")
    if round(value, digits) == 0:
        return MdSafe("±0%")
    return MdSafe(f"{value:+.{digits}f}%".replace("-", "−"))


def _share(value: Any) -> str:
    return MdSafe("–" if value is None else f"{100 * value:.0f}%")


def _compact(value: Any, signed: bool = False) -> str:
    """A short form of a large number for headline cards: 208,073 → 208k, 1,250,000 → 1.3M."""
    if value is None:
        return MdSafe("–")
    size = abs(value)
    if size < 10_000:
        return _signed(value) if signed else _num(value)
    text = f"{size / 1e6:.1f}M" if size >= 1e6 else f"{size / 1e3:.0f}k"
    sign = ("+" if value > 0 else "−") if signed else ("−" if value < 0 else "")
    return MdSafe(sign + text)


def _count(value: Any, one: str, many: str | None = None) -> str:
    n = 0 if value is None else value
    return MdSafe(f"{_num(n)} {one if n == 1 else (many or one + 's')}")


def _handle(value: Any) -> str:
    if value is None:
        return "(unknown)"
    text = str(value)
    return text if text.startswith("@") or text.startswith("[") else "@" + text


def _minutes(value: Any) -> str:
    if value is None:
        return MdSafe("–")
    value = float(value)
    if value < 1:
        return MdSafe("under a minute")
    if value < 90:
        return MdSafe(f"{value:.0f} min")
    return MdSafe(f"{value / 60:.1f} h")


def _measure(m: Any) -> str:
    """A research measure's value as its ``style`` says (see :class:`~swchat.report.summary.Measure`)."""
    if m.style == "count":
        return _num(m.value)
    if m.style == "share":
        return _share(m.value)
    if m.style == "decimal":
        return _num(m.value, m.digits)
    return m.value


def _environment(kind: str) -> Any:
    import jinja2

    if kind == "html":
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("swchat.report", "templates"),
            autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        )
        env.filters.update(link=_html_link, text=_html_text)
    else:
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("swchat.report", "templates"),
            autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined, finalize=_md_finalize,
        )
        env.filters.update(link=md_link, text=_md_text)
    env.filters.update(num=_num, signed=_signed, pct=_pct, share=_share, handle=_handle, minutes=_minutes,
                       count=_count, compact=_compact, measure=_measure)
    return env


#: How many answers per question a brief report shows.
BRIEF_ANSWERS = 2


def _brief(summary: Summary, brief: bool | None) -> bool:
    return bool(summary.brief if brief is None else brief)


def render_html(summary: Summary, *, brief: bool | None = None) -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    summary : Summary
        From :func:`swchat.report.summary.build_summary`.
    brief : bool, optional
        Only the highlights and the per-question summary (its first :data:`BRIEF_ANSWERS`
        answers), what ``swchat report --brief`` writes; default ``summary.brief``.

    Returns
    -------
    str
        An HTML document with inline CSS and figures as ``data:`` PNG; it loads nothing.

    Examples
    --------
    >>> from swchat.report.summary import Metric, Summary
    >>> s = Summary(title="T", hashtag=None, session_id=None, tz="UTC", start=None, end=None,
    ...             date=None, generated="now", version="0", headline=[Metric("posts", "Posts", 3)])
    >>> html = render_html(s)
    >>> html.startswith("<!doctype html>"), "<script" in html
    (True, False)
    """
    short = _brief(summary, brief)
    template = _environment("html").get_template("report.html.j2")
    return template.render(s=summary, brief=short, answers_shown=BRIEF_ANSWERS if short else 0)


def render_markdown(summary: Summary, *, images: Mapping[str, str] | str | None = None,
                    brief: bool | None = None) -> str:
    """The report as Markdown, ready to paste into a blog post.

    Parameters
    ----------
    summary : Summary
        From :func:`swchat.report.summary.build_summary`.
    images : mapping or "inline", optional
        Where the figures are: figure name (``timeline``, ``network``) → URL or relative path
        (as :func:`write_report` saves them); ``"inline"`` embeds them as ``data:`` URIs;
        ``None`` (default) leaves the figures out.
    brief : bool, optional
        Only the highlights and the per-question summary, as :func:`render_html`; default
        ``summary.brief``.

    Returns
    -------
    str

    Examples
    --------
    >>> from swchat.report.summary import Metric, Summary
    >>> s = Summary(title="T", hashtag=None, session_id=None, tz="UTC", start=None, end=None, date=None,
    ...             generated="now", version="0", headline=[Metric("posts", "Posts", 3, 2, meaning="all posts")])
    >>> print(render_markdown(s).split("\\n\\n")[3])
    | | This session | Change | What it means |
    |---|---:|---:|---|
    | Posts | 3 | +1 (+50%) | all posts |
    """
    if images == "inline":
        where = {f.name: f.data_uri for f in summary.figures()}
    elif isinstance(images, Mapping):
        where = dict(images)
    else:
        where = {}
    short = _brief(summary, brief)
    template = _environment("md").get_template("report.md.j2")
    text = template.render(s=summary, images={k: MdSafe(_md_url(v)) for k, v in where.items()}, brief=short,
                           answers_shown=BRIEF_ANSWERS if short else 0)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def write_report(chat_or_summary: Any, path: str | Path, **options: Any) -> Path:
    """Write a report, as HTML or Markdown according to the file's suffix.

    Parameters
    ----------
    chat_or_summary : Chat or Summary
        A chat (a summary is built with ``options``) or a ready summary.
    path : str or Path
        ``.html`` / ``.htm`` for one self-contained page, ``.md`` / ``.markdown`` for Markdown
        (its figures are saved as PNG files in ``<stem>_files/`` beside it).
    **options
        Passed to :func:`swchat.report.summary.build_summary` (``tz``, ``exclude``,
        ``pseudonymise``, ``previous``, ``top``, ``brief``…); given a ready summary, only
        ``brief`` applies (to the rendering).

    Returns
    -------
    Path
        The report file.

    Raises
    ------
    SwchatError
        When the suffix is neither HTML nor Markdown.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from swchat.report.summary import Metric, Summary
    >>> s = Summary(title="T", hashtag=None, session_id=None, tz="UTC", start=None, end=None,
    ...             date=None, generated="now", version="0", headline=[Metric("posts", "Posts", 3)])
    >>> out = write_report(s, pathlib.Path(tempfile.mkdtemp()) / "report.md")
    >>> out.read_text().startswith("# T")
    True
    """
    from .summary import Summary, build_summary

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SwchatError(f"cannot tell the report format from {path.name!r}: use a .html or .md file name")
    summary = chat_or_summary if isinstance(chat_or_summary, Summary) else build_summary(chat_or_summary, **options)
    brief = _brief(summary, options.get("brief"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".html", ".htm"):
        path.write_text(render_html(summary, brief=brief), encoding="utf-8")
        return path
    images: dict[str, str] = {}
    figures = [] if brief else summary.figures()
    if figures:
        folder = path.with_name(path.stem + "_files")
        folder.mkdir(exist_ok=True)
        for figure in figures:
            target = folder / f"{figure.name}.png"
            target.write_bytes(figure.png)
            images[figure.name] = f"{folder.name}/{target.name}"
    path.write_text(render_markdown(summary, images=images, brief=brief), encoding="utf-8")
    return path
