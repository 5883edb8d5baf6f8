"""Django's Redis cache backend, with the calls every request makes kept lean.

- Django's client builds a new ``redis.Redis`` for every cache call, and each one fills a table of
  a few hundred response callbacks: about half of a cache call's CPU. A ``redis.Redis`` is
  thread-safe (it takes a connection from its pool per command) and Django's caches are per thread
  anyway, so one client per pool does the same work.
- The reads every request makes (``get_many``: configuration versions, failed-authentication
  counters) and the rate-limit script go through :meth:`RedisCacheClient.command`: one connection
  per thread, made by the pool's own factory, without ``redis.Redis``'s per-command work (pool
  checkout and return, retry policy, response callbacks, observability hooks), which was about
  two thirds of such a call's CPU.
"""

import os
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# A kept connection failing in these ways is dropped and the command sent once more on a new one
# (the server restarted or closed an idle connection); a second failure is the caller's.
_BROKEN = (RedisConnectionError, RedisTimeoutError, OSError)


class RedisCacheClient(DjangoRedisCacheClient):
    """Django's client, reusing its ``redis.Redis`` objects, with :meth:`command` for the hot calls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._kept = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def command(self, *args, write: bool = False):
        """Send one command on this thread's connection and answer Redis's reply as the parser gives
        it (bytes, ints, lists). The connection has the pool's address, password, database, TLS and
        timeouts. Raises redis's errors: ``ResponseError`` for a refused command, ``ConnectionError``
        or ``TimeoutError`` when even a new connection fails."""
        pool = self._get_connection_pool(write)
        kept = self._kept.__dict__
        held = kept.get(id(pool))
        if held is None or held[0] != os.getpid():  # a forked process makes its own
            held = kept[id(pool)] = (os.getpid(), pool.make_connection())
        connection = held[1]
        try:
            connection.send_command(*args)
            return connection.read_response()
        except _BROKEN:
            connection.disconnect()
        connection.send_command(*args)  # connects anew
        return connection.read_response()

    def get_many(self, keys):
        keys = list(keys)
        if not keys:
            return {}
        values = self.command("MGET", *keys)
        return {
            key: self._serializer.loads(value) for key, value in zip(keys, values, strict=True) if value is not None
        }


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`RedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
