"""Small-cell protection for tables of counts (pure: no Django).

The rules (docs/adr/0017-quality-measures-rollups-and-suppression.md gives the sources):

1. **Primary suppression.** A count from 1 to T (T = `COPRODUCE_SMALL_CELL_MAX`, default
   10) is never shown. Zero is shown: it singles out no one. A denominator in 1..T hides
   the whole cell (its numerator, rate, mean or median too: NHS Digital shows no mean or
   median of 1-7 values, we use T).
2. **The complement.** A proportion's numerator and rate are hidden when the numerator or
   the complement (denominator − numerator) is in 1..T: "all but 3 patients are in
   remission" names 3 people as surely as "3 patients are not".
3. **Complementary (secondary) suppression.** Cells add up: the strata of one dimension
   to the organisation's "all" cell, units to their region, regions to the network. In
   every such group, for each count (denominator, numerator and complement):
   - when the total is shown and some parts are hidden, at least two hidden parts must be
     positive, else the smallest positive shown part is hidden too (or, when no positive
     part is shown, the total), so that no hidden cell equals the total minus the shown
     parts;
   - when the total is hidden and every part is shown, the smallest positive part is
     hidden (else the total would be their sum).
   This repeats until no group changes (a cell hidden in one group is a part or total
   of others), so hiding spreads across strata and up and down the hierarchy.

Suppression works on one table at a time: one measure and one period, every level and
stratum. It does not protect against differencing between periods or between measures
with the same denominator; rollups are never published outside the product.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10


@dataclass(frozen=True)
class Counts:
    """A cell's counts. `numerator` is None for a mean or median (then `denominator` is
    the number of values)."""

    denominator: int
    numerator: int | None = None


@dataclass(frozen=True)
class Group:
    """Cells that add up: the parts sum to the total (missing parts count as zero)."""

    total: Hashable
    parts: tuple[Hashable, ...]


@dataclass(frozen=True)
class Protected:
    """What may be shown of a cell: a count is None when hidden."""

    denominator: int | None
    numerator: int | None
    denominator_hidden: bool
    numerator_hidden: bool

    @property
    def shown(self) -> bool:
        """Whether the cell's value (rate, mean or median) may be shown."""
        return not self.numerator_hidden and not self.denominator_hidden


def is_small(count: int | None, threshold: int) -> bool:
    return count is not None and 1 <= count <= threshold


def _smallest_positive(keys: Iterable[Hashable], values: Mapping, hidden: set) -> Hashable:
    candidates = [k for k in keys if k not in hidden and values.get(k, 0) > 0]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (values.get(k, 0), repr(k)))


def complete(hidden: set, tables: Sequence[Mapping], groups: Sequence[Group]) -> set:
    """Add complementary suppressions to `hidden` until no group lets a hidden count be
    recovered in any of `tables` (key → count); returns the enlarged set."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for group in groups:
            for values in tables:
                hidden_parts = [p for p in group.parts if p in hidden]
                if group.total in hidden:
                    if hidden_parts:
                        continue
                    partner = _smallest_positive(group.parts, values, hidden)
                else:
                    if not hidden_parts:
                        continue
                    positive = [p for p in hidden_parts if values.get(p, 0) > 0]
                    if len(positive) >= 2:
                        continue
                    partner = _smallest_positive(group.parts, values, hidden)
                    if partner is None:
                        partner = group.total
                if partner is not None and partner not in hidden:
                    hidden.add(partner)
                    changed = True
    return hidden


def suppress(
    cells: Mapping[Hashable, Counts],
    groups: Sequence[Group],
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Hashable, Protected]:
    """Primary and complementary suppression of one table; every cell of `cells` gets a
    Protected with the counts that may be shown."""
    denominators = {k: c.denominator for k, c in cells.items()}
    hidden_denominators = {k for k, c in cells.items() if is_small(c.denominator, threshold)}
    hidden_denominators = complete(hidden_denominators, [denominators], groups)

    proportions = {k: c for k, c in cells.items() if c.numerator is not None}
    numerators = {k: c.numerator for k, c in proportions.items()}
    complements = {k: c.denominator - c.numerator for k, c in proportions.items()}
    hidden_numerators = set(hidden_denominators) | {
        k
        for k in proportions
        if is_small(numerators[k], threshold) or is_small(complements[k], threshold)
    }
    if proportions:
        hidden_numerators = complete(hidden_numerators, [numerators, complements], groups)
    return {
        key: Protected(
            denominator=None if key in hidden_denominators else counts.denominator,
            numerator=(
                None if counts.numerator is None or key in hidden_numerators else counts.numerator
            ),
            denominator_hidden=key in hidden_denominators,
            numerator_hidden=counts.numerator is not None and key in hidden_numerators,
        )
        for key, counts in cells.items()
    }


# --- The groups of a rollup table --------------------------------------------------------


def rollup_groups(
    keys: Iterable[tuple[str, int, str, str]],
    unit_region: Mapping[int, int],
    region_network: Mapping[int, int],
) -> list[Group]:
    """The additive groups of one measure-period table whose keys are (level, org id,
    stratum, stratum value): for each organisation, each stratum dimension sums to its
    "all" cell; for each stratum value, units sum to their region and regions to their
    network."""
    keys = list(keys)
    values_of: dict[str, set[str]] = defaultdict(set)
    for _, _, stratum, value in keys:
        values_of[stratum].add(value)
    strata = {s: tuple(sorted(v)) for s, v in values_of.items() if s != "all"}
    organisations = {(level, org) for level, org, _, _ in keys}
    groups = [
        Group(
            total=(level, org, "all", "all"),
            parts=tuple((level, org, stratum, value) for value in values),
        )
        for level, org in sorted(organisations)
        for stratum, values in sorted(strata.items())
    ]
    units_of: dict[int, list[int]] = defaultdict(list)
    for unit, region in unit_region.items():
        units_of[region].append(unit)
    regions_of: dict[int, list[int]] = defaultdict(list)
    for region, network in region_network.items():
        regions_of[network].append(region)
    pairs = [("all", "all")] + [(s, v) for s, values in sorted(strata.items()) for v in values]
    for stratum, value in pairs:
        for region, units in sorted(units_of.items()):
            groups.append(
                Group(
                    total=("region", region, stratum, value),
                    parts=tuple(("unit", u, stratum, value) for u in sorted(units)),
                )
            )
        for network, regions in sorted(regions_of.items()):
            groups.append(
                Group(
                    total=("network", network, stratum, value),
                    parts=tuple(("region", r, stratum, value) for r in sorted(regions)),
                )
            )
    return groups
