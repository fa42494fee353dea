"""The consumer registry: apps declare what they do with activities.

    @consumer("gamification.points", verbs={"completed", "answered"})
    def award_points(activity): ...

A consumer must be idempotent with respect to its own effects only; the dispatcher
guarantees that it runs at most once per activity by writing a receipt in the same
transaction as the consumer's effects. Register consumers in a module the app's
`AppConfig.ready()` imports, so web processes and workers see the same registry.

A consumer may also give a batch handler, which the dispatcher calls with many
activities at once (the sweep, replays):

    def award_points_batch(activities): ...

    @consumer("gamification.points", verbs=..., batch=award_points_batch)
    def award_points(activity): ...

It gets activities of its verbs that it has not handled, in the order they were
logged, inside one transaction with their receipts, and must leave exactly the
effects that calling the handler on each of them in that order would. Two
batches may be handled at once (sweeps in several workers), so it must take its
row locks in a fixed order, e.g. by member. If it raises, the whole batch is
rolled back and each activity is retried alone with the per-activity handler,
so one bad activity backs off by itself.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .vocabulary import VERBS

Handler = Callable[["object"], None]
BatchHandler = Callable[[Sequence["object"]], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    handler: Handler
    verbs: frozenset[str] | None  # None: every verb
    batch_handler: BatchHandler | None = None

    def wants(self, verb: str) -> bool:
        return self.verbs is None or verb in self.verbs


_consumers: dict[str, Consumer] = {}


def consumer(
    name: str,
    *,
    verbs: Iterable[str] | None = None,
    batch: BatchHandler | None = None,
):
    verb_set = None if verbs is None else frozenset(verbs)
    unknown = (verb_set or frozenset()) - VERBS.keys()
    if unknown:
        raise ValueError(f"Consumer {name} listens to unknown verbs: {sorted(unknown)}")

    def register(handler: Handler) -> Handler:
        existing = _consumers.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"A consumer named {name!r} is already registered.")
        _consumers[name] = Consumer(
            name=name, handler=handler, verbs=verb_set, batch_handler=batch
        )
        return handler

    return register


def unregister(name: str) -> None:
    _consumers.pop(name, None)


def consumers_for(verb: str) -> list[Consumer]:
    return [c for c in _consumers.values() if c.wants(verb)]


def get_consumer(name: str) -> Consumer:
    try:
        return _consumers[name]
    except KeyError:
        raise LookupError(f"No consumer named {name!r} is registered.") from None


def all_consumers() -> list[Consumer]:
    return list(_consumers.values())
