#!/usr/bin/env bash
# Runs a command with a usable OS keychain. A desktop session already has one; on a bare
# machine (CI, a server) this starts a private D-Bus session with gnome-keyring, unlocked
# with a throwaway password, for the life of the command.
#
# The private keyring's files live in OUTPOST_KEYRING_DIR (default: a new temporary folder,
# removed afterwards), so concurrent runs never share, and reload, one keyring file.
set -euo pipefail
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ "${OUTPOST_PRIVATE_KEYRING:-0}" != 1 ]; then
  exec "$@"
fi
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "outpost: no keychain session and no gnome-keyring to start one;" >&2
  echo "  install it with: apt-get install dbus gnome-keyring" >&2
  exit 1
fi
keyring_dir=${OUTPOST_KEYRING_DIR:-}
cleanup=
if [ -z "$keyring_dir" ]; then
  keyring_dir=$(mktemp -d "${TMPDIR:-/tmp}/outpost-keyring.XXXXXX")
  cleanup=$keyring_dir
fi
mkdir -p "$keyring_dir"
status=0
OUTPOST_KEYRING_DIR=$keyring_dir dbus-run-session -- bash -c '
  eval "$(printf "%s" "${OUTPOST_KEYRING_PASSWORD:-outpost}" |
    XDG_DATA_HOME="$OUTPOST_KEYRING_DIR" gnome-keyring-daemon --daemonize --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  exec "$@"' outpost-keyring "$@" || status=$?
[ -z "$cleanup" ] || rm -rf "$cleanup"
exit "$status"
