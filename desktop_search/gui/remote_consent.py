"""Asking before a remote model is used: passages go to its server only after the user agrees to the address."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_search.embed.catalog import ModelSpec, consent_text, remote_spec, set_user_models
from desktop_search.settings import Settings


def record_consent(home: Path, url: str) -> Settings:
    """Add the address to `remote_consent` in settings.json and refresh the catalog's remote models."""
    settings = Settings.load(home)
    if url not in settings.remote_consent:
        settings = settings.with_changes(remote_consent=[*settings.remote_consent, url])
        settings.save()
    set_user_models([remote_spec(entry, settings.remote_consent) for entry in settings.remote_models])
    return settings


def ask_consent(parent: QWidget, spec: ModelSpec, home: Path) -> bool:
    """The consent dialog; True when the user agreed (and it was recorded)."""
    assert spec.endpoint is not None
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Send passages to a server?")
    box.setText(f"The model {spec.id} runs on {spec.endpoint.url}.")
    box.setInformativeText(consent_text(spec.endpoint.url))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAccessibleName("Send passages to a server?")
    if box.exec() != QMessageBox.StandardButton.Yes:
        return False
    record_consent(home, spec.endpoint.url)
    return True
