"""Opening the data folder for the window: when it cannot be used (read-only, cannot be created, settings.json
invalid, an index from a newer version), one sentence says why, and the user picks another folder or quits."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_search.errors import ReadOnlyIndex, UserError
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings

log = logging.getLogger(__name__)


def open_services(home: Path, device: str | None = None) -> Services:
    """The app's services on the data folder `home`; raises UserError saying why the folder cannot be used.

    A read-only data folder that holds an index opens read-only: searching works, and the indexing thread says
    in a banner why it cannot index (it cannot take the writer lock)."""
    settings = Settings.load(home)
    if device:
        settings = settings.with_changes(device=device)
    try:
        return build_services(settings)
    except ReadOnlyIndex:
        if not settings.db_path.exists():
            raise
        return build_services(settings, readonly=True)


class DataFolderProblem(QMessageBox):
    """The reason in one sentence, then the choice: another data folder (for this run) or quit."""

    def __init__(self, reason: str, home: Path, parent: QWidget | None = None) -> None:
        super().__init__(
            QMessageBox.Icon.Warning, "Desktop Search", reason, QMessageBox.StandardButton.NoButton, parent
        )
        self.setInformativeText(
            f"Desktop Search keeps its index and settings in a data folder, here {home}. Choose another folder to "
            "use now (to keep it, start with --home FOLDER), or quit."
        )
        self.choose_button = self.addButton("Choose another folder…", QMessageBox.ButtonRole.AcceptRole)
        self.quit_button = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.choose_button)
        self.setEscapeButton(self.quit_button)


def choose_data_folder(reason: str, home: Path) -> Path | None:
    """Ask until the user picks a folder (returned) or quits (None)."""
    while True:
        problem = DataFolderProblem(reason, home)
        problem.exec()
        if problem.clickedButton() is not problem.choose_button:
            return None
        dialog = QFileDialog(None, "Choose a data folder for Desktop Search", str(Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        if dialog.exec() and dialog.selectedFiles():
            return Path(dialog.selectedFiles()[0])


def open_or_ask(home: Path, device: str | None = None) -> Services | None:
    """The services on `home`, or on the folder the user chose instead; None when they chose to quit."""
    while True:
        try:
            return open_services(home, device)
        except UserError as exc:
            log.warning("cannot use the data folder %s: %s", home, exc)
            chosen = choose_data_folder(str(exc), home)
            if chosen is None:
                return None
            home = chosen.resolve()
