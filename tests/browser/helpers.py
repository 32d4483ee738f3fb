"""Shared pieces for the browser journeys: dates as the app sees them (Asia/Shanghai), a
small valid PDF, screenshots. (The rows the data migrations write come back after every
flush: tests/reference.py.)"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SHOTS = Path("/tmp/shots")
VIEWPORT = {"width": 1366, "height": 768}


def today() -> dt.date:
    """Today where the app runs; the services refuse dates after it."""
    return dt.datetime.now(SHANGHAI).date()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on `day`, for the services' `when=`."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, the day clamped to the target month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def iso(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def write_pdf(path: Path) -> bytes:
    """A small, well-formed one-page PDF (the demo's letter maker)."""
    from suggestions.demo.portal import pdf_bytes

    data = pdf_bytes("Reply letter")
    path.write_bytes(data)
    return data


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pick(page, label: str, text: str, *, exact: bool = False) -> None:
    """Choose `text` in the type-ahead picker (Tom Select) labelled `label`, as a user does:
    type part of it, click the match, close the list."""
    box = page.get_by_role("combobox", name=label, exact=exact)
    box.click()
    box.fill(text)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    listbox.get_by_role("option", name=text).first.click()
    # The list must be gone before the next field is clicked: an open list covers it.
    # A multiple picker stays open after a pick, and under load the Escape key can reach
    # it before its own handlers are ready, so ask again (and finally close it through
    # Tom Select's own API) until it is hidden.
    dropdown = listbox.locator("xpath=..")
    for _attempt in range(3):
        box.press("Escape")
        try:
            dropdown.wait_for(state="hidden", timeout=3000)
            return
        except PlaywrightTimeoutError:
            continue
    select_id = box.get_attribute("aria-controls").removesuffix("-ts-dropdown")
    page.evaluate(
        "id => { const ts = document.getElementById(id).tomselect; ts.close(); ts.blur(); }",
        select_id,
    )
    dropdown.wait_for(state="hidden")
