"""deploy/backup.sh: a dated backup through manage.py, then old dated backups pruned, and
nothing pruned when the backup failed. manage.py is stubbed: the command has its own tests."""

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy/backup.sh"
STUB = """#!/usr/bin/env bash
# $1 is manage.py; record the call and make the output directory, or fail.
echo "$@" >> "$BACKUP_ROOT/../calls"
[ "${FAIL:-}" = 1 ] && exit 1
mkdir -p "$4" && touch "$4/manifest.json"
"""


def _run(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    stub = tmp_path / "python"
    stub.write_text(STUB)
    stub.chmod(0o755)
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHON": str(stub),
        "APP_DIR": "/srv/app",
        "BACKUP_ROOT": str(tmp_path / "backups"),
        **env,
    }
    return subprocess.run(["bash", SCRIPT], env=environment, capture_output=True, text=True)


def _aged(path: Path, days: int) -> Path:
    path.mkdir(parents=True)
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_it_backs_up_to_a_dated_directory_and_prunes_old_ones(tmp_path):
    backups = tmp_path / "backups"
    old, recent = _aged(backups / "2020-01-01", 40), _aged(backups / "2020-02-01", 10)
    kept_by_hand = _aged(backups / "before-upgrade", 400)
    partial = _aged(backups / ".2020-01-03.partial-abc", 2)
    result = _run(tmp_path, KEEP_DAYS="30")
    assert result.returncode == 0, result.stderr
    call = (tmp_path / "calls").read_text().split()
    assert call[:3] == ["/srv/app/manage.py", "backup", "--output"]
    assert Path(call[3]).parent == backups and (Path(call[3]) / "manifest.json").exists()
    assert not old.exists() and not partial.exists()
    assert recent.exists() and kept_by_hand.exists()
    assert _run(tmp_path).returncode == 0  # a second run the same day gets its own directory
    assert len([p for p in backups.iterdir() if p.name.startswith(call[3][-10:])]) == 2


def test_a_failed_backup_prunes_nothing(tmp_path):
    old = _aged(tmp_path / "backups" / "2020-01-01", 40)
    assert _run(tmp_path, FAIL="1").returncode != 0
    assert old.exists()


def test_keep_days_must_be_a_positive_number(tmp_path):
    result = _run(tmp_path, KEEP_DAYS="abc")
    assert result.returncode == 2 and "KEEP_DAYS" in result.stderr
