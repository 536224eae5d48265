#!/usr/bin/env bash
# Runs a command with a real Secret Service keychain: a private D-Bus session with an
# unlocked gnome-keyring, as on a desktop. Used by tests on headless machines; when a
# session bus already exists (a desktop), the command runs as is.
set -euo pipefail
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${ZFS_OFFSITE_FRESH_KEYRING:-}" ]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: $tool is missing; install the Debian packages dbus-x11 and gnome-keyring (bash .ci/run does)." >&2
    exit 1
  fi
done
# A throwaway keyring folder per run, so tests never touch a person's own keyring.
export XDG_DATA_HOME="$(mktemp -d /tmp/zfs-offsite-keyring.XXXXXX)"
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
unset ZFS_OFFSITE_FRESH_KEYRING
dbus-run-session -- bash -c 'printf %s "keyring-for-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' with-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
