"""Disclosure control for a row-level registry extract (pure: no Django).

Every row carries the patient's quasi-identifiers: birth year, sex, unit, ethnicity,
deprivation quintile and preferred language. Together they can single a person out
("the only woman born in 1931 at the Ridgeway clinic"), so before rows leave the server
every combination must be shared by at least k patients (k-anonymity; Sweeney 2002,
the ICO anonymisation guidance). k = T + 1, T the small-cell threshold
(`COPRODUCE_SMALL_CELL_MAX`, default 10), so no group is a small cell.

The rule (local recoding, one step at a time, docs/adr/0018):

1. Count the patients of each combination.
2. Every combination shared by fewer than k patients goes one step down the ladder
   (`STEPS`), each step generalising or blanking one more field:
   birth year → 5-year band, then ethnicity blanked, then language blanked, then
   deprivation blanked, then birth year → 10-year band, then sex blanked, then unit
   blanked, then birth year blanked (every field blank).
3. Recount the output combinations (a generalised combination can merge with others,
   e.g. every "1980-1984" patient of a unit) and repeat until no output combination
   has fewer than k patients, or only the fully blank combination is left below k.
4. Patients still in a group below k (only possible when the whole extract has fewer
   than k patients left at the last step) are withheld: their rows are not written.

A combination of k or more patients is never changed, so a large unit keeps exact birth
years. Fields that are blank in the data stay blank (unknown is a value like any other).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

BLANK = ""


@dataclass(frozen=True, order=True)
class QuasiIdentifiers:
    """One patient's quasi-identifiers as they appear in the extract (all text)."""

    birth_year: str
    sex: str
    unit: str
    ethnicity: str = BLANK
    deprivation: str = BLANK
    language: str = BLANK


def five_year_band(year: str) -> str:
    return _band(year, 5)


def ten_year_band(year: str) -> str:
    return _band(year, 10)


def _band(year: str, width: int) -> str:
    """'1982' → '1980-1984' (width 5). A band or a blank is turned into the wider band or
    stays blank."""
    if year == BLANK:
        return BLANK
    start = int(year.split("-")[0])
    low = start - start % width
    return f"{low}-{low + width - 1}"


# The ladder: step n applies every change up to n. Names are what the ADR and page say.
STEPS: tuple[str, ...] = (
    "exact",
    "birth year in 5-year bands",
    "ethnicity removed",
    "language removed",
    "deprivation removed",
    "birth year in 10-year bands",
    "sex removed",
    "unit removed",
    "birth year removed",
)
LAST_STEP = len(STEPS) - 1


def generalise(qi: QuasiIdentifiers, step: int) -> QuasiIdentifiers:
    """The combination as released at `step` of the ladder."""
    if not 0 <= step <= LAST_STEP:
        raise ValueError(f"step must be 0..{LAST_STEP}, got {step}")
    out = qi
    if step >= 1:
        out = replace(out, birth_year=five_year_band(out.birth_year))
    if step >= 2:
        out = replace(out, ethnicity=BLANK)
    if step >= 3:
        out = replace(out, language=BLANK)
    if step >= 4:
        out = replace(out, deprivation=BLANK)
    if step >= 5:
        out = replace(out, birth_year=ten_year_band(out.birth_year))
    if step >= 6:
        out = replace(out, sex=BLANK)
    if step >= 7:
        out = replace(out, unit=BLANK)
    if step >= 8:
        out = replace(out, birth_year=BLANK)
    return out


@dataclass(frozen=True)
class Release:
    """What the extract may show for each input combination: the released combination,
    or None when its patients are withheld."""

    k: int
    released: Mapping[QuasiIdentifiers, QuasiIdentifiers | None]
    steps: Mapping[QuasiIdentifiers, int]
    patients: int
    withheld_patients: int
    generalised_patients: int

    def group_sizes(self, counts: Mapping[QuasiIdentifiers, int]) -> dict[QuasiIdentifiers, int]:
        """Patients per released combination (withheld ones left out)."""
        sizes: dict[QuasiIdentifiers, int] = defaultdict(int)
        for qi, out in self.released.items():
            if out is not None:
                sizes[out] += counts[qi]
        return dict(sizes)


def protect(counts: Mapping[QuasiIdentifiers, int], k: int) -> Release:
    """Apply the rule above to `counts` (patients per combination, each patient counted in
    exactly one combination). Every released combination is shared by k or more patients."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if any(n < 0 for n in counts.values()):
        raise ValueError("patient counts cannot be negative")
    steps = {qi: 0 for qi, n in counts.items() if n > 0}
    while True:
        sizes: dict[QuasiIdentifiers, int] = defaultdict(int)
        members: dict[QuasiIdentifiers, list[QuasiIdentifiers]] = defaultdict(list)
        for qi, step in steps.items():
            out = generalise(qi, step)
            sizes[out] += counts[qi]
            members[out].append(qi)
        moved = False
        for out, size in sizes.items():
            if size >= k:
                continue
            for qi in members[out]:
                if steps[qi] < LAST_STEP:
                    steps[qi] += 1
                    moved = True
        if not moved:
            break
    released: dict[QuasiIdentifiers, QuasiIdentifiers | None] = {}
    withheld = generalised = 0
    for qi, step in steps.items():
        out = generalise(qi, step)
        if sizes[out] < k:
            released[qi] = None
            withheld += counts[qi]
        else:
            released[qi] = out
            if step > 0:
                generalised += counts[qi]
    return Release(
        k=k,
        released=released,
        steps=steps,
        patients=sum(counts[qi] for qi in steps),
        withheld_patients=withheld,
        generalised_patients=generalised,
    )
