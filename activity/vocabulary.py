"""The single vocabulary of activity verbs and object types (see
docs/ACTIVITY-VOCABULARY.md). Record nothing whose verb is not listed here."""

from dataclasses import dataclass

SITE_VERB_NAMESPACE = "/xapi/verbs/"


@dataclass(frozen=True)
class Verb:
    name: str
    iri: str  # absolute, or a path under the site's own namespace
    object_types: tuple[str, ...]

    def iri_for(self, site_root: str) -> str:
        if self.iri.startswith("http"):
            return self.iri
        return site_root.rstrip("/") + SITE_VERB_NAMESPACE + self.iri


ADL = "http://adlnet.gov/expapi/verbs/"
AS = "http://activitystrea.ms/schema/1.0/"
TINCAN = "http://id.tincanapi.com/verb/"
ADL_VERBS = "https://w3id.org/xapi/adl/verbs/"

VERBS: dict[str, Verb] = {
    verb.name: verb
    for verb in (
        Verb("registered", ADL + "registered", ("course", "event", "site", "path")),
        Verb("launched", ADL + "launched", ("lesson",)),
        Verb("experienced", ADL + "experienced", ("lesson", "article", "video")),
        Verb("answered", ADL + "answered", ("question",)),
        Verb("passed", ADL + "passed", ("quiz",)),
        Verb("failed", ADL + "failed", ("quiz",)),
        Verb("completed", ADL + "completed", ("lesson", "course", "challenge", "path")),
        Verb("attended", ADL + "attended", ("event",)),
        Verb("submitted", AS + "submit", ("assignment",)),
        Verb("scored", ADL + "scored", ("assignment",)),
        Verb("rated", TINCAN + "rated", ("course", "lesson")),
        Verb("created", AS + "create", ("topic",)),
        Verb("replied", TINCAN + "replied", ("post",)),
        Verb("accepted", AS + "accept", ("answer",)),
        Verb("liked", AS + "like", ("post", "project")),
        Verb("shared", ADL + "shared", ("project", "article", "course")),
        Verb("voted", "voted", ("poll",)),
        Verb("flagged", AS + "flag-as-inappropriate", ("post",)),
        Verb("mentioned", "mentioned", ("post",)),
        Verb("joined", AS + "join", ("group",)),
        Verb("left", AS + "leave", ("group", "course")),
        Verb("followed", AS + "follow", ("board", "topic", "member")),
        Verb("earned", "earned", ("badge", "level", "points")),
        Verb("redeemed", "redeemed", ("reward",)),
        Verb("checked-in", AS + "checkin", ("site",)),
        Verb("mastered", ADL + "mastered", ("skill",)),
        Verb("logged-in", ADL_VERBS + "logged-in", ("site",)),
        Verb("logged-out", ADL_VERBS + "logged-out", ("site",)),
        Verb("responded", ADL + "responded", ("survey",)),
        Verb("sent", AS + "send", ("conversation",)),
        Verb("skipped", TINCAN + "skipped", ("path",)),
        Verb("voided", ADL + "voided", ("activity",)),
    )
}

VERB_CHOICES = [(name, name) for name in VERBS]


def verb_allows(verb: str, object_type: str) -> bool:
    return verb in VERBS and object_type in VERBS[verb].object_types
