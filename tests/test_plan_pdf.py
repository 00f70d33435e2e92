"""The printed household plan: one or two pages, Sarabun embedded, the four T's and the decision on it."""

import subprocess
from dataclasses import replace
from datetime import date

import pytest

from exports.plan_pdf import render_plan
from fieldtool import households, plans
from fieldtool.thai import InputError
from tests.test_letters_pdf import dark, gray_page, pdf_page_count
from tests.test_plans import first_plan


def views(book, on=date(2026, 11, 20)):
    first_plan(book)
    with book.db.session() as s:
        households.set_needs(s, book.household_id, {"income": "ว่างงานหลังฤดูทำนา", "living": "หลังคารั่ว"})
        return plans.plan_view(s, book.household_id, on), households.household_view(s, book.household_id, on)


def test_the_plan_prints_on_one_page_with_every_part(book, tmp_path):
    plan, household = views(book)
    out = tmp_path / "plan.pdf"
    assert render_plan(plan, household, out, "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร") == 1
    assert pdf_page_count(out) == 1
    assert b"Sarabun" in out.read_bytes()
    w, h, pixels = gray_page(out, 1)
    assert dark(pixels, w, (0, 0, 1, 0.35)) > 1500  # header, needs and the first part
    assert dark(pixels, w, (0, 0.35, 1, 0.9)) > 1500  # the actions tables, the decision, the signatures
    assert dark(pixels, w, (0, 0.95, 1, 1)) < dark(pixels, w, (0, 0.35, 1, 0.9)) / 10  # no text off the page


def test_an_earlier_revision_prints_too(book, tmp_path):
    plan, household = views(book)
    with book.db.session() as s:
        plans.save_plan(s, book.household_id, plans.as_input(s, plans.latest_plan(s, book.household_id), date(2026, 12, 1)))
        first = plans.plan_view(s, book.household_id, date(2026, 12, 2), revision=1)
    assert render_plan(first, household, tmp_path / "rev1.pdf") == 1


def test_an_unwritable_path_is_refused_and_leaves_no_file(book, tmp_path):
    plan, household = views(book)
    with pytest.raises(InputError, match="cannot write"):
        render_plan(plan, household, tmp_path / "missing-folder" / "plan.pdf")
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.part"))


def _page_lines(pdf, page: int) -> list[str]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [ln.strip() for ln in out.splitlines() if ln.strip()]


DECISION = "เราจะเลี้ยงไก่ไข่ขายในหมู่บ้าน และจดบัญชีรายรับรายจ่ายทุกวัน เพื่อให้มีรายได้ประจำ "


def test_the_signatures_go_over_with_the_last_lines_of_the_decision(book, tmp_path):
    """However long the decision, the page the signatures are on starts with the decision's last lines."""
    plan, household = views(book)
    seen_two_pages = 0
    for repeats in range(8, 30, 2):
        out = tmp_path / f"plan-{repeats}.pdf"
        decision = (DECISION * repeats).strip()
        pages = render_plan(replace(plan, decision=decision), household, out)
        lines = _page_lines(out, pages)
        signature = next(i for i, ln in enumerate(lines) if ln.startswith("ลงชื่อ"))
        if pages == 1:
            continue
        seen_two_pages += 1
        assert signature >= 2, f"{repeats}: the signatures stand alone on page {pages}: {lines[:3]}"
        assert lines[signature - 1].endswith("”"), "the line above them closes the decision"
    assert seen_two_pages >= 3


def test_a_search_of_the_plan_finds_the_thai_it_prints(book, tmp_path):
    plan, household = views(book)
    out = tmp_path / "plan.pdf"
    render_plan(plan, household, out, "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร")
    text = "\n".join(_page_lines(out, 1))
    for words in ("แผนพัฒนาครัวเรือน (เครื่องมือ ๔ท)", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร", "นายบุญมี ศรีสุข",
                  "มีที่ดิน ๒ ไร่ ใกล้หนองน้ำ", "อบรมการเลี้ยงไก่ไข่", "ทางออกที่ครัวเรือนตัดสินใจ",
                  "“เราจะเลี้ยงไก่ไข่ขายในหมู่บ้าน และจดบัญชีรายรับรายจ่ายทุกวัน”", "ลงชื่อ"):
        assert words in text, words
