"""The error contract, fuzzed: a bad value is a usage error (exit 2) or a handled error (exit 1).

Either way the output ends in one line ``Error: …`` and never in a traceback. The cases are
generated from the click command objects — every option and argument of every command that
takes a value gets the bad values its type calls for (a word for a number, numbers out of
range, an unknown choice, an empty string, a missing file, a folder, a wrong suffix …) — so a
new option is covered as soon as it exists. Hand-written cases cover the known traps.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
import pytest
from click.testing import CliRunner

from swchat.cli import FilePath, LazyChoice, NonEmptyText, OutputPath, main

SESSION = "SWChat-2026-10-07"

#: A valid invocation of every command (its argument, if any, first): each case changes one value.
#: {db} is the sample archive, {tmp} the test's folder, {sample} the v2 sample export.
BASE: dict[str, list[str]] = {
    "ingest": ["{sample}", "--archive", "{tmp}/new.db"],
    "stats": ["--archive", "{db}"],
    "rejected": ["--archive", "{db}"],
    "reindex": ["--archive", "{db}"],
    "sample": ["{tmp}/generated", "--sessions", "1"],
    "sessions": ["--archive", "{db}"],
    "questions": ["--archive", "{db}", "--session", SESSION],
    "threads": ["--archive", "{db}", "--session", SESSION],
    "transcript": ["--archive", "{db}", "--session", SESSION],
    "network": ["--archive", "{db}", "--session", SESSION, "-o", "{tmp}/net.gexf"],
    "accounts": ["--archive", "{db}", "--session", SESSION],
    "communities": ["--archive", "{db}", "--session", SESSION],
    "ego": ["SWChatHost", "--archive", "{db}", "--session", SESSION, "-o", "{tmp}/ego.json"],
    "themes": ["--archive", "{db}", "--session", SESSION],
    "growth": ["--archive", "{db}", "--session", SESSION],
    "community": ["--archive", "{db}", "--hashtag", "SWChat"],
    "report": ["--archive", "{db}", "--session", SESSION, "-o", "{tmp}/report.html"],
    "site": ["{tmp}/site", "--archive", "{db}", "--hashtag", "SWChat"],
    "export": ["--archive", "{db}", "--session", SESSION, "--tables", "posts", "-o", "{tmp}/export"],
    "optout add": ["nobody_here", "--archive", "{db}", "--reason", "asked"],
    "optout remove": ["nobody_here", "--archive", "{db}"],
    "optout list": ["--archive", "{db}"],
    "optout import": ["{tmp}/accounts.txt", "--archive", "{db}"],
    # an account with no post in any session, by id (forgetting it again works): the sessions stay as they are
    "forget": ["1417246257", "--archive", "{db}", "--yes"],
    # a local stand-in server (tests/mastodon_stub.py, one post): works offline
    "collect mastodon": ["--server", "{mastodon}", "--tag", "SWChat", "--out", "{tmp}/collected",
                         "--archive", "{tmp}/collected.db"],
    # a local stand-in AppView (tests/bluesky_stub.py, one post), asked anonymously
    "collect bluesky": ["--service", "{bluesky}", "--tag", "SWChat", "--out", "{tmp}/collected",
                        "--archive", "{tmp}/collected.db"],
}

#: Bad values for text options whose format a callback checks (click's type cannot).
BAD_FORMATS: dict[str, list[str]] = {
    "tz": ["Mars/Olympus", "UTC+1", "/etc/localtime"],
    "session_id": ["last wednesday", "SWChat", "2026-10-07"],
    "since": ["yesterday", "2026-13-45", "7pm"],
    "until": ["tomorrow", "2026-10-07T25:00"],
    "freq": ["often", "0min", "-5min", "1ns", "1M", "5"],
    "tables": ["posts,friends", ",", "everything"],
    # privacy options: files, checked as paths (their callback only records them for open_archive)
    "secret_file": [], "keep_names": [], "exclude_accounts": [], "people": [],
    # a choice (checked as one), recorded for open_archive like the privacy options
    "platform": [],
}

#: Commands that make the archive when it is missing (the others refuse a missing archive).
CREATING = ("ingest", "collect mastodon", "collect bluesky")

HUGE = str(10**30)
WORD = "lots"


@dataclass(frozen=True)
class Case:
    """``swchat COMMAND`` with one value replaced: ``param`` (a parameter name) gets ``value``."""

    command: str
    param: str
    value: str
    code: int
    message: str = ""

    def __str__(self) -> str:
        return f"{self.command}-{self.param}={self.value!r}"


def _commands() -> dict[str, click.Command]:
    """Every command by the words that call it ("stats"; a group's subcommands as "optout add")."""
    ctx = click.Context(main)
    found: dict[str, click.Command] = {}
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        if isinstance(command, click.Group):
            found.update({f"{name} {sub}": command.commands[sub] for sub in command.commands})
        else:
            found[name] = command
    return found


def _takes_value(param: click.Parameter) -> bool:
    return not (isinstance(param, click.Option) and (param.is_flag or param.name == "help"))


def _bad_values(name: str, param: click.Parameter) -> list[tuple[str, int, str]]:
    """``(value, exit code, part of the message)`` for each bad value of ``param`` of ``name``."""
    t = param.type
    out: list[tuple[str, int, str]] = [("", 2, ""), ("   ", 2, "")] if not isinstance(t, click.Choice) else [("", 2, "")]
    if isinstance(t, click.Choice):
        out.append(("no-such-choice", 2, "is not one of"))
    elif isinstance(t, click.IntRange):
        out += [(WORD, 2, "is not a valid integer"), ("2.5", 2, "is not a valid integer"), (HUGE, 2, "range"),
                ("nan", 2, "is not a valid integer")]
        if t.min is not None:
            out += [(str(t.min - 1), 2, "range"), (str(t.min - 10**6), 2, "range")]
        if t.max is not None:
            out.append((str(t.max + 1), 2, "range"))
    elif isinstance(t, click.FloatRange):
        out += [(WORD, 2, "is not a valid float"), ("nan", 2, "not a number"), ("inf", 2, ""), ("1e300", 2, ""),
                ("-inf", 2, "")]
        if t.min is not None:
            out += [(str(t.min - 0.5), 2, "range"), ("-1", 2, "range"), ("0", 2, "range")]
    elif isinstance(t, click.Path):
        if t.exists:
            out.append(("{tmp}/missing.jsonl", 2, "does not exist"))
        if not t.dir_okay:
            out.append(("{tmp}", 2, "is a directory"))
        if not t.file_okay:
            out.append(("{tmp}/a-file.txt", 2, "is a file"))
        if isinstance(t, OutputPath):
            suffix = t.suffixes[0] if t.suffixes else ".txt"
            out.append(("{tmp}/a-file.txt/out" + suffix, 1, "is a file, not a folder"))
            if t.suffixes:
                out += [("{tmp}/out.xlsx", 2, "the suffix picks the format"),
                        ("{tmp}/out", 2, "the suffix picks the format")]
        if param.name == "archive_path" and name not in CREATING:
            out.append(("{tmp}/missing.db", 1, "no archive"))
        if param.name == "archive_path" and name in CREATING:
            out.append(("{tmp}/no-such-folder/new.db", 1, "there is no folder"))
    elif param.name in BAD_FORMATS:
        out += [(value, 2, "") for value in BAD_FORMATS[param.name]]
    return out


def generated_cases() -> list[Case]:
    cases = []
    for name, command in _commands().items():
        for param in command.params:
            if _takes_value(param):
                cases += [Case(name, param.name, value, code, message)
                          for value, code, message in _bad_values(name, param)]
    return cases


#: The known traps, each a full invocation: (arguments, exit code, part of the message).
TRAPS: list[tuple[list[str], int, str]] = [
    (["network", "--archive", "{db}", "--size-by", "shoe", "-o", "{tmp}/x.png"], 2, "'shoe' is not one of"),
    (["themes", "--archive", "{db}", "--session", SESSION, "--topics", "500"], 1,
     "cannot find 500 topics in 1"),
    (["themes", "--archive", "{db}", "--session", SESSION, "--topics", "0"], 2, "--topics"),
    (["network", "--archive", "{db}", "--session", SESSION, "--seed", "-1", "-o", "{tmp}/x.png"], 2, "--seed"),
    (["ego", "SWChatHost", "--archive", "{db}", "--seed", str(2**32), "-o", "{tmp}/x.png"], 2, "--seed"),
    (["stats", "--archive", "{db}", "--top", HUGE], 2, "--top"),
    (["sessions", "--archive", "{db}", "--gap", "inf"], 2, "--gap"),
    (["sessions", "--archive", "{db}", "--gap", "nan"], 2, "--gap"),
    (["sessions", "--archive", "{db}", "--hashtag", ""], 2, "--hashtag"),
    (["sessions", "--archive", "{db}", "--hashtag", "NoSuchChat"], 1, "no #NoSuchChat posts"),
    (["questions", "--archive", "{db}", "--session", SESSION, "--tz", ""], 2, "--tz"),
    (["accounts", "--archive", "{db}", "--session", ""], 2, "--session"),
    (["accounts", "--archive", "{db}", "--since", "last week"], 2, "not a date or time"),
    (["threads", "--archive", "{db}", "--session", "SWChat-1999-01-01"], 1, "no session SWChat-1999-01-01"),
    (["threads", "--archive", "{db}", "--session", "SWChat-2026-13-45"], 1, "no session SWChat-2026-13-45"),
    (["growth", "--archive", "{db}", "--hashtag", "SWChat", "--freq", "1s"], 1, "bins: use wider bins"),
    (["community", "--archive", "{db}", "--hashtag", "NoSuchTag"], 1, "no sessions of #NoSuchTag"),
    (["ego", "nobody_at_all", "--archive", "{db}", "-o", "{tmp}/x.gexf"], 1, "no account 'nobody_at_all'"),
    (["ego", "", "--archive", "{db}", "-o", "{tmp}/x.gexf"], 2, "HANDLE"),
    (["report", "--archive", "{db}", "--latest", "-o", "{tmp}/r.html", "--exclude-accounts", "{db}"], 1,
     "is not a text file"),
    (["report", "--archive", "{db}", "--latest", "-o", "{tmp}/a-file.txt/r.html"], 1, "is a file, not a folder"),
    (["report", "--archive", "{db}", "--latest", "-o", "{tmp}/r.pdf"], 2, "the suffix picks the format"),
    (["ingest", "{tmp}/empty-folder", "--archive", "{tmp}/new.db"], 1, "nothing to import"),
    (["ingest", "{sample}", "--archive", "{tmp}/new.db", "--format", "x-v3"], 2, "--format"),
    (["ingest", "{tmp}/a-file.txt", "--archive", "{tmp}/new.db"], 1, "nothing was imported"),
    (["sample", "{tmp}/s", "--sessions", "2", "--posts", "100"], 2, "too few for 2 sessions"),
    (["sample", "{tmp}/s", "--sessions", "1000000"], 2, "--sessions"),
    (["sample", "{tmp}/s", "--posts", HUGE], 2, "--posts"),
    (["sample", "{tmp}/a-file.txt/s", "--sessions", "1"], 1, "cannot write the sample"),
    (["transcript", "--archive", "{db}", "--session", SESSION, "--format", "html"], 2, "--format"),
]


@pytest.fixture(scope="module")
def db(sample_dir, tmp_path_factory):
    """An archive of the v2 sample, made with `swchat ingest`."""
    path = tmp_path_factory.mktemp("error-contract") / "sample.db"
    res = CliRunner().invoke(main, ["ingest", str(sample_dir / "swchat-v2.jsonl"), "--archive", str(path)])
    assert res.exit_code == 0, res.output
    return path


class _Values(dict):
    """The placeholders' values; ``{mastodon}`` and ``{bluesky}``, local stub servers with one
    post, are started only for the tests that use them and stopped after them (a server thread
    left running would keep later tests from forking)."""

    def __init__(self, request: pytest.FixtureRequest, **values: str) -> None:
        super().__init__(values)
        self.request = request

    def __missing__(self, key: str) -> str:
        if key == "mastodon":
            from mastodon_stub import StubServer, status

            server = StubServer([status(1)])
        elif key == "bluesky":
            import bluesky_stub

            server = bluesky_stub.StubServer([bluesky_stub.post(1)])
        else:
            raise KeyError(key)
        self.request.addfinalizer(server.close)
        self[key] = server.url
        return server.url


@pytest.fixture
def fill(db, sample_dir, tmp_path, monkeypatch, request):
    """Fill in {db}, {tmp}, {sample}, {mastodon} and {bluesky}; run in the test's folder, with a
    file and an empty folder in it."""
    (tmp_path / "a-file.txt").write_text("not an export\n")
    (tmp_path / "accounts.txt").write_text("@nobody_here\n")
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SWCHAT_ARCHIVE", raising=False)
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    monkeypatch.delenv("BSKY_HANDLE", raising=False)
    monkeypatch.delenv("BSKY_APP_PASSWORD", raising=False)
    values = _Values(request, db=str(db), tmp=str(tmp_path), sample=str(sample_dir / "swchat-v2.jsonl"))
    return lambda text: text.format_map(values)


def _invocation(case: Case) -> list[str]:
    command = _commands()[case.command]
    param = next(p for p in command.params if p.name == case.param)
    base = BASE[case.command]
    if isinstance(param, click.Argument):
        return [*case.command.split(), case.value, *base[1:]]
    args, skip = [], False
    for token in base:
        if skip:
            skip = False
        elif token in param.opts:
            skip = True
        else:
            args.append(token)
    long = next(o for o in param.opts if o.startswith("--"))
    return [*case.command.split(), *args, f"{long}={case.value}"]  # "--top=-1": a value, not an option


def check(result, code: int, message: str = "") -> str:
    """The contract: the exit code, no traceback, one short line "Error: …" at the end. Returns it."""
    output = result.output
    assert "Traceback" not in output, output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert output.rstrip().splitlines()[-1] == errors[0], output
    assert len(errors[0]) <= 300, errors[0]
    assert message in errors[0], output
    return errors[0]


def test_base_invocations_succeed(fill):
    """Each case changes one value of these, so they must work (and every command needs one)."""
    assert set(BASE) == set(_commands()), "add a valid invocation of the new command to BASE"
    for name, args in BASE.items():
        res = CliRunner().invoke(main, [*name.split(), *(fill(a) for a in args)])
        assert res.exit_code == 0, (name, res.output)


def test_leaving_out_a_required_option_is_a_usage_error(fill):
    """Each required option left out of a valid invocation: exit 2, "Missing option" (click 8.3
    lets a required option with an explicit ``default=None`` through, as if it had been given)."""
    cases = 0
    for name, command in _commands().items():
        for param in command.params:
            if not isinstance(param, click.Option) or not param.required:
                continue
            args, skip = [], False
            for token in BASE[name]:
                if skip:
                    skip = False
                elif token in param.opts:
                    skip = True
                else:
                    args.append(fill(token))
            res = CliRunner().invoke(main, [*name.split(), *args])
            cases += 1
            check(res, 2, "Missing option")
    assert cases >= 8


def test_every_option_taking_a_value_is_checked():
    """No bare STRING/INT/FLOAT: each value has a range, a choice, a path check or a callback."""
    for name, command in _commands().items():
        for param in command.params:
            if not _takes_value(param):
                continue
            t = param.type
            where = f"swchat {name} {param.opts[0]}"
            if param.callback is not None:
                assert param.name in BAD_FORMATS, f"{where}: add bad values for its format to BAD_FORMATS"
                continue
            assert type(t) not in (click.types.StringParamType, click.types.IntParamType,
                                   click.types.FloatParamType), f"{where} takes any {t.name}"
            if isinstance(t, click.Path):
                assert t.exists or isinstance(t, FilePath), f"{where}: an empty name would be the current folder"
            assert isinstance(t, click.Choice | click.IntRange | click.FloatRange | click.Path | NonEmptyText), where


CASES = generated_cases()


def test_the_fuzz_covers_every_command():
    assert {c.command for c in CASES} == set(_commands())
    assert len(CASES) > 300


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_bad_value_is_one_clear_line_and_never_a_traceback(case, fill):
    args = [fill(a) for a in _invocation(case)]
    line = check(CliRunner().invoke(main, args), case.code, fill(case.message))
    if case.code == 2:  # the error names the parameter the bad value was given to
        param = next(p for p in _commands()[case.command].params if p.name == case.param)
        names = param.opts if isinstance(param, click.Option) else [param.name.upper()]
        assert any(n in line for n in names), line


@pytest.mark.parametrize(("args", "code", "message"), TRAPS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_known_traps(args, code, message, fill):
    check(CliRunner().invoke(main, [fill(a) for a in args]), code, message)


def test_choices_are_the_librarys():
    from swchat import network
    from swchat.figures import FORMATS as FIGURES
    from swchat.network import draw, export
    from swchat.report.render import SUFFIXES

    commands = _commands()

    def param(command, name):
        return next(p for p in commands[command].params if p.name == name)

    assert param("network", "size_by").type.choices == draw.SIZE_METRICS
    assert param("network", "output").type.suffixes == export.FORMATS
    assert param("ego", "output").type.suffixes == export.FORMATS
    assert param("report", "output").type.suffixes == SUFFIXES
    assert param("growth", "output").type.suffixes == FIGURES == param("community", "output").type.suffixes
    assert param("accounts", "kind").type.choices == network.KINDS
    assert param("network", "kind").type.choices == (*network.KINDS, "hashtag")
    from swchat.choices import ACCOUNT_SORTS

    assert param("accounts", "sort").type.choices == ACCOUNT_SORTS


def test_every_account_sort_is_a_column_of_the_account_table(sample_archive, truth):
    from swchat.choices import ACCOUNT_SORTS

    chat = sample_archive.session(truth["sessions"][0]["id"], tz=truth["timezone"])
    assert set(ACCOUNT_SORTS) <= set(chat.accounts().columns)


def test_lazy_choices_load_once_and_only_when_used():
    calls = []

    def load():
        calls.append(1)
        return ("a", "b")

    kind = LazyChoice(load)
    assert calls == []
    assert kind.convert("a", None, None) == "a" and kind.choices == ("a", "b") and calls == [1]
    with pytest.raises(click.BadParameter):
        kind.convert("c", None, None)
