"""A small import loads no more than it needs (issue 14's startup aim: ``swchat ingest`` of a 2-post
file within 1.5x of ``import swchat.cli``).

Every reader module is imported for format detection, so what a reader needs only for some files
(a ``.gz``, stdin, a pretty-printed document, HTML, spreadsheet times) is imported where it is
used. Each case runs in a child process, which reports the modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

import orjson
import pytest

#: Modules an import of a small X API v2 JSON-lines file must not load.
LAZY = (
    "ijson",          # streaming JSON documents (readers.common, mastodon)
    "decimal",        # loaded by ijson
    "html",           # entities in a text (readers.xcommon, xv2, mastodon): these texts have none
    "html.entities",
    "html.parser",    # Mastodon HTML beyond the plain fast path
    "unicodedata",    # Bluesky tags in a text
    "gzip",           # a .gz input (readers.base)
    "zlib",           # loaded by gzip; its errors are caught only when reading a .gz (readers.base)
    "csv",            # CSV sheets (readers.xcommon's csv_records): an X JSON file needs none
    "bz2",            # loaded by shutil
    "lzma",
    "shutil",         # spooling stdin (readers.base)
    "tempfile",
    "random",         # loaded by tempfile
    "pandas",         # no session to derive in 2 posts (see tests/test_derived_tables.py)
    "numpy",
    "networkx",
    "zoneinfo",       # times without a zone (a sheet's); the CLI's --tz UTC is taken by name
    "hashlib",        # OpenSSL's SHA-256, for a file of 1 MB or more (a small one: Python's own)
    "pkgutil",        # listing every command module: a command loads its own
    # detection imports the reader modules in its order and stops at the first that claims the
    # file: an X v2 file loads none of those after it
    "swchat.readers.mastodon",
    "swchat.readers.bluesky",
    "swchat.readers.sheets",
    "swchat.readers.csv_mapped",
    "swchat.readers.tags",
)

_REPORT = "\nprint('MODULES=' + json.dumps(sorted(set(sys.modules) & set({lazy!r}))))\n"

#: ``swchat ingest`` as the program runs it, but returning (``run`` ends the process at once)
_CLI = ("import json, sys\n"
        "from swchat.cli import main\n"
        "try:\n"
        "    main.main(['ingest', {two!r}, '--archive', {db!r}], prog_name='swchat')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n")

#: the same import through the library
_API = ("import json, sys, swchat\n"
        "with swchat.open({db!r}, create=True) as archive:\n"
        "    result = archive.ingest([{two!r}])\n"
        "f = result.files[0]\n"
        "print(f'{{f.path}}: {{f.format}}: read {{f.read}}, added {{f.added}}')\n")


@pytest.fixture
def two(sample_dir, tmp_path):
    """An X API v2 page of the sample with its first 2 posts (and the whole page's includes)."""
    page = orjson.loads(sample_dir.joinpath("swchat-v2.jsonl").read_bytes().splitlines()[0])
    page["data"] = page["data"][:2]
    path = tmp_path / "two.jsonl"
    path.write_bytes(orjson.dumps(page) + b"\n")
    texts = [t.get("text", "") for t in (*page["data"], *page.get("includes", {}).get("tweets", []))]
    assert not any("&" in t for t in texts), "a text with an entity loads html: take other posts"
    return path


def _loaded(code: str) -> tuple[str, list[str]]:
    """What the child said (on either stream) and the modules of :data:`LAZY` it loaded."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *said, report = run.stdout.strip().splitlines()
    assert report.startswith("MODULES="), run.stdout
    return "\n".join([*said, run.stderr]), json.loads(report.removeprefix("MODULES="))


@pytest.mark.parametrize("how", ["cli", "api"])
def test_a_small_ingest_loads_no_module_it_does_not_need(how, two, tmp_path):
    db = tmp_path / "two.db"
    code = (_CLI if how == "cli" else _API).format(two=str(two), db=str(db)) + _REPORT.format(lazy=LAZY)
    said, loaded = _loaded(code)
    assert "x-v2: read 2, added 2" in said, said
    assert loaded == [], f"{how}: a 2-post ingest loaded {loaded}"


def test_the_mapped_csv_format_is_named_alike_everywhere():
    from swchat import archive
    from swchat.readers import csv_mapped

    assert archive._MAPPED == csv_mapped.NAME


def test_a_small_file_and_a_big_one_are_hashed_as_sha256(tmp_path):
    """A file under 1 MB is hashed with Python's own SHA-256 (hashlib's OpenSSL takes longer to
    load than the hashing): the same digest as hashlib's, as a bigger file gets."""
    import hashlib

    from swchat.readers import base
    from swchat.readers.base import Source

    for size in (0, 10, base._SMALL_DIGEST - 1, base._SMALL_DIGEST, 3 * base._SMALL_DIGEST + 5):
        path = tmp_path / f"f{size}"
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        path.write_bytes(data)
        assert Source.from_arg(path).sha256() == hashlib.sha256(data).hexdigest(), size
