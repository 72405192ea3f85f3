#!/usr/bin/env bash
# Build the Linux artifacts from a PyInstaller onedir: a .deb, an .rpm (when rpmbuild is installed), a tar.gz
# with an install script, and an AppImage when appimagetool is available (CI downloads it; it cannot be
# fetched on the dev machine).
# Usage: packaging/linux/build.sh [DIST_DIR]   (run from the repo root with the venv active or .venv present)
#   PACKAGE_ONLY=1 packages an onedir already built (and self-tested) in DIST_DIR instead of building it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIST="${1:-$ROOT/dist}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
VERSION="$("$PY" -c 'import desktop_search; print(desktop_search.__version__)')"
ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
cd "$ROOT"

start=$(date +%s)
APP="$DIST/desktop-search"
if [ -z "${PACKAGE_ONLY:-}" ]; then
  "$PY" packaging/make_icons.py
  "$PY" -m PyInstaller --noconfirm --distpath "$DIST" --workpath "$DIST/build" packaging/desktop_search.spec
  echo "== self-test of the frozen app =="
  QT_QPA_PLATFORM=offscreen "$APP/desktop-search" --self-test
fi

echo "== .deb =="
PKG="$DIST/deb/desktop-search_${VERSION}_${ARCH}"
rm -rf "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
         "$PKG/usr/share/icons/hicolor/256x256/apps"
cp -a "$APP" "$PKG/opt/desktop-search"
ln -s /opt/desktop-search/desktop-search "$PKG/usr/bin/desktop-search"
cp packaging/linux/desktop-search.desktop "$PKG/usr/share/applications/"
cp packaging/build-icons/desktop-search-256.png "$PKG/usr/share/icons/hicolor/256x256/apps/desktop-search.png"
SIZE_KB=$(du -sk "$PKG" | cut -f1)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: desktop-search
Version: $VERSION
Section: utils
Priority: optional
Architecture: $ARCH
Installed-Size: $SIZE_KB
Depends: libc6 (>= 2.34), libxcb-cursor0, libegl1, libfontconfig1, libxkbcommon0, libdbus-1-3
Maintainer: Desktop Search <dev@desktop-search.invalid>
Description: Private, offline semantic search of your own document folders
 Indexes the folders you choose and finds what you mean and the exact word you typed,
 without sending anything off the machine.
CONTROL
# zstd (dpkg >= 1.21.18): much faster than xz to build and to unpack; xz gives a smaller file.
dpkg-deb --root-owner-group -Zzstd -z12 --build "$PKG" "$DIST/desktop-search_${VERSION}_${ARCH}.deb"

echo "== .rpm =="
if command -v rpmbuild >/dev/null 2>&1; then
  RPMTOP="$DIST/rpm"
  rm -rf "$RPMTOP" && mkdir -p "$RPMTOP"
  rpmbuild -bb --quiet --define "_topdir $RPMTOP" --define "version $VERSION" --define "staged $PKG" \
    --target "$(uname -m)" packaging/linux/desktop-search.rpm.spec
  cp "$RPMTOP"/RPMS/*/desktop-search-*.rpm "$DIST/"
else
  echo "rpmbuild not found: .rpm skipped (Debian: apt-get install rpm)"
fi

echo "== tar.gz =="
# The onedir plus what install.sh needs to put the app in the user's menu, without root.
cp packaging/linux/install.sh "$APP/install.sh"
cp packaging/linux/desktop-search.desktop "$APP/desktop-search.desktop"
cp packaging/build-icons/desktop-search-256.png "$APP/desktop-search.png"
tar -C "$DIST" -czf "$DIST/desktop-search-${VERSION}-linux-$(uname -m).tar.gz" desktop-search
rm "$APP/install.sh" "$APP/desktop-search.desktop" "$APP/desktop-search.png"

if command -v appimagetool >/dev/null 2>&1; then
  echo "== AppImage =="
  APPDIR="$DIST/AppDir"
  rm -rf "$APPDIR" && mkdir -p "$APPDIR/usr"
  cp -a "$APP" "$APPDIR/usr/desktop-search"
  cp packaging/linux/desktop-search.desktop "$APPDIR/"
  cp packaging/build-icons/desktop-search-256.png "$APPDIR/desktop-search.png"
  printf '#!/bin/sh\nHERE="$(dirname "$(readlink -f "$0")")"\nexec "$HERE/usr/desktop-search/desktop-search" "${@:-gui}"\n' > "$APPDIR/AppRun"
  chmod +x "$APPDIR/AppRun"
  ARCH="$(uname -m)" appimagetool "$APPDIR" "$DIST/Desktop_Search-${VERSION}-$(uname -m).AppImage"
else
  echo "appimagetool not found: AppImage skipped (the GitHub workflow builds it)"
fi

echo "build took $(( $(date +%s) - start )) s"
ls -la "$DIST"/*.deb "$DIST"/*.rpm "$DIST"/*.tar.gz "$DIST"/*.AppImage 2>/dev/null || true
