"""Sessions read from the cache and written through to the database, and still served when the
cache is down.

Django's ``cached_db`` engine already logs a failed cache write on save, but a
failed read-back (``load`` fills the cache after a miss) or delete raises, so a
Redis outage would turn every logged-in page into an error. Here the cache is
only ever a shortcut: whatever it does, the database answers.

Logging out while the cache is down deletes the session from the database; the
cached copy cannot be deleted then and is logged as an error. A session is
therefore cached for ``CACHED_SECONDS`` at most (then read from the table once
again), which bounds how long such a copy could outlive its logout should the
cache come back with it. A password change or a deactivated login ends a
session at once either way: the user is read from the database on every request.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)

CACHED_SECONDS = 300


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("sessions: cache unavailable, reading the session from the database", exc_info=True)
            data = None
        if data is not None:
            return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        try:
            self._cache.set(self.cache_key, data, min(CACHED_SECONDS, self.get_expiry_age(expiry=s.expire_date)))
        except Exception:
            logger.warning("sessions: cache unavailable, session not cached", exc_info=True)
        return data

    def save(self, must_create=False):
        cached_db.DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, min(CACHED_SECONDS, self.get_expiry_age()))
        except Exception:
            logger.warning("sessions: cache unavailable, session saved to the database only", exc_info=True)

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("sessions: cache unavailable, asking the database", exc_info=True)
        return cached_db.DBStore.exists(self, session_key)

    def delete(self, session_key=None):
        cached_db.DBStore.delete(self, session_key)  # the row first: a database error is not hidden
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error("sessions: cache unavailable, a deleted session stays cached until it expires", exc_info=True)
