import pytest

from activity.models import Activity
from conversations.demo import seed_conversations
from conversations.models import Conversation, Message

from .conftest import make_user

pytestmark = pytest.mark.django_db


def test_seed_conversations_is_real_and_idempotent():
    members = [make_user(new=True) for _n in range(4)]
    result = seed_conversations(members=members)
    assert len(result["conversations"]) == 2
    assert Message.objects.count() == 5
    mentoring = Conversation.objects.get(kind="mentoring")
    assert set(mentoring.participants.values_list("member_id", flat=True)) == {
        members[2].pk,
        members[-1].pk,
    }
    assert Activity.objects.filter(verb="sent").count() == 5
    seed_conversations(members=members)
    assert Conversation.objects.count() == 2
    assert Message.objects.count() == 5
