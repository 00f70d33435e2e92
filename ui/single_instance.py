"""One running copy per database: a second launch brings the open window forward instead of opening the
same file twice (two windows writing one book would each show a stale picture of the other's work).

The first copy listens on a local socket named after the user and the database (a named pipe on Windows, a
socket file in the temporary folder elsewhere); a later launch on the same database connects, asks it to
show itself, and ends. A copy that crashed leaves a socket file behind on Linux: nobody answers on it, so
the next launch removes it and listens itself.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
from pathlib import Path

# QtNetwork is needed only here: the local socket, no network at all.
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ui.qt import QApplication, QObject, Qt, Signal, emit

SHOW = b"show\n"
SHOWN = b"shown\n"
WAIT_MS = 3000


def server_name(target: str | Path) -> str:
    """The socket's name for this user and database: the same file under any spelling of its path."""
    text = str(target)
    if "://" not in text:  # a PostgreSQL URL is a name already; a file is named by where it really is
        text = os.path.normcase(str(Path(text).expanduser().resolve()))
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment: the home folder tells users apart as well
        user = str(Path.home())
    digest = hashlib.sha256(f"{user}\0{text}".encode()).hexdigest()[:24]
    return f"fieldtool-{digest}"


def _connect(name: str, wait_ms: int) -> QLocalSocket | None:
    socket = QLocalSocket()
    socket.connectToServer(name)
    return socket if socket.waitForConnected(wait_ms) else None


def bring_forward_running(target: str | Path, wait_ms: int = WAIT_MS) -> bool:
    """True when a copy of the program already has `target` open; it has been asked to come forward."""
    socket = _connect(server_name(target), wait_ms)
    if socket is None:
        return False
    _allow_the_other_copy_to_come_forward()
    socket.write(SHOW)
    socket.flush()
    socket.waitForBytesWritten(wait_ms)
    socket.waitForReadyRead(wait_ms)  # the answer; a copy too busy to answer still has the file open
    socket.disconnectFromServer()
    return True


def _allow_the_other_copy_to_come_forward() -> None:
    # Windows lets only the program the user just started take the foreground; it hands that right on.
    if sys.platform == "win32":
        import ctypes

        ASFW_ANY = -1
        ctypes.windll.user32.AllowSetForegroundWindow(ASFW_ANY)


def raise_window(window) -> None:
    """Show a window in front, restored if it was minimised."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)  # where the system refuses the foreground, the taskbar button flashes


class InstanceServer(QObject):
    """The first copy's end: listens for later launches on the same database and says when one came."""

    activated = Signal()

    def __init__(self, target: str | Path, parent=None):
        super().__init__(parent)
        self.name = server_name(target)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)

    def listen(self) -> bool:
        """Start listening; False when it cannot (the window then works alone, as before)."""
        if self.server.listen(self.name):
            return True
        if self.server.serverError() == QLocalSocket.LocalSocketError.AddressInUseError:
            QLocalServer.removeServer(self.name)  # left by a copy that crashed: nobody answered on it
            return self.server.listen(self.name)
        return False

    def close(self) -> None:
        self.server.close()

    def rekey(self, target: str | Path) -> bool:
        """Listen for the database the window shows now (File → เริ่มตำบลของฉัน switched to another): a later
        launch on the new one comes here, one on the old one opens its own window. False, and nothing heard,
        when another copy already has the new one open (its socket is live: not taken from it)."""
        name = server_name(target)
        if name == self.name and self.server.isListening():
            return True
        self.server.close()
        self.name = name
        other = _connect(name, 200)
        if other is not None:
            other.disconnectFromServer()
            return False
        return self.listen()

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket) -> None:
        if bytes(socket.readAll().data()).startswith(SHOW):
            emit(self.activated)
            socket.write(SHOWN)
            socket.flush()


def guard_window(window, target: str | Path) -> InstanceServer:
    """Let later launches on `target` bring `window` forward; the server lives as long as the window, and
    follows it to another database when the window says it switched (`database_switched`)."""
    server = InstanceServer(target, window)
    server.activated.connect(lambda: raise_window(window), Qt.ConnectionType.QueuedConnection)
    switched = getattr(window, "database_switched", None)
    if switched is not None:
        switched.connect(server.rekey)
    server.listen()
    return server
