"""Levels by points earned. The table is tiny and read on every award, so each
process keeps it for LEVELS_TTL seconds (saving a level clears this process's
copy at once)."""

import time
from dataclasses import dataclass

from .models import Level

LEVELS_TTL = 30.0

_cache: dict[str, object] = {"at": 0.0, "levels": None}


def levels_clear_cache() -> None:
    _cache["at"] = 0.0
    _cache["levels"] = None


def levels_all() -> list[Level]:
    now = time.monotonic()
    if _cache["levels"] is None or now - _cache["at"] > LEVELS_TTL:
        _cache["levels"], _cache["at"] = list(Level.objects.order_by("threshold")), now
    return _cache["levels"]  # type: ignore[return-value]


def level_for(earned: int) -> Level | None:
    reached = [level for level in levels_all() if level.threshold <= earned]
    return reached[-1] if reached else None


def levels_crossed(before: int, after: int) -> list[Level]:
    """Levels whose threshold lies in (before, after]: reached by this change."""
    return [level for level in levels_all() if before < level.threshold <= after]


@dataclass(frozen=True)
class LevelProgress:
    earned: int
    level: Level | None
    next_level: Level | None

    @property
    def points_to_next(self) -> int | None:
        if self.next_level is None:
            return None
        return self.next_level.threshold - self.earned

    @property
    def percent(self) -> int:
        """How far from this level's threshold to the next one (100 at the top)."""
        if self.next_level is None:
            return 100
        start = self.level.threshold if self.level else 0
        span = self.next_level.threshold - start
        return max(0, min(100, (self.earned - start) * 100 // span))


def level_progress(earned: int) -> LevelProgress:
    level = level_for(earned)
    later = [lv for lv in levels_all() if lv.threshold > earned]
    return LevelProgress(
        earned=earned, level=level, next_level=later[0] if later else None
    )
