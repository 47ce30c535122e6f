"""The system tray as a desktop panel sees it: a stand-in
org.kde.StatusNotifierWatcher on the session bus that items register with
(libayatana-appindicator does), and a reader of a registered item's
properties and its menu (com.canonical.dbusmenu), which can click entries
the way a panel does when a person picks one."""

import time

from jeepney import (DBusAddress, HeaderFields, MessageType, Properties, message_bus, new_error, new_method_call,
                    new_method_return, new_signal)
from jeepney.io.blocking import open_dbus_connection

from harness.bus import BusService

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"


class TrayWatcher(BusService):
    """Owns org.kde.StatusNotifierWatcher and records (bus name, object
    path) of every item that registers."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []
        super().__init__(WATCHER)

    def _properties(self) -> dict:
        return {"IsStatusNotifierHostRegistered": ("b", True), "ProtocolVersion": ("i", 0),
                "RegisteredStatusNotifierItems": ("as", [f"{n}{p}" for n, p in self.items])}

    def answer(self, member: str, msg) -> list:
        if member == "RegisterStatusNotifierItem":
            (service,) = msg.body
            sender = msg.header.fields[HeaderFields.sender]
            # An item names either its object path (on the caller's
            # connection) or a bus name (at the usual path).
            item = (sender, service) if service.startswith("/") else (service, "/StatusNotifierItem")
            self.items.append(item)
            addr = DBusAddress("/StatusNotifierWatcher", interface=WATCHER)
            return [new_method_return(msg), new_signal(addr, "StatusNotifierItemRegistered", "s", (service,))]
        if member == "RegisterStatusNotifierHost":
            return [new_method_return(msg)]
        if member == "Get":
            _iface, name = msg.body
            value = self._properties().get(name)
            if value is None:
                return [new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty")]
            return [new_method_return(msg, "v", (value,))]
        if member == "GetAll":
            return [new_method_return(msg, "a{sv}", (self._properties(),))]
        return []

    def wait_for_item(self, timeout: float = 30) -> "TrayItem":
        deadline = time.time() + timeout
        while not self.items:
            if time.time() > deadline:
                raise AssertionError(f"no tray item registered within {timeout}s")
            time.sleep(0.2)
        return TrayItem(*self.items[-1])


def _unwrap(variant):
    """jeepney gives variants as (signature, value)."""
    return variant[1]


class TrayItem:
    """One registered StatusNotifierItem: its properties and its menu."""

    def __init__(self, bus_name: str, path: str):
        self.bus_name, self.path = bus_name, path
        self._conn = open_dbus_connection(bus="SESSION")

    def _call(self, msg, timeout: float = 10):
        reply = self._conn.send_and_get_reply(msg, timeout=timeout)
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(f"D-Bus error from the tray item: {reply.header.fields.get(HeaderFields.error_name)} {reply.body}")
        return reply.body

    def prop(self, name: str):
        addr = DBusAddress(self.path, bus_name=self.bus_name, interface=ITEM)
        return _unwrap(self._call(Properties(addr).get(name))[0])

    def pid(self) -> int:
        """The process that owns the item."""
        return self._call(message_bus.GetConnectionUnixProcessID(self.bus_name))[0]

    def _menu(self) -> DBusAddress:
        return DBusAddress(self.prop("Menu"), bus_name=self.bus_name, interface=MENU)

    def menu(self) -> list[dict]:
        """The menu's entries in order: id, label, enabled."""
        _revision, (_root, _props, children) = self._call(new_method_call(self._menu(), "GetLayout", "iias", (0, -1, [])))
        entries = []
        for child in children:
            item_id, props, _sub = _unwrap(child)
            if "type" in props and _unwrap(props["type"]) == "separator":
                continue
            entries.append({"id": item_id, "label": _unwrap(props.get("label", ("s", ""))),
                            "enabled": _unwrap(props.get("enabled", ("b", True)))})
        return entries

    def labels(self) -> list[str]:
        return [e["label"] for e in self.menu()]

    def click(self, label: str):
        """Picks the entry with this label, as a panel does on a click."""
        entry = next((e for e in self.menu() if e["label"] == label), None)
        if entry is None:
            raise AssertionError(f"no menu entry {label!r}; the menu has {self.labels()}")
        self._call(new_method_call(self._menu(), "Event", "isvu", (entry["id"], "clicked", ("i", 0), 0)))

    def close(self):
        self._conn.close()
