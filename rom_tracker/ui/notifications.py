"""Desktop notifications on Linux: ``org.freedesktop.Notifications`` over the session D-Bus.

Qt's tray sends its messages there only on its StatusNotifierItem path (a desktop with an
``org.kde.StatusNotifierWatcher``); on the XEmbed path (most X11 trays) ``showMessage``
draws Qt's own balloon, which no notification daemon sees and whose sound the app cannot
control. So the posture monitor sends its nudges to the notification daemon itself when
one is on the session bus: title and text, a click (the spec's ``default`` action) reported
as :attr:`DesktopNotifier.clicked`, and silent (the spec's ``suppress-sound`` hint) unless
sound is on. Without a daemon (or a session bus) :func:`desktop_notifier` returns None and
the tray's own balloon is used.

Qt's D-Bus bindings cannot send the spec's ``uint32`` arguments from Python (every int is
marshalled as ``int32``, and daemons reject the call), hence jeepney, pure Python. Calls run
on short-lived threads so a slow daemon never blocks the window.
"""

from __future__ import annotations

import logging
import queue
import threading

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
TIMEOUT_MS = 15_000  # how long a notification stays up (the daemon may ignore it)
SOUND = "message-new-instant"  # freedesktop sound naming spec


def notify_hints(sound: bool) -> dict[str, tuple[str, object]]:
    """The ``Notify`` hints (D-Bus ``a{sv}``, as jeepney's (signature, value) pairs)."""
    hints: dict[str, tuple[str, object]] = {"urgency": ("y", 1)}  # normal
    if sound:
        hints["sound-name"] = ("s", SOUND)
    else:
        hints["suppress-sound"] = ("b", True)
    return hints


class DesktopNotifier(QObject):
    """Sends notifications to the session's notification daemon.

    ``clicked`` (the notification's id) is emitted on the GUI thread when the user clicks
    one of ours.
    """

    clicked = Signal(int)

    def __init__(self, router: object, connection: object, rule: object, *, sound: bool) -> None:
        super().__init__()
        self.router, self.connection, self.sound = router, connection, sound
        self.app_name = "rom-tracker"
        self.ids: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._actions: queue.Queue[object] = queue.Queue(maxsize=64)
        self._filter = router.filter(rule, queue=self._actions)  # type: ignore[attr-defined]
        self._listener = threading.Thread(target=self._listen, daemon=True, name="notify-actions")
        self._listener.start()

    def notify(self, title: str, text: str) -> None:
        threading.Thread(
            target=self._send, args=(title, text), daemon=True, name="notify-send"
        ).start()

    def _send(self, title: str, text: str) -> None:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)
        args = (self.app_name, 0, "", title, text, ["default", "Open"])
        msg = new_method_call(
            address, "Notify", "susssasa{sv}i", (*args, notify_hints(self.sound), TIMEOUT_MS)
        )
        try:
            reply = self.router.send_and_get_reply(msg, timeout=10.0)  # type: ignore[attr-defined]
        except Exception as exc:  # timeout, bus gone, ...: a notification is never worth a crash
            log.warning("notification not shown (%s: %s): %s", type(exc).__name__, exc, title)
            return
        if reply.header.message_type.name != "method_return":
            log.warning("notification not shown (%s): %s", reply.body, title)
            return
        nid = int(reply.body[0])
        with self._lock:
            self.ids.add(nid)

    def _listen(self) -> None:  # thread: the daemon's ActionInvoked signals
        while not self._stop.is_set():
            try:
                msg = self._actions.get(timeout=0.2)
            except queue.Empty:
                continue
            nid, key = msg.body  # type: ignore[attr-defined]
            with self._lock:
                ours = nid in self.ids
            if ours and key == "default":
                try:
                    self.clicked.emit(int(nid))
                except RuntimeError:  # the notifier is gone (quitting)
                    return

    def close(self) -> None:
        self._stop.set()
        self._listener.join(timeout=1.0)
        self._filter.close()
        try:
            self.router.close()  # type: ignore[attr-defined]
            self.connection.close()  # type: ignore[attr-defined]
        except OSError as exc:
            log.debug("closing the D-Bus connection: %s", exc)


def desktop_notifier(*, sound: bool) -> DesktopNotifier | None:
    """A notifier on the session bus if a notification daemon runs there (or can be
    started by the bus), else None."""
    try:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection
    except ImportError:  # not Linux, or installed without the gui extra
        return None
    try:
        conn = open_dbus_connection(bus="SESSION")
    except (OSError, KeyError, ValueError, RuntimeError) as exc:
        log.info("no session D-Bus (%s): notifications use the tray", exc)
        return None
    router = DBusRouter(conn)
    rule = MatchRule(type="signal", interface=SERVICE, member="ActionInvoked", path=PATH)
    try:
        (owned,) = router.send_and_get_reply(message_bus.NameHasOwner(SERVICE), timeout=2.0).body
        if not owned:
            reply = router.send_and_get_reply(message_bus.ListActivatableNames(), timeout=2.0)
            owned = SERVICE in reply.body[0]
        if owned:
            router.send_and_get_reply(message_bus.AddMatch(rule), timeout=2.0)
    except (OSError, TimeoutError, ValueError) as exc:
        log.info("the session D-Bus did not answer (%s): notifications use the tray", exc)
        owned = False
    if not owned:
        log.info("no notification daemon on the session bus: notifications use the tray")
        router.close()
        conn.close()
        return None
    return DesktopNotifier(router, conn, rule, sound=sound)
