"""The experimental "best box" and "cut box" runs rules of qicharts2 (`method = "bestbox"`
or `"cutbox"`), for 10 to 100 useful observations.

Anhøj J, Wentzel-Larsen T (2020), as tabulated in qicharts2's `crsignal()`: for each n, a
box of crossings (at least `cb`) and longest run (at most `lb`) within which the variation
counts as random; "cut box" also accepts two border cells (`cbord`, `lbord`). Outside
10..100 the Anhøj rules apply. Only the signal changes: the reported limits stay Anhøj's.
"""

from __future__ import annotations

from typing import NamedTuple

FIRST_N = 10
LAST_N = 100


class Box(NamedTuple):
    cb: int
    lb: int
    cbord: int | None
    lbord: int | None


# Seven rows of 13: n = 10..22, 23..35, 36..48, 49..61, 62..74, 75..87, 88..100.
_CB = (
    *(2, 3, 3, 3, 3, 4, 5, 5, 5, 5, 6, 7, 6),
    *(6, 6, 6, 9, 9, 9, 10, 11, 11, 11, 11, 11, 12),
    *(13, 14, 13, 15, 15, 15, 14, 14, 17, 17, 17, 17, 19),
    *(19, 19, 19, 19, 21, 21, 21, 21, 23, 23, 23, 23, 23),
    *(25, 25, 26, 26, 27, 27, 27, 28, 29, 29, 29, 30, 30),
    *(31, 31, 31, 32, 33, 33, 33, 34, 33, 35, 35, 35, 35),
    *(37, 37, 38, 37, 39, 39, 39, 39, 39, 41, 41, 42, 41),
)
_LB = (
    *(6, 7, 6, 6, 6, 7, 8, 7, 7, 7, 7, 8, 7),
    *(7, 7, 7, 9, 8, 8, 8, 10, 9, 8, 8, 8, 8),
    *(9, 10, 8, 11, 9, 9, 8, 8, 10, 9, 9, 9, 12),
    *(10, 9, 9, 9, 11, 10, 9, 9, 12, 10, 10, 9, 9),
    *(11, 10, 11, 10, 12, 10, 10, 11, 14, 11, 10, 11, 10),
    *(12, 11, 10, 11, 13, 11, 10, 11, 10, 11, 11, 10, 10),
    *(12, 11, 12, 10, 13, 11, 11, 10, 10, 12, 11, 12, 10),
)
_ = None
_CBORD = (
    *(3, 4, _, _, _, 6, 6, _, 6, 6, _, _, 7),
    *(7, 7, _, 10, 10, 11, _, 12, 14, _, 12, 13, _),
    *(15, _, _, _, _, 17, _, _, _, _, 19, 20, 20),
    *(21, _, 21, 21, 23, 23, _, 23, 25, 24, 26, _, 24),
    *(27, 27, 27, 27, 29, _, 29, 29, 30, 31, 30, 31, _),
    *(32, 34, 33, 33, 37, 35, _, 36, 36, _, 38, 36, 38),
    *(38, 39, _, 39, 41, 40, 42, _, 41, 42, 44, 43, 42),
)
_LBORD = (
    *(5, 6, _, _, _, 6, 7, _, 6, 5, _, _, 6),
    *(6, 6, _, 7, 7, 7, _, 9, 8, _, 7, 7, _),
    *(8, _, _, _, _, 8, _, _, _, _, 8, 7, 11),
    *(9, _, 8, 7, 9, 8, _, 8, 11, 9, 8, _, 8),
    *(9, 9, 10, 9, 10, _, 8, 8, 13, 9, 9, 10, _),
    *(9, 8, 9, 8, 11, 9, _, 10, 7, _, 8, 9, 8),
    *(10, 9, _, 9, 12, 10, 8, _, 8, 9, 9, 10, 9),
)
BOXES = {
    n: Box(cb, lb, cbord, lbord)
    for n, cb, lb, cbord, lbord in zip(
        range(FIRST_N, LAST_N + 1), _CB, _LB, _CBORD, _LBORD, strict=True
    )
}


def box_signal(method: str, n_useful: int, crossings: int, longest: int) -> bool:
    """The runs signal under "bestbox" or "cutbox" for 10 <= n_useful <= 100."""
    box = BOXES[n_useful]
    inside = crossings >= box.cb and longest <= box.lb
    if method == "bestbox" or box.cbord is None or box.lbord is None:
        return not inside
    return not (
        (crossings >= box.cb + 1 and longest <= box.lb - 1)
        or (crossings == box.cb and longest <= box.lbord)
        or (crossings >= box.cbord and longest <= box.lb)
    )
