#!/usr/bin/env bash
# Daily backup of the 代表建议办理系统 (run by suggestions-backup.service at 02:30).
#
#   deploy/backup.sh
#
# Writes BACKUP_ROOT/YYYY-MM-DD (database, uploaded files, manifest.json with SHA-256
# sums) through `manage.py backup`, then, only if that succeeded, deletes dated backups
# older than KEEP_DAYS days and partial backups a crash left behind. The application's
# own environment (SECRET_KEY, DATABASE_URL or SQLITE_PATH, MEDIA_ROOT) must be set; the
# systemd unit reads it from /etc/suggestions/env.
#
#   APP_DIR      the project checkout          default: the directory above this script
#   PYTHON       the virtualenv's python       default: APP_DIR/.venv/bin/python
#   BACKUP_ROOT  where the backups go          default: /var/backups/suggestions
#   KEEP_DAYS    days a backup is kept         default: 30
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="${APP_DIR:-$(dirname "$here")}"
PYTHON="${PYTHON:-$APP_DIR/.venv/bin/python}"
BACKUP_ROOT="${BACKUP_ROOT:-/var/backups/suggestions}"
KEEP_DAYS="${KEEP_DAYS:-30}"

if ! [[ "$KEEP_DAYS" =~ ^[0-9]+$ ]] || [ "$KEEP_DAYS" -lt 1 ]; then
    echo "backup.sh: KEEP_DAYS 必须是正整数，当前为 '$KEEP_DAYS'" >&2
    exit 2
fi

umask 077
mkdir -p "$BACKUP_ROOT"

# One backup a day; a second run the same day gets the time appended.
target="$BACKUP_ROOT/$(date +%F)"
if [ -e "$target" ]; then
    target="$BACKUP_ROOT/$(date +%F-%H%M%S)"
fi

"$PYTHON" "$APP_DIR/manage.py" backup --output "$target"

# Only dated directories are pruned, never anything else an operator put there.
find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d \
    -name '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' -mtime +"$KEEP_DAYS" \
    -print -exec rm -rf -- {} +
# Partial backups (.NAME.partial-XXXX) are left only by a crash; keep them a day to look at.
find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -name '.*.partial-*' -mtime +0 \
    -print -exec rm -rf -- {} +
