"""A notification daemon for the tests: owns ``org.freedesktop.Notifications`` on the
session bus, answers as the spec says, and appends every ``Notify`` call (app, title,
text, actions, hints, timeout) as a JSON line to the file given. ``Click(id)`` on the
``org.rom_tracker.TestReceiver`` interface makes it emit ``ActionInvoked(id, "default")``,
as a daemon does when the user clicks the notification.

Run: ``python notify_receiver.py LOG``; it prints ``ready`` once it owns the name.
"""

from __future__ import annotations

import json
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SERVICE = PATH_IFACE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
TEST_IFACE = "org.rom_tracker.TestReceiver"


def hint_value(v: object) -> object:
    """jeepney gives variants as (signature, value)."""
    return v[1] if isinstance(v, tuple) and len(v) == 2 else v


def serve(log_path: str) -> None:
    conn = open_dbus_connection(bus="SESSION")
    (result,) = conn.send_and_get_reply(message_bus.RequestName(SERVICE, 4), timeout=5).body
    if result != 1:  # 1: primary owner
        sys.exit(f"could not own {SERVICE} (RequestName -> {result})")
    print("ready", flush=True)
    last = 0
    emitter = DBusAddress(PATH, interface=SERVICE)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        if member == "Notify":
            app, _replaces, _icon, title, text, actions, hints, timeout = msg.body
            last += 1
            record = {
                "id": last,
                "app": app,
                "title": title,
                "text": text,
                "actions": list(actions),
                "hints": {k: hint_value(v) for k, v in hints.items()},
                "timeout": timeout,
            }
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            conn.send(new_method_return(msg, "u", (last,)))
        elif member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["body", "actions", "sound"],)))
        elif member == "GetServerInformation":
            conn.send(new_method_return(msg, "ssss", ("test-receiver", "rom-tracker", "1", "1.2")))
        elif member == "CloseNotification":
            conn.send(new_method_return(msg))
        elif member == "Click":
            (nid,) = msg.body
            conn.send(new_signal(emitter, "ActionInvoked", "us", (nid, "default")))
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    serve(sys.argv[1])
