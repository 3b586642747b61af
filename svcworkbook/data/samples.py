"""Where the bundled sample data lives and the seed it was generated with."""

from __future__ import annotations

from pathlib import Path

#: The repository (svcworkbook/data/samples.py is three levels below it).
ROOT = Path(__file__).resolve().parents[2]

#: The seed the bundled samples in data/ were generated with.
SAMPLE_SEED = 2026


def sample_data_dir() -> Path:
    """The bundled sample data: the repository's top-level data/ folder."""
    return ROOT / "data"
