"""`swchat report` through the command line."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from swchat.cli import main


@pytest.fixture(scope="module")
def db(sample_archive_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-report") / "sample.db"
    shutil.copy(sample_archive_path, path)
    return path


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def test_report_html_for_a_session(db, tmp_path, truth):
    session = truth["sessions"][-2]["id"]
    out = tmp_path / "report.html"
    res = run("report", "--archive", db, "--session", session, "-o", out, "--tz", "Europe/London")
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert html.startswith("<!doctype html>") and session in html
    assert f"wrote {out}" in res.stderr and res.stdout == ""


def test_report_markdown_latest_with_json(db, tmp_path, truth):
    out = tmp_path / "md" / "report.md"
    res = run("report", "--archive", db, "--latest", "--hashtag", "SWChat", "-o", out, "--json", "--no-compare")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["session_id"] == truth["sessions"][-1]["id"]
    assert data["headline"][0]["value"] == truth["sessions"][-1]["posts"]
    assert data["headline"][0]["previous"] is None
    assert "png_base64" not in res.stdout
    assert out.read_text().startswith("# ") and (tmp_path / "md" / "report_files" / "timeline.png").exists()


def test_report_exclude_and_pseudonymise(db, tmp_path, truth, monkeypatch):
    monkeypatch.delenv("SWCHAT_SECRET", raising=False)
    optout = tmp_path / "optout.txt"
    optout.write_text("# opted out\n@SWChatHost\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("0123456789abcdef0123456789abcdef\n")
    out = tmp_path / "private.html"
    res = run("report", "--archive", db, "--latest", "-o", out, "--exclude-accounts", optout,
              "--pseudonymise", "--secret-file", secret)
    assert res.exit_code == 0, res.output
    html = out.read_text().lower()
    assert "swchathost" not in html and "participant_" in html
    monkeypatch.setenv("SWCHAT_SECRET", "0123456789abcdef0123456789abcdef")
    again = tmp_path / "again.html"
    assert run("report", "--archive", db, "--latest", "-o", again, "--exclude-accounts", optout,
               "--pseudonymise").exit_code == 0
    names = sorted(set(__import__("re").findall(r"participant_[0-9a-f]{8}", html)))
    assert names and names == sorted(set(__import__("re").findall(r"participant_[0-9a-f]{8}",
                                                                       again.read_text().lower())))


@pytest.mark.parametrize(("args", "message"), [
    ([], "either --session ID or --latest"),
    (["--session", "X-2026-01-01", "--latest"], "either --session ID or --latest"),
    (["--session", "X-2026-01-01", "--hashtag", "X"], "--hashtag goes with --latest"),
    (["--latest", "--secret-file", __file__], "--secret-file goes with --pseudonymise"),
    (["--latest", "--secret-file", "missing.txt"], "'missing.txt' does not exist"),
    (["--latest", "--exclude-accounts", "missing.txt"], "'missing.txt' does not exist"),
    (["--latest", "--tz", "Nowhere/Land"], "unknown time zone"),
])
def test_usage_errors_exit_2(db, tmp_path, args, message):
    res = run("report", "--archive", db, "-o", tmp_path / "r.html", *args)
    assert res.exit_code == 2 and message in res.output


@pytest.mark.parametrize(("args", "message"), [
    (["--session", "SWChat-1999-01-01"], "no session SWChat-1999-01-01"),
    (["--latest", "--hashtag", "nothere"], "no sessions of #nothere"),
    (["--latest", "--pseudonymise"], "needs a secret"),
    (["--latest", "--exclude-accounts", "{db}"], "cannot read the account list"),  # not text
])
def test_handled_errors_exit_1_in_one_sentence(db, tmp_path, monkeypatch, args, message):
    monkeypatch.delenv("SWCHAT_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    res = run("report", "--archive", db, "-o", tmp_path / "r.html", *(a.format(db=db) for a in args))
    assert res.exit_code == 1, res.output
    assert message in res.output and "Traceback" not in res.output


def test_bad_suffix_is_a_usage_error_before_any_work(db, tmp_path):
    res = run("report", "--archive", db, "--latest", "-o", tmp_path / "r.pdf")
    assert res.exit_code == 2 and ".html" in res.output and "Traceback" not in res.output


def test_brief_writes_highlights_and_questions_only(db, tmp_path, truth):
    session = truth["sessions"][-1]["id"]
    out = tmp_path / "brief.html"
    res = run("report", "--archive", db, "--session", session, "-o", out, "--tz", "Europe/London", "--brief")
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert 'id="highlights"' in html and 'id="questions"' in html and "people took part" in html
    assert 'id="network"' not in html and 'id="contributors"' not in html and 'id="research"' not in html
    md = tmp_path / "brief.md"
    assert run("report", "--archive", db, "--session", session, "-o", md, "--brief").exit_code == 0
    text = md.read_text()
    assert "## The chat in brief" in text and "## Question by question" in text and "## Methods" not in text


def test_one_community_count_and_numbering_everywhere(db, tmp_path, truth):
    """`communities`, the report, `network`'s graph table, `accounts` and the ego legend agree:
    communities are groups of 2 or more accounts numbered from 1, lone accounts counted apart."""
    import re

    import matplotlib

    session = truth["sessions"][-1]["id"]
    res = run("communities", "--archive", db, "--session", session)
    assert res.exit_code == 0, res.output
    head = re.search(r"(\d+) communit(?:y|ies) of 2 or more accounts .*; (\d+) accounts? on their own", res.stderr)
    assert head, res.stderr
    groups, alone = map(int, head.groups())
    numbers = [int(n) for n in re.findall(r"^community (\d+):", res.stdout, re.M)]
    assert numbers == list(range(1, groups + 1))
    first = re.search(r"^community 1:.*\n  accounts +(.+)$", res.stdout, re.M).group(1).split(", ")
    # the report: the same count, "Group 1" is community 1 with the same central accounts
    rep = run("report", "--archive", db, "--session", session, "-o", tmp_path / "r.md", "--json", "--no-compare")
    network = json.loads(rep.stdout)["network"]
    assert (network["groups"], network["on_their_own"]) == (groups, alone)
    assert network["communities"][0]["label"] == "Group 1"
    assert ["@" + a for a in network["communities"][0]["accounts"]] == first[:5]
    text = (tmp_path / "r.md").read_text()
    assert f"**{groups} groups**" in text and f"**{alone} on their own**" in text
    # the network command's graph table
    net = run("network", "--archive", db, "--session", session, "-o", tmp_path / "n.gexf")
    assert re.search(rf"^communities +{groups}$", net.stderr, re.M), net.stderr
    assert re.search(rf"^accounts on their own +{alone}$", net.stderr, re.M), net.stderr
    # the accounts table names the community as `communities` lists it
    acc = run("accounts", "--archive", db, "--session", session, "--top", "0")
    rows = {line.split()[0]: line.split()[-1] for line in acc.stdout.splitlines()[1:]}
    assert rows[first[0].lstrip("@")] == "1"
    assert {v for v in rows.values()} <= {str(n) for n in range(1, groups + 1)} | {"-"}
    assert list(rows.values()).count("-") == alone
    # the ego picture's legend
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        ego = run("ego", first[0], "--archive", db, "--session", session, "-o", tmp_path / "ego.svg")
    assert ego.exit_code == 0, ego.output
    svg = (tmp_path / "ego.svg").read_text()
    assert "community 1 (" in svg and "community 0 (" not in svg
