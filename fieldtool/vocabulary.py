"""Every code the program stores, as an enum, with the label a person reads in Thai and English.

The database keeps the codes ("follow", "notice-7", "registered"); a screen, a letter, the command line and
the change log show the label. Before this module the Thai names sat beside each feature (STAGE_TH in the
ledger, NOTICE_TH in reminders, KIND_TH in letters) and their English in the app's string files, so one
notice had two Thai names and a label could change on one page and not the next. Now a code's label is
written once, here, and every caller asks `label(code)` or `Stage.FOLLOW.label`.

The enums are `StrEnum`s: a member equals its stored string, so rows read from SQLite compare with the
members as they are, and `Stage(row.stage)` turns a stored value back into a member (ValueError when the
value is not a code of that kind).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from fieldtool.text import Text


class Coded(StrEnum):
    """A stored code with its label: `NAME = "code", "ไทย", "English"`."""

    _label: Text

    def __new__(cls, value: str, th: str = "", en: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = Text(th or value, en or th or value)
        return member

    @property
    def label(self) -> Text:
        return self._label

    @classmethod
    def parse(cls, value: str) -> Self | None:
        """The member stored as `value`, or None for a value that is not one of these codes."""
        try:
            return cls(value)
        except ValueError:
            return None


def label(code: Coded) -> Text:
    return code.label


# -- the loan book --------------------------------------------------------------------------------------


class Stage(Coded):
    """Where a loan stands in the ปตท. workflow (fieldtool.ledger derives it; nothing stores it)."""

    PREVENT = "prevent", "ป้องกัน", "Prevent"
    FOLLOW = "follow", "ติดตาม", "Follow"
    ASK = "ask", "ทวงถาม", "Ask"
    CLOSED = "closed", "ปิดบัญชี", "Closed"


class Frequency(Coded):
    MONTHLY = "monthly", "รายเดือน", "monthly"
    QUARTERLY = "quarterly", "รายไตรมาส", "quarterly"
    HALF_YEARLY = "half-yearly", "รายครึ่งปี", "half-yearly"
    YEARLY = "yearly", "รายปี", "yearly"


# How far ahead each notice goes, written once: the reminder lists say "แจ้งล่วงหน้า 1 เดือน" and the notice
# letter's subject "แจ้งกำหนดชำระ (ล่วงหน้า ๑ เดือน)", the same lead time in the Thai digits of an official letter.
_AHEAD = {"notice-30": ("1 เดือน", "1 month"), "notice-15": ("15 วัน", "15 days"), "notice-7": ("7 วัน", "7 days")}
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _notice(code: str) -> tuple[str, str, str]:
    th, en = _AHEAD[code]
    return code, f"แจ้งล่วงหน้า {th}", f"Notice {en} before"


def _notice_letter(code: str) -> tuple[str, str, str]:
    th, en = _AHEAD[code]
    return code, f"แจ้งกำหนดชำระ (ล่วงหน้า {th.translate(_THAI_DIGITS)})", f"Notice: due in {en}"


class ReminderKind(Coded):
    """A task of the day: one of the three notices before a due date, or an ask after an unpaid one."""

    NOTICE_30 = _notice("notice-30")
    NOTICE_15 = _notice("notice-15")
    NOTICE_7 = _notice("notice-7")
    ASK = "ask", "ทวงถาม", "Ask"

    @property
    def is_notice(self) -> bool:
        return self is not ReminderKind.ASK


NOTICE_KINDS = (ReminderKind.NOTICE_30, ReminderKind.NOTICE_15, ReminderKind.NOTICE_7)
NOTICE_DAYS = {ReminderKind.NOTICE_30: 30, ReminderKind.NOTICE_15: 15, ReminderKind.NOTICE_7: 7}


class AskStep(Coded):
    """The ask ladder after an unpaid due date (ทวงถาม), in order."""

    VISIT = "visit", "ลงพื้นที่ติดตามทวงถาม", "Field visit to follow up"
    MEETING = "meeting", "ประชุมชี้แจงการชำระหนี้", "Repayment meeting"
    RELIEF = "relief", "มาตรการช่วยเหลือ/ปรับโครงสร้างหนี้", "Relief measures / restructuring"
    PARTNERS = "partners", "ประสานภาคีเครือข่าย", "Coordinate with partner networks"


class ContactWay(Coded):
    """How a notice or an ask reached the borrower (a delivery row's `how`)."""

    VISIT = "visit", "ลงพื้นที่", "visit"
    PHONE = "phone", "โทรศัพท์", "phone"
    LETTER = "letter", "หนังสือ", "letter"
    LINE = "line", "ไลน์", "LINE"
    MEETING = "meeting", "ที่ประชุม", "meeting"


# -- letters --------------------------------------------------------------------------------------------


class LetterKind(Coded):
    """The official letters: the subject column of the dispatch register is this label."""

    NOTICE_30 = _notice_letter("notice-30")
    NOTICE_15 = _notice_letter("notice-15")
    NOTICE_7 = _notice_letter("notice-7")
    DEMAND_1 = "demand-1", "ทวงถามหนี้ ครั้งที่ ๑", "First demand"
    DEMAND_2 = "demand-2", "ทวงถามหนี้ ครั้งที่ ๒", "Second demand"
    DEMAND_FINAL = "demand-final", "ทวงถามหนี้ ครั้งสุดท้าย", "Final demand"
    MEETING = "meeting", "เชิญประชุมติดตามการชำระหนี้", "Invitation to a repayment meeting"

    @property
    def is_notice(self) -> bool:
        return self.value.startswith("notice-")

    @property
    def is_demand(self) -> bool:
        return self.value.startswith("demand-")


NOTICE_LETTERS = (LetterKind.NOTICE_30, LetterKind.NOTICE_15, LetterKind.NOTICE_7)
DEMAND_LETTERS = (LetterKind.DEMAND_1, LetterKind.DEMAND_2, LetterKind.DEMAND_FINAL)


class Delivery(Coded):
    """How a letter goes to the borrower (การปฏิบัติ in the dispatch register)."""

    HAND = "hand", "ส่งด้วยมือ", "by hand"
    POST = "post", "ไปรษณีย์ธรรมดา", "ordinary post"
    REGISTERED = "registered", "ไปรษณีย์ลงทะเบียนตอบรับ", "registered post with return receipt"


# -- households and plans -------------------------------------------------------------------------------


class Dimension(Coded):
    """The five dimensions of TPMAP's poverty measure."""

    HEALTH = "health", "สุขภาพ", "Health"
    LIVING = "living", "ความเป็นอยู่", "Living conditions"
    EDUCATION = "education", "การศึกษา", "Education"
    INCOME = "income", "รายได้", "Income"
    ACCESS = "access", "การเข้าถึงบริการภาครัฐ", "Access to public services"


class HouseholdSource(Coded):
    TPMAP = "tpmap", "TPMAP", "TPMAP"
    FIELD = "field", "พบในพื้นที่ (นอก TPMAP)", "Found in the field (outside TPMAP)"


class HouseholdStatus(Coded):
    TARGET = "target", "ครัวเรือนเป้าหมาย", "Target"
    IN_PROGRESS = "in_progress", "กำลังพัฒนา", "In progress"
    OUT_OF_POVERTY = "out_of_poverty", "พ้นความยากจน", "Out of poverty"
    MOVED = "moved", "ย้ายออก", "Moved away"
    DIED = "died", "เสียชีวิต", "Died"


class ActionStatus(Coded):
    """An action of a 4ท plan."""

    PLANNED = "planned", "ยังไม่เริ่ม", "Not started"
    IN_PROGRESS = "in_progress", "กำลังดำเนินการ", "Under way"
    DONE = "done", "เสร็จแล้ว", "Done"
    DROPPED = "dropped", "ยกเลิก", "Dropped"


class PlanPart(Coded):
    """The four parts of a 4ท plan, in the order a plan is made (a plan_part row's `part`)."""

    ATTITUDE = "attitude", "ทัศนคติ", "Attitude"
    SKILLS = "skills", "ทักษะ", "Skills"
    RESOURCES = "resources", "ทรัพยากร", "Resources"
    WAY_OUT = "way_out", "ทางออก", "Way out"


# -- visits ---------------------------------------------------------------------------------------------


class MeetingKind(Coded):
    GUARANTEE = "guarantee", "ประชุมกลุ่มค้ำประกัน", "Group guarantee meeting"
    EXCHANGE = "exchange", "เวทีแลกเปลี่ยนเรียนรู้", "Exchange forum"
    REPAYMENT = "repayment", "ประชุมติดตามการชำระหนี้", "Repayment follow-up meeting"
    OTHER = "other", "ประชุมอื่น ๆ", "Other meeting"


class PreventItem(Coded):
    """What was done to prevent a bad loan before it was made (ป้องกัน), ticked on the loan."""

    UNDERSTANDING = ("understanding", "ชี้แจงทำความเข้าใจกองทุนและหน้าที่ของสมาชิก",
                     "Explained the fund and members' duties")
    PROPOSAL = "proposal", "ตรวจสอบโครงการที่ขอกู้ให้ถูกต้องครบถ้วน", "Checked the loan proposal"
    FEASIBILITY = "feasibility", "ลงพื้นที่ตรวจความเป็นไปได้ของโครงการ", "Visited to judge feasibility"
    LEADERS = "leaders", "สอบถามข้อมูลผู้กู้จากผู้นำชุมชน", "Asked village leaders about the borrowers"
    RISK = "risk", "ประเมินความเสี่ยงการชำระคืน", "Assessed the repayment risk"
    GUARANTEE = "guarantee", "ประชุมกลุ่มค้ำประกันซึ่งกันและกัน", "Group guarantee meeting held"


class FollowItem(Coded):
    ASSIGN = "assign", "มอบหมายกรรมการรับผิดชอบกลุ่ม", "Assign a committee member to the group"
    PROGRESS = "progress", "ติดตามความก้าวหน้าของโครงการ", "Follow the project's progress"
    ENCOURAGE = "encourage", "เยี่ยมเยียนให้กำลังใจ (เพื่อนคู่คิด มิตรคู่งาน)", "Visit and encourage"
    EXPLAIN = "explain", "ชี้แจงทำความเข้าใจการชำระคืน", "Explain repayment"
    EXCHANGE = "exchange", "เวทีแลกเปลี่ยนเรียนรู้ระหว่างกลุ่ม", "Exchange forum between groups"
    LINK = "link", "เชื่อมโยงหน่วยงาน การตลาด พัฒนาผลิตภัณฑ์ OTOP", "Link with agencies, marketing, OTOP"
    COMPETE = "compete", "ส่งเสริมเข้าประกวด", "Push to competitions"
    NOTIFY = "notify", "แจ้งเตือนก่อนครบกำหนดชำระ", "Notify before the due date"


class AskItem(Coded):
    FIELD = "field", "ลงพื้นที่ติดตามทวงถาม", "Field visit to follow up"
    MEETING = "meeting", "ประชุมเรื่องการชำระหนี้", "Repayment meeting"
    RELIEF = "relief", "ช่วยให้เข้าถึงมาตรการช่วยเหลือ", "Help reach relief measures"
    RESTRUCTURE = ("restructure", "นำหนี้กลับเข้าระบบ (ปรับโครงสร้างหนี้)",
                   "Bring the debt back into the system (restructure)")
    PARTNERS = "partners", "ประสานภาคีเครือข่าย", "Coordinate with partner networks"


class OtherPurpose(Coded):
    PLAN = "plan", "งานแผนพัฒนาครัวเรือน", "Household plan work"
    COLLECT = "collect", "เก็บเงิน/เก็บข้อมูล", "Collect money or data"
    OTHER = "other", "อื่น ๆ", "Other"


def purposes() -> dict[str, Text]:
    """Every purpose of a visit by its stored code (prevent:…, follow:…, ask:…, plan, collect, other)."""
    out = {f"prevent:{item.value}": item.label for item in PreventItem}
    out |= {f"follow:{item.value}": item.label for item in FollowItem}
    out |= {f"ask:{item.value}": item.label for item in AskItem}
    return out | {item.value: item.label for item in OtherPurpose}


# -- funds, the register import and the office ----------------------------------------------------------


class FundKind(Coded):
    WOMEN = "women", "กองทุนพัฒนาบทบาทสตรี", "Women's Development Fund"
    KKKJ = "kkkj", "กข.คจ.", "Poverty alleviation (KKKJ)"
    VILLAGE = "village", "กองทุนหมู่บ้าน", "Village fund"
    SAVINGS = "savings", "กลุ่มออมทรัพย์ (สัจจะออมทรัพย์)", "Savings group"
    OTHER = "other", "กองทุนอื่น", "Other fund"


class GroupKind(Coded):
    """A borrowing group's kind."""

    WOMEN = "women", "กลุ่มสตรี", "women's group"
    OTHER = "other", "กลุ่มอื่น", "other group"


class MemberRole(Coded):
    """A person's place in a borrowing group, in the order the group's members are listed."""

    CHAIR = "chair", "ประธาน", "chair"
    VICE_CHAIR = "vice_chair", "รองประธาน", "vice chair"
    TREASURER = "treasurer", "เหรัญญิก", "treasurer"
    SECRETARY = "secretary", "เลขานุการ", "secretary"
    COMMITTEE = "committee", "กรรมการ", "committee member"
    MEMBER = "member", "สมาชิก", "member"


class RowAction(Coded):
    """What one row of an office's register becomes in the import's dry run (the import window's words;
    a refused row is shouted, in English as in bold Thai)."""

    CREATE = "create", "จะสร้าง", "will create"
    MATCH = "match", "มีอยู่แล้ว", "already there"
    REFUSED = "refused", "ไม่รับ", "REFUSED"


class ConflictStatus(Coded):
    """A conflict the office found between two laptops' edits of one field."""

    OPEN = "open", "รอตรวจ", "open"
    KEPT = "kept", "ใช้ค่าเดิมต่อ", "kept"
    TOOK_OTHER = "took_other", "ใช้อีกค่า", "took the other"


# -- sync bundles and evidence --------------------------------------------------------------------------


class KeyRole(Coded):
    """Whose key a key file or a trusted key (SyncKey) is: an officer's laptop or the district office."""

    OFFICER = "officer", "เจ้าหน้าที่", "officer"
    OFFICE = "office", "สำนักงาน", "office"


class BundleKind(Coded):
    """A sync bundle's kind (SyncBundle.kind, the sealed file's header): a laptop's changes for the office, or
    the office's for one laptop (a seed is a return bundle that carries everything)."""

    FIELD = "field", "ชุดข้อมูลจากภาคสนาม", "field bundle"
    RETURN = "return", "ชุดข้อมูลขากลับ", "return bundle"

    @property
    def sender(self) -> KeyRole:
        """Whose key signs a bundle of this kind."""
        return KeyRole.OFFICER if self is BundleKind.FIELD else KeyRole.OFFICE

    @property
    def recipient(self) -> KeyRole:
        """Whose key opens it."""
        return KeyRole.OFFICE if self is BundleKind.FIELD else KeyRole.OFFICER


class BundleDirection(Coded):
    """Whether a SyncBundle row records a bundle written here or one taken in."""

    OUT = "out", "ส่งออก", "sent"
    IN = "in", "นำเข้า", "received"


class EvidenceSource(Coded):
    """The record that stands as evidence of work (EvidenceLink.source_kind, a work item's evidence_kind)."""

    VISIT = "visit", "การลงพื้นที่", "site visit"
    MEETING = "meeting", "การประชุม", "meeting"


class EvidenceTarget(Coded):
    """What a visit or a meeting was about (EvidenceLink.target_kind)."""

    LOAN = "loan", "สัญญาเงินกู้", "loan"
    GROUP = "group", "กลุ่ม", "group"
    HOUSEHOLD = "household", "ครัวเรือน", "household"
    PAYMENT = "payment", "การชำระเงิน", "payment"

    @property
    def table(self) -> str:
        """The table its id points into."""
        return "borrowing_group" if self is EvidenceTarget.GROUP else self.value


def labels(kind: type[Coded]) -> dict[str, Text]:
    """Every code of one kind with its label, in the enum's order (for a list to choose from)."""
    return {member.value: member.label for member in kind}
