"""Letters from the command line: `letters` (the day's batch with its register of letters sent) and `letter`
(one letter of a loan, `letter reprint NUMBER`, `letter correct NUMBER`).

Each run is one transaction: the PDFs are written, then the letters recorded; a refusal is one sentence
with no file and no number spent. Letters that go by post get their address labels in a second file
(label stock goes in the printer separately), `--labels FILE.pdf` or "<out>-labels.pdf" beside the letters.
"""

from __future__ import annotations

from pathlib import Path

from fieldtool.text import Text
from ui.cli.choices import LETTER_KINDS
from ui.cli.context import session
from ui.cli.output import day, emit, progress

HOW = "hand (ส่งด้วยมือ), post (ไปรษณีย์ธรรมดา) or registered (ไปรษณีย์ลงทะเบียนตอบรับ)"


def add_parser(sub, common) -> None:
    lt = sub.add_parser("letters", parents=[common],
                        help="all letters due on a day in one PDF, with the register of letters sent (ทะเบียนหนังสือส่ง)")
    lt.add_argument("--on")
    lt.add_argument("--out", required=True, metavar="FILE.pdf")
    lt.add_argument("--labels", metavar="FILE.pdf", help="address labels of the letters going by post "
                    "(default: <out>-labels.pdf beside the letters)")
    lt.add_argument("--send", action="append", default=[], metavar="[KIND|LOAN_ID=]HOW",
                    help=f"how letters go, over each kind's default: {HOW}; e.g. --send demand-2=registered")
    lt.set_defaults(func=cmd_letters)

    l1 = sub.add_parser("letter", parents=[common],
                        help="one letter of a loan; or reprint / correct an issued letter by its number")
    l1.add_argument("target", nargs="+", metavar="LOAN_ID | reprint NUMBER | correct NUMBER",
                    help="a loan id; or 'reprint' or 'correct' and the letter's number as printed "
                         "(ที่ อบ ๐๐๑๗.๑๕/๒๐๑, Thai or Arabic digits) or its running number (201)")
    l1.add_argument("--kind", choices=list(LETTER_KINDS))
    l1.add_argument("--on", help="the letter's date (default today; a reprint keeps its own)")
    l1.add_argument("--out", required=True, metavar="FILE.pdf")
    l1.add_argument("--labels", metavar="FILE.pdf")
    l1.add_argument("--send", metavar="HOW", help=HOW)
    l1.add_argument("--year", type=int, help="the Buddhist year of the number, when it was used in several years")
    l1.add_argument("--meeting-on", help="meeting date and time as printed, e.g. '๕ ธันวาคม ๒๕๖๙ เวลา ๐๙.๓๐ น.'")
    l1.add_argument("--place", help="meeting place")
    l1.set_defaults(func=cmd_letter)


# --- commands --------------------------------------------------------------------------------------------


def cmd_letters(args) -> None:
    from fieldtool import letters

    on = day(args.on)
    choices = _send_choices(args.send)
    _issue(args, lambda s: letters.letters_due(s, on, choices), lambda s: on, with_dispatch=True)


def cmd_letter(args) -> None:
    from fieldtool import letters
    from fieldtool.letter_numbers import find_letter
    from fieldtool.thai import InputError
    from fieldtool.vocabulary import LetterKind

    action, rest = args.target[0], args.target[1:]
    if action in ("reprint", "correct"):
        if not rest:
            raise InputError(Text(f"ระบุเลขที่หนังสือ: fieldtool letter {action} NUMBER",
                                  f"give the letter's number: fieldtool letter {action} NUMBER"))
        number = " ".join(rest)

        def record(s):
            return find_letter(s, number, args.year)

        if action == "reprint":
            _issue(args, lambda s: [letters.reprint_request(record(s))], lambda s: record(s).issued_on,
                   with_dispatch=False)
        else:
            on = day(args.on)
            _issue(args, lambda s: [letters.correction_request(s, record(s), on, args.send or "")], lambda s: on,
                   with_dispatch=False)
        return
    if rest:
        raise InputError(Text(f"ไม่เข้าใจคำสั่ง: letter {' '.join(args.target)}",
                              "use: letter LOAN_ID --kind KIND, letter reprint NUMBER or letter correct NUMBER"))
    if not args.kind:
        raise InputError(Text("ระบุประเภทหนังสือด้วย --kind", f"give the letter's kind with --kind ({', '.join(LetterKind)})"))
    on = day(args.on)
    _issue(
        args,
        lambda s: [letters.letter_request(s, action, args.kind, on, args.meeting_on or "", args.place or "",
                                          args.send or "")],
        lambda s: on, with_dispatch=False,
    )


def _send_choices(items: list[str]) -> dict[str, str]:
    """--send HOW (every letter), --send KIND=HOW or --send LOAN_ID=HOW; each HOW is checked now."""
    from fieldtool import letters
    from fieldtool.vocabulary import LetterKind

    out: dict[str, str] = {}
    for item in items:
        key, _, how = item.rpartition("=")
        letters.parse_delivery(how)
        if not key:
            out.update({kind.value: how for kind in LetterKind})
        else:
            out[key] = how
    return out


def _issue(args, make_requests, letter_date, with_dispatch: bool) -> None:
    """Issue the letters `make_requests` asks for, in one transaction that owns the PDFs written for them: if it
    does not commit, no number is spent and no file is left (fieldtool.transaction_files)."""
    from exports.letters import issue
    from ui.cli import shapes

    with session(args) as s:
        result = issue(s, make_requests(s), Path(args.out), letter_date(s), with_dispatch=with_dispatch,
                       labels_path=Path(args.labels) if args.labels else None, progress=_letters_progress(args))
        payload = shapes.issued(result, with_dispatch)
    lines = [_letter_line(p) for p in payload["letters"]]
    what = "หนังสือและทะเบียนหนังสือส่ง" if with_dispatch else "หนังสือ"
    lines.append(f"บันทึกไฟล์{what}แล้ว: {result.path} ({result.pages} หน้า)")
    if result.labels_path:
        lines.append(f"ป้ายจ่าหน้าซองสำหรับหนังสือที่ส่งทางไปรษณีย์ {result.labels} ดวง: {result.labels_path}")
    lines += [f"หมายเหตุ: {r['th']} ({r['en']})" for r in payload["rebuilt"]]
    if result.warning:
        lines.append(f"คำเตือน: {result.warning}")
    emit(args, payload, lines)


def _letters_progress(args, every: int = 10):
    """A line on stderr for every `every` letters drawn and for the last one: a batch of a hundred letters
    takes a few seconds, and the officer sees it moving (nothing with --quiet)."""
    say = progress(args)

    def drawn(done: int, total: int) -> None:
        if total > 1 and (done % every == 0 or done == total):
            say(f"พิมพ์หนังสือแล้ว {done:,}/{total:,} ฉบับ (letters drawn: {done:,} of {total:,})")

    return drawn


def _letter_line(p: dict) -> str:
    from fieldtool.vocabulary import LetterKind

    line = f"{p['number']}  {LetterKind(p['kind']).label.th}  {p['recipient']}  {p['amount']} บาท"
    if p["delivery_th"]:
        line += f"  {p['delivery_th']}"
    if p["reprint"]:
        line += "  (พิมพ์ซ้ำ" + (" มีคำว่า สำเนา)" if p["copy"] else ")")
    if p["corrects"]:
        line += f"  (แก้ไขหนังสือ{p['corrects']})"
    return line
