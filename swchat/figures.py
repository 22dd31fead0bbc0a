"""Figures for a room: the shared style and the growth pictures.

Every figure is meant to be projected in a workshop or pasted in a report, so the style is
large type, a colour-blind-safe palette (Okabe & Ito 2008), no box, light horizontal grid
lines only, and a title that says what is shown. Times are shown in the chat's local time
zone (storage stays UTC).

- :func:`style` (a context manager) and :func:`apply_style` give the shared look to any
  matplotlib figure (the network picture uses it too); :data:`PALETTE` and
  :data:`KIND_COLORS` name the colours;
- :func:`timeline_figure` — posts per minute by kind, questions marked (:class:`~swchat.growth.Growth`);
- :func:`participants_figure` — cumulative participants over the chat (:class:`~swchat.growth.Growth`);
- :func:`newcomers_figure` — newcomers and returners per session, stacked (:class:`~swchat.community.Community`);
- :func:`retention_figure` — the cohort table as a heatmap (:class:`~swchat.community.Community`).

Each figure function takes the data object and a path, writes PNG, SVG or PDF according to
the suffix (parent folders are created), and returns the path as a :class:`pathlib.Path`.
Figures are drawn with matplotlib's object-oriented API on a :class:`matplotlib.figure.Figure`
(never :mod:`matplotlib.pyplot`), so they render without a display and never change the
backend or the open figures of a notebook. matplotlib is imported inside the functions only.

Examples
--------
>>> import tempfile, pathlib
>>> from swchat.growth import chat_growth
>>> from swchat.schema import new_post, posts_frame
>>> posts = posts_frame([new_post(platform="x", post_id=str(i), author_id=str(i % 4),
...     created_at=f"2026-10-07T19:{i:02d}:00.000Z") for i in range(12)])
>>> out = timeline_figure(chat_growth(posts, tz="Europe/London"),
...                       pathlib.Path(tempfile.mkdtemp()) / "timeline.png")
>>> out.suffix, out.stat().st_size > 1000
('.png', True)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .choices import FIGURE_SUFFIXES

__all__ = [
    "FORMATS",
    "KIND_COLORS",
    "PALETTE",
    "STYLE",
    "apply_style",
    "bin_name",
    "newcomers_figure",
    "participants_figure",
    "retention_figure",
    "save_figure",
    "style",
    "timeline_figure",
]

#: Okabe & Ito's colour-blind-safe palette.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "vermillion": "#D55E00",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#666666",
}

#: One colour per post kind, the same in every figure.
KIND_COLORS: dict[str, str] = {
    "original": PALETTE["blue"],
    "reply": PALETTE["orange"],
    "retweet": PALETTE["green"],
    "quote": PALETTE["purple"],
}

#: The matplotlib settings of the shared style (readable when projected).
STYLE: dict[str, Any] = {
    "figure.figsize": (12.0, 6.75),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    "font.size": 16,
    "axes.titlesize": 20,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 14,
    "axes.labelsize": 17,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.linewidth": 1.2,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 1.0,
    "axes.axisbelow": True,
    "lines.linewidth": 3.0,
    "axes.prop_cycle": None,  # filled in by _rc() (needs matplotlib's cycler)
    "svg.fonttype": "path",
}

#: File suffixes the figure functions write.
FORMATS: tuple[str, ...] = FIGURE_SUFFIXES


def _rc() -> Any:
    from cycler import cycler

    rc = dict(STYLE)
    rc["axes.prop_cycle"] = cycler(color=[PALETTE[c] for c in (
        "blue", "orange", "green", "purple", "sky", "vermillion", "yellow", "black")])
    return rc


@contextmanager
def style() -> Iterator[None]:
    """Use the shared figure style inside a ``with`` block (matplotlib settings restored after).

    Examples
    --------
    >>> import matplotlib
    >>> with style():
    ...     matplotlib.rcParams["font.size"]
    16.0
    """
    import matplotlib

    with matplotlib.rc_context(_rc()):
        yield


def apply_style() -> None:
    """Make the shared figure style matplotlib's default for this process (e.g. a notebook).

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context():
    ...     apply_style()
    ...     matplotlib.rcParams["axes.spines.top"]
    False
    """
    import matplotlib

    matplotlib.rcParams.update(_rc())


def _figure(**kwargs: Any) -> Any:
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def save_figure(fig: Any, path: str | Path) -> Path:
    """Write a figure as PNG, SVG or PDF (chosen by the suffix); create parent folders.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or Path

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        When the suffix is not one of :data:`FORMATS`.

    Examples
    --------
    >>> save_figure(None, "chart.gif")
    Traceback (most recent call last):
    ...
    ValueError: cannot write a figure as .gif: use .png, .svg or .pdf
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write a figure as {suffix or 'a file without suffix'}: "
                         f"use .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=suffix[1:])
    return path


def _zone(tz: Any) -> Any:
    from zoneinfo import ZoneInfo

    if tz is None:
        return ZoneInfo("UTC")
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _time_axis(ax: Any, tz: Any, span_minutes: float) -> None:
    import matplotlib.dates as mdates

    zone = _zone(tz)
    if span_minutes <= 180:
        step = 5 if span_minutes <= 45 else 10 if span_minutes <= 90 else 20
        ax.xaxis.set_major_locator(mdates.MinuteLocator(byminute=range(0, 60, step), tz=zone))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=zone))
    else:
        locator = mdates.AutoDateLocator(tz=zone, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=zone))
    name = getattr(zone, "key", str(zone))
    ax.set_xlabel(f"Time ({name})")


def _mark_questions(ax: Any, questions: dict[str, Any]) -> None:
    import matplotlib.transforms as mtransforms

    trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    for label, when in questions.items():
        ax.axvline(when, color=PALETTE["black"], linestyle=(0, (4, 3)), linewidth=1.5, zorder=3)
        ax.text(when, 1.0, f" {label}", transform=trans, ha="left", va="bottom", fontsize=15,
                fontweight="bold", color=PALETTE["black"], clip_on=False)


def _subject(obj: Any) -> str:
    title = getattr(obj, "title", None) or getattr(obj, "hashtag", None)
    if not title:
        return ""
    if getattr(obj, "hashtag", None) and title == obj.hashtag:
        return f" — #{title}"
    return f" — {title}"


def _stacked_bars(ax: Any, per: Any, width: Any, kinds: Any) -> None:
    """Stacked bars of ``per``'s columns over its time index, one collection per kind.

    One :class:`~matplotlib.collections.PolyCollection` per kind draws what ``ax.bar`` would
    (edge-aligned bars 92 % of the bin wide, no edge line, zero bars invisible) without a
    ``Rectangle`` artist per bar, which is most of a long timeline's drawing time.
    """
    import matplotlib.dates as mdates
    import numpy as np
    from matplotlib.collections import PolyCollection

    ax.xaxis.update_units(per.index)
    left = mdates.date2num(per.index.to_pydatetime())
    right = left + (width * 0.92) / np.timedelta64(1, "D")
    bottom = np.zeros(len(per))
    for kind in kinds:
        values = per[kind].to_numpy(dtype=float) if kind in per else np.zeros(len(per))
        if not values.any():
            continue
        shown = values > 0
        top = bottom + values
        verts = np.stack([np.column_stack([left, bottom]), np.column_stack([left, top]),
                          np.column_stack([right, top]), np.column_stack([right, bottom])],
                         axis=1)[shown]
        label = f"{kind}s" if kind != "reply" else "replies"
        bars = PolyCollection(list(verts), facecolors=KIND_COLORS[kind], linewidths=0, label=label)
        bars.sticky_edges.y.append(0)
        ax.add_collection(bars)
        bottom = top
    ax.update_datalim([(left[0], 0), (right[-1], bottom.max())])
    ax.autoscale_view()


def timeline_figure(growth: Any, path: str | Path, *, title: str | None = None,
                    questions: bool = True, max_bars: int = 600) -> Path:
    """Posts per minute by kind (stacked bars), with the questions marked.

    Parameters
    ----------
    growth : Growth
        From :func:`swchat.growth.chat_growth` (its ``per_minute``, ``questions`` and ``tz``).
    path : str or Path
        Where to write (``.png``, ``.svg`` or ``.pdf``).
    title : str, optional
        Replaces the default title ("Posts per minute, by kind — <session>").
    questions : bool
        Draw a dashed line, labelled ``Q1``…, where each question was asked.
    max_bars : int
        A longer timeline is summed into wider bins (whole multiples of the growth's bin
        width) so that at most this many bars are drawn; the axis label says the width.

    Returns
    -------
    Path
    """
    import math

    from .growth import KINDS

    per = growth.per_minute
    freq = _timedelta(growth.freq)
    if len(per) > max_bars:
        freq = freq * math.ceil(len(per) / max_bars)
        per = per.resample(freq, origin=per.index[0]).sum()
    unit = bin_name(freq)
    with style():
        fig = _figure()
        ax = fig.add_subplot()
        if len(per):
            width = freq
            _stacked_bars(ax, per, width, KINDS)
            span = (per.index[-1] - per.index[0]).total_seconds() / 60 + 1
            _time_axis(ax, growth.tz, span)
            ax.set_xlim(per.index[0], per.index[-1] + width)
            ax.legend(loc="upper right", ncols=4, bbox_to_anchor=(1.0, -0.14))
        if questions and growth.questions:
            _mark_questions(ax, growth.questions)
        ax.set_ylabel(f"Posts per {unit}")
        ax.set_title(title or f"Posts per {unit}, by kind{_subject(growth)}",
                     pad=34 if growth.questions and questions else 14)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return save_figure(fig, path)


def participants_figure(growth: Any, path: str | Path, *, title: str | None = None,
                        questions: bool = True) -> Path:
    """Distinct participants so far, minute by minute (a rising step line).

    Parameters
    ----------
    growth : Growth
        From :func:`swchat.growth.chat_growth` (its ``cumulative``, ``questions`` and ``tz``).
    path : str or Path
    title : str, optional
    questions : bool
        Mark the questions.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from swchat.growth import chat_growth
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id=str(i), author_id=str(i),
    ...     created_at=f"2026-10-07T19:{i:02d}:00.000Z") for i in range(5)])
    >>> participants_figure(chat_growth(posts), pathlib.Path(tempfile.mkdtemp()) / "p.svg").suffix
    '.svg'
    """
    cum = growth.cumulative
    with style():
        fig = _figure()
        ax = fig.add_subplot()
        if len(cum):
            ax.step(cum.index, cum["participants"], where="post", color=PALETTE["blue"],
                    label="participants")
            final = int(cum["participants"].iloc[-1])
            ax.annotate(f"{final}", (cum.index[-1], final), xytext=(8, 0), textcoords="offset points",
                        va="center", fontsize=17, fontweight="bold", color=PALETTE["blue"],
                        annotation_clip=False)
            span = (cum.index[-1] - cum.index[0]).total_seconds() / 60 + 1
            _time_axis(ax, growth.tz, span)
            ax.set_ylim(0, max(final * 1.08, 1))
        if questions and growth.questions:
            _mark_questions(ax, growth.questions)
        ax.set_ylabel("Participants so far")
        ax.set_title(title or f"Participants so far (distinct accounts that posted){_subject(growth)}",
                     pad=34 if growth.questions and questions else 14)
        return save_figure(fig, path)


_SESSION_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")


def _session_label(session: str) -> str:
    match = _SESSION_DATE.search(str(session))
    if not match:
        return str(session)
    from datetime import date

    day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return f"{day.day} {day.strftime('%b')}\n{day.year}"


def newcomers_figure(community: Any, path: str | Path, *, title: str | None = None) -> Path:
    """Newcomers and returners per session, as stacked bars (returners at the bottom).

    Parameters
    ----------
    community : Community
        From :func:`swchat.Archive.community` (its ``sessions`` table).
    path : str or Path
    title : str, optional

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from swchat.community import community_from_posts
    >>> c = community_from_posts([("SWChat-2026-10-07", pd.DataFrame({"author_id": ["1", "2"]})),
    ...                           ("SWChat-2026-10-14", pd.DataFrame({"author_id": ["1", "3"]}))])
    >>> newcomers_figure(c, pathlib.Path(tempfile.mkdtemp()) / "n.png").name
    'n.png'
    """
    table = community.sessions
    with style():
        fig = _figure()
        ax = fig.add_subplot()
        x = list(range(len(table)))
        returners = table["returners"].to_numpy()
        newcomers = table["newcomers"].to_numpy()
        ax.bar(x, returners, color=PALETTE["blue"], label="returners (seen in an earlier session)", width=0.7)
        ax.bar(x, newcomers, bottom=returners, color=PALETTE["orange"],
               label="newcomers (first session in the archive)", width=0.7)
        for xi, r, n in zip(x, returners, newcomers, strict=True):
            if n:
                ax.text(xi, r + n / 2, str(int(n)), ha="center", va="center", fontsize=15, color="black")
            if r:
                ax.text(xi, r / 2, str(int(r)), ha="center", va="center", fontsize=15, color="white")
            ax.text(xi, r + n, f"{int(r + n)}", ha="center", va="bottom", fontsize=15, fontweight="bold")
        ax.set_xticks(x, [_session_label(s) for s in table["session"]])
        top = max((returners + newcomers).max() if len(x) else 1, 1)
        ax.set_ylim(0, top * 1.12)
        ax.set_ylabel("Participants")
        ax.set_xlabel("Session")
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.2), ncols=2)
        tag = f" of #{community.hashtag}" if getattr(community, "hashtag", None) else ""
        ax.set_title(title or f"Newcomers and returners per session{tag}")
        return save_figure(fig, path)


def retention_figure(community: Any, path: str | Path, *, title: str | None = None) -> Path:
    """The cohort table as a heatmap: share of each session's newcomers present in later sessions.

    Rows are cohorts (accounts by their first session), columns sessions; each cell shows the
    share of the cohort that took part (colour and per cent) and the number of accounts. The
    diagonal is 100 % (the cohort itself); cells before a cohort's first session are blank.

    Parameters
    ----------
    community : Community
        From :func:`swchat.Archive.community` (its ``cohorts`` table).
    path : str or Path
    title : str, optional

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from swchat.community import community_from_posts
    >>> c = community_from_posts([("s1", pd.DataFrame({"author_id": ["1", "2"]})),
    ...                           ("s2", pd.DataFrame({"author_id": ["1", "3"]}))])
    >>> retention_figure(c, pathlib.Path(tempfile.mkdtemp()) / "r.svg").suffix
    '.svg'
    """
    import numpy as np

    counts = community.cohorts
    shares = community.retention_matrix().to_numpy(dtype=float)
    n = len(counts)
    mask = np.tril(np.ones((n, n), dtype=bool), k=-1)
    shown = np.ma.masked_where(mask | np.isnan(shares), shares)
    with style():
        fig = _figure(figsize=(max(8.0, 1.6 * n + 4), max(5.5, 1.0 * n + 3)))
        ax = fig.add_subplot()
        ax.grid(False)
        image = ax.imshow(shown, cmap="cividis", vmin=0, vmax=1, aspect="auto")
        for i in range(n):
            for j in range(n):
                if mask[i, j] or np.isnan(shares[i, j]):
                    continue
                share = shares[i, j]
                colour = "black" if share > 0.55 else "white"
                ax.text(j, i, f"{share:.0%}\n({int(counts.iat[i, j])})", ha="center", va="center",
                        fontsize=14 if n <= 8 else 11, color=colour)
        labels = [_session_label(s).replace("\n", " ") for s in counts.columns]
        ax.set_xticks(range(n), labels, rotation=30, ha="right")
        ax.set_yticks(range(n), labels)
        ax.set_xlabel("Session attended")
        ax.set_ylabel("First session (cohort)")
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.set_label("Share of the cohort")
        bar.ax.yaxis.set_major_formatter(_percent())
        tag = f" — #{community.hashtag}" if getattr(community, "hashtag", None) else ""
        ax.set_title(title or f"Who came back: share of each first-session cohort per session{tag}")
        return save_figure(fig, path)


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _timedelta(freq: str) -> Any:
    import pandas as pd

    return pd.Timedelta(pd.tseries.frequencies.to_offset(freq))


def bin_name(freq: Any) -> str:
    """A timeline bin width in words (``1min`` → ``minute``, ``5min`` → ``5 minutes``).

    Examples
    --------
    >>> bin_name("1min"), bin_name("5min"), bin_name("2h"), bin_name("30s")
    ('minute', '5 minutes', '2 hours', '30 seconds')
    """
    import pandas as pd

    delta = _timedelta(freq) if isinstance(freq, str) else pd.Timedelta(freq)
    if delta == pd.Timedelta(minutes=1):
        return "minute"
    if delta == pd.Timedelta(hours=1):
        return "hour"
    if delta == pd.Timedelta(seconds=1):
        return "second"
    seconds = delta.total_seconds()
    if seconds < 60:
        return f"{seconds:g} seconds"
    minutes = seconds / 60
    return f"{minutes:g} minutes" if minutes < 60 else f"{minutes / 60:g} hours"
