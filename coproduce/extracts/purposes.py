"""What each extract purpose allows (docs/adr/0018). Data, not branches in the code."""

from __future__ import annotations

from dataclasses import dataclass

from coproduce.access.models import ConsentKind
from coproduce.extracts.models import ExtractPurpose


@dataclass(frozen=True)
class PurposeRule:
    purpose: str
    consent_kind: str
    # True: a patient is in unless they opted out; False: only patients who opted in.
    opt_out: bool
    # Equity fields (ethnicity, deprivation quintile, language) may be included.
    equity_allowed: bool


PURPOSE_RULES = {
    ExtractPurpose.REGISTRY: PurposeRule(
        ExtractPurpose.REGISTRY, ConsentKind.REGISTRY, opt_out=True, equity_allowed=True
    ),
    # Research consent in the product does not mention equity fields, so research files
    # leave them out (data minimisation; UK GDPR art. 5(1)(c)).
    ExtractPurpose.RESEARCH: PurposeRule(
        ExtractPurpose.RESEARCH, ConsentKind.RESEARCH, opt_out=False, equity_allowed=False
    ),
}
