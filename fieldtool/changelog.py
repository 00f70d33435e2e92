"""The change log: every insert and update is written down (who, which device, when, what).

It is the audit trail shown in the app and, later, what sync bundles carry. It is filled by a session
hook, so no service can forget it; payments and the log itself refuse updates and deletes.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from fieldtool.models import ChangeLog, Payment, Setting, new_id

APPEND_ONLY = (Payment, ChangeLog)


class AppendOnlyError(RuntimeError):
    pass


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _columns(obj) -> dict:
    mapper = inspect(obj).mapper
    return {c.key: _json_value(getattr(obj, c.key)) for c in mapper.column_attrs}


def _changed(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    after, before = {}, {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            after[attr.key] = _json_value(hist.added[0] if hist.added else None)
            before[attr.key] = _json_value(hist.deleted[0] if hist.deleted else None)
    return after, before


def _identity(session: Session) -> tuple[str, str]:
    info = session.info
    if "device_id" not in info:
        with session.no_autoflush:
            rows = dict(session.execute(select(Setting.key, Setting.value)).all())
        info["device_id"] = rows.get("device_id", "unknown-device")
        info.setdefault("officer", rows.get("officer", ""))
    return info["device_id"], info.get("officer", "")


def _next_seq(session: Session, device_id: str) -> int:
    key = ("change_seq", device_id)
    if key not in session.info:
        with session.no_autoflush:
            current = session.execute(
                select(func.max(ChangeLog.seq)).where(ChangeLog.device_id == device_id)
            ).scalar()
        session.info[key] = current or 0
    session.info[key] += 1
    return session.info[key]


@event.listens_for(Session, "after_rollback")
def _forget_sequence(session: Session) -> None:
    # The counter was advanced for rows that were never written; read it again next time.
    for key in [k for k in session.info if isinstance(k, tuple) and k[0] == "change_seq"]:
        del session.info[key]


@event.listens_for(Session, "before_flush")
def _record_changes(session: Session, flush_context, instances) -> None:
    entries: list[ChangeLog] = []
    for obj in list(session.deleted):
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyError(f"{type(obj).__name__} records are append-only; record a reversal instead")
        entries.append(("delete", obj, _columns(obj)))
    for obj in list(session.dirty):
        if isinstance(obj, ChangeLog) or not session.is_modified(obj):
            continue
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyError(f"{type(obj).__name__} records are append-only; record a reversal instead")
        after, before = _changed(obj)
        if after:
            after["_before"] = before
            entries.append(("update", obj, after))
    for obj in list(session.new):
        if isinstance(obj, ChangeLog):
            continue
        entries.append(("insert", obj, _columns(obj)))
    if not entries:
        return
    device_id, officer = _identity(session)
    now = datetime.now(UTC)
    for action, obj, data in entries:
        if isinstance(obj, Setting):
            table, record_id = "setting", obj.key
        else:
            table, record_id = obj.__tablename__, obj.id
        session.add(
            ChangeLog(
                id=new_id(),
                device_id=device_id,
                seq=_next_seq(session, device_id),
                at=now,
                officer=officer,
                table_name=table,
                record_id=record_id,
                action=action,
                data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            )
        )
