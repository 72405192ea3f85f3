#!/bin/sh
# Install Desktop Search from the extracted tar.gz for this user only (no root): the app goes to
# ~/.local/opt/desktop-search, the command to ~/.local/bin, the menu entry and icon to ~/.local/share.
#   ./install.sh              install (or update)
#   ./install.sh --uninstall  remove the app; your index in ~/.local/share/desktop-search stays
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
DEST="$HOME/.local/opt/desktop-search"
BIN="$HOME/.local/bin"
ENTRY="$DATA/applications/desktop-search.desktop"
ICON="$DATA/icons/hicolor/256x256/apps/desktop-search.png"

refresh_menu() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$DEST"
  rm -f "$BIN/desktop-search" "$ENTRY" "$ICON"
  refresh_menu
  echo "Desktop Search removed. Your index and settings are still in $DATA/desktop-search."
  exit 0
fi

if [ "$HERE" != "$DEST" ]; then
  rm -rf "$DEST.new"
  mkdir -p "$(dirname "$DEST")"
  cp -a "$HERE" "$DEST.new"
  rm -rf "$DEST"
  mv "$DEST.new" "$DEST"
fi
mkdir -p "$BIN" "$(dirname "$ENTRY")" "$(dirname "$ICON")"
ln -sf "$DEST/desktop-search" "$BIN/desktop-search"
cp "$DEST/desktop-search.png" "$ICON"
sed "s|^Exec=desktop-search|Exec=\"$DEST/desktop-search\"|" "$DEST/desktop-search.desktop" > "$ENTRY"
refresh_menu
echo "Desktop Search is installed: find it in your applications menu, or run $BIN/desktop-search."
