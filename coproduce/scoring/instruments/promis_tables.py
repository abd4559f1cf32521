"""Published raw-score to T-score conversion tables for PROMIS instruments (data only).

Each table maps a raw summed score (4-20 for the four-item scales used here) to the T-score
(mean 50, SD 10 in the PROMIS reference population) printed in the scoring tables. No item
text is kept here: PROMIS item wording is licensed (HealthMeasures terms of use).

Sources:
- Hays RD, Bjorner JB, Revicki DA, Spritzer KL, Cella D. Development of physical and mental
  health summary scores from the Patient-Reported Outcomes Measurement Information System
  (PROMIS) global items. Qual Life Res 2009;18:873-80, raw-score to T-score tables for the
  Global Physical Health and Global Mental Health summary scores; reproduced in the
  HealthMeasures PROMIS Global Health Scoring Manual (Scale v1.2 - Global Health). The GMH
  table also appears in Hays RD, "Steps to produce raw score to theta estimates for Global
  Mental Health items" (UCLA, 22 June 2009).
- HealthMeasures, PROMIS Adult Profile Instruments Scoring Manual, short-form ("4a") scoring
  tables of the PROMIS-29 Profile v2.0/v2.1: Physical Function 4a v2.0, Anxiety 4a v1.0,
  Depression 4a v1.0, Fatigue 4a v1.0, Sleep Disturbance 4a v1.0, Ability to Participate in
  Social Roles and Activities 4a v2.0, Pain Interference 4a v1.0. Values cross-checked
  against two independent transcriptions of the manual tables in public analysis code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FOUR_ITEM_RAW_SCORES = range(4, 21)  # four items scored 1-5: raw sums 4..20


def four_item_table(t_scores: Sequence[float]) -> Mapping[int, float]:
    """The table {raw 4: T, …, raw 20: T} for 17 T-scores listed from raw 4 upwards
    (raises ValueError when the count is wrong)."""
    return dict(zip(FOUR_ITEM_RAW_SCORES, t_scores, strict=True))


# fmt: off
# Hays et al. 2009 / HealthMeasures Global Health scoring manual.
GLOBAL_PHYSICAL_T = four_item_table(
    (16.2, 19.9, 23.5, 26.7, 29.6, 32.4, 34.9, 37.4, 39.8, 42.3, 44.9, 47.7, 50.8, 54.1, 57.7,
     61.9, 67.7)
)
GLOBAL_MENTAL_T = four_item_table(
    (21.2, 25.1, 28.4, 31.3, 33.8, 36.3, 38.8, 41.1, 43.5, 45.8, 48.3, 50.8, 53.3, 56.0, 59.0,
     62.5, 67.6)
)

# HealthMeasures PROMIS Adult Profile scoring manual, PROMIS-29 v2.0/v2.1 4a tables.
PHYSICAL_FUNCTION_T = four_item_table(
    (22.5, 26.6, 28.9, 30.5, 31.9, 33.2, 34.4, 35.6, 36.7, 37.9, 39.2, 40.5, 41.9, 43.5, 45.5,
     48.3, 57.0)
)
ANXIETY_T = four_item_table(
    (40.3, 48.0, 51.2, 53.7, 55.8, 57.7, 59.5, 61.4, 63.4, 65.3, 67.3, 69.3, 71.2, 73.3, 75.4,
     77.9, 81.6)
)
DEPRESSION_T = four_item_table(
    (41.0, 49.0, 51.8, 53.9, 55.7, 57.3, 58.9, 60.5, 62.2, 63.9, 65.7, 67.5, 69.4, 71.2, 73.3,
     75.7, 79.4)
)
FATIGUE_T = four_item_table(
    (33.7, 39.7, 43.1, 46.0, 48.6, 51.0, 53.1, 55.1, 57.0, 58.8, 60.7, 62.7, 64.6, 66.7, 69.0,
     71.6, 75.8)
)
SLEEP_DISTURBANCE_T = four_item_table(
    (32.0, 37.5, 41.1, 43.8, 46.2, 48.4, 50.5, 52.4, 54.3, 56.1, 57.9, 59.8, 61.7, 63.8, 66.0,
     68.8, 73.3)
)
SOCIAL_ROLES_T = four_item_table(
    (27.5, 31.8, 34.0, 35.7, 37.3, 38.8, 40.5, 42.3, 44.2, 46.2, 48.1, 50.0, 51.9, 53.7, 55.8,
     58.3, 64.2)
)
PAIN_INTERFERENCE_T = four_item_table(
    (41.6, 49.6, 52.0, 53.9, 55.6, 57.1, 58.5, 59.9, 61.2, 62.5, 63.8, 65.2, 66.6, 68.0, 69.7,
     71.6, 75.6)
)
# fmt: on
