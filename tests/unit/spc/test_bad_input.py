"""qic() rejects inconsistent input with an SpcInputError naming the argument and reason."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.spc import SpcInputError, qic


@pytest.mark.parametrize(
    ("kwargs", "argument", "reason"),
    [
        ({"y": [1, 2, 3], "n": [10, 10]}, "n", "has 2 values but y has 3"),
        ({"y": [1, 2], "n": [10, -1]}, "n", "denominators cannot be negative (item 2)"),
        ({"y": [1, 2], "x": [1, 2, 3]}, "x", "has 3 values but y has 2"),
        ({"y": [1, 2], "chart": "xmr"}, "chart", "unknown value 'xmr'"),
        ({"y": [1, 2], "agg_fun": "max"}, "agg_fun", "unknown value 'max'"),
        ({"y": [1, 2], "method": "box"}, "method", "unknown value 'box'"),
        ({"y": [1, 2], "part": [-1]}, "part", "positions count from 1; -1 is negative"),
        ({"y": [1, 2], "part": [1.5]}, "part", "1.5 is not a position"),
        ({"y": [1, 2], "part": ["a"]}, "part", "has 1 labels but y has 2"),
        ({"y": [1, 2], "freeze": -3}, "freeze", "-3 is negative"),
        ({"y": [1, 2], "exclude": ["2"]}, "exclude", "'2' is not a position"),
        ({"y": [1, "two"]}, "y", "item 2 is 'two', not a number"),
        ({"y": "12"}, "y", "expected a list of values"),
        ({"y": []}, "y", "is empty"),
        ({"y": [1, 2], "x": [1, "b"]}, "x", "mixes kinds of values"),
        ({"y": [1, 2], "x": [None, None]}, "x", "every x is missing"),
        ({"y": [1, 2], "x": [1, 2], "x_period": "month"}, "x_period", "needs x to be dates"),
        ({"y": [1], "x": [dt.date(2026, 1, 1)], "x_period": "fortnight"}, "x_period", "unknown"),
        ({"y": [1, 2], "cl": [1, 2, 3]}, "cl", "has 3 values but y has 2"),
        ({"y": [1, 2], "target": "high"}, "target", "'high', not a number"),
        ({"y": [1, 2], "multiply": float("inf")}, "multiply", "must be a finite number"),
        ({"y": [1, 2], "notes": [1, 2]}, "notes", "item 1 is 1, not text"),
        ({"y": [1, 2], "facets": ["a"]}, "facets", "has 1 labels but y has 2"),
        ({"y": [1, 2], "facets": ["a", 1]}, "facets", "mixes text and numbers"),
        ({"y": [1, 2], "freeze": [1, 2]}, "freeze", "give one position"),
        ({"y": [3, 0, 2], "chart": "t"}, "y", "time between events must be greater than zero"),
    ],
)
def test_qic_bad_input_names_argument_and_reason(kwargs, argument, reason):
    with pytest.raises(SpcInputError) as caught:
        qic(**kwargs)
    assert caught.value.argument == argument
    assert reason in str(caught.value)


def test_qic_bad_input_mixed_aware_and_naive_datetimes_is_rejected():
    x = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2)]
    with pytest.raises(SpcInputError, match="time zone"):
        qic([1, 2], x=x)


def test_qic_bad_input_error_is_a_value_error():
    assert issubclass(SpcInputError, ValueError)
