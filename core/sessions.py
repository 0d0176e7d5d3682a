"""Server-side sessions (Flask-Session) kept in the shared store: the cookie holds a random id only.

Citizens' openids and staff logins live on the server, expire with the session lifetime, and are
gone for every worker and host the moment they are deleted (sign-out, identity change).
"""
from __future__ import annotations

import base64
from datetime import timedelta

from flask_session.base import ServerSideSession, ServerSideSessionInterface

from core.state import SharedStore

SESSION_LIFETIME = timedelta(hours=12)


class SharedStoreSessionInterface(ServerSideSessionInterface):
    ttl = True  # the shared store expires keys itself (purged by core.tasks on the database backend)

    def __init__(self, app, store: SharedStore):
        super().__init__(app, key_prefix="session:", use_signer=False, permanent=True, sid_length=32,
                         serialization_format="msgpack", cleanup_n_requests=None)
        self.store = store

    def _retrieve_session_data(self, store_id: str) -> dict | None:
        raw = self.store.get(store_id)
        return None if raw is None else self.serializer.decode(base64.b64decode(raw))

    def _delete_session(self, store_id: str) -> None:
        self.store.delete(store_id)

    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession, store_id: str) -> None:
        encoded = base64.b64encode(self.serializer.encode(session)).decode()
        self.store.set(store_id, encoded, ttl=session_lifetime.total_seconds())


def init_app(app) -> None:
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_LIFETIME)
    app.session_interface = SharedStoreSessionInterface(app, app.extensions["shared_state"])


def renew_session_id() -> None:
    """Give the current session a new id (on sign-in: a session id seen before login is worthless after)."""
    from flask import current_app, session

    current_app.session_interface.regenerate(session)
