"""The conflicts a merge found, as the office reviews and decides them.

The office's decision is not an edit of the conflict row alone: it is written as a change of the office's
own device that names the conflict (`_decision`), so it travels back to the field in the return bundles and
every database that folds it – the laptops included – ends with the value the office picked and lists the
conflict as decided. The office's desk shows them in words (fieldtool.officedesk).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session
from sqlmodel import col, select

from fieldtool.changelog import _identity, _next_seq  # the same counter the change-log hook uses
from fieldtool.models import SyncConflict
from fieldtool.sync.entries import LOG
from fieldtool.sync.merge import rematerialize
from fieldtool.sync.tables import table_of
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import ConflictStatus

TAKES = ("other", "chosen")  # take the other value, or keep the one the merge chose


def open_conflicts(session: Session, include_resolved: bool = False) -> list[SyncConflict]:
    q = select(SyncConflict).order_by(col(SyncConflict.chosen_at), col(SyncConflict.id))
    if not include_resolved:
        q = q.where(col(SyncConflict.status) == ConflictStatus.OPEN)
    return list(session.scalars(q))


def get_conflict(session: Session, ref: str) -> SyncConflict:
    """A conflict by its id, or by its first six characters or more when only one begins so."""
    row = session.get(SyncConflict, ref) if ref else None
    if row is None and ref and len(ref) >= 6:
        rows = session.scalars(select(SyncConflict).where(col(SyncConflict.id).like(f"{ref}%"))).all()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise InputError(Text(f"ไม่พบข้อขัดแย้ง {ref}", f"no such conflict: {ref}; see 'fieldtool office conflicts'"))
    return row


def resolve_conflict(session: Session, ref: str, take: str) -> SyncConflict:
    """The office decides: keep the chosen value or take the other one.

    Either way the decision is written as a change of this (office) device that names the conflict, so it
    travels back to the field in the return bundle: every laptop ends with the value the office picked and
    lists the conflict as decided.
    """
    if take not in TAKES:
        raise InputError(Text("เลือกได้เฉพาะ other หรือ chosen", "take must be 'other' or 'chosen'"))
    conflict = get_conflict(session, ref)
    if conflict.status != ConflictStatus.OPEN:
        raise InputError(Text(f"ข้อขัดแย้งนี้ตัดสินแล้ว ({conflict.status})",
                              f"this conflict was already resolved: {conflict.status}"))
    chosen, other = json.loads(conflict.chosen_value), json.loads(conflict.other_value)
    value, superseded = (other, chosen) if take == "other" else (chosen, other)
    device_id, officer = _identity(session)
    now = datetime.now(UTC)
    seq = _next_seq(session, device_id)
    data = json.dumps({conflict.field: value, "_before": {conflict.field: superseded},
                       "_decision": {"conflict": conflict.id, "take": take}}, ensure_ascii=False, sort_keys=True)
    session.execute(LOG.insert(), [{
        "id": str(uuid.uuid4()), "device_id": device_id, "seq": seq, "at": now, "officer": officer,
        "table_name": conflict.table_name, "record_id": conflict.record_id, "action": "update", "data": data,
    }])
    rematerialize(session, {(conflict.table_name, conflict.record_id)})
    table = table_of(SyncConflict)
    status = ConflictStatus.TOOK_OTHER if take == "other" else ConflictStatus.KEPT
    session.execute(table.update().where(table.c.id == conflict.id).values(
        status=status, resolved_at=now, resolved_by=officer, resolution_seq=seq))
    session.expire(conflict)
    decided = session.get(SyncConflict, conflict.id)
    assert decided is not None  # updated just now, in this transaction
    return decided
