"""Nothing lost when a laptop dies or an officer leaves: a subdistrict handed over from what the office holds,
and an officer's key revoked.

Handing over (ส่งมอบงาน). The office writes a seed bundle (`exports.seed`) of everything it holds for one
subdistrict, for a newly enrolled officer key; the new laptop, with its own device id, starts from it, so its
changes are numbered apart from the old laptop's and nothing comes back twice. The handover is a record of
its own (`Handover`): the office's day, who held the subdistrict before, who takes it, and the book as the
office held it that day (households, loans, open and overdue loans, all still owed and the arrears), written
like any change of the office, so it travels to the new laptop inside the seed, which checks its own book
against those figures.

Revoking a key: what "after the revocation" means. A laptop's clock can be wrong, and whoever holds a lost
laptop's key can write any time into a bundle, so nothing a bundle says about when it was made is trusted.
From the moment the office revokes a key, every bundle signed by it that the office has not merged is
refused, whatever its date; bundles merged before stay, and the records they made with them (one imported
again is still "already imported": it changes nothing). The highest change number of the key's device held
at that moment is kept (`revoked_upto`) to say how far its work reached the office: work on a lost laptop
that never reached the office cannot be told from a forgery, and is lost with the laptop. Nothing is made
for a revoked key any more (return bundles, seeds), and it cannot be enrolled again: the officer makes a new
key. The revocation is written in the office's change log, the audit trail; it does not travel, since only
the office takes bundles from laptops.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypedDict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.changelog import _identity, _next_seq, log_data
from fieldtool.loanbook import load_states
from fieldtool.models import (
    BorrowingGroup,
    ChangeLog,
    Handover,
    Household,
    Loan,
    Subdistrict,
    SyncBundle,
    SyncKey,
    Village,
)
from fieldtool.officedesk import DeviceItem, device_items
from fieldtool.registry import set_setting, setting
from fieldtool.succession import key_devices
from fieldtool.sync.tables import table_of
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, iso_time, local_time, satang_to_str
from fieldtool.vocabulary import BundleDirection, BundleKind, KeyRole, Stage

NOT_CARRIED = {"letter.letter_block"}  # the new laptop gets numbers of its own; the old block may be half used


# --- the subdistrict as the office holds it ------------------------------------------------------------------


@dataclass
class Area:
    code: str
    subdistrict_id: str  # the row the new laptop serves
    village_ids: list[str]


def area_devices(s: Session, code: str) -> list[str]:
    """The laptops of a subdistrict: keys enrolled for it and devices whose bundles were about it."""
    keys = s.scalars(select(col(SyncKey.device_id)).where(col(SyncKey.role) == KeyRole.OFFICER,
                                                          col(SyncKey.area_code) == code))
    sent = s.scalars(select(col(SyncBundle.source_device)).where(
        col(SyncBundle.direction) == BundleDirection.IN, col(SyncBundle.kind) == BundleKind.FIELD,
        col(SyncBundle.area_code) == code))
    return sorted(set(keys) | set(sent))


def area_of(s: Session, code: str, devices: Sequence[str]) -> Area:
    """The subdistrict's rows here (each laptop may have made its own) and all their villages; the new laptop
    serves the row its predecessor served, else the one with the most villages."""
    rows = s.scalars(select(Subdistrict).where(col(Subdistrict.code) == code).order_by(col(Subdistrict.id))).all()
    if not rows:
        raise InputError(Text(f"สำนักงานยังไม่มีข้อมูลของตำบล {code}",
                              f"the office holds nothing of subdistrict {code}: no bundle of it was merged here"))
    villages = {r.id: list(s.scalars(select(col(Village.id)).where(col(Village.subdistrict_id) == r.id)
                                     .order_by(col(Village.id)))) for r in rows}
    used = laptop_settings(s, devices).get("subdistrict_id")
    chosen = next((r for r in rows if r.id == used), None) or max(rows, key=lambda r: len(villages[r.id]))
    return Area(code, chosen.id, sorted(v for ids in villages.values() for v in ids))


def laptop_settings(s: Session, devices: Sequence[str]) -> dict[str, str]:
    """The settings the laptops last had (their changes to settings travel in their bundles, unapplied)."""
    if not devices:
        return {}
    log = table_of(ChangeLog)
    q = (select(log.c.record_id, log.c.action, log.c.data)
         .where(log.c.table_name == "setting", log.c.device_id.in_(devices),
                or_(log.c.record_id == "subdistrict_id", log.c.record_id.like("letter.%")))
         .order_by(log.c.at, log.c.device_id, log.c.seq))
    values: dict[str, str] = {}
    for key, action, data in s.execute(q):
        if action == "delete":
            values.pop(key, None)
        elif "value" in (fields := json.loads(data)):
            values[key] = fields["value"]
    return values


def letterhead_of(s: Session, devices: Sequence[str]) -> dict[str, str]:
    """The office's lines, signer and templates as the subdistrict's laptops printed them."""
    return {k: v for k, v in laptop_settings(s, devices).items() if k.startswith("letter.") and k not in NOT_CARRIED}


class BookFigures(TypedDict):
    """The book of a subdistrict's villages on a day, as a handover records it (the same columns)."""

    households: int
    loans: int
    open_loans: int
    overdue_loans: int
    outstanding_satang: int
    outstanding_principal_satang: int
    arrears_satang: int


def book_figures(s: Session, village_ids: Sequence[str], on: date) -> BookFigures:
    """Counts and balances of the loans and households of these villages on a day."""
    households = s.execute(select(func.count()).select_from(Household)
                           .where(col(Household.village_id).in_(village_ids))).scalar() or 0
    by_group = select(col(Loan.id)).join(BorrowingGroup, col(Loan.group_id) == col(BorrowingGroup.id)).where(
        col(BorrowingGroup.village_id).in_(village_ids))
    by_household = select(col(Loan.id)).join(Household, col(Loan.household_id) == col(Household.id)).where(
        col(Household.village_id).in_(village_ids))
    loan_ids = sorted(set(s.scalars(by_group)) | set(s.scalars(by_household)))
    states = load_states(s, on, loan_ids) if loan_ids else {}
    running = [st for st in states.values() if st.stage in (Stage.FOLLOW, Stage.ASK)]
    return {"households": households, "loans": len(loan_ids), "open_loans": len(running),
            "overdue_loans": sum(st.stage is Stage.ASK for st in running),
            "outstanding_satang": sum(st.outstanding_satang for st in running),
            "outstanding_principal_satang": sum(st.outstanding_principal for st in running),
            "arrears_satang": sum(st.arrears_satang for st in running)}


def previous_holders(s: Session, devices: Sequence[str]) -> list[str]:
    """The officers whose laptops held the subdistrict, as their keys and bundles name them."""
    names = list(s.scalars(select(col(SyncKey.officer)).where(col(SyncKey.role) == KeyRole.OFFICER,
                                                              col(SyncKey.device_id).in_(devices))
                           .order_by(col(SyncKey.enrolled_at))))
    names += list(s.scalars(select(col(SyncBundle.officer)).where(col(SyncBundle.direction) == BundleDirection.IN,
                                                                  col(SyncBundle.source_device).in_(devices))
                            .order_by(col(SyncBundle.processed_at))))
    return list(dict.fromkeys(n for n in names if n))


def record_handover(s: Session, area: Area, devices: Sequence[str], to_key: SyncKey, on: date) -> Handover:
    """Write the handover at the office (a logged change, so the seed and later return bundles carry it)."""
    before = [d for d in devices if d != to_key.device_id]
    row = Handover(subdistrict_id=area.subdistrict_id, subdistrict_code=area.code, handed_on=on,
                   handed_at=datetime.now(UTC), by_officer=setting(s, "officer"),
                   from_officers="; ".join(previous_holders(s, before)), from_devices=json.dumps(before),
                   to_officer=to_key.officer, to_device=to_key.device_id, to_key_id=to_key.key_id,
                   **book_figures(s, area.village_ids, on))
    s.add(row)
    s.flush()
    return row


def check_new_laptop(s: Session, device_id: str) -> None:
    """A seed starts a new laptop: one whose device has sent the office nothing (else its numbers would clash)."""
    sent = s.execute(select(func.count()).select_from(ChangeLog)
                     .where(col(ChangeLog.device_id) == device_id)).scalar()
    if sent:
        raise InputError(Text(
            f"เครื่อง {device_id[:8]} เคยส่งงานให้สำนักงานแล้ว ชุดข้อมูลตั้งต้นใช้กับเครื่องใหม่เท่านั้น",
            f"device {device_id[:8]} has sent the office work before; a seed is for a new laptop, "
            "this one gets return bundles"))


# --- on the new laptop --------------------------------------------------------------------------------------


def check_seed(s: Session, seed: object, name: str) -> None:
    """A seed (a bundle manifest's `seed`) goes into an empty database only: no subdistrict set up, no records
    made or received."""
    if not seed:
        return
    records = s.execute(select(func.count()).select_from(ChangeLog)
                        .where(col(ChangeLog.table_name) != "setting")).scalar()
    if setting(s, "subdistrict_id") or records:
        raise InputError(Text(
            f"ฐานข้อมูลนี้มีข้อมูลอยู่แล้ว ชุดข้อมูลตั้งต้นใช้กับฐานข้อมูลใหม่เท่านั้น: {name}",
            f"{name} is a seed for a new laptop, but this database already holds records; import it into a new "
            "database ('fieldtool --db NEW.sqlite init')"))


def take_seed(s: Session, seed: object) -> dict[str, object] | None:
    """After the seed's changes are applied: serve its subdistrict, print its letterhead; the handover, checked.

    `seed` is the manifest's, as the bundle's JSON holds it: read for what it names, nothing else trusted."""
    if not seed:
        return None
    if not isinstance(seed, Mapping):
        raise InputError(Text("ชุดข้อมูลตั้งต้นไม่มีตำบลที่ส่งมอบ", "the seed lacks the subdistrict it hands over"))
    subdistrict_id = seed.get("subdistrict_id")
    if not isinstance(subdistrict_id, str) or s.get(Subdistrict, subdistrict_id) is None:
        raise InputError(Text("ชุดข้อมูลตั้งต้นไม่มีตำบลที่ส่งมอบ", "the seed lacks the subdistrict it hands over"))
    set_setting(s, "subdistrict_id", subdistrict_id)
    letterhead = seed.get("letterhead", {})
    for key, value in sorted(letterhead.items() if isinstance(letterhead, Mapping) else []):
        if isinstance(key, str) and key.startswith("letter.") and key not in NOT_CARRIED and isinstance(value, str):
            set_setting(s, key, value)
    handover_id = seed.get("handover_id", "")
    row = s.get(Handover, handover_id) if isinstance(handover_id, str) else None
    return None if row is None else handover_json(s, row, check=True)


# --- reading handovers ------------------------------------------------------------------------------------


def handovers(s: Session) -> list[Handover]:
    return list(s.scalars(select(Handover).order_by(col(Handover.handed_at).desc(), col(Handover.id))))


def handover_json(s: Session, h: Handover, check: bool = False) -> dict[str, object]:
    """A handover for people and scripts; with `check`, whether this database's book agrees with it."""
    sub = s.get(Subdistrict, h.subdistrict_id)
    out: dict[str, object] = {"id": h.id, "subdistrict_code": h.subdistrict_code, "subdistrict": sub.name if sub else "",
           "handed_on": h.handed_on.isoformat(), "handed_at": iso_time(h.handed_at),
           "by": h.by_officer, "from_officers": [n for n in h.from_officers.split("; ") if n],
           "from_devices": json.loads(h.from_devices or "[]"), "to_officer": h.to_officer, "to_device": h.to_device,
           "to_key_id": h.to_key_id, "households": h.households, "loans": h.loans, "open_loans": h.open_loans,
           "overdue_loans": h.overdue_loans, "outstanding": satang_to_str(h.outstanding_satang),
           "outstanding_principal": satang_to_str(h.outstanding_principal_satang),
           "arrears": satang_to_str(h.arrears_satang)}
    if check:
        villages = list(s.scalars(select(col(Village.id))
                                  .join(Subdistrict, col(Village.subdistrict_id) == col(Subdistrict.id))
                                  .where(col(Subdistrict.code) == h.subdistrict_code)))
        here = book_figures(s, villages, h.handed_on)
        out["differs"] = {k: {"handed_over": getattr(h, k), "here": v} for k, v in here.items() if getattr(h, k) != v}
    return out


# --- revoking a key -------------------------------------------------------------------------------------------


def find_key(s: Session, ref: str) -> SyncKey:
    """An officer's key by its id, its device's id (or their first six characters or more), or the officer's name.

    A device is any the key signed for: its laptop now, or one a restored laptop succeeded (the laptop that
    died, as the officer remembers it). A name matches the keys not yet revoked; where several keys match, the
    one not revoked is meant, and two of them are refused with both named.
    """
    ref = " ".join((ref or "").split())
    keys = list(s.scalars(select(SyncKey).where(col(SyncKey.role) == KeyRole.OFFICER)
                          .order_by(col(SyncKey.enrolled_at))))
    devices = {k.key_id: key_devices(s, k) for k in keys}
    exact = [k for k in keys if ref == k.key_id or ref in devices[k.key_id]]
    found = exact or [k for k in keys if len(ref) >= 6 and (
        k.key_id.startswith(ref) or any(d.startswith(ref) for d in devices[k.key_id]))]
    if not found:
        found = [k for k in keys if " ".join(k.officer.split()) == ref and k.revoked_at is None]
    if not found:
        raise InputError(Text(f"ไม่พบกุญแจของเจ้าหน้าที่ {ref}",
                              f"no officer key {ref!r}: give a key id, a device id or a name as 'fieldtool office devices' lists them"))
    if len(found) > 1 and len(live := [k for k in found if k.revoked_at is None]) == 1:
        found = live  # a laptop given a new key: its old, revoked one is not meant
    if len(found) > 1:
        listed = ", ".join(f"{k.officer or '-'} ตำบล {k.area_code} กุญแจ {k.key_id[:12]}" for k in found)
        raise InputError(Text(f"มีกุญแจตรงกับ {ref} หลายดอก: {listed}",
                              f"several keys match {ref!r} ({listed}); give the key id"))
    return found[0]


def revoke(s: Session, ref: str, reason: str = "") -> SyncKey:
    """Revoke an officer's key at the office, from now on (see the module's docstring for what that means)."""
    key = find_key(s, ref)
    if key.revoked_at is not None:
        raise InputError(revoked_text(key, already=True))
    device_id, officer = _identity(s)
    now = datetime.now(UTC)
    upto = s.execute(select(func.max(col(ChangeLog.seq))).where(col(ChangeLog.device_id) == key.device_id)).scalar()
    values = {"revoked_at": now, "revoked_by": officer, "revoked_upto": upto, "revoked_reason": reason.strip()}
    table = table_of(SyncKey)
    s.execute(table.update().where(table.c.key_id == key.key_id).values(**values))
    # sync_key is the office's own bookkeeping (not a record the hook logs): the audit trail is written here
    before = {"revoked_at": None, "revoked_by": "", "revoked_upto": None, "revoked_reason": ""}
    s.execute(table_of(ChangeLog).insert(), [{
        "id": str(uuid.uuid4()), "device_id": device_id, "seq": _next_seq(s, device_id), "at": now, "officer": officer,
        "table_name": "sync_key", "record_id": key.key_id, "action": "update",
        "data": log_data({**values, "_before": before})}])
    s.expire(key)
    revoked = s.get(SyncKey, key.key_id)
    assert revoked is not None  # updated just now, in this transaction
    return revoked


@dataclass
class LaptopKey(DeviceItem):
    """An enrolled laptop as the office lists it, with its key's revocation (None: in use)."""

    revoked_at: datetime | None = None
    revoked_upto: int | None = None


def laptop_keys(s: Session) -> list[LaptopKey]:
    """The office's list of laptops and keys (fieldtool.officedesk.device_items), revoked keys marked."""
    revoked = {k.key_id: k for k in s.scalars(select(SyncKey).where(col(SyncKey.revoked_at).is_not(None)))}
    return [LaptopKey(**vars(d), revoked_at=getattr(revoked.get(d.key_id), "revoked_at", None),
                      revoked_upto=getattr(revoked.get(d.key_id), "revoked_upto", None)) for d in device_items(s)]


def revoked_text(key: SyncKey, already: bool = False) -> Text:
    who = key.officer or key.device_id[:8]
    assert key.revoked_at is not None, "a key not revoked"
    on = local_time(key.revoked_at).date()
    return Text(f"กุญแจของ {who} ถูกเพิกถอน{'ไป' if already else ''}แล้วเมื่อ {format_date(on)}",
                f"the key of {who} was {'already ' if already else ''}revoked on {on.isoformat()}")


def refuse_revoked(key: SyncKey | None, name: str) -> None:
    """A bundle signed by a revoked key is refused, whatever it says about when it was made."""
    if key is not None and key.revoked_at is not None:
        why = revoked_text(key)
        raise InputError(Text(f"ไม่รับชุดข้อมูล {name}: {why.th} งานที่รับไว้ก่อนหน้ายังอยู่ครบ",
                              f"{name} is refused: {why.en}; what it sent before stays"))


def refuse_sending_to(key: SyncKey | None) -> None:
    """Nothing is written for a revoked key (it may be in a stranger's hands), nor is it enrolled again."""
    if key is not None and key.revoked_at is not None:
        why = revoked_text(key)
        raise InputError(Text(f"{why.th} จึงไม่ส่งข้อมูลให้และไม่ลงทะเบียนอีก ให้เจ้าหน้าที่สร้างกุญแจใหม่",
                              f"{why.en}: nothing is sent to it and it is not enrolled again; the officer makes a new key"))
