#!/usr/bin/env bash
# Sign (hardened runtime), notarise and package the .app into a .dmg. Signing and notarisation run only
# when the secrets are present; otherwise an unsigned dmg is built (Gatekeeper will ask the user).
# Env: MACOS_SIGN_IDENTITY ("Developer ID Application: ..."), APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIST="${1:-$ROOT/dist}"
APP="$DIST/Desktop Search.app"
VERSION="$(python -c 'import desktop_search; print(desktop_search.__version__)')"
DMG="$DIST/DesktopSearch-${VERSION}-macos-$(uname -m).dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Every nested library must be signed before the bundle itself.
  find "$APP" -type f \( -name "*.dylib" -o -name "*.so" \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY"
  codesign --force --deep --timestamp --options runtime \
    --entitlements "$ROOT/packaging/macos/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --strict --verbose=2 "$APP"
else
  echo "MACOS_SIGN_IDENTITY not set: building an unsigned app"
fi

hdiutil create -volname "Desktop Search" -srcfolder "$APP" -ov -format UDZO "$DMG"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ]; then
  codesign --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
  xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$DMG"
else
  echo "Apple notarisation secrets not set: dmg not notarised"
fi
echo "$DMG"
