"""Writes for groups: start one, join or ask to join, leave, and decide on
requests. One transaction each; `joined` and `left` activities (object
`group`) are recorded for members who become or stop being active members."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record

from . import permissions
from .models import Group, GroupMembership

Role = GroupMembership.Role
Status = GroupMembership.Status

ERRORS = {
    "signed_out": _("Log in to join groups."),
    "not_a_moderator": _("Only site moderators can start groups."),
    "already_asked": _(
        "You have already asked to join. The group's owners will answer soon."
    ),
    "last_owner": _(
        "You are this group's only owner: make another member an owner "
        "before you leave."
    ),
    "not_a_member": _("You are not a member of this group."),
    "not_a_manager": _(
        "Only the group's owners and moderators can answer requests to join."
    ),
    "not_pending": _("This request has already been answered."),
}


def _record_joined(membership: GroupMembership, *, approved_by=None) -> None:
    activity_record(
        actor=membership.member,
        verb="joined",
        object_type="group",
        object_id=membership.group_id,
        idempotency_key=f"joined:group:{membership.pk}",
        context={
            "group_id": membership.group_id,
            "role": membership.role,
            "approved_by": approved_by.pk if approved_by else None,
        },
        timestamp=membership.joined_at,
    )


@transaction.atomic
def group_create(
    *,
    creator,
    name: str,
    description: str = "",
    visibility: str = Group.Visibility.PUBLIC,
    slug: str = "",
) -> Group:
    """Start a group with its creator as owner (site moderators only; editors
    can also add groups in the admin)."""
    if not permissions.member_is_moderator(creator):
        raise PermissionDenied(ERRORS["not_a_moderator"])
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = [_("Give the group a name.")]
    slug = slugify(slug or name)[:80]
    if name and not slug:
        errors["name"] = [_("Use some letters or digits in the name.")]
    elif slug and Group.objects.filter(slug=slug).exists():
        errors["name"] = [_("A group with this name already exists.")]
    if visibility not in Group.Visibility.values:
        errors["visibility"] = [_("Choose public or private.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    group = Group.objects.create(
        name=name[:80],
        slug=slug,
        description=(description or "").strip()[:2000],
        visibility=visibility,
        created_by=creator,
        created_at=now,
    )
    owner = GroupMembership.objects.create(
        group=group,
        member=creator,
        role=Role.OWNER,
        status=Status.ACTIVE,
        requested_at=now,
        joined_at=now,
    )
    _record_joined(owner)
    return group


@transaction.atomic
def group_join(*, member, group: Group, message: str = "") -> GroupMembership:
    """Join a public group, or ask to join a private one (the request waits
    for an owner or moderator). Joining twice changes nothing."""
    if not permissions.member_is_active(member):
        raise PermissionDenied(ERRORS["signed_out"])
    group = Group.objects.get(pk=group.pk)
    existing = GroupMembership.objects.filter(group=group, member=member).first()
    if existing is not None:
        if existing.status == Status.PENDING:
            raise ValidationError(ERRORS["already_asked"], code="already_asked")
        return existing
    now = timezone.now()
    private = group.is_private
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(
                group=group,
                member=member,
                role=Role.MEMBER,
                status=Status.PENDING if private else Status.ACTIVE,
                message=(message or "").strip()[:500] if private else "",
                requested_at=now,
                joined_at=None if private else now,
            )
    except IntegrityError:  # a double click: the first one got there
        return GroupMembership.objects.get(group=group, member=member)
    if not private:
        _record_joined(membership)
    return membership


@transaction.atomic
def group_leave(*, member, group: Group) -> None:
    """Leave a group (or withdraw a request to join). The last owner stays
    until they hand the group over."""
    if not permissions.member_is_active(member):
        raise PermissionDenied(ERRORS["signed_out"])
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(group=group, member=member)
        .first()
    )
    if membership is None:
        raise ValidationError(ERRORS["not_a_member"], code="not_a_member")
    if membership.role == Role.OWNER and membership.is_active:
        owners = GroupMembership.objects.filter(
            group=group, role=Role.OWNER, status=Status.ACTIVE
        ).count()
        if owners <= 1:
            raise ValidationError(ERRORS["last_owner"], code="last_owner")
    was_active, membership_id = membership.is_active, membership.pk
    membership.delete()
    if was_active:
        activity_record(
            actor=member,
            verb="left",
            object_type="group",
            object_id=group.pk,
            idempotency_key=f"left:group:{membership_id}",
            context={"group_id": group.pk},
        )


def can_decide(actor, group: Group) -> bool:
    """Group owners and moderators, and site moderators."""
    if permissions.member_is_moderator(actor):
        return True
    membership = permissions.group_membership(actor, group)
    return membership is not None and membership.can_manage


@transaction.atomic
def membership_decide(
    *, actor, membership: GroupMembership, approve: bool
) -> GroupMembership | None:
    """Approve a request to join (the member becomes active and `joined` is
    recorded for them) or decline it (the request is removed; they may ask
    again). Returns the membership, or None when declined."""
    if not permissions.member_is_active(actor):
        raise PermissionDenied(ERRORS["signed_out"])
    membership = (
        GroupMembership.objects.select_for_update(of=("self",))
        .select_related("group", "member")
        .get(pk=membership.pk)
    )
    if not can_decide(actor, membership.group):
        raise PermissionDenied(ERRORS["not_a_manager"])
    if membership.status != Status.PENDING:
        raise ValidationError(ERRORS["not_pending"], code="not_pending")
    if not approve:
        membership.delete()
        return None
    membership.status = Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.decided_by = actor
    membership.save(update_fields=["status", "joined_at", "decided_by"])
    _record_joined(membership, approved_by=actor)
    return membership
