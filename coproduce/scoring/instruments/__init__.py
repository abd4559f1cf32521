"""Every instrument the scoring core knows, listed by hand so each is found by name.

Each family module exports INSTRUMENTS. To add an instrument: give it an InstrumentSpec in
its family module, add it to that module's INSTRUMENTS, and add golden cases under
tests/golden/scoring/<code>.json with their published sources.
"""

from coproduce.scoring.instruments import (
    eq5d,
    ibd,
    patient_reported,
    promis,
    rheumatology,
    spirometry,
)
from coproduce.scoring.instruments.gad import GAD2, GAD7
from coproduce.scoring.instruments.phq import PHQ2, PHQ9

ALL_INSTRUMENTS = (
    PHQ9,
    PHQ2,
    GAD7,
    GAD2,
    *rheumatology.INSTRUMENTS,
    *ibd.INSTRUMENTS,
    *spirometry.INSTRUMENTS,
    *eq5d.INSTRUMENTS,
    *promis.INSTRUMENTS,
    *patient_reported.INSTRUMENTS,
)
