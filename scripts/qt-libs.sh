#!/usr/bin/env bash
# The system libraries Qt needs for the platform plugin it will use: xcb with a display (DISPLAY or
# WAYLAND_DISPLAY), offscreen without one, or the one QT_QPA_PLATFORM names. Missing ones are installed with
# apt-get when run as root on Debian/Ubuntu, else named in one sentence. Usage: qt-libs.sh VENV
set -uo pipefail

venv=${1:-.venv}
qt=$(echo "$venv"/lib/python3*/site-packages/PySide6/Qt)
if [ -n "${QT_QPA_PLATFORM:-}" ]; then plugin=${QT_QPA_PLATFORM%%:*}
elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then plugin=xcb
else plugin=offscreen; fi

missing=$(ldd "$qt/lib/libQt6Gui.so.6" "$qt/plugins/platforms/libq$plugin.so" 2>/dev/null \
          | awk '/not found/ {print $1}' | sort -u)
if [ "$plugin" = xcb ]; then
  # Qt opens libxcb-cursor itself when the plugin starts, so ldd cannot see that it is missing.
  ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
  if [ -x "$ldconfig" ] && ! "$ldconfig" -p | grep -q 'libxcb-cursor\.so\.0'; then
    missing="$missing libxcb-cursor.so.0"
  fi
fi
[ -z "${missing// /}" ] && exit 0

# Debian names a library's package after its soname: libxcb-icccm.so.4 -> libxcb-icccm4,
# libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a hyphen after a name ending in a digit), libEGL.so.1 -> libegl1.
package_of() {
  case $1 in
    libglib-2.0.so*|libgobject-2.0.so*|libgthread-2.0.so*) echo libglib2.0-0; return ;;
  esac
  local name=${1%%.so*} version=${1##*.so.}
  name=$(echo "$name" | tr '[:upper:]' '[:lower:]')
  version=${version%%.*}
  case $name in *[0-9]) echo "$name-$version" ;; *) echo "$name$version" ;; esac
}
packages=$(for lib in $missing; do package_of "$lib"; done | sort -u | tr '\n' ' ')
packages=${packages% }
libs=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Qt's $plugin platform plugin is missing ${libs% }: installing $packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
else
  echo "Qt's $plugin platform plugin is missing ${libs% }: install $packages (sudo apt-get install $packages)."
  exit 1
fi
