"""The desktop app (PySide6); nothing outside this package imports Qt."""
