"""The status bar says when passages leave the machine: the address of each embedding server in use."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel

from desktop_search.embed.catalog import remote_address
from desktop_search.records import LibraryStatus


class RemoteIndicator(QLabel):
    """Hidden while every library embeds on this machine; else names the server(s) passages are sent to."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Passages sent to a server")
        self.setStyleSheet("QLabel { padding: 0 6px; font-weight: bold; }")
        self.hide()

    def show_for(self, statuses: Sequence[LibraryStatus]) -> None:
        used: dict[str, list[str]] = {}
        for status in statuses:
            if url := remote_address(status.model_id):
                used.setdefault(url, []).append(status.name)
        if not used:
            self.hide()
            return
        self.setText("Passages leave this machine for " + ", ".join(used))
        self.setToolTip(
            "\n".join(
                f"{url}: embeds the libraries {', '.join(names)} (passages and queries)" for url, names in used.items()
            )
        )
        self.show()
