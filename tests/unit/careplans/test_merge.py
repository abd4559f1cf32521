"""Three-way merge of care-plan edits made at the same time."""

import pytest

from coproduce.careplans.merge import FieldConflict, three_way

BASE = {"description": "Walk to the shop", "target_date": "2027-03-01", "status": "active"}


def test_edits_to_different_fields_both_survive():
    theirs = {**BASE, "target_date": "2027-04-01"}
    mine = {**BASE, "description": "Walk to the shop and back"}
    merge = three_way(BASE, theirs, mine)
    assert merge.clean
    assert merge.values == {
        "description": "Walk to the shop and back",
        "target_date": "2027-04-01",
        "status": "active",
    }
    assert merge.taken_from_theirs == ("target_date",)


def test_the_same_change_on_both_sides_is_not_a_conflict():
    same = {**BASE, "status": "achieved"}
    merge = three_way(BASE, same, dict(same))
    assert merge.clean
    assert merge.values["status"] == "achieved"
    assert merge.taken_from_theirs == ()


def test_different_changes_to_one_field_conflict_and_keep_both_texts():
    theirs = {**BASE, "description": "Walk to the park"}
    mine = {**BASE, "description": "Walk to the shop twice a week"}
    merge = three_way(BASE, theirs, mine)
    assert not merge.clean
    assert merge.conflicts == (
        FieldConflict(
            "description", "Walk to the shop", "Walk to the park", "Walk to the shop twice a week"
        ),
    )
    # The value being saved is kept until the person chooses; theirs is in the conflict.
    assert merge.values["description"] == "Walk to the shop twice a week"


def test_nothing_changed_by_me_takes_every_change_of_theirs():
    theirs = {"description": "Cycle", "target_date": None, "status": "stopped"}
    merge = three_way(BASE, theirs, dict(BASE))
    assert merge.clean
    assert merge.values == theirs
    assert set(merge.taken_from_theirs) == {"description", "target_date", "status"}


def test_versions_with_different_fields_are_refused():
    with pytest.raises(ValueError, match="same fields"):
        three_way(BASE, {**BASE, "extra": 1}, BASE)
