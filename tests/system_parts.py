"""Checks for the system packages some tests need (installed by scripts/install-system.sh):
a missing one fails the test with what to install, never skips it."""

import shutil
import subprocess

import pytest


def require_cjk_fonts(hint: str, families: tuple[str, ...] = ("Noto",)) -> None:
    """Fail unless fontconfig lists Chinese fonts of each of `families`."""
    if shutil.which("fc-list") is None:
        pytest.fail(f"fontconfig (fc-list) is missing. {hint}", pytrace=False)
    fonts = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    missing = [family for family in families if family not in fonts]
    if missing:
        pytest.fail(f"No CJK font ({', '.join(missing)}) installed. {hint}", pytrace=False)
