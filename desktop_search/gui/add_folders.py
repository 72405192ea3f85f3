"""Adding folders: a folder dialog that opens at home and takes several folders at once, and, before a slow
model is committed to, the time indexing them will take on this computer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMessageBox, QWidget

from desktop_search.core.estimate import LibrarySize, indexing_seconds, may_use_gpu, measure_folders, say_duration
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, ModelSpec, get_spec


def pick_folders(parent: QWidget | None, title: str = "Add folders to search") -> list[str]:
    """Folders chosen by the user (Ctrl or Shift+click for several), starting at their home folder."""
    dialog = QFileDialog(parent, title, QDir.homePath())
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # the platforms' folder pickers take one folder
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Add")
    for view in dialog.findChildren(QAbstractItemView):  # its list and detail views
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    chosen = dialog.selectedFiles() if dialog.exec() else []
    dialog.deleteLater()  # its file system model watches folders: not kept as a child of the window
    return chosen


def time_text(spec: ModelSpec, size: LibrarySize, device: str, what: str = "these folders") -> str:
    """What indexing `size` takes with `spec` here, beside the offline default; empty when it is not known."""
    seconds = indexing_seconds(spec, size)
    if seconds is None:
        return ""
    amount = f"{'at least ' if not size.complete else ''}{size.files:,} files"
    text = f"Indexing {what} ({amount}) with {spec.id} takes {say_duration(seconds)} on this computer's processor"
    default = CATALOG[DEFAULT_MODEL]
    fast = indexing_seconds(default, size)
    if spec.id != default.id and fast is not None:
        text += f"; with {default.id}, {say_duration(fast)}"
    text += "."
    if spec.cpu_speed is not None and not spec.cpu_speed.measured:
        text += f" ({spec.id}'s speed is reckoned from its size, not measured.)"
    if may_use_gpu(device):
        text += " If the graphics processor can run it, it is much faster."
    return text


def confirm_model(parent: QWidget | None, folders: Sequence[str], model_id: str, device: str) -> str | None:
    """The model to index new folders with: `model_id` when it is quick or the user accepts its time, the
    offline default if they switch to it; None to add nothing."""
    spec = get_spec(model_id)
    if spec.id == DEFAULT_MODEL or spec.cpu_speed is None:
        return spec.id
    text = time_text(spec, measure_folders(folders), device)
    box = QMessageBox(QMessageBox.Icon.Information, "Time to index", text, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(
        "Words are searchable as soon as each file is read; search by meaning fills in as passages are embedded."
    )
    keep = box.addButton(f"Index with {spec.id}", QMessageBox.ButtonRole.AcceptRole)
    switch = box.addButton(f"Use {DEFAULT_MODEL}", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(switch)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    return spec.id if clicked is keep else DEFAULT_MODEL if clicked is switch else None
