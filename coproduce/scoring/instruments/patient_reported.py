"""Instruments of this family. Filled family by family; see instruments/__init__.py."""

from coproduce.scoring.types import InstrumentSpec

INSTRUMENTS: tuple[InstrumentSpec, ...] = ()
