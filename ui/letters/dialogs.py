"""The letter dialogs: one letter for a loan, the day's batch before it is issued, the office's settings for
letters, and the template editor.

Each has `ask(...)`, the one call a test replaces. The settings and templates are written through
`fieldtool.letters` in one transaction; a refusal (a bad letter block, an unknown placeholder) is shown
as one sentence and nothing is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from db import Database
from fieldtool import letterhead, letters
from fieldtool.letter_issue import BatchOutline
from fieldtool.thai import format_date
from fieldtool.vocabulary import Delivery, LetterKind
from ui.dialogs import FormDialog, input_error, parse_clock
from ui.i18n import label_text, language, strings, tr
from ui.labels import letter_kind_text
from ui.letters.officeform import OfficeSettingsForm, choose_image_file
from ui.qt import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import DateField


def meeting_text(on: date, hour: int, minute: int) -> str:
    """As the letter prints it after "ในวันที่": "๕ ธันวาคม ๒๕๖๙ เวลา ๑๓.๓๐ น." (digits made Thai later)."""
    return f"{format_date(on, 'long')} เวลา {hour:02d}.{minute:02d} น."


def delivery_label(how: Delivery) -> str:
    return label_text(how)  # "By hand": a choice in a list begins with a capital


@dataclass
class LetterChoice:
    kind: str
    on: date
    meeting_on: str = ""
    meeting_place: str = ""
    delivery: str = ""  # a Delivery's code; "" = the kind's default


class LetterDialog(FormDialog):
    """หนังสือ: which letter to print for this loan; a meeting invitation also needs date, time and place."""

    def __init__(
        self, db: Database, loan_id: str, day: date, kind: str = "notice-7", about: str = "", parent=None
    ):
        super().__init__(tr("letter.title"), parent)
        self.setMinimumWidth(560)
        self.db = db
        self.loan_id = loan_id
        self.choice: LetterChoice | None = None
        if about:
            label = QLabel(about)
            label.setWordWrap(True)
            self.form.addRow(label)
        self.kind = QComboBox()
        for code in LetterKind:
            self.kind.addItem(letter_kind_text(code), code.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        # how it goes (การปฏิบัติ in the register): each kind's default until the officer chooses
        self.delivery = QComboBox()
        for how in Delivery:
            self.delivery.addItem(delivery_label(how), how.value)
        self._delivery_chosen = False
        self.delivery.activated.connect(self._choose_delivery)
        self.on = DateField(day)
        self.meeting_date = DateField(day + timedelta(days=7))
        self.meeting_time = QLineEdit("13:30")
        self.meeting_time.setPlaceholderText(tr("letter.time_hint"))
        self.meeting_place = QLineEdit()
        self.meeting_place.setPlaceholderText(tr("letter.place_hint"))
        self.form.addRow(tr("letter.kind"), self.kind)
        self.form.addRow(tr("letter.date"), self.on)
        self.form.addRow(tr("letter.delivery"), self.delivery)
        self.form.addRow(tr("letter.meeting_date"), self.meeting_date)
        self.form.addRow(tr("letter.meeting_time"), self.meeting_time)
        self.form.addRow(tr("letter.meeting_place"), self.meeting_place)
        explain = QLabel(tr("letter.explain"))
        explain.setWordWrap(True)
        explain.setStyleSheet("QLabel { color: #546e7a; }")
        self.form.addRow(explain)
        self.save_button.setText(tr("letter.make"))
        self.kind.currentIndexChanged.connect(self._show_meeting_fields)
        self._show_meeting_fields()

    def _choose_delivery(self, _index: int) -> None:
        self._delivery_chosen = True

    def _show_meeting_fields(self) -> None:
        if not self._delivery_chosen:
            self.delivery.setCurrentIndex(self.delivery.findData(letters.DEFAULT_DELIVERY[LetterKind(self.kind.currentData())].value))
        meeting = self.kind.currentData() == "meeting"
        for field in (self.meeting_date, self.meeting_time, self.meeting_place):
            self.form.setRowVisible(field, meeting)
        self.adjustSize()

    def save(self) -> None:
        kind = self.kind.currentData()
        on = self.on.value()
        choice = LetterChoice(kind, on, delivery=self.delivery.currentData())
        if kind == "meeting":
            held_on = self.meeting_date.value()
            hour, minute = parse_clock(self.meeting_time.text())
            place = self.meeting_place.text().strip()
            if not place:
                raise input_error("letters.no_place")
            if held_on < on:
                raise input_error("letters.meeting_before_letter")
            choice.meeting_on, choice.meeting_place = meeting_text(held_on, hour, minute), place
        # Ask the domain now, so a letter the rules forbid (a notice on an overdue loan, a second demand
        # before the first one's period has run, a second letter the same day) is refused here, in one
        # sentence, not after a progress bar.
        with self.db.session() as s:
            letters.letter_request(s, self.loan_id, kind, on, choice.meeting_on, choice.meeting_place, choice.delivery)
        self.choice = choice

    @classmethod
    def ask(
        cls, parent, db: Database, loan_id: str, day: date, kind: str = "notice-7", about: str = ""
    ) -> LetterChoice | None:
        dialog = cls(db, loan_id, day, kind, about, parent=parent)
        return dialog.choice if dialog.exec() == FormDialog.DialogCode.Accepted else None


# --- the day's batch, before it is issued ---------------------------------------------------------------


def outline_text(outline: BatchOutline) -> str:
    """"จะออกหนังสือ 58 ฉบับ เลขที่ อบ ๐๐๑๗.๑๕/๒๐๑ ถึง อบ ๐๐๑๗.๑๕/๒๕๘ และบันทึกการแจ้ง 28 รายการว่าแจ้งทาง
    หนังสือแล้ว": what printing the batch will issue and record."""
    one = "one" if outline.new == 1 else "range"
    notices = "_notices" if outline.notices else ""
    return tr(f"batch.{one}{notices}", n=outline.new, first=outline.first, last=outline.last, m=outline.notices)


class BatchConfirmDialog(FormDialog):
    """Before the day's letters are issued: what will be numbered and recorded, and a yes or a no."""

    def __init__(self, outline: BatchOutline, parent=None):
        super().__init__(tr("batch.title"), parent)
        self.setMinimumWidth(640)
        self.question = QLabel(outline_text(outline))
        self.question.setWordWrap(True)
        self.question.setStyleSheet("QLabel { font-weight: bold; }")
        self.form.addRow(self.question)
        self.reprints = QLabel(tr("batch.reprints", r=outline.reprints))
        self.reprints.setWordWrap(True)
        self.reprints.setVisible(outline.reprints > 0)
        self.form.addRow(self.reprints)
        hint = QLabel(tr("batch.hint"))
        hint.setWordWrap(True)
        hint.setStyleSheet("QLabel { color: #546e7a; }")
        self.form.addRow(hint)
        self.save_button.setText(tr("batch.issue"))

    def save(self) -> None:
        """Nothing to write: the answer is the dialog's result."""

    @classmethod
    def ask(cls, parent, outline: BatchOutline) -> bool:
        """True to issue the letters. Tests replace this."""
        return cls(outline, parent=parent).exec() == FormDialog.DialogCode.Accepted


# --- the office's settings for letters ----------------------------------------------------------------


class OfficeSettingsDialog(FormDialog):
    """ตั้งค่าหนังสือราชการ: what every letter prints about the office, and this laptop's number block."""

    def __init__(self, db: Database, parent=None):
        super().__init__(tr("office.title"), parent)
        self.setMinimumWidth(680)
        self.db = db
        with db.session() as s:
            values = letterhead.office_settings(s)
        intro = QLabel(tr("office.intro"))
        intro.setWordWrap(True)
        intro.setStyleSheet("QLabel { color: #546e7a; }")
        self.form.addRow(intro)
        # The form is shared with the settings dialog and the first-run wizard (ui.letters.officeform).
        self.office_form = OfficeSettingsForm(values, choose_image=lambda w: OfficeSettingsDialog.choose_image(w))
        self.form.addRow(self.office_form)
        self.fields = self.office_form.fields
        self.choose_button = self.office_form.choose_button

    def value(self, key: str) -> str:
        return self.office_form.value(key)

    def set_value(self, key: str, value: str) -> None:
        self.office_form.set_value(key, value)

    @classmethod
    def choose_image(cls, parent) -> str:
        """The emblem image file ("" when cancelled). Tests replace this."""
        return choose_image_file(parent)

    def save(self) -> None:
        with self.db.session() as s:  # all or nothing
            self.office_form.save(s)

    @classmethod
    def ask(cls, parent, db: Database) -> bool:
        return cls(db, parent=parent).exec() == FormDialog.DialogCode.Accepted


# --- templates -------------------------------------------------------------------------------------------


def template_kinds() -> list[str]:
    """One entry per template: the three notices share one wording."""
    return ["notice", *[k.value for k in LetterKind if letterhead.template_key(k) == k]]


def template_label(key: str) -> str:
    return tr("template.notice") if key == "notice" else letter_kind_text(key)


def body_text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def body_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by an empty line; a single line break inside one is a space."""
    return [" ".join(p.split("\n")).strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


class TemplateDialog(FormDialog):
    """แม่แบบหนังสือ: the subject and body paragraphs of each letter kind, with named placeholders."""

    def __init__(self, db: Database, parent=None):
        super().__init__(tr("template.title"), parent)
        self.setMinimumSize(980, 640)
        self.db = db
        self.defaults = letterhead.default_templates()
        with db.session() as s:
            self.saved = {key: letterhead.get_template(s, key) for key in template_kinds()}
        self.drafts = {key: dict(value) for key, value in self.saved.items()}
        self._current: str | None = None
        self._last_editor: QWidget | None = None

        self.kind = QComboBox()
        for key in template_kinds():
            self.kind.addItem(template_label(key), key)
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setMinimumHeight(320)
        self.body.setPlaceholderText(tr("template.body_hint"))
        for editor in (self.subject, self.body):
            editor.installEventFilter(self)
        self.placeholders = QListWidget()
        for name, th in letterhead.PLACEHOLDERS.items():
            text = th if language() == "th" else strings().get(f"placeholder.{name}", {}).get("en", th)
            item = QListWidgetItem(f"{{{name}}}  {text}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.placeholders.addItem(item)
        self.placeholders.setMinimumWidth(330)
        # a long description wraps inside the list rather than run off its side (1280×720 has no room for it)
        self.placeholders.setWordWrap(True)
        self.placeholders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.placeholders.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.placeholders.itemActivated.connect(self._insert_placeholder)
        self.reset_button = QPushButton(tr("template.reset"))
        self.reset_button.clicked.connect(self.reset_to_default)
        self.state = QLabel()
        self.state.setStyleSheet("QLabel { color: #546e7a; }")

        editors = QWidget()
        form_box = QHBoxLayout(editors)
        form_box.setContentsMargins(0, 0, 0, 0)
        left = QFormLayout()
        left.addRow(tr("template.kind"), self.kind)
        left.addRow(tr("template.subject"), self.subject)
        left.addRow(tr("template.body"), self.body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.state, 1)
        left.addRow("", buttons)
        right = QVBoxLayout()
        hint = QLabel(tr("template.placeholders"))
        hint.setWordWrap(True)
        right.addWidget(hint)
        right.addWidget(self.placeholders, 1)
        form_box.addLayout(left, 3)
        form_box.addLayout(right, 2)
        self.form.addRow(editors)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.subject.textChanged.connect(self._show_state)
        self.body.textChanged.connect(self._show_state)
        self._kind_chosen()

    def eventFilter(self, obj, event):
        if event.type() == event.Type.FocusIn:
            self._last_editor = obj
        return super().eventFilter(obj, event)

    def current_key(self) -> str:
        return self.kind.currentData()

    def _keep_edits(self) -> None:
        if self._current is not None:
            self.drafts[self._current] = {
                "subject": self.subject.text(),
                "body": body_paragraphs(self.body.toPlainText()),
            }

    def _kind_chosen(self) -> None:
        self._keep_edits()
        key = self.current_key()
        self._current = None  # no keeping while the fields are filled
        draft = self.drafts[key]
        self.subject.setText(draft["subject"])
        self.body.setPlainText(body_text(draft["body"]))
        self._current = key
        self._show_state()

    def _show_state(self) -> None:
        key = self.current_key()
        current = {"subject": self.subject.text(), "body": body_paragraphs(self.body.toPlainText())}
        default = self.defaults[key]
        self.state.setText(tr("template.is_default") if current == default else tr("template.is_custom"))
        self.reset_button.setEnabled(current != default)

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        text = "{" + item.data(Qt.ItemDataRole.UserRole) + "}"
        editor = self._last_editor or self.body
        if isinstance(editor, QLineEdit):
            editor.insert(text)
        else:
            editor.insertPlainText(text)
        editor.setFocus()

    def reset_to_default(self) -> None:
        default = self.defaults[self.current_key()]
        self.subject.setText(default["subject"])
        self.body.setPlainText(body_text(default["body"]))

    def save(self) -> None:
        self._keep_edits()
        with self.db.session() as s:  # every kind or none
            for key, draft in self.drafts.items():
                if draft == self.saved[key]:
                    continue
                try:
                    if draft == self.defaults[key]:
                        letterhead.reset_template(s, key)
                    else:
                        letterhead.set_template(s, key, draft)
                except Exception:
                    self.kind.setCurrentIndex(self.kind.findData(key))  # show the one refused
                    raise

    @classmethod
    def ask(cls, parent, db: Database) -> bool:
        return cls(db, parent=parent).exec() == FormDialog.DialogCode.Accepted
