"""The option-set loader: every built-in file is valid, and a malformed file is refused
with a message naming the file and the field."""

from __future__ import annotations

import re

import pytest

from coproduce.decisions.option_sets import (
    CONTENT_DIR,
    OptionSetError,
    built_in_option_sets,
    option_set_load,
    option_set_parse,
)

FREQUENCY_WORDS = re.compile(
    r"\d+ in \d+|in every \d+|everyone|most|many|some|common|likely|as for", re.I
)

VALID = """
id = "example"
version = "1.0"
title = "Which way?"
programmes = ["kidney-dialysis"]
reviewed_by = "A reviewer"
reviewed_on = 2026-01-31

[[sources]]
id = "guide"
citation = "A guideline"

[[options]]
id = "left"
title = "Go left"
involves = "Turning left."
[[options.benefits]]
text = "Shorter."
frequency = "About 1 in 10 people"
source = "guide"
[[options.harms]]
text = "Steeper."
frequency = "About 1 in 20 people"
source = "guide"

[[options]]
id = "right"
title = "Go right"
involves = "Turning right."
[[options.benefits]]
text = "Flatter."
frequency = "Everyone"
source = "guide"
[[options.harms]]
text = "Longer."
frequency = "Everyone"
source = "guide"
"""


def test_every_built_in_option_set_loads():
    sets = built_in_option_sets()
    assert {"dialysis-type", "rheumatoid-arthritis-next-step", "depression-treatment"} <= set(sets)
    assert len(sets) == len(list(CONTENT_DIR.glob("*.toml")))


@pytest.mark.parametrize("path", sorted(CONTENT_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_built_in_option_set_is_complete(path):
    option_set = option_set_load(path)
    assert option_set.id == path.stem
    assert len(option_set.options) >= 2
    for option in option_set.options:
        assert option.benefits
        assert option.harms
        for effect in (*option.benefits, *option.harms):
            assert FREQUENCY_WORDS.search(effect.frequency), (option.id, effect.frequency)
            assert option_set.citation(effect.source)


def test_a_valid_file_parses_into_options_with_cited_effects():
    option_set = option_set_parse(VALID, name="example.toml")
    assert [o.id for o in option_set.options] == ["left", "right"]
    left = option_set.option("left")
    assert left.benefits[0].frequency == "About 1 in 10 people"
    assert option_set.citation(left.harms[0].source) == "A guideline"
    assert option_set.reviewed_on.isoformat() == "2026-01-31"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('title = "Which way?"', 'title = ""'), "example.toml: 'title' must be a non-empty text"),
        (('id = "example"', 'id = "Not An Id"'), "example.toml: 'id' must be lower-case"),
        (("reviewed_on = 2026-01-31", 'reviewed_on = "soon"'), "'reviewed_on' must be a date"),
        (('programmes = ["kidney-dialysis"]', "programmes = []"), "'programmes' must be a list"),
        (('source = "guide"', 'source = "nowhere"'), "options[1] benefits[1]: 'source'"),
        (('frequency = "About 1 in 20 people"', 'frequency = ""'), "options[1] harms[1]"),
        (('id = "right"', 'id = "left"'), "options[2]: 'id' 'left' is used twice"),
        (('involves = "Turning right."', ""), "options[2]: 'involves'"),
        (("[[sources]]", "[[nothing]]"), "'sources' must list"),
        (('version = "1.0"', "version = ["), "example.toml: not valid TOML"),
    ],
)
def test_a_malformed_file_is_refused_naming_file_and_field(change, message):
    old, new = change
    assert old in VALID
    with pytest.raises(OptionSetError, match=re.escape(message)):
        option_set_parse(VALID.replace(old, new, 1), name="example.toml")


def test_an_option_set_with_one_option_is_refused():
    one = VALID[: VALID.index('[[options]]\nid = "right"')]
    with pytest.raises(OptionSetError, match=r"example.toml: 'options' must list 2 to"):
        option_set_parse(one, name="example.toml")


def test_a_file_whose_id_differs_from_its_name_is_refused(tmp_path):
    path = tmp_path / "other-name.toml"
    path.write_text(VALID, encoding="utf-8")
    with pytest.raises(
        OptionSetError, match=re.escape("other-name.toml: 'id' 'example' must match")
    ):
        option_set_load(path)
