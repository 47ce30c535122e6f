"""Stand-in services on the session bus: each owns a well-known name and
answers method calls on its own thread, as a desktop's service would."""

import threading

from jeepney import HeaderFields, MessageType, message_bus, new_error
from jeepney.io.blocking import open_dbus_connection

DO_NOT_QUEUE = 4


class BusService:
    """Owns `name`; subclasses answer calls in `answer`."""

    def __init__(self, name: str):
        self._conn = open_dbus_connection(bus="SESSION")
        reply = self._conn.send_and_get_reply(message_bus.RequestName(name, DO_NOT_QUEUE))
        if reply.body[0] != 1:
            raise RuntimeError(f"another process owns {name} on this bus")
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def answer(self, member: str, msg) -> list:
        """The messages to send for a method call, its reply first; none for
        a method this stand-in does not have."""
        raise NotImplementedError

    def send(self, msg):
        self._conn.send(msg)

    def _serve(self):
        while not self._stop:
            try:
                msg = self._conn.receive(timeout=0.5)
            except TimeoutError:
                continue
            except Exception:
                return  # the connection was closed
            if msg.header.message_type != MessageType.method_call:
                continue
            out = self.answer(msg.header.fields.get(HeaderFields.member), msg)
            for reply in out or [new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod")]:
                self._conn.send(reply)

    def close(self):
        self._stop = True
        self._thread.join(2)
        self._conn.close()
