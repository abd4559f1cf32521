"""Every instrument the scoring core knows, listed by hand so each is found by name.

To add one: write `instruments/<name>.py` with its InstrumentSpec, import it here and add
it to ALL_INSTRUMENTS, and add golden cases under tests/golden/scoring/.
"""

from coproduce.scoring.instruments.gad import GAD2, GAD7
from coproduce.scoring.instruments.phq import PHQ2, PHQ9

ALL_INSTRUMENTS = (PHQ9, PHQ2, GAD7, GAD2)
