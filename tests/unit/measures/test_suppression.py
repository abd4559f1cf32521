"""Small-cell protection: no count from 1 to T is ever shown, and no hidden count can be
worked out from a total and the shown cells of its group."""

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.measures.suppression import Counts, Group, rollup_groups, suppress

T = 10


def test_a_small_count_and_the_next_smallest_part_are_hidden():
    cells = {
        "all": Counts(60),
        "a": Counts(4),
        "b": Counts(26),
        "c": Counts(30),
    }
    found = suppress(cells, [Group("all", ("a", "b", "c"))], T)
    assert found["a"].denominator is None  # 4 is small
    assert found["b"].denominator is None  # else a = 60 - 26 - 30
    assert found["c"].denominator == 30
    assert found["all"].denominator == 60


def test_zero_is_shown_and_never_chosen_as_the_partner():
    cells = {"all": Counts(25), "a": Counts(5), "b": Counts(0), "c": Counts(20)}
    found = suppress(cells, [Group("all", ("a", "b", "c"))], T)
    assert found["b"].denominator == 0
    assert found["c"].denominator is None


def test_the_total_is_hidden_when_no_other_part_can_be():
    # c is small; a is hidden with it (group x); then in group "all" a is the only
    # positive part, so only hiding the total keeps a from being its total.
    cells = {"all": Counts(15), "a": Counts(15), "b": Counts(0), "x": Counts(19), "c": Counts(4)}
    groups = [Group("all", ("a", "b")), Group("x", ("a", "c"))]
    found = suppress(cells, groups, T)
    assert found["c"].denominator is None
    assert found["a"].denominator is None
    assert found["all"].denominator is None
    assert found["x"].denominator == 19


def test_a_rate_is_hidden_when_all_but_a_few_meet_it():
    found = suppress({"x": Counts(denominator=50, numerator=47)}, [], T)
    assert found["x"].denominator == 50
    assert found["x"].numerator is None
    assert not found["x"].shown


def test_a_small_denominator_hides_the_mean():
    found = suppress({"x": Counts(denominator=7)}, [], T)
    assert found["x"].denominator is None
    assert not found["x"].shown


def test_the_threshold_is_a_parameter():
    assert suppress({"x": Counts(12)}, [], 12)["x"].denominator is None
    assert suppress({"x": Counts(12)}, [], 10)["x"].denominator == 12


def test_rollup_groups_link_strata_units_regions_and_network():
    keys = [
        ("unit", 1, "all", "all"),
        ("unit", 1, "sex", "female"),
        ("unit", 1, "sex", "male"),
        ("region", 7, "all", "all"),
        ("network", 9, "all", "all"),
    ]
    groups = rollup_groups(keys, {1: 7, 2: 7}, {7: 9})
    assert (
        Group(("unit", 1, "all", "all"), (("unit", 1, "sex", "female"), ("unit", 1, "sex", "male")))
        in groups
    )
    assert (
        Group(("region", 7, "all", "all"), (("unit", 1, "all", "all"), ("unit", 2, "all", "all")))
        in groups
    )
    assert Group(("network", 9, "sex", "male"), (("region", 7, "sex", "male"),)) in groups


# --- Properties over random networks ------------------------------------------------------

SEXES = ("female", "male", "unknown")


@st.composite
def networks(draw):
    """A network of 1-3 regions with 1-4 units each, and each unit's counts by sex."""
    regions = draw(st.integers(1, 3))
    unit_region = {}
    unit = 0
    for region in range(regions):
        for _ in range(draw(st.integers(1, 4))):
            unit += 1
            unit_region[unit] = 100 + region
    counts = {}
    for unit in unit_region:
        for sex in SEXES:
            denominator = draw(st.integers(0, 40))
            numerator = draw(st.integers(0, denominator))
            counts[(unit, sex)] = (numerator, denominator)
    return unit_region, counts


def table(unit_region, counts, proportion: bool):
    """Every cell of the table, totals made by adding up, as the rollups are."""
    cells: dict = {}

    def add(key, numerator, denominator):
        old = cells.get(key, (0, 0))
        cells[key] = (old[0] + numerator, old[1] + denominator)

    for (unit, sex), (numerator, denominator) in counts.items():
        region = unit_region[unit]
        for level, org in (("unit", unit), ("region", region), ("network", 1)):
            add((level, org, "sex", sex), numerator, denominator)
            add((level, org, "all", "all"), numerator, denominator)
    return {
        key: Counts(denominator=d, numerator=n if proportion else None)
        for key, (n, d) in cells.items()
    }


def check_group(group, values, hidden):
    """No hidden part equals the shown total minus the shown parts."""
    if group.total in hidden or group.total not in values:
        return
    shown = sum(values.get(p, 0) for p in group.parts if p not in hidden)
    for part in group.parts:
        if part in hidden:
            assert values[part] != values[group.total] - shown, (group, part)


@settings(max_examples=300, deadline=None)
@given(networks(), st.booleans(), st.integers(1, 12))
def test_no_small_count_is_shown_and_no_hidden_count_can_be_recovered(network, proportion, t):
    unit_region, counts = network
    cells = table(unit_region, counts, proportion)
    groups = rollup_groups(cells, unit_region, dict.fromkeys(unit_region.values(), 1))
    found = suppress(cells, groups, t)
    for key, shown in found.items():
        for count in (shown.denominator, shown.numerator):
            assert count is None or not 1 <= count <= t, (key, shown)
        if shown.denominator is not None and shown.numerator is not None:
            assert not 1 <= shown.denominator - shown.numerator <= t
    hidden_denominators = {k for k, p in found.items() if p.denominator_hidden}
    denominators = {k: c.denominator for k, c in cells.items()}
    for group in groups:
        check_group(group, denominators, hidden_denominators)
    if proportion:
        hidden_numerators = {k for k, p in found.items() if p.numerator_hidden}
        numerators = {k: c.numerator for k, c in cells.items()}
        complements = {k: c.denominator - c.numerator for k, c in cells.items()}
        for group in groups:
            check_group(group, numerators, hidden_numerators)
            check_group(group, complements, hidden_numerators)
