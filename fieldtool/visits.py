"""Site visits (ลงพื้นที่) and meetings: the evidence of the ปตท. work and of household plan work.

A visit links to the loans, groups and households it was about. Money collected is recorded as a
payment in the loan book (linked, never copied); ticked work items (the prevent checklist, follow and
ask items) point back at the visit or meeting as their evidence; facts changed or checked on the spot
are marked verified on site; photos are shrunk, kept beside the database and checked by hash; the next
visit date becomes a task on that day.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, SupportsFloat, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import households, lending, loanbook, registry, reminders, repayments
from fieldtool.limits import ACCOUNT, LINE, NOTE, check_day, check_day_or_none, check_text
from fieldtool.models import (
    BorrowingGroup,
    EvidenceLink,
    Household,
    Loan,
    Meeting,
    Photo,
    Verification,
    Village,
    Visit,
    WorkItem,
)
from fieldtool.text import Text
from fieldtool.thai import InputError, format_date, to_arabic_digits
from fieldtool.transaction_files import remove_on_rollback
from fieldtool.vocabulary import (
    AskItem,
    ContactWay,
    EvidenceSource,
    EvidenceTarget,
    FollowItem,
    MeetingKind,
    ReminderKind,
    Stage,
    purposes,
)
from fieldtool.whole_file import PRIVATE, WholeFile

if TYPE_CHECKING:
    from PIL.Image import Exif

PHOTO_MAX_SIDE = 1600  # pixels: enough to read a document in the photo, small enough for a USB stick
PLACE = Text("สถานที่", "the place")
# a time of day as officers write it: 9:30, 09.30, 13.30 น.
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3])\s*[:.]\s*([0-5][0-9])\s*(?:น\.?)?")

# The ask items that answer a loan's open ask tasks when ticked on a visit or meeting, and the follow item
# that answers its open notices.
_ASKING = tuple(f"{Stage.ASK}:{item}" for item in (AskItem.FIELD, AskItem.MEETING, AskItem.RELIEF, AskItem.PARTNERS))
_NOTIFYING = f"{Stage.FOLLOW}:{FollowItem.NOTIFY}"


@dataclass
class StoredPhoto:
    sha256: str
    file_name: str
    width: int
    height: int
    data: bytes
    original_name: str
    taken_at: str = ""
    gps: tuple[float, float] | None = None


class HouseholdChanges(TypedDict, total=False):
    """Facts of a household changed on the spot (any of them)."""

    status: str
    phone: str
    needs: dict[str, str]
    house_no: str


@dataclass
class VisitInput:
    visited_on: date
    village_id: str
    visited_at: str = ""
    place: str = ""
    people_met: str = ""
    purposes: list[str] = field(default_factory=list)
    findings: str = ""
    next_steps: str = ""
    next_visit_on: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    loans: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)
    collected: list[tuple[str, int]] = field(default_factory=list)  # (loan id, satang)
    photos: list[Path] = field(default_factory=list)
    # facts changed on the spot: household id -> {"status": ..., "phone": ..., "needs": {...}}
    household_updates: dict[str, HouseholdChanges] = field(default_factory=dict)
    verified: list[tuple[str, str]] = field(default_factory=list)  # (household|loan, id) checked, unchanged


@dataclass
class VisitResult:
    visit: Visit
    payments: list[str]
    photos: list[Photo]
    written_files: list[Path]


# --- photos --------------------------------------------------------------------------------------------


def read_photo(path: Path) -> StoredPhoto:
    """Open, turn upright, shrink and re-encode a photo; read its GPS position and time if it has them."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            exif = img.getexif()
            upright = ImageOps.exif_transpose(img)
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            buf = io.BytesIO()
            upright.convert("RGB").save(buf, "JPEG", quality=85, optimize=True)
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise InputError(Text(f"อ่านไฟล์ภาพไม่ได้: {path}", f"cannot read the photo {path}")) from exc
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    return StoredPhoto(
        sha256=sha, file_name=f"{sha}.jpg", width=upright.width, height=upright.height, data=data,
        original_name=Path(path).name, taken_at=_exif_time(exif), gps=_exif_gps(exif),
    )


def _exif_time(exif: Exif) -> str:
    value = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132) or ""  # DateTimeOriginal, DateTime
    return str(value)


def _exif_gps(exif: Exif) -> tuple[float, float] | None:
    gps = exif.get_ifd(0x8825)
    try:
        lat = _dms(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = _dms(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (KeyError, TypeError, ZeroDivisionError):
        return None
    return round(lat, 6), round(lon, 6)


def _dms(value: Iterable[SupportsFloat]) -> float:
    d, m, s = (float(x) for x in value)
    return d + m / 60 + s / 3600


def write_photo(photo_dir: Path, photo: StoredPhoto) -> Path | None:
    """Keep the photo beside the database under its hash; returns the path if a new file was written."""
    photo_dir.mkdir(parents=True, exist_ok=True)
    target = photo_dir / photo.file_name
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == photo.sha256:
        return None
    with WholeFile(target, PRIVATE) as part:
        part.write_bytes(photo.data)
    return target


def check_photo(photo_dir: Path, photo: Photo) -> bool:
    """True when the kept file is there and still has the hash recorded with the visit."""
    path = photo_dir / photo.file_name
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == photo.sha256


# --- visits ----------------------------------------------------------------------------------------------


def _check_targets(session: Session, loans: Sequence[str], groups: Sequence[str], hhs: Sequence[str]) -> None:
    Model = type[Loan] | type[BorrowingGroup] | type[Household]
    models: tuple[tuple[Model, Sequence[str], EvidenceTarget], ...] = (
        (Loan, loans, EvidenceTarget.LOAN), (BorrowingGroup, groups, EvidenceTarget.GROUP),
        (Household, hhs, EvidenceTarget.HOUSEHOLD),
    )
    for model, ids, kind in models:
        for ref in ids:
            if session.get(model, ref) is None:
                raise InputError(Text(f"ไม่พบ{kind.label.th} {ref}", f"no such {kind.label.en}: {ref}"))


def _check_purposes(codes: Sequence[str]) -> None:
    known = purposes()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputError(Text(f"วัตถุประสงค์ไม่ถูกต้อง: {', '.join(unknown)}",
                              "unknown purpose; see 'fieldtool visit purposes'"))


def parse_position(text: str) -> tuple[float | None, float | None]:
    """A GPS position as typed, in the app's field or after `visit add --gps`: latitude then longitude, apart by a
    comma or by spaces ("15.2401, 105.2302", "15.24,105.23", "15.24 105.23"; Thai digits too). Empty is no
    position; whether it lies on the earth is `add_visit`'s check."""
    typed = (text or "").strip()
    if not typed:
        return None, None
    try:
        lat, lon = (float(p) for p in re.split(r"[,\s]+", to_arabic_digits(typed)) if p)
    except ValueError:
        raise InputError(Text(f'พิกัดต้องเขียนแบบ 15.2401, 105.2302: "{typed}"',
                              f'a GPS position looks like 15.2401, 105.2302: "{typed}"')) from None
    return lat, lon


def _check_position(lat: float | None, lon: float | None) -> None:
    if lat is None or lon is None:
        if (lat is None) != (lon is None):
            raise InputError(Text("ระบุพิกัดให้ครบทั้งละติจูดและลองจิจูด", "give both latitude and longitude"))
        return
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(Text(f"พิกัดไม่ถูกต้อง: {lat}, {lon}", "latitude/longitude out of range"))


def check_clock(text: str) -> str:
    """A time of day as stored, "09:30"; "" (no time given) stays ""."""
    raw = to_arabic_digits((text or "").strip())
    if not raw:
        return ""
    m = _CLOCK.fullmatch(raw)
    if not m:
        raise InputError(Text(f"เวลาไม่ถูกต้อง: {text} เช่น 10:30", f"invalid time of day: {text}, e.g. 10:30"))
    return f"{int(m[1]):02d}:{m[2]}"


def _check_visit_bounds(data: VisitInput) -> None:
    check_day(data.visited_on, Text("วันที่ลงพื้นที่", "the day of the visit"))
    check_day_or_none(data.next_visit_on, Text("วันนัดลงพื้นที่ครั้งต่อไป", "the next visit's day"))
    check_text(data.place, PLACE, LINE)
    check_text(data.people_met, Text("ผู้ที่พบ", "the list of people met"), NOTE)
    check_text(data.findings, Text("สิ่งที่พบ", "the account of the findings"), ACCOUNT)
    check_text(data.next_steps, Text("สิ่งที่ตกลงทำต่อ", "the account of the next steps"), ACCOUNT)


def add_visit(session: Session, data: VisitInput, photo_dir: Path) -> VisitResult:
    """Record a visit with everything done on it, in the caller's transaction.

    Everything is checked before anything is written; photo files are written last and belong to the
    transaction (fieldtool.transaction_files): if it does not commit, they are removed. The result lists them.
    """
    if session.get(Village, data.village_id) is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {data.village_id}", "no such village"))
    _check_visit_bounds(data)
    visited_at = check_clock(data.visited_at)
    _check_targets(session, data.loans + [loan for loan, _ in data.collected], data.groups,
                   data.households + list(data.household_updates))
    _check_purposes(data.purposes)
    _check_position(data.latitude, data.longitude)
    if data.next_visit_on and data.next_visit_on <= data.visited_on:
        raise InputError(Text("วันนัดลงพื้นที่ครั้งต่อไปต้องหลังวันนี้", "the next visit must be after this one"))
    for table, _ in data.verified:
        if table not in ("household", "loan"):
            raise InputError(Text(f"ตรวจยืนยันได้เฉพาะครัวเรือนหรือสัญญา: {table}", "only households and loans are verified"))
    photos = [read_photo(p) for p in data.photos]  # unreadable photo: refused before anything is written
    lat, lon = data.latitude, data.longitude
    if lat is None:
        lat, lon = next((p.gps for p in photos if p.gps), (None, None))
    officer = loanbook.officer_of(session)
    visit = Visit(
        visited_on=data.visited_on, visited_at=visited_at, village_id=data.village_id, place=data.place,
        people_met=data.people_met, purposes=json.dumps(data.purposes), findings=data.findings,
        next_steps=data.next_steps, next_visit_on=data.next_visit_on, latitude=lat, longitude=lon,
        officer=officer, device_id=loanbook.device_of(session),
    )
    session.add(visit)
    session.flush()
    loans = list(dict.fromkeys(data.loans + [loan for loan, _ in data.collected]))
    households_seen = list(dict.fromkeys(data.households + list(data.household_updates)))
    for kind, ids in ((EvidenceTarget.LOAN, loans), (EvidenceTarget.GROUP, data.groups),
                      (EvidenceTarget.HOUSEHOLD, households_seen)):
        for target in ids:
            session.add(EvidenceLink(source_kind=EvidenceSource.VISIT, source_id=visit.id, target_kind=kind,
                                     target_id=target))
    payments: list[str] = []
    for loan_id, satang in data.collected:
        pay = repayments.record_payment(session, loan_id, satang, data.visited_on, note="เก็บเงินระหว่างลงพื้นที่")
        session.add(EvidenceLink(source_kind=EvidenceSource.VISIT, source_id=visit.id,
                                 target_kind=EvidenceTarget.PAYMENT, target_id=pay.id))
        payments.append(pay.id)
    _tick(session, EvidenceSource.VISIT, visit.id, data.purposes, loans, data.visited_on)
    for hid, changes in data.household_updates.items():
        _update_household(session, hid, changes)
        session.add(Verification(table_name="household", record_id=hid, fields=json.dumps(sorted(changes)),
                                 verified_on=data.visited_on, officer=officer, visit_id=visit.id))
    for table, record_id in data.verified:
        session.add(Verification(table_name=table, record_id=record_id, fields='["*"]',
                                 verified_on=data.visited_on, officer=officer, visit_id=visit.id))
    stored: list[Photo] = []
    for p in photos:
        row = Photo(visit_id=visit.id, sha256=p.sha256, file_name=p.file_name, width=p.width, height=p.height,
                    original_name=p.original_name, taken_at=p.taken_at)
        session.add(row)
        stored.append(row)
    session.flush()
    written: list[Path] = []
    for p in photos:
        if (path := write_photo(photo_dir, p)) is not None:
            remove_on_rollback(session, path)  # the transaction's: gone again if the visit is not committed
            written.append(path)
    return VisitResult(visit, payments, stored, written)


def _update_household(session: Session, household_id: str, changes: HouseholdChanges) -> None:
    unknown = set(changes) - set(HouseholdChanges.__annotations__)
    if unknown:
        raise InputError(Text(f"แก้ไขข้อมูลครัวเรือนได้เฉพาะ status, phone, needs, house_no: {', '.join(unknown)}",
                              f"a visit changes only a household's status, phone, needs, house_no: {', '.join(unknown)}"))
    if "status" in changes:
        households.set_status(session, household_id, changes["status"])
    if "needs" in changes:
        households.set_needs(session, household_id, changes["needs"])
    h = households.get_household(session, household_id)
    if "phone" in changes:
        from fieldtool.thai import validate_phone

        h.phone = validate_phone(changes["phone"]) if changes["phone"] else ""
    if "house_no" in changes:
        h.house_no = registry.check_house_no(changes["house_no"])


def _tick(
    session: Session, source_kind: EvidenceSource, source_id: str, codes: Sequence[str], loans: Sequence[str],
    on: date,
) -> None:
    """Tick the work items a visit or meeting did for each linked loan; it stands as their evidence."""
    how = ContactWay.VISIT if source_kind is EvidenceSource.VISIT else ContactWay.MEETING
    label = source_kind.label.th  # การลงพื้นที่, การประชุม
    for loan_id in loans:
        for code in codes:
            stage, _, item = code.partition(":")
            if stage == Stage.PREVENT:
                check = lending.set_check(session, loan_id, item, True, on, f"บันทึกจาก{label} {format_date(on)}")  # Thai text: a BE date
                check.evidence_kind, check.evidence_id = source_kind, source_id
            elif stage in (Stage.FOLLOW, Stage.ASK):
                session.add(WorkItem(loan_id=loan_id, stage=stage, item=item, done_on=on,
                                     evidence_kind=source_kind, evidence_id=source_id))
        # asking on the spot answers the loan's open ask tasks; notifying answers its open notices
        open_items = reminders.reminders_on(session, on, [loan_id])
        wants_ask = any(c in _ASKING for c in codes)
        wants_notice = _NOTIFYING in codes
        for r in open_items:
            if (r.kind == ReminderKind.ASK and wants_ask) or (r.kind != ReminderKind.ASK and wants_notice):
                try:
                    reminders.deliver(session, r.id, how, on, note=f"บันทึกจาก{label}")
                except InputError:
                    pass  # already answered by an earlier task of the same loan in this loop
    session.flush()


def visit_links(
    session: Session, visit_id: str, source_kind: EvidenceSource = EvidenceSource.VISIT
) -> dict[str, list[str]]:
    """What a visit (or meeting) was about, by EvidenceTarget (payments: those taken on it)."""
    out: dict[str, list[str]] = {kind: [] for kind in EvidenceTarget}
    for link in session.scalars(select(EvidenceLink).where(col(EvidenceLink.source_kind) == source_kind,
                                                           col(EvidenceLink.source_id) == visit_id)):
        out.setdefault(link.target_kind, []).append(link.target_id)
    return out


def _linked(session: Session, source: EvidenceSource, target_kind: EvidenceTarget, target_id: str) -> list[str]:
    """The visits or meetings (by id) recorded as evidence about one loan, group or household."""
    return list(session.scalars(select(col(EvidenceLink.source_id)).where(
        col(EvidenceLink.source_kind) == source, col(EvidenceLink.target_kind) == target_kind,
        col(EvidenceLink.target_id) == target_id)))


def visits_of(session: Session, target_kind: EvidenceTarget, target_id: str) -> list[Visit]:
    ids = _linked(session, EvidenceSource.VISIT, target_kind, target_id)
    return sorted(session.scalars(select(Visit).where(col(Visit.id).in_(ids))),
                  key=lambda v: (v.visited_on, v.visited_at))


def meetings_of(session: Session, target_kind: EvidenceTarget, target_id: str) -> list[Meeting]:
    """The meetings recorded about one loan, group or household, oldest first (as `visits_of`)."""
    ids = _linked(session, EvidenceSource.MEETING, target_kind, target_id)
    return sorted(session.scalars(select(Meeting).where(col(Meeting.id).in_(ids))),
                  key=lambda m: (m.held_on, m.held_at))


# --- meetings ------------------------------------------------------------------------------------------


@dataclass
class MeetingInput:
    kind: str
    held_on: date
    place: str
    held_at: str = ""
    village_id: str | None = None
    attendees: str = ""
    outcomes: str = ""
    loans: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)


# What a meeting of each kind does by itself, ticked on its loans.
MEETING_TICKS = {
    MeetingKind.GUARANTEE: ["prevent:guarantee"],
    MeetingKind.EXCHANGE: ["follow:exchange"],
    MeetingKind.REPAYMENT: ["ask:meeting"],
}


def add_meeting(session: Session, data: MeetingInput) -> Meeting:
    meeting_kind = MeetingKind.parse(data.kind)
    if meeting_kind is None:
        raise InputError(Text(f"ประเภทการประชุมไม่ถูกต้อง: {data.kind}",
                              f"meeting kind is one of {', '.join(MeetingKind)}"))
    if data.village_id and session.get(Village, data.village_id) is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {data.village_id}", "no such village"))
    _check_targets(session, data.loans, data.groups, data.households)
    codes = list(dict.fromkeys(MEETING_TICKS.get(meeting_kind, []) + data.purposes))
    _check_purposes(codes)
    check_day(data.held_on, Text("วันประชุม", "the day of the meeting"))
    check_text(data.place, PLACE, LINE)
    check_text(data.attendees, Text("ผู้เข้าประชุม", "the list of attendees"), NOTE)
    check_text(data.outcomes, Text("ผลการประชุม", "the account of the outcomes"), ACCOUNT)
    held_at = check_clock(data.held_at)
    meeting = Meeting(kind=meeting_kind.value, held_on=data.held_on, held_at=held_at, village_id=data.village_id,
                      place=data.place, attendees=data.attendees, outcomes=data.outcomes,
                      officer=loanbook.officer_of(session))
    session.add(meeting)
    session.flush()
    for kind, ids in ((EvidenceTarget.LOAN, data.loans), (EvidenceTarget.GROUP, data.groups),
                      (EvidenceTarget.HOUSEHOLD, data.households)):
        for target in ids:
            session.add(EvidenceLink(source_kind=EvidenceSource.MEETING, source_id=meeting.id, target_kind=kind,
                                     target_id=target))
    _tick(session, EvidenceSource.MEETING, meeting.id, codes, data.loans, data.held_on)
    return meeting


# --- the next visit as a task ----------------------------------------------------------------------------


@dataclass
class VisitTask:
    visit_id: str
    due_on: date
    village: str
    place: str
    next_steps: str
    about: dict[str, list[str]]


def next_visit_tasks(session: Session, on: date) -> list[VisitTask]:
    """Visits promised for `on` or earlier and not yet made (no later visit about the same things)."""
    villages = {v.id: loanbook.village_label(v.moo, v.name) for v in session.scalars(select(Village))}
    due = session.scalars(
        select(Visit).where(col(Visit.next_visit_on).is_not(None), col(Visit.next_visit_on) <= on)
    ).all()
    if not due:
        return []
    links: dict[str, set[tuple[str, str]]] = {}
    visit_links = select(EvidenceLink).where(col(EvidenceLink.source_kind) == EvidenceSource.VISIT)
    for link in session.scalars(visit_links):
        if link.target_kind != EvidenceTarget.PAYMENT:
            links.setdefault(link.source_id, set()).add((link.target_kind, link.target_id))
    later_visits = session.scalars(select(Visit).where(col(Visit.visited_on) <= on)).all()
    tasks = []
    for v in due:
        if v.next_visit_on is None:
            continue  # (the query asked for a next visit; this tells the type checker)
        targets = links.get(v.id, set())
        made = any(
            w.visited_on > v.visited_on and w.id != v.id
            and ((targets and targets & links.get(w.id, set())) or (not targets and w.village_id == v.village_id))
            for w in later_visits
        )
        if not made:
            about: dict[str, list[str]] = {}
            for kind, target in sorted(targets):
                about.setdefault(kind, []).append(target)
            tasks.append(VisitTask(v.id, v.next_visit_on, villages.get(v.village_id, ""), v.place, v.next_steps, about))
    return sorted(tasks, key=lambda t: (t.due_on, t.village))
