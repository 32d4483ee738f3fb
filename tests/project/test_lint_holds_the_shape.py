"""`make lint` refuses the shapes the house rules out: a function over 100 lines, over
complexity 12, or over 50 statements (docs/ARCHITECTURE.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")


def _function(lines: int) -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(lines - 2))
    return f"def long_one():\n{body}    return 0\n"


def _length_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, ROOT / "scripts/check_function_length.py", "--max", "100", path],
        capture_output=True,
        text=True,
    )


def test_a_function_over_100_lines_fails_the_length_check(tmp_path):
    ok, long = tmp_path / "ok.py", tmp_path / "long.py"
    ok.write_text(_function(100))
    long.write_text(_function(101))
    assert _length_check(ok).returncode == 0
    result = _length_check(long)
    assert result.returncode == 1
    assert "long_one is 101 lines long (at most 100)" in result.stdout


def test_ruff_refuses_complexity_over_12_and_over_50_statements(tmp_path):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(13))
    (tmp_path / "complex.py").write_text(f"def tangled(x):\n{branches}    return -1\n")
    (tmp_path / "long.py").write_text(_function(60))
    result = subprocess.run(
        [RUFF, "check", "--no-cache", "--config", ROOT / "pyproject.toml", tmp_path],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "C901 `tangled` is too complex (14 > 12)" in result.stdout
    assert "PLR0915 Too many statements" in result.stdout
