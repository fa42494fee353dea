"""Forum pages. Views parse input and call a service or selector; whether a
member may act is decided by the services (the buttons shown here only
mirror forum.permissions). What a viewer may read comes from the selectors'
visibility filters, so a private group's board, topic or post answers 404 to
anyone outside it."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .forms import NewTopicForm, PostEditForm, ReplyForm, form_add_service_errors
from .models import Board, Post, Reaction, Topic

QUOTE_MAX_CHARS = 2000


@dataclass(frozen=True)
class ReactionShown:
    kind: str
    label: str
    count: int
    mine: bool


def denied_response(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    message = str(error) or _("You are not allowed to do that.")
    return render(request, "forum/denied.html", {"message": message}, status=403)


def post_url(post: Post) -> str:
    page = selectors.post_page_number(post)
    query = f"?page={page}" if page > 1 else ""
    return f"{post.topic.get_absolute_url()}{query}#post-{post.number}"


def _visible_topic(request: HttpRequest, pk: int) -> tuple[Topic, bool]:
    """The topic with the viewer's follow, read and group state, or 404 if
    the viewer may not read it (hidden topics: moderators only; private
    groups: their members) — others can't tell it exists."""
    is_moderator = permissions.member_is_moderator(request.user)
    try:
        topic = selectors.topic_for_viewer(
            pk=pk, viewer=request.user, is_moderator=is_moderator
        )
    except Topic.DoesNotExist:
        raise Http404 from None
    return topic, is_moderator


def _visible_post(request: HttpRequest, pk: int) -> Post:
    """A post in a topic the viewer may read (its own text may be removed)."""
    topics = selectors.topics_visible_to(request.user)
    return get_object_or_404(
        Post.objects.select_related("topic__board__group", "author"),
        pk=pk,
        topic__in=topics,
    )


def board_list(request: HttpRequest) -> HttpResponse:
    boards = list(selectors.visible_boards(request.user).listing())
    return render(
        request,
        "forum/board_list.html",
        {
            "boards": [b for b in boards if not b.is_archived],
            "archived_boards": [b for b in boards if b.is_archived],
        },
    )


def _board_or_404(request: HttpRequest, slug: str) -> Board:
    """A board the viewer may read, or 404 (private groups' boards do not
    admit they exist)."""
    try:
        return selectors.board_for_viewer(slug=slug, viewer=request.user)
    except Board.DoesNotExist:
        raise Http404 from None


def _may_post(user, board: Board) -> bool:
    """Whether to offer "New topic" (the service decides for real)."""
    if not permissions.member_is_active(user):
        return False
    if board.group_id is None or getattr(board, "viewer_in_group", False):
        return True
    return permissions.member_is_moderator(user)


def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = _board_or_404(request, slug)
    kind = request.GET.get("kind", "")
    if kind not in Topic.Kind.values:
        kind = ""
    page_obj = selectors.board_topics_page(
        board=board,
        kind=kind,
        page_number=request.GET.get("page"),
        viewer=request.user,
    )
    return render(
        request,
        "forum/board_detail.html",
        {
            "board": board,
            "page_obj": page_obj,
            "topics": page_obj.object_list,
            "kind": kind,
            "kinds": Topic.Kind.choices,
            "extra_query": f"kind={kind}" if kind else "",
            "may_post": _may_post(request.user, board),
        },
    )


def _annotate_permissions(
    posts, *, user, topic: Topic, is_moderator: bool, can_reply: bool
) -> None:
    can_accept = permissions.can_accept_answer(user, topic, is_moderator=is_moderator)
    read = getattr(topic, "viewer_read", None)
    for post in posts:
        post.can_edit = permissions.can_edit_post(user, post, is_moderator=is_moderator)
        post.can_delete = permissions.can_delete_post(
            user, post, is_moderator=is_moderator
        )
        post.can_react = permissions.can_react(user, post)
        post.can_report = permissions.can_report(user, post)
        post.can_quote = can_reply and post.is_visible
        post.can_accept = (
            can_accept
            and post.number > 1
            and post.is_visible
            and post.pk != topic.accepted_post_id
        )
        post.is_accepted = post.pk == topic.accepted_post_id
        # New since the viewer last read this topic (never-read topics are new
        # as a whole, so their posts carry no marks).
        post.is_new = read is not None and post.number > read
        post.reactions_shown = [
            ReactionShown(
                kind=kind,
                label=label,
                count=getattr(post, f"{kind}_count", 0),
                mine=getattr(post, f"{kind}_by_viewer", False),
            )
            for kind, label in Reaction.Kind.choices
        ]


def quote_markdown(post: Post) -> str:
    """A reply's opening: the post as a Markdown quote with its author and a
    link back to it."""
    text = post.body_markdown
    if len(text) > QUOTE_MAX_CHARS:
        text = text[:QUOTE_MAX_CHARS].rstrip() + " …"
    who = f"@{post.author.username}" if post.author else _("A former member")
    link = reverse("forum:post", args=[post.pk])
    attribution = _("%(who)s [wrote](%(link)s):") % {"who": who, "link": link}
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    return f"> {attribution}\n>\n{quoted}\n\n"


def _reply_form(request: HttpRequest, topic: Topic) -> ReplyForm:
    """An empty reply form; `?reply_to=` sets the post replied to and
    `?quote=` also opens the reply with that post quoted."""
    quote_id = request.GET.get("quote", "")
    if quote_id.isdigit():
        quoted = (
            Post.objects.filter(
                pk=int(quote_id), topic=topic, is_deleted=False, is_hidden=False
            )
            .select_related("author")
            .first()
        )
        if quoted is not None:
            return ReplyForm(
                initial={"parent": quoted.pk, "body": quote_markdown(quoted)}
            )
    return ReplyForm(initial={"parent": request.GET.get("reply_to")})


def _topic_page(
    request: HttpRequest,
    topic: Topic,
    *,
    is_moderator: bool,
    reply_form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    page = selectors.topic_page(
        topic=topic, viewer=user, page_number=request.GET.get("page")
    )
    posts, accepted = page.posts, page.accepted
    shown = posts + ([accepted] if accepted else [])
    can_reply = permissions.can_reply(
        user,
        topic,
        is_moderator=is_moderator,
        in_group=bool(getattr(topic, "viewer_in_group", False)),
    )
    _annotate_permissions(
        shown, user=user, topic=topic, is_moderator=is_moderator, can_reply=can_reply
    )
    if can_reply and reply_form is None:
        reply_form = _reply_form(request, topic)
    poll = getattr(topic, "poll", None)
    project = getattr(topic, "project", None)
    poll_state = selectors.poll_state(poll=poll, viewer=user) if poll else None
    first_page = page.page_obj.number == 1
    signed_in = permissions.member_is_active(user)
    return render(
        request,
        "forum/topic_detail.html",
        {
            "topic": topic,
            "board": topic.board,
            "page_obj": page.page_obj,
            "posts": posts,
            "accepted": accepted,
            "is_moderator": is_moderator,
            "can_reply": can_reply,
            "reply_form": reply_form,
            "topic_actions": _topic_actions(topic) if is_moderator else [],
            "poll": poll_state,
            "can_vote": bool(poll_state)
            and can_reply
            and not poll_state.has_voted
            and not poll_state.is_closed,
            "project": selectors.project_shown(project=project)
            if project and first_page
            else None,
            "signed_in": signed_in,
            "follows": bool(getattr(topic, "viewer_follows", False)),
            # The read position moves forward by a POST the page sends once
            # shown (see docs/FORUM.md): a plain GET writes nothing.
            "read_up_to": posts[-1].number if signed_in and posts else 0,
            "can_add_poll": not poll
            and signed_in
            and (topic.author_id == user.pk or is_moderator),
        },
        status=status,
    )


def _topic_actions(topic: Topic) -> list[tuple[str, str]]:
    """The moderator's buttons for a topic: each undoes the current state."""
    return [
        ("unlock", _("Unlock")) if topic.is_locked else ("lock", _("Lock")),
        ("unpin", _("Unpin")) if topic.is_pinned else ("pin", _("Pin")),
        ("restore", _("Restore topic"))
        if topic.is_hidden
        else ("hide", _("Hide topic")),
    ]


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic, is_moderator = _visible_topic(request, pk)
    return _topic_page(request, topic, is_moderator=is_moderator)


@login_required
def topic_create(request: HttpRequest, slug: str) -> HttpResponse:
    board = _board_or_404(request, slug)
    if not _may_post(request.user, board):
        return denied_response(request, PermissionDenied(services.ERRORS["join_group"]))
    with_poll = permissions.can_create_poll(request.user)
    form = NewTopicForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind")},
        with_poll=with_poll,
    )
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        project = form.project_draft()
        try:
            topic = services.topic_create(
                author=request.user,
                board=board,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                kind=kind,
                poll=form.poll_draft(),
                project=project
                if kind == Topic.Kind.PROJECT or not project.is_empty()
                else None,
            )
        except PermissionDenied as error:
            return denied_response(request, error)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your topic is up."))
            return redirect(topic)
    return render(
        request,
        "forum/topic_form.html",
        {"board": board, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reply_create(request: HttpRequest, pk: int) -> HttpResponse:
    topic, is_moderator = _visible_topic(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Post.objects.filter(pk=form.cleaned_data["parent"]).first()
        try:
            post = services.post_reply(
                author=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                parent=parent,
            )
        except PermissionDenied as error:
            return denied_response(request, error)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect(post_url(post))
    # Show the page again with the member's text and the errors beside it.
    return _topic_page(
        request, topic, is_moderator=is_moderator, reply_form=form, status=400
    )


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    if not permissions.can_edit_post(request.user, post):
        # The service would refuse too; say why before the member types.
        if post.is_deleted:
            messages.error(request, services.ERRORS["post_gone"])
            return redirect(post_url(post))
        mine = post.author_id == request.user.pk and not post.is_hidden
        reason = services.ERRORS["edit_window" if mine else "not_yours"]
        return denied_response(request, PermissionDenied(reason))
    form = PostEditForm(request.POST or None, initial={"body": post.body_markdown})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                editor=request.user, post=post, body=form.cleaned_data["body"]
            )
        except PermissionDenied as error:
            return denied_response(request, error)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post_url(post))
    return render(
        request,
        "forum/post_form.html",
        {"post": post, "topic": post.topic, "form": form},
        status=400 if form.errors else 200,
    )


def _post_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    post = _visible_post(request, pk)
    try:
        action(post)
    except PermissionDenied as error:
        return denied_response(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if success:
            messages.success(request, success)
    return redirect(post_url(post))


@login_required
@require_POST
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda post: services.post_delete(actor=request.user, post=post),
        _("The post is deleted."),
    )


@login_required
@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda post: services.answer_accept(actor=request.user, post=post),
        _("Marked as the accepted answer."),
    )


@login_required
@require_POST
def reaction_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    kind = request.POST.get("kind", "")
    return _post_action(
        request,
        pk,
        lambda post: services.reaction_toggle(
            member=request.user, post=post, kind=kind
        ),
        "",
    )


def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Earlier versions of a post, newest first (what the "edited" mark means)."""
    post = get_object_or_404(Post.objects.select_related("topic", "author"), pk=pk)
    topic, is_moderator = _visible_topic(request, post.topic_id)
    if not post.is_visible and not is_moderator:
        raise Http404
    revisions = post.revisions.select_related("edited_by")
    return render(
        request,
        "forum/post_history.html",
        {"post": post, "topic": topic, "revisions": revisions},
    )


def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's permanent link: its place on its topic's pages."""
    return redirect(post_url(_visible_post(request, pk)))
