"""Spirometry against the GLI-2012 reference equations (FEV1, FVC, FEV1/FVC).

Sources:
- Quanjer PH, Stanojevic S, Cole TJ et al.; ERS Global Lung Function Initiative. Multi-ethnic
  reference values for spirometry for the 3-95-yr age range: the global lung function 2012
  equations. Eur Respir J 2012;40:1324-43 (LMS method; coefficients in table 2; spline look-up
  tables in 0.25-year age steps in the online supplement, interpolated linearly between steps).
- Severity bands by z-score: Stanojevic S, Kaminsky DA, Miller MR et al. ERS/ATS technical
  standard on interpretive strategies for routine lung function tests. Eur Respir J
  2022;60:2101499 (z ≥ -1.645 within normal limits; -1.65 to -2.5 mild; -2.51 to -4 moderate;
  below -4 severe).

The tables live in `spirometry_gli2012_tables.py` (data only, with their provenance).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from coproduce.scoring.instruments.common import describe_scores, options
from coproduce.scoring.instruments.spirometry_gli2012_tables import (
    COEFFICIENTS,
    SPLINE_AGE_FIRST,
    SPLINE_AGE_LAST,
    SPLINE_AGE_STEP,
    SPLINES,
)
from coproduce.scoring.types import InstrumentSpec, ItemSpec, MissingData, ScoreResult, ScoreSpec

LLN_Z = -1.645  # 5th centile of the standard normal: the GLI lower limit of normal (Quanjer 2012)
SEVERITY_BANDS = (  # FEV1 z-score lower bounds, Stanojevic 2022 ERS/ATS interpretive standard
    (LLN_Z, "normal"),
    (-2.5, "mild"),
    (-4.0, "moderate"),
)
SEVERE = "severe"  # FEV1 z-score below -4 (Stanojevic 2022)

SEX_CODES = {1: "male", 2: "female"}
# Ethnic group code → the indicator column of table 2 (Caucasian is the reference group).
ETHNIC_GROUPS = {
    1: None,  # Caucasian
    2: ("a3", "p2"),  # African-American
    3: ("a4", "p3"),  # North East Asian
    4: ("a5", "p4"),  # South East Asian
    5: ("a6", "p5"),  # Other/mixed
}
MEASURES = ("fev1", "fvc", "fev1-fvc")
# What each measure is called and its unit: litres, except the ratio (a fraction).
MEASURE_TITLES = {"fev1": "FEV1", "fvc": "FVC", "fev1-fvc": "FEV1/FVC"}
MEASURE_UNITS = {"fev1": "L", "fvc": "L", "fev1-fvc": "{ratio}"}
# The FEV1 z-score severity bands as ScoreSpec lower bounds; severe has no lower limit.
FEV1_Z_BANDS = ((-math.inf, SEVERE), *reversed(SEVERITY_BANDS))


@dataclass(frozen=True)
class Lms:
    """The GLI LMS triplet for one measure and one person: skewness L, median M, spread S."""

    lam: float
    median: float
    spread: float

    def z_score(self, measured: float) -> float:
        """z = ((measured/M)^L - 1) / (L·S)  (Cole's LMS method, Quanjer 2012)."""
        return ((measured / self.median) ** self.lam - 1) / (self.lam * self.spread)

    def centile(self, z: float) -> float:
        """The value at z: M·(1 + L·S·z)^(1/L)."""
        return self.median * (1 + self.lam * self.spread * z) ** (1 / self.lam)

    def lower_limit_of_normal(self) -> float:
        """The 5th centile, M·(1 − 1.645·L·S)^(1/L)."""
        return self.centile(LLN_Z)


def spline_values(measure: str, sex: str, age: float) -> tuple[float, float, float]:
    """The L, M and S spline terms at `age`, linearly interpolated between the 0.25-year rows
    of the GLI look-up table (Quanjer 2012 online supplement)."""
    columns = SPLINES[(measure, sex)]
    last = round((SPLINE_AGE_LAST - SPLINE_AGE_FIRST) / SPLINE_AGE_STEP)
    position = (age - SPLINE_AGE_FIRST) / SPLINE_AGE_STEP
    lower = min(math.floor(position), last - 1)
    fraction = position - lower

    def interpolate(column: tuple[float, ...]) -> float:
        return column[lower] + fraction * (column[lower + 1] - column[lower])

    return interpolate(columns["L"]), interpolate(columns["M"]), interpolate(columns["S"])


def gli_lms(measure: str, sex: str, age: float, height_cm: float, ethnicity: int) -> Lms:
    """L, M and S of `measure` ('fev1', 'fvc' or 'fev1-fvc') for one person (Quanjer 2012):
    M = exp(a0 + a1·ln height + a2·ln age + a_group + Mspline),
    S = exp(p0 + p1·ln age + p_group + Sspline), L = q0 + q1·ln age + Lspline."""
    c = COEFFICIENTS[(measure, sex)]
    l_spline, m_spline, s_spline = spline_values(measure, sex, age)
    group = ETHNIC_GROUPS[ethnicity]
    m_group, s_group = (c[group[0]], c[group[1]]) if group else (0.0, 0.0)
    ln_age = math.log(age)
    median = math.exp(c["a0"] + c["a1"] * math.log(height_cm) + c["a2"] * ln_age + m_group)
    median *= math.exp(m_spline)
    spread = math.exp(c["p0"] + c["p1"] * ln_age + s_group + s_spline)
    lam = c["q0"] + c["q1"] * ln_age + l_spline
    return Lms(lam=lam, median=median, spread=spread)


def measure_scores(measure: str, lms: Lms, measured: float | None) -> dict[str, float | None]:
    """Predicted, LLN, and (when measured) z-score and % predicted for one measure."""
    scores: dict[str, float | None] = {
        f"{measure}-predicted": lms.median,
        f"{measure}-lln": lms.lower_limit_of_normal(),
        f"{measure}-z": None,
        f"{measure}-percent-predicted": None,
    }
    if measured is not None:
        scores[f"{measure}-z"] = lms.z_score(measured)
        scores[f"{measure}-percent-predicted"] = 100 * measured / lms.median
    return scores


def severity_band(z: float | None) -> str | None:
    """Severity of the FEV1 z-score (Stanojevic 2022): normal, mild, moderate or severe."""
    if z is None:
        return None
    for lower, name in SEVERITY_BANDS:
        if z >= lower:
            return name
    return SEVERE


def measured_values(answers: Mapping[str, float]) -> dict[str, float | None]:
    """FEV1 and FVC as given, and the FEV1/FVC ratio when both are."""
    fev1, fvc = answers.get("fev1"), answers.get("fvc")
    ratio = fev1 / fvc if fev1 is not None and fvc is not None else None
    return {"fev1": fev1, "fvc": fvc, "fev1-fvc": ratio}


def missing_data(answers: Mapping[str, float]) -> MissingData:
    """'not-scored' without FEV1 (the total); otherwise 'complete', listing FVC if absent."""
    absent = tuple(item for item in ("fev1", "fvc") if item not in answers)
    if "fev1" not in answers:
        return MissingData("not-scored", absent, "FEV1 not measured: no total or z-scores")
    if absent:
        return MissingData("complete", absent, "FVC not measured: no FVC or FEV1/FVC z-scores")
    return MissingData()


def score_gli2012(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    sex = SEX_CODES[int(answers["sex"])]
    age, height, ethnicity = answers["age"], answers["height"], int(answers["ethnicity"])
    measured = measured_values(answers)
    scores: dict[str, float | None] = {}
    flags: list[str] = []
    for measure in MEASURES:
        lms = gli_lms(measure, sex, age, height, ethnicity)
        scores.update(measure_scores(measure, lms, measured[measure]))
        z = scores[f"{measure}-z"]
        if z is not None and z < LLN_Z:
            flags.append(f"{measure}-below-lln")
    total = scores["fev1-percent-predicted"]
    band = severity_band(scores["fev1-z"])
    return spec.result(
        total, scores=scores, band=band, flags=tuple(flags), missing=missing_data(answers)
    )


def measure_score_specs(measure: str) -> tuple[ScoreSpec, ...]:
    """Predicted, LLN, z-score and % predicted of one measure. Predicted values and limits
    are positive; z-scores and % predicted have no fixed upper limit."""
    title, unit = MEASURE_TITLES[measure], MEASURE_UNITS[measure]
    is_fev1 = measure == "fev1"
    return (
        ScoreSpec(f"{measure}-predicted", f"{title} predicted", 0, None, unit, 2, higher_is=""),
        ScoreSpec(
            f"{measure}-lln", f"{title} lower limit of normal", 0, None, unit, 2, higher_is=""
        ),
        ScoreSpec(
            f"{measure}-z",
            f"{title} z-score",
            unit="{z-score}",
            decimals=2,
            higher_is="better",
            bands=FEV1_Z_BANDS if is_fev1 else (),
        ),
        ScoreSpec(
            f"{measure}-percent-predicted",
            f"{title} % predicted",
            minimum=0,
            unit="%",
            code="coproduce:fev1-percent-predicted" if is_fev1 else "",
            primary=is_fev1,
            higher_is="better",
        ),
    )


GLI2012_SCORES = tuple(spec for measure in MEASURES for spec in measure_score_specs(measure))

GLI2012 = InstrumentSpec(
    code="gli-2012",
    version="2012",
    title="Spirometry z-scores and % predicted, GLI-2012 reference equations",
    url="http://coproduce.org/fhir/Questionnaire/gli-2012",
    items=(
        ItemSpec(id="sex", text="Sex", values=options("male", "female", start=1)),
        ItemSpec(id="age", text="Age", minimum=3, maximum=95, unit="years"),
        ItemSpec(id="height", text="Height", minimum=50, maximum=250, unit="cm"),
        ItemSpec(
            id="ethnicity",
            text="GLI ethnic group",
            values=options(
                "Caucasian",
                "African-American",
                "North East Asian",
                "South East Asian",
                "Other/mixed",
                start=1,
            ),
        ),
        ItemSpec(
            id="fev1", text="Measured FEV1", minimum=0.01, maximum=10, required=False, unit="L"
        ),
        ItemSpec(id="fvc", text="Measured FVC", minimum=0.01, maximum=12, required=False, unit="L"),
    ),
    licence="Equations and look-up tables published openly by the ERS Global Lung Function "
    "Initiative (Quanjer 2012) for use in spirometry software; no item text.",
    source="Quanjer PH, Stanojevic S, Cole TJ et al. Multi-ethnic reference values for "
    "spirometry for the 3-95-yr age range: the global lung function 2012 equations. Eur Respir "
    "J 2012;40:1324-43, doi:10.1183/09031936.00080312; severity bands: Stanojevic S et al. "
    "ERS/ATS technical standard on interpretive strategies for routine lung function tests. "
    "Eur Respir J 2022;60:2101499.",
    scorer=score_gli2012,
    notes="Items: sex (1=male, 2=female); age in decimal years, 3-95; height in cm; ethnicity "
    "(GLI group: 1=Caucasian, 2=African-American, 3=North East Asian, 4=South East Asian, "
    "5=Other/mixed); fev1 and fvc: measured litres (BTPS), optional. Scores, for fev1, fvc and "
    "fev1-fvc (ratio as a fraction, e.g. 0.78, measured = fev1/fvc): <m>-predicted (M), <m>-lln "
    "(5th centile, M·(1-1.645·L·S)^(1/L)), <m>-z (((measured/M)^L-1)/(L·S)) and "
    "<m>-percent-predicted (100·measured/M); z and % predicted are None when not measured. "
    "Spline terms are linearly interpolated between the 0.25-year rows of the GLI table; the "
    "ln(age) terms use the exact age. Total: FEV1 % predicted (None without fev1; missing "
    "method 'not-scored'). Band, by FEV1 z-score (Stanojevic 2022): normal (z ≥ -1.645), mild "
    "(-2.5 ≤ z < -1.645), moderate (-4 ≤ z < -2.5), severe (z < -4); None without fev1. Flags: "
    "fev1-below-lln, fvc-below-lln, fev1-fvc-below-lln when that z-score is below -1.645. "
    "Without fvc, missing method stays 'complete' with fvc listed and FVC/ratio z None. "
    + describe_scores(GLI2012_SCORES),
    scores=GLI2012_SCORES,
)

INSTRUMENTS: tuple[InstrumentSpec, ...] = (GLI2012,)
