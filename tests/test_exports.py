"""swchat.exports and `swchat export`: tables researchers and big-data tools read as they are."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import duckdb
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from swchat import Chat
from swchat import exports as ex
from swchat.choices import EXPORT_FORMATS, EXPORT_LAYOUTS, EXPORT_TABLES
from swchat.cli import main
from swchat.network import interaction_table
from swchat.schema import new_post, posts_frame

LONG_ID = "1234567890123456789"


def _sql(query: str) -> list[tuple]:
    return duckdb.connect().sql(query).fetchall()


def _interactions_chat() -> Chat:
    """Five posts whose interactions are known: a reply (with its automatic leading mention), a
    mention, a retweet, a quote, and a post mentioning its own author (a self-loop)."""
    def post(pid, author, handle, text, **kw):
        return new_post(platform="x", post_id=pid, author_id=author, author_handle=handle,
                        created_at=f"2026-10-07T19:0{pid[-1]}:00.000Z", text=text, **kw)

    return Chat(posts=posts_frame([
        post("1001", "1", "host", "Q1: what helps? #SWChat", hashtags=["SWChat"]),
        post("1002", "2", "ann", "@host walking, ask @Carl #SWChat", kind="reply", reply_to_post_id="1001",
             reply_to_author_id="1", mentions=["host", "Carl"], hashtags=["SWChat"]),
        post("1003", "3", "carl", "RT @ann: walking, ask @Carl #SWChat", kind="retweet", retweeted_post_id="1002",
             mentions=["ann", "Carl"], hashtags=["SWChat"]),
        post("1004", "4", "dee", "so true #SWChat", kind="quote", quoted_post_id="1002", is_quote=True,
             hashtags=["SWChat"]),
        post("1005", "5", "eve", "note to self @eve, and hi @nobody", mentions=["eve", "nobody"]),
    ]), hashtag="SWChat")


def _safety_chat() -> Chat:
    return Chat(posts=posts_frame([
        new_post(platform="x", post_id=LONG_ID, author_id="0012", author_handle="ann", author_name="@ann_official",
                 created_at="2026-10-07T19:00:00.000Z", text='=HYPERLINK("http://evil.example","click")',
                 hashtags=["SWChat", "socialwork"], like_count=3),
        new_post(platform="x", post_id="1234567890123456790", author_id="7", author_handle="bob",
                 author_name="+Bob", created_at="2026-10-07T19:01:00.500Z", text="-1 for that, sadly\nsecond line",
                 kind="reply", reply_to_post_id=LONG_ID, reply_to_author_id="0012", mentions=["ann"]),
    ]), hashtag="SWChat")


# -- what the command line says about the sample, and what DuckDB reads back -------------------------


@pytest.fixture(scope="module")
def sample_export(sample_archive_path, tmp_path_factory):
    """The whole v2 sample archive exported as Parquet files (and the counts the CLI shows)."""
    folder = tmp_path_factory.mktemp("export")
    db = folder / "sample.db"
    shutil.copy(sample_archive_path, db)
    res = CliRunner().invoke(main, ["export", "--archive", str(db), "-o", str(folder / "out")])
    assert res.exit_code == 0, res.output
    stats = CliRunner().invoke(main, ["stats", "--archive", str(db), "--json"])
    sessions = CliRunner().invoke(main, ["sessions", "--archive", str(db), "--json"])
    assert stats.exit_code == 0 and sessions.exit_code == 0
    return folder / "out", json.loads(stats.stdout), json.loads(sessions.stdout), res


def test_parquet_read_with_duckdb_gives_the_counts_of_stats_and_sessions(sample_export):
    out, stats, sessions, _ = sample_export
    by_kind = dict(_sql(f"SELECT kind, count(*) FROM '{out}/posts.parquet' GROUP BY kind"))
    assert by_kind == stats["by_kind"]
    assert sum(by_kind.values()) == stats["posts"]
    listed = {s["id"]: s["posts"] for s in sessions}
    per_session = dict(_sql(f"SELECT session, count(*) FROM '{out}/posts.parquet' "
                            "WHERE session IS NOT NULL GROUP BY session"))
    assert per_session == listed
    # the sessions table says the same, and the participation table adds up to it
    assert dict(_sql(f"SELECT session, posts FROM '{out}/sessions.parquet'")) == listed
    part = {s: (n, p) for s, n, p in _sql(
        f"SELECT session, sum(posts), count(*) FROM '{out}/participation.parquet' GROUP BY session")}
    assert part == {s["id"]: (s["posts"], s["participants"]) for s in sessions}
    assert _sql(f"SELECT count(*) FROM '{out}/accounts.parquet'")[0][0] == stats["accounts"]


def test_the_cli_says_what_it_wrote_with_row_counts(sample_export):
    out, stats, sessions, res = sample_export
    lines = [line for line in res.stderr.splitlines() if line.startswith("wrote")]
    assert lines[0] == f"wrote {out}/posts.parquet ({stats['posts']:,} rows)"
    assert f"wrote {out}/sessions.parquet ({len(sessions)} rows)" in lines
    assert lines[-1] == f"wrote {out}/manifest.json"
    assert [p.name for p in sorted(out.iterdir())] == sorted(
        [f"{t}.parquet" for t in EXPORT_TABLES] + ["manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"]["posts"]["rows"] == stats["posts"]
    assert "self-loops left out" in manifest["edge_rules"]
    assert manifest["tables"]["posts"]["columns"]["created_at"] == "timestamp[ms, tz=UTC]"


def test_parquet_columns_are_typed(sample_export):
    out, *_ = sample_export
    schema = pq.read_schema(out / "posts.parquet")
    assert schema.field("created_at").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("collected_at").type == pa.timestamp("ms", tz="UTC")
    for name in ("post_id", "author_id", "reply_to_post_id", "session"):
        assert schema.field(name).type == pa.string()
    for name in ("hashtags", "mentions", "urls"):
        assert schema.field(name).type == pa.list_(pa.string())
    assert schema.field("like_count").type == pa.int64()
    assert schema.field("is_quote").type == pa.bool_()
    assert "is_context" not in schema.names
    assert json.loads(schema.metadata[b"swchat"])["format"] == "parquet"
    types = {name: kind for name, kind, *_ in _sql(f"DESCRIBE SELECT * FROM '{out}/posts.parquet'")}
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["post_id"] == "VARCHAR" and types["hashtags"] == "VARCHAR[]"
    sessions = pq.read_schema(out / "sessions.parquet")
    assert sessions.field("start").type == pa.timestamp("ms", tz="UTC")
    assert sessions.field("hosts").type == pa.list_(pa.string())
    part = pq.read_schema(out / "participation.parquet")
    assert part.field("posts").type == pa.int64() and part.field("welcomed").type == pa.bool_()
    # every table has the declared columns, in order
    for table in EXPORT_TABLES:
        assert pq.read_schema(out / f"{table}.parquet").names == list(ex.COLUMNS[table])


def test_edges_agree_with_the_network(sample_archive, truth, tmp_path):
    session = truth["sessions"][-1]["id"]
    chat = sample_archive.session(session, tz=truth["timezone"])
    written = chat.to_parquet(tmp_path, tables=["edges"])
    edges = pq.read_table(written["edges"]).to_pandas()
    assert set(edges["session"]) == {session}
    G = chat.network()
    counted = Counter()
    for row in edges.itertuples():
        target = row.target_id if isinstance(row.target_id, str) else f"handle:{row.target_handle.lower()}"
        counted[(row.source_id, target, row.type)] += 1
    expected = Counter({(u, v, t): d[t] for u, v, d in G.edges(data=True) for t in ("reply", "mention", "retweet",
                                                                                   "quote") if d[t]})
    assert counted == expected


# -- the other formats ------------------------------------------------------------------------------


def test_csv_keeps_ids_as_text_and_neutralises_formulas(tmp_path):
    written = ex.export_chat(_safety_chat(), tmp_path, format="csv", tables=["posts", "accounts", "edges"])
    posts = pd.read_csv(written["posts"], dtype=str, keep_default_na=False)
    assert posts["post_id"].tolist() == [LONG_ID, "1234567890123456790"]
    assert posts["author_id"].tolist() == ["0012", "7"]  # leading zeros kept
    assert posts["reply_to_post_id"].tolist() == ["", LONG_ID]
    assert posts["text"].tolist() == ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'-1 for that, sadly\nsecond line"]
    assert posts["author_name"].tolist() == ["'@ann_official", "'+Bob"]
    assert posts["created_at"].tolist() == ["2026-10-07T19:00:00.000Z", "2026-10-07T19:01:00.500Z"]
    assert posts["hashtags"].tolist() == ["SWChat socialwork", ""]
    assert posts["is_quote"].tolist() == ["false", "false"]
    assert posts["like_count"].tolist() == ["3", ""]
    # read without dtype=str, pandas still cannot turn the 19-digit ids into floats
    assert pd.read_csv(written["posts"])["post_id"].astype(str).tolist()[0] == LONG_ID
    raw = written["posts"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark, as the network CSV
    assert b"E+18" not in raw and b"e+18" not in raw
    edges = pd.read_csv(written["edges"], dtype=str)
    assert edges[["source_id", "target_id", "type", "post_id"]].values.tolist() == [
        ["7", "0012", "reply", "1234567890123456790"], ["7", "0012", "mention", "1234567890123456790"]]


def test_jsonl_round_trip(sample_export, sample_archive, tmp_path):
    out, stats, *_ = sample_export
    written = sample_archive.export(tmp_path, format="jsonl")
    for table in EXPORT_TABLES:
        lines = written[table].read_bytes().splitlines()
        assert len(lines) == written.rows[table] == pq.read_metadata(out / f"{table}.parquet").num_rows
    posts = pd.read_json(written["posts"], lines=True, dtype={"post_id": str, "author_id": str})
    assert Counter(posts["kind"]) == stats["by_kind"]
    first = orjson.loads(written["posts"].read_bytes().splitlines()[0])
    assert isinstance(first["post_id"], str) and first["created_at"].endswith("Z")
    assert isinstance(first["hashtags"], list) and isinstance(first["like_count"], int)


def test_ids_file_is_exactly_the_own_post_ids_in_time_order(sample_archive, truth, tmp_path):
    session = truth["sessions"][0]["id"]
    written = sample_archive.export(tmp_path / "ids", format="ids", session_id=session, tz=truth["timezone"])
    chat = sample_archive.session(session, tz=truth["timezone"])
    own = chat.own_posts.sort_values(["created_at", "post_id"], kind="stable")
    assert written["posts"].read_text() == "".join(f"{p}\n" for p in own["post_id"])
    assert set(written) == {"posts"}
    assert sorted(p.name for p in (tmp_path / "ids").iterdir()) == ["manifest.json", "posts.txt"]
    both = sample_archive.export(tmp_path / "both", format="ids", tables="posts,accounts")
    accounts = both["accounts"].read_text().splitlines()
    assert len(accounts) == len(set(accounts)) == both.rows["accounts"]


def test_partitioned_layout_reads_back_with_duckdb_hive_partitioning(sample_archive, tmp_path):
    stats = sample_archive.stats()
    written = sample_archive.export(tmp_path, layout="partitioned", hashtag="SWChat")
    assert isinstance(written["posts"], list) and all(p.name.startswith("part-") for p in written["posts"])
    assert (tmp_path / "sessions.parquet").exists() and (tmp_path / "accounts.parquet").exists()
    rows = _sql(f"SELECT tag, month, count(*) FROM read_parquet('{tmp_path}/posts/**/*.parquet', "
                "hive_partitioning = true) GROUP BY ALL ORDER BY ALL")
    assert {tag for tag, _, _ in rows} == {"swchat"}
    assert [m for _, m, _ in rows] == ["2026-10", "2026-11"]
    assert sum(n for *_, n in rows) == written.rows["posts"]
    everything = sample_archive.export(tmp_path / "all", layout="partitioned", tables="posts,edges")
    by_kind = dict(_sql(f"SELECT kind, count(*) FROM read_parquet('{tmp_path}/all/posts/**/*.parquet', "
                        "hive_partitioning = true) GROUP BY kind"))
    assert by_kind == stats["by_kind"]
    edges = _sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/all/edges/**/*.parquet', hive_partitioning = true)")
    assert edges[0][0] == everything.rows["edges"]
    # pyarrow reads the folder as one dataset too, and a second export replaces the first
    again = sample_archive.export(tmp_path / "all", layout="partitioned", tables="posts")
    assert pq.read_table(tmp_path / "all" / "posts").num_rows == again.rows["posts"] == stats["posts"]


def test_partition_tag_rule():
    assert ex.partition_tag("SWChat", "Other", ["x"]) == "swchat"
    assert ex.partition_tag(None, "SWChat", ["socialwork"]) == "swchat"
    assert ex.partition_tag(None, None, ["SocialWork", "SWChat"]) == "socialwork"
    assert ex.partition_tag(None, None, []) is None


# -- edges of known interactions ------------------------------------------------------------------


def test_edges_of_a_hand_made_chat_are_exactly_its_interactions(tmp_path):
    written = ex.export_chat(_interactions_chat(), tmp_path, format="jsonl", tables=["edges"])
    rows = [orjson.loads(line) for line in written["edges"].read_bytes().splitlines()]
    got = [(r["post_id"], r["type"], r["source_handle"], r["target_id"], r["target_handle"]) for r in rows]
    assert got == [
        ("1002", "reply", "ann", "1", "host"),        # the reply; its leading @host is no mention
        ("1002", "mention", "ann", "3", "carl"),      # @Carl in the text, resolved to carl's id
        ("1003", "retweet", "carl", "2", "ann"),      # no mention edges from a retweet
        ("1004", "quote", "dee", "2", "ann"),
        ("1005", "mention", "eve", None, "nobody"),   # known only by handle; the self-mention left out
    ]
    assert {r["created_at"] for r in rows} >= {"2026-10-07T19:02:00.000Z"}
    assert all(r["platform"] == "x" and r["session"] is None for r in rows)


def test_interaction_table_keeps_self_loops_when_asked():
    chat = _interactions_chat()
    kept = interaction_table(chat.posts, self_loops=True)
    assert ("1005", "mention", "5") in set(zip(kept["post_id"], kept["type"], kept["target_id"], strict=True))
    assert len(kept) == len(interaction_table(chat.posts)) + 1


# -- the facade, consent, and the command line ------------------------------------------------------


def test_session_export_has_its_session_and_participation(sample_archive, truth, tmp_path):
    s = truth["sessions"][1]
    written = sample_archive.export(tmp_path, session_id=s["id"], tz=truth["timezone"], format="csv")
    sessions = pd.read_csv(written["sessions"], dtype=str)
    assert sessions["session"].tolist() == [s["id"]]
    chat = sample_archive.session(s["id"], tz=truth["timezone"])
    assert written.rows["posts"] == len(chat) == int(sessions["posts"][0])
    assert written.rows["participation"] == chat.participants
    posts = pd.read_csv(written["posts"], dtype=str)
    assert set(posts["session"]) == {s["id"]}
    manifest = json.loads(written.manifest.read_text())
    assert manifest["selection"]["session"] == s["id"]


def test_a_selection_exports_the_sessions_it_spans(sample_archive, truth, tmp_path):
    first, second = truth["sessions"][:2]
    written = sample_archive.export(tmp_path, hashtag="SWChat", since=first["start"], until=second["start"],
                                    tables=["sessions", "participation"], tz=truth["timezone"])
    assert pq.read_table(written["sessions"]).column("session").to_pylist() == [first["id"]]
    assert set(pq.read_table(written["participation"]).column("session").to_pylist()) == {first["id"]}


def test_opted_out_accounts_are_not_exported(sample_archive, truth, tmp_path):
    chat = sample_archive.session(truth["sessions"][0]["id"], tz=truth["timezone"])
    own = chat.own_posts
    handle = own[own["kind"] == "reply"]["author_handle"].value_counts().index[0]
    account = own.loc[own["author_handle"] == handle, "author_id"].iloc[0]
    sample_archive.add_optouts([f"@{handle}"])
    written = sample_archive.export(tmp_path, format="jsonl")
    for table in EXPORT_TABLES:
        text = written[table].read_text(encoding="utf-8")
        assert f'"{account}"' not in text, table
        assert f'"{handle}"' not in text, table


def test_requests_are_checked(tmp_path):
    assert ex.check_request("parquet") == EXPORT_TABLES
    assert ex.FORMATS == EXPORT_FORMATS and ex.LAYOUTS == EXPORT_LAYOUTS and ex.TABLES == EXPORT_TABLES
    for args, message in [(("xlsx",), "format must be"), (("csv", None, "partitioned"), "for Parquet"),
                          (("csv", "posts,nope"), "unknown table"), (("csv", " , "), "at least one"),
                          (("ids", "sessions"), "ids format")]:
        with pytest.raises(ValueError, match=message):
            ex.check_request(*args)
    with pytest.raises(ValueError, match="not both"):
        from swchat import Archive

        with Archive(tmp_path / "x.db") as archive:
            archive.export(tmp_path / "out", session_id="SWChat-2026-10-07", hashtag="SWChat")


def test_empty_tables_keep_their_columns(tmp_path):
    written = _interactions_chat().to_parquet(tmp_path)
    assert written.rows["sessions"] == written.rows["participation"] == 0
    assert pq.read_schema(written["participation"]).names == list(ex.COLUMNS["participation"])
    assert _sql(f"SELECT count(*) FROM '{tmp_path}/sessions.parquet'") == [(0,)]


def test_cli_export_formats_and_usage_errors(sample_archive_path, truth, tmp_path):
    db = tmp_path / "sample.db"
    shutil.copy(sample_archive_path, db)
    session = truth["sessions"][0]["id"]

    def run(*args):
        return CliRunner().invoke(main, ["export", "--archive", str(db), *map(str, args)])

    res = run("--session", session, "--tz", truth["timezone"], "--format", "csv", "--tables", "posts, edges",
              "-o", tmp_path / "csv")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["edges.csv", "manifest.json", "posts.csv"]
    res = run("--platform", "x", "--format", "ids", "-o", tmp_path / "ids", "--json")
    assert res.exit_code == 0, res.output
    listing = json.loads(res.stdout)
    assert listing["tables"]["posts"]["rows"] == len((tmp_path / "ids" / "posts.txt").read_text().splitlines())
    for args, message in [(["--tables", "posts,friends"], "unknown table 'friends'"),
                          (["--format", "ids", "--tables", "edges"], "ids format"),
                          (["--format", "jsonl", "--layout", "partitioned"], "for Parquet"),
                          (["--session", session, "--platform", "x"], "not both")]:
        res = run(*args, "-o", tmp_path / "bad")
        assert res.exit_code == 2 and message in res.output, res.output
    assert not (tmp_path / "bad").exists()
    res = run("--hashtag", "NoSuchChat", "-o", tmp_path / "none")
    assert res.exit_code == 1 and "no #NoSuchChat" in res.output
    res = run("-o", tmp_path / "missing" / "out")
    assert res.exit_code == 1 and "does not exist" in res.output


def test_the_readme_duckdb_query_runs_on_an_export(sample_archive_path, tmp_path, monkeypatch):
    """The README's DuckDB query, run as shown on the export its command makes."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exporting data", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"^\$ (swchat export .*--layout partitioned.*)$", section, re.M).group(1).split()[1:]
    (sql,) = re.findall(r"```sql\n(.*?)```", section, re.S)
    shutil.copy(sample_archive_path, tmp_path / "swchat.db")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SWCHAT_ARCHIVE", raising=False)
    res = CliRunner().invoke(main, command)
    assert res.exit_code == 0, res.output
    listed = CliRunner().invoke(main, ["sessions", "--hashtag", "SWChat", "--tz", "Europe/London", "--json"])
    queries = [q for q in sql.split(";") if q.strip()]
    assert len(queries) == 2
    con = duckdb.connect()
    per_session = con.sql(queries[0]).fetchall()
    assert [(s, n) for s, n, *_ in per_session] == [(s["id"], s["posts"]) for s in json.loads(listed.stdout)]
    assert all(n >= r + t for _, n, r, t in per_session)
    top = con.sql(queries[1]).fetchall()
    assert 0 < len(top) <= 5 and all(n >= 1 for *_, n in top)


def test_parquet_without_pyarrow_says_how_to_get_it(monkeypatch):
    """pyarrow is optional (swchat[parquet]): without it Parquet is one clear error, CSV still works."""
    import importlib.util

    from swchat.errors import DependencyError
    from swchat.exports import check_request

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(DependencyError, match=r"pip install 'swchat\[parquet\]'"):
        check_request("parquet")
    assert check_request("csv", "posts") == ("posts",)
