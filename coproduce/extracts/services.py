"""The one write path of registry extracts (docs/adr/0018).

`registry_extract_request` records what a QI lead asked for and why, with its audit event,
and enqueues the build on commit. `registry_extract_build` (run by the worker) streams the
rows into a file, then records the counts and the file's SHA-256 on the extract and in an
audit event, in one transaction. `registry_extract_download_record` audits a download."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.extracts import selectors
from coproduce.extracts.disclosure import BLANK, QuasiIdentifiers, Release, protect
from coproduce.extracts.models import ExtractPurpose, ExtractStatus, RegistryExtract
from coproduce.extracts.pseudonyms import pseudonym, purpose_key
from coproduce.extracts.purposes import PURPOSE_RULES
from coproduce.measures.suppression import Counts, Group, suppress
from coproduce.network.models import Unit
from coproduce.programmes.models import Programme

logger = logging.getLogger(__name__)

REASON_LIMIT = 1000
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COLUMNS = (
    "pseudonym",
    "birth_year",
    "sex",
    "unit",
    "ethnicity",
    "deprivation_quintile",
    "language",
    "programme",
    "code",
    "value",
    "value_unit",
    "month",
)
WRITE_EVERY = 1_000  # rows per write to the file


def small_cell_max() -> int:
    return int(getattr(settings, "COPRODUCE_SMALL_CELL_MAX", 10))


def extracts_dir() -> Path:
    return Path(settings.COPRODUCE_EXTRACTS_DIR)


def pseudonym_secret() -> bytes:
    return settings.COPRODUCE_PSEUDONYM_KEY.encode()


# --- Asking for an extract ------------------------------------------------------------------


def checked_month(value: str, field: str) -> str:
    value = (value or "").strip()
    if not MONTH.match(value):
        raise ValidationError({field: _("Enter a month as year and month, like 2026-03.")})
    return value


def registry_extract_request(
    *,
    actor: User,
    purpose: str,
    programme_codes: Sequence[str],
    unit_ids: Sequence[int],
    first_month: str,
    last_month: str,
    reason: str,
    include_equity: bool = False,
) -> RegistryExtract:
    """Record an extract request and enqueue its build. Raises PermissionDenied for anyone
    but a QI lead, and ValidationError (keyed by field) for a bad request."""
    network = selectors.checked_maker(actor)
    errors: dict[str, str] = {}
    if purpose not in PURPOSE_RULES:
        errors["purpose"] = _("Choose what the extract is for.")
    known_programmes = set(Programme.objects.values_list("code", flat=True))
    programme_codes = sorted(set(programme_codes))
    if not programme_codes or not set(programme_codes) <= known_programmes:
        errors["programmes"] = _("Choose at least one programme from the list.")
    unit_ids = sorted({int(u) for u in unit_ids})
    own_units = set(
        Unit.objects.filter(region__network=network, pk__in=unit_ids).values_list("pk", flat=True)
    )
    if not unit_ids:
        errors["units"] = _("Choose at least one unit.")
    elif own_units != set(unit_ids):
        raise PermissionDenied(_("You can only extract data of your network's units."))
    try:
        first_month = checked_month(first_month, "first_month")
    except ValidationError as e:
        errors.update({k: v[0] for k, v in e.message_dict.items()})
    try:
        last_month = checked_month(last_month, "last_month")
    except ValidationError as e:
        errors.update({k: v[0] for k, v in e.message_dict.items()})
    if "first_month" not in errors and "last_month" not in errors and last_month < first_month:
        errors["last_month"] = _("The last month must be the same as or after the first month.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why you need this extract, for the audit record.")
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = _("Keep the reason under 1,000 characters.")
    if include_equity and purpose in PURPOSE_RULES and not PURPOSE_RULES[purpose].equity_allowed:
        errors["include_equity"] = _(
            "Research extracts cannot include ethnicity, deprivation or language."
        )
    if errors:
        raise ValidationError(errors)
    filters = {
        "programmes": programme_codes,
        "units": unit_ids,
        "first_month": first_month,
        "last_month": last_month,
        "equity": bool(include_equity),
    }
    with transaction.atomic():
        extract = RegistryExtract.objects.create(
            network=network,
            created_by=actor,
            created_at=now(),
            purpose=purpose,
            reason=reason,
            filters=filters,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="RegistryExtract",
            entity_id=extract.pk,
            purpose=purpose,
            detail={"reason": reason, "filters": filters, "status": extract.status},
        )
        transaction.on_commit(lambda: enqueue_build(extract.pk))
    return extract


def enqueue_build(extract_id: int) -> None:
    from coproduce.extracts.jobs import build_registry_extract

    build_registry_extract.enqueue(extract_id)


# --- Building the file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    file_name: str
    sha256: str
    rows: int
    patients: int
    generalised_patients: int
    withheld_patients: int
    k: int
    summary: dict


class DisclosureCheckFailed(Exception):
    """The data changed while the file was written so that a group fell below k."""


def qi_text(values: tuple, units: dict[int, str], equity: bool) -> QuasiIdentifiers:
    """Raw quasi-identifier values (birth year, sex, unit id, ethnicity, deprivation,
    language) as the extract writes them; equity fields blank unless asked for."""
    birth_year, sex, unit_id, ethnicity, deprivation, language = values
    return QuasiIdentifiers(
        birth_year=str(birth_year),
        sex=sex or BLANK,
        unit=units.get(unit_id, BLANK),
        ethnicity=(ethnicity or BLANK) if equity else BLANK,
        deprivation=(str(deprivation) if deprivation else BLANK) if equity else BLANK,
        language=(language or BLANK) if equity else BLANK,
    )


def value_text(quantity: float | None, code: str) -> str:
    if quantity is not None:
        return repr(float(quantity))
    return code


def write_extract(extract: RegistryExtract) -> Built:
    """Stream the extract's rows into a new file; the file is removed if anything fails.
    Memory holds the quasi-identifier groups, one chunk of rows, row counts per unit and
    month, and the ids of the patients written per group (for the closing disclosure
    check), never the rows."""
    scope = selectors.ExtractScope.of(extract)
    k = small_cell_max() + 1
    units = dict(Unit.objects.filter(region__network=scope.network).values_list("pk", "code"))
    counts: dict[QuasiIdentifiers, int] = defaultdict(int)
    for values, n in selectors.quasi_identifier_counts(scope):
        counts[qi_text(values, units, scope.equity)] += n
    release = protect(counts, k)
    key = purpose_key(pseudonym_secret(), scope.purpose)

    directory = extracts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"extract-{extract.pk}-{secrets.token_hex(8)}.csv"
    path = directory / file_name
    digest = hashlib.sha256()
    seen: dict[QuasiIdentifiers, set[int]] = defaultdict(set)
    rows_per_cell: dict[tuple[str, str], int] = defaultdict(int)
    rows = 0
    try:
        with path.open("xb") as out:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(COLUMNS)
            for programme in scope.programme_codes:
                for row in selectors.extract_rows(scope, programme):
                    (patient_id, birth_date, sex, unit_id, ethnicity, deprivation, language,
                     code, quantity, value_code, value_unit, effective_at) = row  # fmt: skip
                    raw = qi_text(
                        (birth_date.year, sex, unit_id, ethnicity, deprivation, language),
                        units,
                        scope.equity,
                    )
                    released = release.released.get(raw)
                    if released is None:  # withheld, or new since the groups were counted
                        continue
                    month = effective_at.astimezone(dt.UTC).strftime("%Y-%m")
                    writer.writerow(
                        (
                            pseudonym(key, patient_id),
                            released.birth_year,
                            released.sex,
                            released.unit,
                            released.ethnicity,
                            released.deprivation,
                            released.language,
                            programme,
                            code,
                            value_text(quantity, value_code),
                            value_unit,
                            month,
                        )
                    )
                    rows += 1
                    seen[released].add(patient_id)
                    # The summary counts what the file shows: a unit removed by the
                    # disclosure rule is counted as removed, not under its real unit.
                    rows_per_cell[(released.unit or UNIT_REMOVED, month)] += 1
                    if rows % WRITE_EVERY == 0:
                        flush(buffer, out, digest)
            flush(buffer, out, digest)
        small = [group for group, ids in seen.items() if len(ids) < k]
        if small:
            raise DisclosureCheckFailed(f"{len(small)} groups below k")
        summary = suppressed_summary(
            summary_cells(scope, release, units, rows_per_cell), small_cell_max()
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    patients = set().union(*seen.values()) if seen else set()
    return Built(
        file_name=file_name,
        sha256=digest.hexdigest(),
        rows=rows,
        patients=len(patients),
        generalised_patients=release.generalised_patients,
        withheld_patients=release.withheld_patients,
        k=k,
        summary=summary,
    )


def summary_cells(
    scope: selectors.ExtractScope,
    release: Release,
    units: dict[int, str],
    rows_per_cell: dict[tuple[str, str], int],
) -> dict[tuple[str, str], tuple[int, int]]:
    """(patients, rows) per (unit as the file shows it, month). Patients come from grouped
    queries (distinct per combination and month; combinations are disjoint), rows from
    the counts made while writing."""
    patients: dict[tuple[str, str], int] = defaultdict(int)
    for values, month, n in selectors.patients_per_month(scope):
        released = release.released.get(qi_text(values, units, scope.equity))
        if released is not None:
            patients[(released.unit or UNIT_REMOVED, month.strftime("%Y-%m"))] += n
    return {cell: (patients.get(cell, 0), rows) for cell, rows in rows_per_cell.items()}


def flush(buffer: io.StringIO, out, digest) -> None:
    data = buffer.getvalue().encode("utf-8")
    digest.update(data)
    out.write(data)
    buffer.seek(0)
    buffer.truncate()


ALL = "all units"
UNIT_REMOVED = "unit removed"


def suppressed_summary(cells: dict[tuple[str, str], tuple[int, int]], threshold: int) -> dict:
    """Patients and rows per unit and month, with a total per month over the units, each
    count suppressed as the measures are (1..T hidden, and complementary suppression so a
    hidden cell cannot be worked out from its month's total). A hidden count is None."""
    months = sorted({month for _unit, month in cells})
    unit_codes = sorted({unit for unit, _month in cells})
    table: dict[tuple[str, str], tuple[int, int]] = dict(cells)
    for month in months:
        in_month = [(u, month) for u in unit_codes if (u, month) in cells]
        # A patient has one home unit, so patients add up over the units of a month.
        table[(ALL, month)] = (
            sum(cells[c][0] for c in in_month),
            sum(cells[c][1] for c in in_month),
        )
    groups = [
        Group(total=(ALL, month), parts=tuple((u, month) for u in unit_codes)) for month in months
    ]
    patients = suppress({c: Counts(denominator=v[0]) for c, v in table.items()}, groups, threshold)
    rows = suppress({c: Counts(denominator=v[1]) for c, v in table.items()}, groups, threshold)
    out_rows = []
    for (unit, month), _values in sorted(table.items(), key=lambda item: (item[0][1], item[0][0])):
        hidden = (
            patients[(unit, month)].denominator_hidden or rows[(unit, month)].denominator_hidden
        )
        out_rows.append(
            {
                "unit": unit,
                "month": month,
                "patients": None if hidden else patients[(unit, month)].denominator,
                "rows": None if hidden else rows[(unit, month)].denominator,
            }
        )
    return {"threshold": threshold, "cells": out_rows}


def registry_extract_build(*, extract_id: int) -> RegistryExtract | None:
    """Write the file of a pending extract and record it. Idempotent: an extract that is
    not pending is left as it is. On failure the extract is marked failed (audited) and no
    file is kept."""
    extract = (
        RegistryExtract.objects.select_related("network", "created_by")
        .filter(pk=extract_id)
        .first()
    )
    if extract is None or extract.status != ExtractStatus.PENDING:
        return extract
    try:
        built = write_extract(extract)
    except Exception as error:
        # Ids and the kind of error only: a database message can quote values.
        logger.warning("registry extract %s failed: %s", extract_id, type(error).__name__)
        return registry_extract_fail(extract_id=extract_id, error=type(error).__name__)
    try:
        return registry_extract_complete(extract_id=extract_id, built=built)
    except BaseException:
        (extracts_dir() / built.file_name).unlink(missing_ok=True)
        raise


def audit_detail(extract: RegistryExtract) -> dict:
    return {
        "reason": extract.reason,
        "filters": extract.filters,
        "status": extract.status,
        "rows": extract.row_count,
        "patients": extract.patient_count,
        "generalised_patients": extract.generalised_patients,
        "withheld_patients": extract.withheld_patients,
        "k": extract.k,
        "sha256": extract.sha256,
    }


def registry_extract_complete(*, extract_id: int, built: Built) -> RegistryExtract:
    """Record a written file on its extract, with its audit event, in one transaction."""
    with transaction.atomic():
        extract = RegistryExtract.objects.select_for_update().get(pk=extract_id)
        if extract.status != ExtractStatus.PENDING:
            (extracts_dir() / built.file_name).unlink(missing_ok=True)
            return extract
        extract.status = ExtractStatus.READY
        extract.completed_at = now()
        extract.file_name = built.file_name
        extract.sha256 = built.sha256
        extract.row_count = built.rows
        extract.patient_count = built.patients
        extract.generalised_patients = built.generalised_patients
        extract.withheld_patients = built.withheld_patients
        extract.k = built.k
        extract.summary = built.summary
        extract.save()
        audit_record(
            actor=extract.created_by,
            action=AuditAction.EXPORT,
            entity_type="RegistryExtract",
            entity_id=extract.pk,
            purpose=extract.purpose,
            detail=audit_detail(extract),
        )
    return extract


def registry_extract_fail(*, extract_id: int, error: str) -> RegistryExtract:
    with transaction.atomic():
        extract = RegistryExtract.objects.select_for_update().get(pk=extract_id)
        if extract.status != ExtractStatus.PENDING:
            return extract
        extract.status = ExtractStatus.FAILED
        extract.completed_at = now()
        extract.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=extract.created_by,
            action=AuditAction.UPDATE,
            entity_type="RegistryExtract",
            entity_id=extract.pk,
            purpose=extract.purpose,
            detail={**audit_detail(extract), "error": error},
        )
    return extract


def registry_extract_download_record(*, actor: User, extract: RegistryExtract, part: str) -> None:
    """Audit one download of an extract's file or summary."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT if part == "file" else AuditAction.READ,
        entity_type="RegistryExtract",
        entity_id=extract.pk,
        purpose=extract.purpose,
        detail={"part": part, "sha256": extract.sha256, "rows": extract.row_count},
    )


def summary_lines(extract: RegistryExtract) -> Iterable[list]:
    """The suppressed summary as CSV lines (None written as 'suppressed')."""
    yield ["unit", "month", "patients", "rows"]
    for cell in extract.summary.get("cells", []):
        yield [
            cell["unit"],
            cell["month"],
            "suppressed" if cell["patients"] is None else cell["patients"],
            "suppressed" if cell["rows"] is None else cell["rows"],
        ]


__all__ = ["COLUMNS", "ExtractPurpose", "registry_extract_build", "registry_extract_request"]
