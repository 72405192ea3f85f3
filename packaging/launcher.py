"""Entry point of the frozen app (PyInstaller runs this file)."""

from desktop_search.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
