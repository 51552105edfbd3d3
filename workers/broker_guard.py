"""A worker that loses Redis in the middle of a task must reconnect, not die.

Celery 5.7 / kombu 5.7 (Redis transport), when the broker goes away while a
message is unacknowledged (task_acks_late: any task running or reserved):

1. the consumer's `connection.collect()` closes the channel; the channel's
   close first reads its pending BRPOP, which fails (the server is gone), so
   the close stops half-way: the channel stays open with its unacked message;
   collect() then detaches the transport from the connection (client = None);
2. `connection.close()` closes the channel again; this time it gets as far as
   restoring the unacked message, and building a Redis client reads the URL
   from the detached transport: AttributeError ('NoneType' object has no
   attribute 'hostname'). It is not a connection error, so the consumer does
   not reconnect: "Unrecoverable error", and the worker exits (then fails the
   same way acking that message while its hub closes);
3. a task that was running meanwhile and finishes after the reconnect is
   acked on the old channel: the same AttributeError.

The guard makes a channel whose transport is detached raise Redis's own
ConnectionError: the close in (2) is ignored like any close of a lost
connection, the ack in (3) is logged as "Couldn't ack", and the consumer
reconnects (for ever: broker_connection_max_retries = None). An unacked
message stays in Redis's unacked set and is redelivered after the visibility
timeout; our tasks are idempotent (a send task whose rows moved on sends
nothing; the dispatcher's run expires)."""
from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

CHANNEL: Any = kombu_redis.Channel  # Any: kombu's stubs do not name its private _connparams
DETACHED = "the channel's broker connection was closed (broker lost); it is reconnecting"


def _guarded(connparams: Any) -> Any:
    def _connparams(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(self.connection, "client", None) is None:  # the transport was detached: collect()/close()
            raise RedisConnectionError(DETACHED)
        return connparams(self, *args, **kwargs)

    _connparams.broker_guard = True  # type: ignore[attr-defined]
    _connparams.unguarded = connparams  # type: ignore[attr-defined]
    return _connparams


def install() -> None:
    """Guard kombu's Redis channels (idempotent). The worker calls it at start."""
    current = CHANNEL._connparams
    if not getattr(current, "broker_guard", False):
        CHANNEL._connparams = _guarded(current)


def uninstall() -> None:
    """Remove the guard (tests show what happens without it)."""
    current = CHANNEL._connparams
    if getattr(current, "broker_guard", False):
        CHANNEL._connparams = current.unguarded
