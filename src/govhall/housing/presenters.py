"""Rows for the API and the pages: what each reader may see, masked where needed."""

from __future__ import annotations

from typing import Any

from govhall.core.identifiers import mask_name
from govhall.housing.models import (
    AllocationRound,
    Inspection,
    Lease,
    RentBill,
    ReverificationFlag,
    ReverificationRun,
    RoundSeat,
    Unit,
    WaitingEntry,
)


def unit_row(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "estate": unit.building.estate.name,
        "building": unit.building.name,
        "number": unit.number,
        "floor": unit.floor,
        "area": str(unit.area),
        "rooms": unit.rooms,
        "monthly_rent": str(unit.monthly_rent),
        "state": unit.state,
    }


def entry_row(entry: WaitingEntry, *, staff: bool = True) -> dict[str, Any]:
    row = {
        "id": entry.pk,
        "case": entry.case.number,
        "household_size": entry.household_size,
        "income_per_capita": str(entry.income_per_capita),
        "area_per_capita": str(entry.area_per_capita),
        "disability": entry.disability,
        "elderly": entry.elderly,
        "subsistence": entry.subsistence,
        "qualified_on": entry.qualified_on.isoformat(),
        "score": str(entry.score),
        "rank": entry.rank,
        "state": entry.state,
    }
    if staff:
        row["applicant"] = entry.applicant.name
    return row


def round_row(allocation: AllocationRound) -> dict[str, Any]:
    return {
        "id": allocation.pk,
        "name": allocation.name,
        "estate": allocation.estate.name,
        "method": allocation.method,
        "seed": allocation.seed,
        "opens_at": allocation.opens_at.isoformat(),
        "closes_at": allocation.closes_at.isoformat(),
        "state": allocation.state,
    }


def seat_row(seat: RoundSeat, *, staff: bool) -> dict[str, Any]:
    name = seat.entry.applicant.name
    return {
        "position": seat.position,
        "entry": seat.entry_id,
        "applicant": name if staff else mask_name(name),
        "state": seat.state,
    }


def lease_row(lease: Lease) -> dict[str, Any]:
    return {
        "id": lease.pk,
        "number": lease.number,
        "tenant": lease.tenant.name,
        "unit": unit_row(lease.unit),
        "start": lease.start.isoformat(),
        "end": lease.end.isoformat(),
        "monthly_rent": str(lease.monthly_rent),
        "terms": lease.terms,
        "signed_at": lease.signed_at.isoformat() if lease.signed_at else None,
        "state": lease.state,
        "ended_on": lease.ended_on.isoformat() if lease.ended_on else None,
        "end_reason": lease.end_reason,
    }


def bill_row(bill: RentBill) -> dict[str, Any]:
    return {
        "id": bill.pk,
        "lease": bill.lease.number,
        "month": bill.month.strftime("%Y-%m"),
        "amount": str(bill.amount),
        "due_date": bill.due_date.isoformat(),
        "state": bill.state,
        "paid_at": bill.paid_at.isoformat() if bill.paid_at else None,
        "payment_reference": bill.payment_reference,
    }


def inspection_row(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "lease": inspection.lease.number,
        "date": inspection.date.isoformat(),
        "inspector": inspection.inspector.name,
        "findings": inspection.findings,
        "outcome": inspection.outcome,
    }


def run_row(run: ReverificationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "on": run.on.isoformat(),
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "by": run.by.name if run.by_id else None,
        "purpose": run.purpose,
        "parameters": run.parameters,
        "checked": run.checked,
        "eligible": run.eligible,
        "flagged": run.flagged,
        "already_under_review": run.already_open,
        "unknown": run.unknown,
        "unknown_entries": run.unknown_entries,
    }


def flag_row(flag: ReverificationFlag, *, staff: bool = True) -> dict[str, Any]:
    row = {
        "id": flag.pk,
        "run": flag.run_id,
        "on": flag.run.on.isoformat(),
        "entry": flag.entry_id,
        "lease": flag.lease.number if flag.lease_id else None,
        "reason": flag.reason,
        "failed": flag.failed,
        "state": flag.state,
        "decided_at": flag.decided_at.isoformat() if flag.decided_at else None,
        "opinion": flag.opinion,
        "review_case": flag.review_case or None,
    }
    if staff:
        row["applicant"] = flag.entry.applicant.name
        row["subject_key"] = flag.subject_key
        row["conditions"] = flag.conditions
        row["decided_by"] = flag.decided_by.name if flag.decided_by_id else None
    return row


def condition_rows(flag: ReverificationFlag) -> list[dict[str, Any]]:
    """The explanation per condition for a page: label, status, value and threshold."""
    from govhall.housing.services_reverify import OP_TEXT

    rows = []
    for code, condition in (flag.conditions or {}).items():
        clauses = condition.get("clauses") or []
        rows.append(
            {
                "code": code,
                "label": condition.get("label", code),
                "status": condition.get("status"),
                "clauses": [
                    {
                        "value": clause.get("value"),
                        "op": clause.get("op"),
                        "op_text": OP_TEXT.get(clause.get("op"), clause.get("op")),
                        "threshold": clause.get("threshold"),
                        "status": clause.get("status"),
                    }
                    for clause in clauses
                ],
            }
        )
    return rows
