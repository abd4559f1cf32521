"""[[schedule]] tables in programme files: validated with file:line errors, and stored with
the programme so enrolments get their schedules."""

from __future__ import annotations

import shutil

import pytest

from coproduce.core.datafiles import DataFileError
from coproduce.programmes.definition import built_in_programme_paths, parse_programme


def copy_of(tmp_path, code: str):
    source = next(p for p in built_in_programme_paths() if p.stem == code)
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target


def test_built_in_programmes_schedule_only_their_own_instruments():
    for path in built_in_programme_paths():
        definition = parse_programme(path)
        listed = {i.code for i in definition.instruments}
        assert {s.instrument for s in definition.schedules} <= listed
    kidney = parse_programme(next(p for p in built_in_programme_paths() if "kidney" in p.stem))
    assert {(s.instrument, s.every) for s in kidney.schedules} == {
        ("phq-9", "monthly"),
        ("eq-5d-5l", "before-visit"),
        ("visit-experience", "after-visit"),
    }
    assert kidney.as_json()["schedules"][1]["days_before"] == 3


def test_bad_schedules_are_reported_with_file_and_line(tmp_path):
    path = copy_of(tmp_path, "hypertension")
    text = path.read_text()
    path.write_text(
        text
        + '\n[[schedule]]\ninstrument = "phq-9"\nevery = "fortnightly"\n'
        + 'due_time = "9am"\nclose_days = 0\nweekday = "funday"\ncolour = "red"\n'
    )
    with pytest.raises(DataFileError) as caught:
        parse_programme(path)
    lines = text.count("\n") + 2  # the [[schedule]] header line
    messages = str(caught.value)
    assert (
        f"{path}:{lines + 1}: schedule 2: instrument 'phq-9' is not in this programme" in messages
    )
    assert f"{path}:{lines + 2}: schedule 2: every must be one of" in messages
    assert f"{path}:{lines + 3}: schedule 2: due_time must be" in messages
    assert f"{path}:{lines + 4}: schedule 2: close_days must be a whole number from 1" in messages
    assert f"{path}:{lines + 5}: schedule 2: weekday must be a day name" in messages
    assert f"{path}:{lines + 6}: schedule 2: unknown key 'colour'" in messages


def test_the_same_instrument_twice_at_the_same_rhythm_is_refused(tmp_path):
    path = copy_of(tmp_path, "hypertension")
    path.write_text(
        path.read_text()
        + '\n[[schedule]]\ninstrument = "visit-experience"\nevery = "after-visit"\n'
    )
    with pytest.raises(DataFileError, match="visit-experience is already scheduled after-visit"):
        parse_programme(path)
