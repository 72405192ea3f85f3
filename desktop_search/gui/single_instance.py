"""One window per data folder: a second launch hands its query to the running app, which comes to the front."""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

TIMEOUT_MS = 2000


def server_name(home: Path) -> str:
    """The local socket's name: the same for every launch on one data folder by one user, and short."""
    key = f"{getpass.getuser()}\n{home.expanduser().resolve()}"
    return "desktop-search-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def hand_over(home: Path, query: str | None, show: bool = True) -> bool:
    """If the app already runs on `home`, pass it the query (and ask it to show itself); True when it took it."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(home))
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    socket.write(json.dumps({"query": query or "", "show": show}).encode() + b"\n")
    socket.flush()
    answered = socket.waitForReadyRead(TIMEOUT_MS * 3) and bytes(socket.readAll().data()).startswith(b"ok")
    socket.disconnectFromServer()
    if not answered:
        log.warning("the running Desktop Search did not answer; starting another")
    return answered


class InstanceServer(QObject):
    """Listens for later launches on the same data folder; `activated` carries their query ("" for none)."""

    activated = Signal(str, bool)  # query, show the window

    def __init__(self, home: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(home)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_new_connection)
        if not self.server.listen(self.name):
            # A socket file left by a crash: nobody answers on it, so it may go. (One that answers means another
            # instance started at the same moment; then this one simply does not listen.)
            probe = QLocalSocket()
            probe.connectToServer(self.name)
            if not probe.waitForConnected(500):
                QLocalServer.removeServer(self.name)
                self.server.listen(self.name)
            probe.abort()

    def close(self) -> None:
        self.server.close()

    def _on_new_connection(self) -> None:
        while (connection := self.server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._on_ready_read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _on_ready_read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            return
        try:
            request = json.loads(bytes(connection.readLine().data()))
            query, show = str(request.get("query", "")), bool(request.get("show", True))
        except (ValueError, AttributeError):
            connection.abort()
            return
        connection.write(b"ok\n")
        connection.flush()
        self.activated.emit(query, show)
