"""The forum's models: boards, topics and posts; groups; the project showcase;
polls; follows and read positions; reports and the moderators' audit log."""

from .boards import (
    BODY_MAX_LENGTH,
    RESERVED_BOARD_SLUGS,
    TITLE_MAX_LENGTH,
    Board,
    BoardQuerySet,
    Post,
    PostRevision,
    Reaction,
    Topic,
    TopicQuerySet,
)
from .groups import Group, GroupMembership, GroupQuerySet
from .moderation import ModerationAction, Report, ReportQuerySet
from .polls import Poll, PollBallot, PollOption, PollVote
from .projects import Project, ProjectImage
from .reading import Subscription, TopicReadState

__all__ = [
    "BODY_MAX_LENGTH",
    "RESERVED_BOARD_SLUGS",
    "TITLE_MAX_LENGTH",
    "Board",
    "BoardQuerySet",
    "Group",
    "GroupMembership",
    "GroupQuerySet",
    "ModerationAction",
    "Poll",
    "PollBallot",
    "PollOption",
    "PollVote",
    "Post",
    "PostRevision",
    "Project",
    "ProjectImage",
    "Reaction",
    "Report",
    "ReportQuerySet",
    "Subscription",
    "Topic",
    "TopicQuerySet",
    "TopicReadState",
]
