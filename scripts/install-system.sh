#!/usr/bin/env bash
# Install the system packages the test suite needs (Debian/Ubuntu, apt).
#
#   scripts/install-system.sh              Chromium, Noto CJK fonts, Pango (PDF documents)
#   scripts/install-system.sh --postgres   ... plus a PostgreSQL server
#
# Idempotent: when everything is already present it exits at once, without
# touching apt. As root it installs what is missing; otherwise it prints the
# exact apt command to run and exits 1.
set -euo pipefail

want_postgres=false
for arg in "$@"; do
    case "$arg" in
        --postgres) want_postgres=true ;;
        -h | --help)
            sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "install-system.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

dpkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

have_chromium() {
    [ -x /usr/bin/chromium ]
}

have_cjk_fonts() {
    dpkg_installed fonts-noto-cjk && return 0
    command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -qi noto
}

# WeasyPrint (the printed documents' PDF) loads Pango's shared libraries at import.
have_pango() {
    dpkg_installed libpangoft2-1.0-0 && return 0
    ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'
}

have_postgres() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

missing=()
have_chromium || missing+=(chromium)
have_cjk_fonts || missing+=(fonts-noto-cjk)
have_pango || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if $want_postgres && ! have_postgres; then
    missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    {
        echo "Missing system packages: ${missing[*]}"
        echo "Install them as root, e.g.:"
        echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    } >&2
    exit 1
fi

echo "install-system.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"

# Check that the packages really delivered what the tests rely on.
status=0
if ! have_chromium; then
    echo "install-system.sh: /usr/bin/chromium still missing after install" >&2
    status=1
fi
if ! have_cjk_fonts; then
    echo "install-system.sh: fonts-noto-cjk still missing after install" >&2
    status=1
fi
if ! have_pango; then
    echo "install-system.sh: Pango (libpangoft2-1.0-0) still missing after install" >&2
    status=1
fi
if $want_postgres && ! have_postgres; then
    echo "install-system.sh: no /usr/lib/postgresql/*/bin/initdb after install" >&2
    status=1
fi
exit $status
