#!/usr/bin/env bash
# Run what Wine can run of the Windows tree (build/windows/tree, made by build_installer.py) and say, one line
# per command, whether it worked. Wine is not Windows: a failure here is a hint, a pass is not a guarantee.
# The authoritative run is the GitHub workflow's Windows job (the installed app's --self-test).
# Usage: packaging/windows/wine_check.sh [TREE]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TREE="${1:-$ROOT/build/windows/tree}"
export WINEDEBUG=-all WINEPREFIX="${WINEPREFIX:-$ROOT/build/windows/wine-prefix}" WINEDLLOVERRIDES="mscoree,mshtml="
HOME_DIR="$(mktemp -d)"
cd "$HOME_DIR"  # python -c puts the working directory first on sys.path: it must not be a checkout
SAMPLE='Z:'"${TREE//\//\\}"'\python\Lib\site-packages\desktop_search\resources\sample'
PY="$TREE/python/python.exe"
PYP=("$PY" -P)  # -P: nothing but the tree on sys.path

check() {  # name, command...
  local name="$1"; shift
  local out rc
  out="$(timeout 300 "$@" 2>&1)"; rc=$?
  # Wine's debugger may leave exit code 0 after a crash: its report counts as a failure.
  crash="$(printf '%s' "$out" | grep -m1 -E '^wine: Unimplemented function|^Unhandled exception' || true)"
  if [ -n "$crash" ]; then
    echo "FAIL  $name (crashed under Wine): $crash"
  elif [ $rc -eq 0 ]; then
    echo "ok    $name: $(printf '%s' "$out" | tail -n 1 | cut -c1-150)"
  else
    echo "FAIL  $name (exit $rc): $(printf '%s' "$out" | grep -v '^\s*$' | tail -n 1 | cut -c1-200)"
  fi
}

wine wineboot -i >/dev/null 2>&1 || true
check "python.exe starts" wine "${PYP[@]}" -c "import sys; print(sys.version.split()[0], sys.platform)"
check "import desktop_search.cli" wine "${PYP[@]}" -c "import desktop_search.cli as m; print('imported from', m.__file__)"
check "desktop-search.exe --help (launcher)" wine "$TREE/desktop-search.exe" --help
check "desktop-search.exe --version" wine "$TREE/desktop-search.exe" --version
check "kinds table and sniffing" wine "${PYP[@]}" -c "
from pathlib import Path
from desktop_search.core.extract.sniff import detect_kind
folder = Path(r'$SAMPLE')
print(sorted({detect_kind(p, p.read_bytes()[:8192]) for p in folder.iterdir()}))"
# The sample's scanned page and picture (packaging/make_sample.py) hold no text but what OCR reads, and OCR needs
# numpy, which Wine cannot run: the self-test on Windows checks them.
check "extract every sample format but the two OCR ones (lxml, striprtf, chardet, pypdfium2)" wine "${PYP[@]}" -c "
from pathlib import Path
from desktop_search.core.extract import extract_bytes
folder = Path(r'$SAMPLE')
ocr = {'scanned-invoice.pdf', 'parcel-label.png'}
print(', '.join(f'{p.name}:{len(extract_bytes(p.read_bytes(), p).text)}' for p in sorted(folder.iterdir()) if p.name not in ocr))"
check "apsw + sqlite-vec load" wine "${PYP[@]}" -c "
import apsw, sqlite_vec
c = apsw.Connection(':memory:'); c.enable_load_extension(True); c.load_extension(sqlite_vec.loadable_path())
print('vec', c.execute('select vec_version()').fetchone()[0], 'sqlite', apsw.sqlite_lib_version())"
check "import numpy" wine "${PYP[@]}" -c "import numpy; print(numpy.__version__)"
check "import torch" wine "${PYP[@]}" -c "import torch; print(torch.__version__)"
check "import tokenizers, safetensors" wine "${PYP[@]}" -c "import tokenizers, safetensors; print(tokenizers.__version__)"
check "import PySide6.QtCore" wine "${PYP[@]}" -c "import PySide6.QtCore as q; print(q.qVersion())"
check "desktop-search.exe status (CLI on the index)" wine "$TREE/desktop-search.exe" --home "Z:${HOME_DIR//\//\\}" status
check "desktop-search.exe --self-test" wine "$TREE/desktop-search.exe" --self-test
cd / && rm -rf "$HOME_DIR"
