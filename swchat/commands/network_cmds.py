"""Network commands: ``network``, ``accounts``, ``communities``, ``ego``.

Each selects a chat — one session (``--session ID``, listed in ``--tz``) or a selection
(``--hashtag``, ``--since``, ``--until``; all posts when none is given), opened with
:meth:`swchat.Archive.chat` — and calls one function of :mod:`swchat.network`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..choices import ACCOUNT_SORTS, NETWORK_KINDS, NETWORK_SUFFIXES, SIZE_METRICS
from ..cli import (
    SEED,
    TEXT,
    chat_options,
    count,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    output_option,
    people_option,
    platform_option,
    privacy_options,
    writing,
)

__all__ = ["COMMANDS", "accounts", "communities", "ego", "network"]

# the lists live in swchat.choices, which imports nothing heavy (`swchat network --help` stays fast)
_KINDS = NETWORK_KINDS
_SUFFIXES = NETWORK_SUFFIXES
_SIZE_BY = click.Choice(SIZE_METRICS)
_SORTS = ACCOUNT_SORTS


def kind_option(func: Any, extra: tuple[str, ...] = ()) -> Any:
    """``--kind``: which edges make the network."""
    return click.option("--kind", type=click.Choice((*_KINDS, *extra)), default="all", show_default=True,
                        help="Edges: replies, mentions, retweets, quotes, or all of them"
                        + (" (hashtag: hashtags used together)" if extra else "") + ".")(func)


def network_kind_option(func: Any) -> Any:
    """``--kind`` for ``swchat network``: also ``hashtag`` (the co-occurrence network)."""
    return kind_option(func, ("hashtag",))


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _echo_table(metrics: dict[str, Any], err: bool = True) -> None:
    width = max(len(k) for k in metrics)
    for key, value in metrics.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {_fmt(value)}", err=err)


@click.command()
@chat_options(required=False)
@network_kind_option
@output_option("File to write: .gexf, .graphml, .csv (writes -nodes.csv and -edges.csv), .json, .png or .svg.",
               suffixes=_SUFFIXES, required=True)
@click.option("--self-loops", is_flag=True, help="Keep edges from an account to itself.")
@click.option("--method", type=click.Choice(["louvain", "cnm"]), default="louvain", show_default=True,
              help="Community detection for the community attribute and modularity.")
@click.option("--seed", type=SEED, default=42, show_default=True, metavar="N",
              help="Seed for Louvain, sampling and layout.")
@click.option("--size-by", type=_SIZE_BY, default="pagerank", show_default=True,
              help="Node size metric for pictures.")
@click.option("--labels", "top_labels", type=count(0), default=10, show_default=True, metavar="N",
              help="Accounts labelled in pictures (0: none).")
@json_option
@people_option
@platform_option
@privacy_options
@handle_errors
def network(archive_path: Path | None, session_id: str | None, hashtag: str | None, since: str | None,
            until: str | None, tz: str, kind: str, output: Path, self_loops: bool, method: str, seed: int,
            size_by: str, top_labels: int, as_json: bool) -> None:
    """Write who-connected-with-whom: the reply, mention, retweet or quote network (or all).

    Edges: replier -> replied-to author; author -> accounts mentioned in the text (not the
    leading @handles of a reply); retweeter -> original author; quoter -> quoted author.
    Nodes carry handle, posts, community (and PageRank, betweenness, degrees); the file
    records these rules and the selection. The graph table (NodeXL's overall metrics) and
    the network's shape (Smith et al. 2014) go to stderr, or to stdout with --json.

    \b
    Example:
        swchat network --hashtag SWChat --kind reply -o replies.gexf
    """
    from .. import network as nw
    from ..network.export import write_network

    with open_archive(archive_path) as archive:
        G = archive.network(session_id, hashtag, since, until, kind=kind, self_loops=self_loops, tz=tz,
                            community=None, seed=seed)
    if kind == "hashtag":
        metrics = nw.graph_metrics(G, seed=seed)
        shape = None
    else:
        G = nw.with_metrics(nw.label_communities(G, method, seed=seed), seed=seed)
        metrics = nw.graph_metrics(G, seed=seed)
        shape = nw.network_shape(G, seed=seed)
    options = {"size_by": size_by, "top_labels": top_labels, "seed": seed} \
        if output.suffix.lower() in (".png", ".svg") else {}
    if kind == "hashtag" and options:
        options["size_by"] = "posts" if size_by == "pagerank" else size_by
    with writing(output):
        paths = write_network(G, output, **options)
    if as_json:
        echo_json({"files": [str(p) for p in paths], "metrics": metrics, "shape": shape})
    else:
        _echo_table(metrics)
        if shape is not None:
            click.echo(f"{'shape':<{max(len(k) for k in metrics)}}  {shape['shape'] or '-'} ({shape['reason']})",
                       err=True)
    for path in paths:
        click.echo(f"wrote {path}", err=True)


@click.command()
@chat_options(required=False)
@kind_option
@click.option("--sort", type=click.Choice(_SORTS), default="pagerank", show_default=True,
              help="Column to sort by, highest first.")
@click.option("--top", type=count(0), default=20, show_default=True, metavar="N",
              help="How many accounts to list (0: all).")
@click.option("--method", type=click.Choice(["louvain", "cnm"]), default="louvain", show_default=True,
              help="Community detection for the community column.")
@json_option
@people_option
@platform_option
@privacy_options
@handle_errors
def accounts(archive_path: Path | None, session_id: str | None, hashtag: str | None, since: str | None,
             until: str | None, tz: str, kind: str, sort: str, top: int, method: str, as_json: bool) -> None:
    """List accounts with their network metrics: degrees, strengths per edge type, PageRank, betweenness.

    In/out degree count distinct accounts; strengths count posts (replies, mentions,
    retweets, quotes) received and made. Betweenness ignores edge direction, as NodeXL's.
    Community: the account's community, numbered as `swchat communities` lists them (1 is
    the largest; - for an account on its own). With --json, ``community`` is the node
    attribute of the network files, which counts from 0.

    \b
    Example:
        swchat accounts --hashtag SWChat --sort betweenness --top 10
    """
    from ..network import NETWORK_COLUMNS, account_table
    from ..network.grouping import MIN_COMMUNITY_SIZE, community_number

    with open_archive(archive_path) as archive:
        chat = archive.chat(session_id, hashtag, since, until, tz=tz, columns=NETWORK_COLUMNS)
        table = account_table(chat, kind=kind, sort=sort, community=method)
    sizes = table["community"].value_counts(dropna=True).to_dict()
    if top:
        table = table.head(top)
    if as_json:
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        echo_json(records)
        return
    # the number people see (from 1), none for an account on its own: as `swchat communities`
    table = table.assign(community=[
        community_number(c) if c is not None and c == c and sizes.get(c, 0) >= MIN_COMMUNITY_SIZE else None
        for c in table["community"].astype(object)])
    columns = ["handle", "posts", "in_degree", "out_degree", "in_strength", "out_strength", "pagerank",
               "betweenness", "community"]
    if sort not in columns:
        columns.insert(1, sort)
    rows = [[_fmt(None if v != v else v) if not isinstance(v, str) else v for v in r]
            for r in table[columns].astype(object).itertuples(index=False)]
    rows = [[r[0] if r[0] not in (None, "-") else table["id"].iloc[i], *r[1:]] for i, r in enumerate(rows)]
    headers = [c.replace("_", " ") for c in columns]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    click.echo("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths,
                                                                                                strict=True))))
    for r in rows:
        click.echo("  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w)
                             for i, (x, w) in enumerate(zip(r, widths, strict=True))))


@click.command()
@chat_options(required=False)
@kind_option
@click.option("--method", type=click.Choice(["louvain", "cnm"]), default="louvain", show_default=True,
              help="Louvain (seeded) or Clauset-Newman-Moore (NodeXL's choice).")
@click.option("--seed", type=SEED, default=42, show_default=True, metavar="N", help="Seed for Louvain.")
@click.option("--top", type=count(), default=5, show_default=True, metavar="N", help="Items per list.")
@json_option
@platform_option
@privacy_options
@handle_errors
def communities(archive_path: Path | None, session_id: str | None, hashtag: str | None, since: str | None,
                until: str | None, tz: str, kind: str, method: str, seed: int, top: int, as_json: bool) -> None:
    """List the network's communities with their top accounts, hashtags, words, word pairs and links.

    Groups are found on the undirected weighted network; as NodeXL's "top items per group",
    each lists what its members posted. A community has at least two accounts and they are
    numbered from 1, largest first, as in the report; accounts alone in their group are
    counted apart ("on their own"). Brokers are the accounts with the highest betweenness
    (on most of the shortest paths between two others) whose neighbours span several
    communities.

    \b
    Example:
        swchat communities --hashtag SWChat --method cnm --json
    """
    from ..network import NETWORK_COLUMNS, chat_communities

    with open_archive(archive_path) as archive:
        chat = archive.chat(session_id, hashtag, since, until, tz=tz, columns=NETWORK_COLUMNS)
        result = chat_communities(chat, method=method, seed=seed, kind=kind, top=top)
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"{result.count} {'community' if result.count == 1 else 'communities'} of 2 or more accounts "
               f"({method}, seed {seed}), modularity {_fmt(result.modularity)}; "
               f"{result.singletons} {'account' if result.singletons == 1 else 'accounts'} on their own", err=True)
    for c in result:
        click.echo(f"community {c.number}: {c.size} accounts, {c.posts} posts, "
                   f"{c.internal_edges} links inside, {c.external_edges} to other communities")
        lists = [
            ("accounts", ", ".join("@" + (a["handle"] or a["id"]) for a in c.top_accounts)),
            ("hashtags", ", ".join(f"#{t} ({n})" for t, n in c.top_hashtags)),
            ("words", ", ".join(f"{w} ({n})" for w, n in c.top_words)),
            ("word pairs", ", ".join(f"{w} ({n})" for w, n in c.top_word_pairs)),
            ("links", ", ".join(f"{u} ({n})" for u, n in c.top_links)),
        ]
        for name, text in lists:
            if text:
                click.echo(f"  {name:<10}  {text}")
    if result.brokers:
        click.echo("brokers (betweenness): " + ", ".join(f"@{b['handle'] or b['id']} ({_fmt(b['betweenness'])})"
                                                         for b in result.brokers))


@click.command()
@click.argument("handle", type=TEXT)
@chat_options(required=False)
@kind_option
@click.option("--radius", type=click.IntRange(1, 2), default=1, show_default=True,
              help="1: the account and its neighbours; 2: also their neighbours.")
@output_option("File to write: .png or .svg for a picture, or .gexf, .graphml, .csv, .json.",
               suffixes=_SUFFIXES, required=True)
@click.option("--seed", type=SEED, default=42, show_default=True, metavar="N",
              help="Seed for communities and layout.")
@platform_option
@privacy_options
@handle_errors
def ego(handle: str, archive_path: Path | None, session_id: str | None, hashtag: str | None,
        since: str | None, until: str | None, tz: str, kind: str, radius: int, output: Path, seed: int) -> None:
    """Write the ego network of one account: it, the accounts it connected with, and their links.

    HANDLE is a handle (with or without @, any case) or an account id. Good for showing a
    newcomer or a host their place in the chat.

    \b
    Example:
        swchat ego @SWChatHost --hashtag SWChat --radius 2 -o host.png
    """
    from .. import network as nw
    from ..network.export import write_network

    with open_archive(archive_path) as archive:
        chat = archive.chat(session_id, hashtag, since, until, tz=tz, columns=nw.NETWORK_COLUMNS)
        G = nw.with_metrics(nw.chat_network(chat, kind=kind, seed=seed), seed=seed)
    E = nw.ego_network(G, handle, radius=radius)
    options = {"seed": seed} if output.suffix.lower() in (".png", ".svg") else {}
    with writing(output):
        paths = write_network(E, output, **options)
    who = E.nodes[E.graph["ego"]].get("handle")
    click.echo(f"{'@' + who if who else E.graph['ego']}: {E.number_of_nodes()} accounts, {E.number_of_edges()} links "
               f"within {radius} step{'s' if radius > 1 else ''}", err=True)
    for path in paths:
        click.echo(f"wrote {path}", err=True)


COMMANDS = [network, accounts, communities, ego]
