"""Rows for the API and the pages: what each reader may see, masked where needed."""

from __future__ import annotations

from typing import Any

from govhall.core.identifiers import mask_name
from govhall.housing.models import (
    AllocationRound,
    Inspection,
    Lease,
    RentBill,
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
