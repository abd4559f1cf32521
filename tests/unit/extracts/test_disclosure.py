"""The k-anonymity rule of registry extracts (coproduce/extracts/disclosure.py)."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.extracts.disclosure import (
    BLANK,
    LAST_STEP,
    QuasiIdentifiers,
    five_year_band,
    generalise,
    protect,
    ten_year_band,
)

K = 11  # threshold 10 + 1


def qi(year="1980", sex="female", unit="u1", ethnicity="", deprivation="", language="en"):
    return QuasiIdentifiers(year, sex, unit, ethnicity, deprivation, language)


def test_bands_cover_the_year():
    assert five_year_band("1982") == "1980-1984"
    assert five_year_band("1985") == "1985-1989"
    assert ten_year_band("1980-1984") == "1980-1989"
    assert ten_year_band("1985-1989") == "1980-1989"
    assert five_year_band(BLANK) == BLANK


def test_generalise_last_step_blanks_every_field():
    full = qi(ethnicity="White British", deprivation="3")
    assert generalise(full, LAST_STEP) == QuasiIdentifiers("", "", "", "", "", "")


def test_generalise_rejects_an_unknown_step():
    with pytest.raises(ValueError, match="step"):
        generalise(qi(), LAST_STEP + 1)


def test_protect_leaves_large_groups_exact():
    counts = {qi("1980"): 20, qi("1990"): 15}
    release = protect(counts, K)
    assert release.released == {qi("1980"): qi("1980"), qi("1990"): qi("1990")}
    assert release.generalised_patients == 0
    assert release.withheld_patients == 0


def test_protect_bands_a_small_birth_year_with_its_neighbours():
    # 1981 (4 patients) and 1983 (8) are small alone; in the band 1980-1984 they are 12.
    counts = {qi("1981"): 4, qi("1983"): 8, qi("1990"): 30}
    release = protect(counts, K)
    assert release.released[qi("1981")] == qi("1980-1984")
    assert release.released[qi("1983")] == qi("1980-1984")
    assert release.released[qi("1990")] == qi("1990")
    assert release.generalised_patients == 12


def test_protect_blanks_a_rare_ethnicity_before_other_fields():
    counts = {qi(ethnicity="A"): 3, qi(ethnicity="B"): 9, qi("1990"): 30}
    release = protect(counts, K)
    # Step 1 (band) gives 3 and 9: still small; step 2 blanks ethnicity: 12 together.
    assert release.released[qi(ethnicity="A")] == qi("1980-1984", ethnicity="")
    assert release.released[qi(ethnicity="B")] == qi("1980-1984", ethnicity="")


def test_protect_withholds_an_extract_smaller_than_k():
    counts = {qi("1980"): 4, qi("1990", sex="male"): 5}
    release = protect(counts, K)
    assert set(release.released.values()) == {None}
    assert release.withheld_patients == 9


def test_protect_rejects_bad_input():
    with pytest.raises(ValueError, match="k must"):
        protect({qi(): 3}, 0)
    with pytest.raises(ValueError, match="negative"):
        protect({qi(): -1}, K)


YEARS = st.integers(min_value=1920, max_value=2025).map(str)
COMBINATION = st.builds(
    QuasiIdentifiers,
    birth_year=YEARS,
    sex=st.sampled_from(["female", "male", "other", "unknown"]),
    unit=st.sampled_from(["u1", "u2", "u3"]),
    ethnicity=st.sampled_from(["", "A", "B", "C"]),
    deprivation=st.sampled_from(["", "1", "2", "3", "4", "5"]),
    language=st.sampled_from(["en", "cy", "pl", "ur"]),
)
COUNTS = st.dictionaries(COMBINATION, st.integers(min_value=0, max_value=40), max_size=60)


@settings(max_examples=300, deadline=None)
@given(counts=COUNTS, k=st.integers(min_value=1, max_value=15))
def test_every_released_combination_is_shared_by_k_patients(counts, k):
    release = protect(counts, k)
    sizes = Counter()
    for combination, out in release.released.items():
        if out is not None:
            sizes[out] += counts[combination]
    assert all(size >= k for size in sizes.values())


@settings(max_examples=300, deadline=None)
@given(counts=COUNTS, k=st.integers(min_value=1, max_value=15))
def test_only_the_fully_blank_group_is_withheld(counts, k):
    release = protect(counts, k)
    withheld = [c for c, out in release.released.items() if out is None]
    for combination in withheld:
        assert release.steps[combination] == LAST_STEP
    assert release.withheld_patients == sum(counts[c] for c in withheld)
    assert release.withheld_patients < k
    assert release.patients == sum(n for n in counts.values() if n > 0)


@settings(max_examples=300, deadline=None)
@given(counts=COUNTS, k=st.integers(min_value=1, max_value=15))
def test_released_values_only_generalise_the_input(counts, k):
    release = protect(counts, k)
    for combination, out in release.released.items():
        if out is None:
            continue
        assert out == generalise(combination, release.steps[combination])
        if counts[combination] >= k:
            assert out == combination  # a large group is never changed
