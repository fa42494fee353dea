"""Models of the personalisation engine; each area has its own module."""

from .mastery import *  # noqa: F403
from .planning import *  # noqa: F403
from .recommendations import *  # noqa: F403
from .segments import *  # noqa: F403
