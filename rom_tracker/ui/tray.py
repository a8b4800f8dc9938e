"""The tray: an icon that shows the posture monitor's state, its menu, and notifications.

:class:`Tray` is the abstraction the rest of the app talks to (``show_status``,
``notify``, the menu's actions as signals). :class:`SystemTray` puts it in the desktop's
system tray (``QSystemTrayIcon``), sends notifications to the desktop's notification
daemon when there is one (:mod:`rom_tracker.ui.notifications`; else Qt's tray balloon), and
says when the tray goes away or comes back (``gone``, ``back``: a tray host that crashed or
was restarted). :class:`WindowlessTray` keeps the same menu and records what it would have
shown, for desktops without a tray (then the app stays a normal window and shows the
status in it) and for tests offscreen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusServiceWatcher
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from rom_tracker.monitor import companion as cp
from rom_tracker.ui import theme
from rom_tracker.ui.notifications import DesktopNotifier

ICON_COLOURS = {
    cp.GOOD_KIND: theme.GOOD,
    cp.OFF: theme.WARN,
    cp.AWAY_KIND: theme.MUTED,
    cp.CALIBRATING_KIND: theme.ACCENT,
    cp.STARTING: theme.ACCENT,
    cp.PAUSED: theme.MUTED,
    cp.NO_CAMERA: theme.BAD,
}


def state_icon(kind: str, size: int = 64) -> QIcon:
    """A filled circle in the state's colour; paused: a ring with two bars; no camera: a
    ring with a cross (told apart by shape, not by colour alone)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(ICON_COLOURS.get(kind, theme.MUTED))
    m = size * 0.08
    ring = QRectF(m, m, size - 2 * m, size - 2 * m)
    if kind in (cp.PAUSED, cp.NO_CAMERA):
        pen = p.pen()
        pen.setColor(colour)
        pen.setWidthF(size * 0.1)
        p.setPen(pen)
        p.drawEllipse(ring)
        c, r = size / 2, size * 0.18
        if kind == cp.PAUSED:
            p.drawLine(int(c - r / 1.5), int(c - r), int(c - r / 1.5), int(c + r))
            p.drawLine(int(c + r / 1.5), int(c - r), int(c + r / 1.5), int(c + r))
        else:
            p.drawLine(int(c - r), int(c - r), int(c + r), int(c + r))
            p.drawLine(int(c + r), int(c - r), int(c - r), int(c + r))
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(ring)
    p.end()
    return QIcon(pix)


WATCHER = "org.kde.StatusNotifierWatcher"
XEMBED, SNI, OTHER = "xembed", "sni", "other"


def tray_protocol() -> str:
    """How Qt puts the icon in the tray, decided as Qt does (once): ``sni`` when the session
    bus has a StatusNotifierWatcher with a host registered, else ``xembed`` on X11 (the
    ``_NET_SYSTEM_TRAY_S0`` selection), ``other`` elsewhere (Windows, macOS)."""
    platform = QGuiApplication.platformName()
    if platform not in ("xcb", "wayland"):
        return OTHER
    bus = QDBusConnection.sessionBus()
    if bus.isConnected() and bus.interface().isServiceRegistered(WATCHER).value():
        watcher = QDBusInterface(WATCHER, "/StatusNotifierWatcher", WATCHER, bus)
        if watcher.property("IsStatusNotifierHostRegistered"):
            return SNI
    return XEMBED if platform == "xcb" else OTHER


class Tray(QObject):
    """The menu and its signals; subclasses show the status and notifications."""

    pause = Signal(int)  # minutes
    camera_toggled = Signal()  # camera off / back on
    open_app = Signal()
    micro_pause = Signal()
    not_now = Signal()
    quit = Signal()
    message_clicked = Signal()
    gone = Signal()  # the desktop's tray went away (its host quit or crashed)
    back = Signal()  # ... and came back
    # a notification the desktop cannot show (no tray, or it has gone, and no notification
    # daemon): title, text; the window shows it instead (MainWindow.attach_companion)
    notified = Signal(str, str)

    available = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.status_action = self._add("Starting…", self.open_app.emit)  # opens the app
        self.menu.addSeparator()
        self.pause_15 = self._add("Pause for 15 min", lambda: self.pause.emit(15))
        self.pause_60 = self._add("Pause for 60 min", lambda: self.pause.emit(60))
        self.camera_action = self._add("Camera off", self.camera_toggled.emit)
        self.menu.addSeparator()
        self.micro_pause_action = self._add("Micro Pause now", self.micro_pause.emit)
        self.not_now_action = self._add("Not now (Micro Pause offer)", self.not_now.emit)
        self.not_now_action.setVisible(False)
        self.open_action = self._add("Open rom-tracker", self.open_app.emit)
        self.menu.addSeparator()
        self.quit_action = self._add("Quit", self.quit.emit)
        self.status = cp.TrayStatus(cp.STARTING, "Starting…")
        self.icon = state_icon(cp.STARTING)

    def _add(self, text: str, slot: object) -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(slot)
        return action

    def show_status(self, status: cp.TrayStatus, *, camera_off: bool, offer: bool) -> None:
        self.status_action.setText(status.text)
        self.camera_action.setText("Camera on (resume)" if camera_off else "Camera off")
        self.not_now_action.setVisible(offer)
        if status.kind != self.status.kind:
            self.icon = state_icon(status.kind)
        self.status_action.setIcon(self.icon)
        self.status = status

    def notify(self, title: str, text: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def show(self) -> None:
        """Put the icon in the tray (nothing to do without one)."""

    def hide(self) -> None:
        """Take the icon away."""


class SystemTray(Tray):
    """In the desktop's system tray. ``sound``: notifications may make their sound;
    ``notifier``: the desktop's notification daemon (None: Qt's tray balloon)."""

    available = True
    WATCH_MS = 2000  # how often the tray's presence is checked

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        sound: bool = False,
        notifier: DesktopNotifier | None = None,
    ) -> None:
        super().__init__(parent)
        self.sound = sound
        self.notifier = notifier
        self.tray = QSystemTrayIcon(self.icon, self)
        self.tray.setContextMenu(self.menu)
        self.tray.setToolTip("rom-tracker posture monitor")
        self.tray.messageClicked.connect(self.message_clicked.emit)
        self.tray.activated.connect(self._activated)
        if notifier is not None:
            notifier.clicked.connect(lambda _id: self.message_clicked.emit())
        self.watch = QTimer(self)
        self.watch.setInterval(self.WATCH_MS)
        self.watch.timeout.connect(self.check_tray)
        self.protocol = tray_protocol()
        self.watcher: QDBusServiceWatcher | None = None

    @staticmethod
    def supported() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def check_tray(self) -> None:
        """XEmbed: emit ``gone`` or ``back`` when the tray's presence changed. (Qt docks the
        icon again by itself when a tray appears.)"""
        self._tray_changed(self.supported())

    def _watcher_changed(self, _name: str, _old: str, new: str) -> None:
        """StatusNotifierItem: the watcher left the bus or a new one came."""
        self._tray_changed(bool(new))

    def _tray_changed(self, there: bool) -> None:
        if there != self.available:
            self.available = there
            (self.back if there else self.gone).emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_app.emit()

    def show_status(self, status: cp.TrayStatus, *, camera_off: bool, offer: bool) -> None:
        changed = status.kind != self.status.kind
        super().show_status(status, camera_off=camera_off, offer=offer)
        if changed:
            self.tray.setIcon(self.icon)
        self.tray.setToolTip(f"rom-tracker: {status.text}")

    def notify(self, title: str, text: str) -> None:
        if self.notifier is not None:
            self.notifier.notify(title, text)
            return
        if not self.available:  # the tray has gone: a balloon would go nowhere
            self.notified.emit(title, text)
            return
        # Qt's balloon (XEmbed trays): NoIcon plays no sound; Information may chime
        icon = (
            QSystemTrayIcon.MessageIcon.Information
            if self.sound
            else QSystemTrayIcon.MessageIcon.NoIcon
        )
        self.tray.showMessage(title, text, icon, 15_000)

    def show(self) -> None:
        self.tray.show()
        if self.protocol == XEMBED:
            self.watch.start()
        elif self.protocol == SNI and self.watcher is None:
            # the panel's watcher goes (a panel restarting) and comes back; Qt registers
            # the item with the new one by itself
            self.watcher = QDBusServiceWatcher(
                WATCHER,
                QDBusConnection.sessionBus(),
                QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange,
                self,
            )
            self.watcher.serviceOwnerChanged.connect(self._watcher_changed)

    def hide(self) -> None:
        self.watch.stop()
        self.tray.hide()
        if self.notifier is not None:
            self.notifier.close()
            self.notifier = None


class WindowlessTray(Tray):
    """No system tray: the same menu, the notifications kept in ``messages`` (the window
    shows the latest, through ``notified``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.messages: list[tuple[str, str]] = []

    def notify(self, title: str, text: str) -> None:
        self.messages.append((title, text))
        self.notified.emit(title, text)
