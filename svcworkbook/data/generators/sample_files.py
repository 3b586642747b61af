"""Writing the bundled sample datasets (data/*.csv) from the default seed and scenario."""

from __future__ import annotations

from pathlib import Path

from svcworkbook.data.generators.operation import generate_all
from svcworkbook.data.samples import SAMPLE_SEED, sample_data_dir


def write_samples(out_dir=None) -> list[Path]:
    """Write data/<dataset>.csv for seed 2026, baseline (ISO timestamps); return the paths."""
    if out_dir is None:
        out_dir = sample_data_dir()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate_all(seed=SAMPLE_SEED, scenario="baseline").items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")
        written.append(path)
    return written
