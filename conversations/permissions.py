"""Who may do what with private conversations. Services enforce these; views
use them only to decide what to show."""


def member_is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def member_is_moderator(user) -> bool:
    """Staff, or members granted `members.moderate_members` (the Moderators).
    Moderators read reported messages only, never whole conversations."""
    if not member_is_active(user):
        return False
    return user.is_staff or user.has_perm("members.moderate_members")
