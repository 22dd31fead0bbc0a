"""Shared fixtures: paths to the sample data and the real exports, and ready-made archives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
REALDATA = (ROOT / ".." / "shared" / "realdata").resolve()


def realdata_path(*parts: str) -> Path:
    """A path under ../shared/realdata, skipping the test when the folder is absent."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


@pytest.fixture
def realdata():
    """Function giving paths under ../shared/realdata (skips when absent)."""
    return realdata_path


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed sample data (made by swchat.sample)."""
    if not (SAMPLE / "truth.json").exists():
        pytest.fail("data/sample is missing: run `swchat sample data/sample`")
    return SAMPLE


@pytest.fixture(scope="session")
def truth(sample_dir: Path) -> dict:
    """The generator's ground truth for the sample."""
    return json.loads((sample_dir / "truth.json").read_text())


@pytest.fixture(scope="session")
def sample_archive_path(sample_dir: Path, tmp_path_factory) -> Path:
    """An archive holding the v2 sample, built once per test run (copy it before changing it)."""
    from swchat import Archive

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Archive(path) as archive:
        result = archive.ingest([sample_dir / "swchat-v2.jsonl"])
        assert not result.failed
    return path


@pytest.fixture
def sample_archive(sample_archive_path: Path, tmp_path: Path):
    """A private copy of the sample archive, open."""
    from swchat import Archive

    path = tmp_path / "sample.db"
    shutil.copy(sample_archive_path, path)
    archive = Archive(path)
    yield archive
    archive.close()


@pytest.fixture
def archive(tmp_path: Path):
    """An empty archive in a temporary folder."""
    from swchat import Archive

    archive = Archive(tmp_path / "test.db")
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def sample_session_chats(sample_archive_path: Path, truth: dict):
    """Each truth session's Chat as the archive finds it (sessions and questions detected), by id."""
    from swchat import Archive

    archive = Archive(sample_archive_path)
    chats = {s["id"]: archive.session(s["id"], tz=truth["timezone"]) for s in truth["sessions"]}
    yield chats
    archive.close()
