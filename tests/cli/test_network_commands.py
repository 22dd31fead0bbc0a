"""network, accounts, communities and ego through the command line."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from swchat.cli import main


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


@pytest.fixture
def db(sample_archive_path, tmp_path):
    path = tmp_path / "sample.db"
    shutil.copy(sample_archive_path, path)
    return path


def _first(truth):
    s = truth["sessions"][0]
    until = (pd.Timestamp(s["end"]) + pd.Timedelta(seconds=1)).isoformat()
    return s, ["--hashtag", "SWChat", "--since", s["start"], "--until", until]


def test_network_gexf_by_selection(db, truth, tmp_path):
    session, selection = _first(truth)
    out = tmp_path / "net.gexf"
    res = run("network", "--archive", db, *selection, "--kind", "reply", "-o", out)
    assert res.exit_code == 0, res.output
    assert f"wrote {out}" in res.stderr and res.stdout == ""
    assert "reciprocated vertex pair ratio" in res.stderr and "shape" in res.stderr
    G = nx.read_gexf(out)
    assert G.number_of_edges() >= session["edges"]["reply"]["count"] > 0
    assert {"pagerank", "betweenness", "community", "posts"} <= set(next(iter(G.nodes.values())))


def test_network_session_json_and_every_format(db, truth, tmp_path):
    pytest.importorskip("swchat.sessions")
    session = truth["sessions"][1]
    for suffix in (".graphml", ".csv", ".json", ".png", ".svg"):
        out = tmp_path / f"net{suffix}"
        res = run("network", "--archive", db, "--session", session["id"], "-o", out, "--json")
        assert res.exit_code == 0, res.output
        doc = json.loads(res.stdout)
        assert doc["metrics"]["unique_edges_mention"] == session["edges"]["mention"]["count"]
        assert doc["metrics"]["unique_edges_retweet"] == session["edges"]["retweet"]["count"]
        assert doc["shape"]["shape"] in ("polarized crowd", "tight crowd", "brand clusters",
                                         "community clusters", "broadcast network", "support network")
        for name in doc["files"]:
            assert Path(name).exists()
    nodes = pd.read_csv(tmp_path / "net-nodes.csv", skiprows=1)
    assert set(session["participants"]) <= set(nodes["handle"])
    G = nx.read_graphml(tmp_path / "net.graphml")
    assert G.graph["session_id"] == session["id"]
    hosts = {d["handle"] for _, d in G.nodes(data=True) if d["host"]}
    assert hosts == set(session["hosts"])


def test_network_hashtag_kind(db, tmp_path):
    out = tmp_path / "tags.graphml"
    res = run("network", "--archive", db, "--hashtag", "swchat", "--kind", "hashtag", "-o", out)
    assert res.exit_code == 0, res.output
    H = nx.read_graphml(out)
    assert not H.is_directed() and "swchat" not in H and len(H) > 0


def test_accounts_table_and_json(db, truth):
    session, selection = _first(truth)
    res = run("accounts", "--archive", db, *selection, "--top", "5")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split()[:2] == ["handle", "posts"] and len(lines) == 6
    assert set(session["hosts"]) & {line.split()[0] for line in lines[1:]}
    res = run("accounts", "--archive", db, *selection, "--sort", "betweenness", "--top", "0", "--json")
    rows = json.loads(res.stdout)
    assert len(rows) >= len(session["participants"])
    values = [r["betweenness"] for r in rows]
    assert values == sorted(values, reverse=True)
    assert {"in_reply", "out_quote", "pagerank", "community", "first_post"} <= set(rows[0])


def test_communities_text_and_json(db, truth):
    _, selection = _first(truth)
    res = run("communities", "--archive", db, *selection, "--method", "cnm", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["method"] == "cnm" and doc["communities"] and doc["modularity"] > 0
    assert {"top_accounts", "top_hashtags", "top_words", "top_word_pairs", "top_links"} <= set(doc["communities"][0])
    res = run("communities", "--archive", db, *selection)
    assert res.exit_code == 0 and "community 1:" in res.stdout and "modularity" in res.stderr
    assert "community 0:" not in res.stdout  # numbered from 1, as in the report and the picture legends


def test_ego_picture(db, truth, tmp_path):
    session, selection = _first(truth)
    out = tmp_path / "ego.png"
    host = session["hosts"][0]
    res = run("ego", "@" + host.upper(), "--archive", db, *selection, "--radius", "2", "-o", out)
    assert res.exit_code == 0, res.output
    import matplotlib.image

    assert float(np.var(matplotlib.image.imread(out)[..., :3])) > 1e-3
    res = run("ego", host, "--archive", db, *selection, "-o", tmp_path / "ego.json")
    data = json.loads((tmp_path / "ego.json").read_text())
    assert data["meta"]["ego"] and data["meta"]["radius"] == 1


def test_errors_are_clear(db, tmp_path):
    res = run("ego", "nobody_at_all", "--archive", db, "--hashtag", "SWChat", "-o", tmp_path / "e.png")
    assert res.exit_code == 1 and "no account" in res.output and "Traceback" not in res.output
    res = run("network", "--archive", db, "--hashtag", "SWChat", "-o", tmp_path / "n.xlsx")
    assert res.exit_code == 2 and "suffix" in res.output
    res = run("network", "--archive", db, "--session", "SWChat-2026-10-07", "--hashtag", "SWChat",
              "-o", tmp_path / "n.gexf")
    assert res.exit_code == 2 and "not both" in res.output
    res = run("network", "--archive", db, "--hashtag", "NoSuchTag", "-o", tmp_path / "n.gexf")
    assert res.exit_code == 1 and "Traceback" not in res.output
    res = run("network", "--archive", db, "--hashtag", "SWChat", "-o", tmp_path / "missing" / "n.gexf")
    assert res.exit_code == 1 and "does not exist" in res.output
    res = run("accounts", "--archive", tmp_path / "nope.db", "--hashtag", "SWChat")
    assert res.exit_code == 1 and "no archive" in res.output
    if importlib.util.find_spec("swchat.sessions"):
        res = run("communities", "--archive", db, "--session", "SWChat-1999-01-01")
        assert res.exit_code == 1 and "Traceback" not in res.output
