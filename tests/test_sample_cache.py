"""The parsed samples saved for the next kernel: the same frames, remade whenever an input changes."""

from __future__ import annotations

import os
import pickle
import shutil

import pandas as pd
import pytest

from svcworkbook.data import loading, sample_cache
from svcworkbook.data.samples import sample_data_dir


class CountingLoader:
    """load_folder, counting how often the samples were really read."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, folder):
        self.calls += 1
        return loading.load_folder(folder, datasets=("staff", "complaints"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache folder for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(sample_cache.CACHE_VARIABLE, str(folder))
    return folder


@pytest.fixture
def samples(tmp_path):
    """A copy of the bundled samples that a test may change."""
    return shutil.copytree(sample_data_dir(), tmp_path / "data")


def test_the_second_kernel_gets_the_same_frames_without_reading_the_files(cache, samples):
    load = CountingLoader()
    first = sample_cache.load_cached(samples, load)
    second = sample_cache.load_cached(samples, load)
    assert load.calls == 1
    fresh = loading.load_folder(samples, datasets=("staff", "complaints"))
    for name, frame in fresh.items():
        pd.testing.assert_frame_equal(second[name], frame, check_exact=True)
        pd.testing.assert_frame_equal(first[name], frame, check_exact=True)
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def test_a_changed_sample_file_is_read_again(cache, samples):
    load = CountingLoader()
    sample_cache.load_cached(samples, load)
    staff = samples / "staff.csv"
    lines = staff.read_text().splitlines(keepends=True)
    staff.write_text("".join(lines[:-1]))  # one agent fewer
    changed = sample_cache.load_cached(samples, load)
    assert load.calls == 2
    assert len(changed["staff"]) == len(lines) - 2  # header and the dropped row
    assert len(list(cache.glob("samples-*.pickle"))) == 2


def test_the_key_changes_with_the_library_versions(samples, monkeypatch):
    before = sample_cache.inputs_key(samples)
    monkeypatch.setattr(pd, "__version__", "0.0.0-other")
    assert sample_cache.inputs_key(samples) != before


def test_a_folder_others_can_write_to_is_not_trusted(cache, samples):
    cache.mkdir(mode=0o700)
    planted = cache / f"samples-{sample_cache.inputs_key(samples)}.pickle"
    planted.write_bytes(pickle.dumps({"staff": "planted by someone else"}))
    os.chmod(cache, 0o777)
    load = CountingLoader()
    loaded = sample_cache.load_cached(samples, load)
    assert load.calls == 1 and isinstance(loaded["staff"], pd.DataFrame)


def test_a_damaged_saved_copy_means_loading_as_before(cache, samples):
    load = CountingLoader()
    sample_cache.load_cached(samples, load)
    (saved,) = cache.glob("samples-*.pickle")
    saved.write_bytes(saved.read_bytes()[:100])
    loaded = sample_cache.load_cached(samples, load)
    assert load.calls == 2 and len(loaded["staff"]) > 0


def test_switched_off_it_always_loads(samples, monkeypatch, tmp_path):
    monkeypatch.setenv(sample_cache.CACHE_VARIABLE, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load = CountingLoader()
    sample_cache.load_cached(samples, load)
    sample_cache.load_cached(samples, load)
    assert load.calls == 2 and not (tmp_path / "xdg").exists()
