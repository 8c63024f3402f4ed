#!/usr/bin/env bash
# Sets up everything Outpost needs from the project's own files: Debian packages (when run
# as root; otherwise names the missing ones), a virtualenv in .venv, and the pinned Python
# packages from constraints.txt. Safe to run again: it only does what is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

# Qt's xcb platform and fonts, the Secret Service keychain, a virtual display for UI tests;
# for video visits: PortAudio (the speaker), Chromium (the patient's browser in tests),
# coturn (TURN), espeak-ng (speech for the echo tests), iproute2 (network namespaces for
# thin-link tests) and jackd2 (a JACK server with a dummy sound card for speaker tests).
DEB_PACKAGES=(
  python3-venv
  libgl1 libegl1 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxkbcommon-x11-0
  libfontconfig1 fonts-dejavu-core libwayland-cursor0 libwayland-egl1 xkb-data libdbus-1-3
  libpulse0 dbus gnome-keyring xvfb xauth
  libportaudio2 chromium coturn espeak-ng iproute2 jackd2
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "outpost setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "outpost setup: these Debian packages are missing; as root run:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    echo "outpost setup: continuing; Qt, the keychain or the UI tests may fail without them." >&2
  fi
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "outpost setup: Python >= 3.11 is needed; '$PY' is $("$PY" --version 2>&1)." >&2
  exit 1
fi

stamp=.venv/.outpost-installed
want=$( (cat pyproject.toml constraints.txt; find src resources -type f -not -path "*/__pycache__/*" | LC_ALL=C sort) | sha256sum | cut -d" " -f1)
if [ ! -x .venv/bin/python ]; then
  echo "outpost setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "outpost setup: installing Python packages (pinned in constraints.txt)" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[dev]" \
    --config-settings editable_mode=strict
  echo "$want" > "$stamp"
fi
