"""The official 1EdTech (IMS) Open Badges 2.0 validator (badgecheck 1.2.0) on
badges issued by a live test server.

It runs in its own venv, .venv-obv (`make obv`, which `make test` runs
first), through tests/gamification/obv_verify.py in a subprocess. A missing
.venv-obv fails this test: it never skips.

What "tampered" means for hosted verification: the validator always fetches
the assertion from its `id` URL and trusts what the issuer's origin serves,
so a modified copy can only (a) live somewhere else and claim to be ours —
it is refused because an assertion must be hosted on its issuer's origin —
or (b) point its `id` at the real assertion — the validator then fetches the
real one, whose recipient hash does not match the forger's e-mail."""

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from gamification.badge_models import BadgeAward
from gamification.badges import badge_award_revoke

from .badge_builders import make_badge
from .conftest import make_member, record
from .obv_urls import FORGED

ROOT = Path(__file__).resolve().parents[2]
OBV_PYTHON = ROOT / ".venv-obv" / "bin" / "python"
SCRIPT = Path(__file__).with_name("obv_verify.py")
TIMEOUT = 180  # seconds per validator run; each takes a few on this machine

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.gamification.obv_urls"),
]


def validate(badge: str, *, email: str, passthru: list[str]) -> dict:
    if not OBV_PYTHON.exists():
        pytest.fail(
            f"{OBV_PYTHON} is missing: run `make obv` (make test does) to build "
            "the Open Badges validator's venv."
        )
    command = [str(OBV_PYTHON), str(SCRIPT), badge, "--email", email]
    for prefix in passthru:
        command += ["--passthru", prefix]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(NO_PROXY="*", no_proxy="*")
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # Shown with -s, and in the failure output: the lead's note quotes these.
    sys.stdout.write(
        f"\nvalidator on {badge} as {email}: valid={report['valid']} "
        f"errors={report['errorCount']} revoked={report['revoked']}\n"
        + "".join(
            f"  {m['messageLevel']}: {m['result']}\n"
            for m in report["messages"]
            if m["messageLevel"] in ("ERROR", "WARNING")
        )
    )
    return report


def errors(report: dict) -> str:
    return "\n".join(
        m["result"] for m in report["messages"] if m["messageLevel"] == "ERROR"
    )


@pytest.fixture
def issued(live_server, site_tree):
    """A member with a badge issued by the live server, and its URLs."""
    member = make_member(username="learner", email="learner@example.org")
    make_badge(name="First lesson", slug="first-lesson", count=1)
    record(member, "completed", "lesson")
    award = BadgeAward.objects.get(member=member)
    base = live_server.url  # http://localhost:<port>
    FORGED.clear()
    yield {
        "member": member,
        "award": award,
        "base": base,
        "assertion": f"{base}/badges/a/{award.uuid}.json",
        "passthru": [base + "/", base.replace("localhost", "127.0.0.1") + "/"],
    }
    FORGED.clear()


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the test server
        return json.loads(response.read())


def test_the_issued_assertion_is_valid(issued):
    report = validate(
        issued["assertion"], email="learner@example.org", passthru=issued["passthru"]
    )
    assert report["valid"] is True, errors(report)
    assert report["errorCount"] == 0
    assert report["validationSubject"] == issued["assertion"]
    assert report["recipientProfile"] == {"email": "learner@example.org"}
    assert report["revoked"] is False


def test_the_baked_png_is_valid(issued, tmp_path):
    baked = tmp_path / "badge.png"
    url = f"{issued['base']}/badges/a/{issued['award'].uuid}.png"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        baked.write_bytes(response.read())
    report = validate(
        str(baked), email="learner@example.org", passthru=issued["passthru"]
    )
    assert report["valid"] is True, errors(report)
    assert report["validationSubject"] == issued["assertion"]


def test_a_wrong_recipient_is_refused(issued):
    report = validate(
        issued["assertion"],
        email="someone.else@example.org",
        passthru=issued["passthru"],
    )
    assert report["valid"] is False
    assert "did not match assertion" in errors(report)


def test_a_forged_copy_hosted_elsewhere_is_refused(issued):
    """A copy with the forger's e-mail, served from another origin
    (127.0.0.1 instead of localhost) and claiming our badge class."""
    real = fetch_json(issued["assertion"])
    other_origin = issued["base"].replace("localhost", "127.0.0.1")
    forged_url = f"{other_origin}/test-only/forged/assertion.json"
    salt = "forged"
    identity = hashlib.sha256(b"forger@example.org" + salt.encode()).hexdigest()
    FORGED["assertion"] = {
        **real,
        "id": forged_url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": f"sha256${identity}",
        },
    }
    report = validate(
        forged_url, email="forger@example.org", passthru=issued["passthru"]
    )
    assert report["valid"] is False
    assert "not hosted in allowed origins" in errors(report)


def test_a_tampered_copy_pointing_at_the_real_assertion_is_refused(issued):
    """The copy's `id` is the real assertion's URL: the validator fetches the
    real one, which was not issued to the forger."""
    real = fetch_json(issued["assertion"])
    tampered_url = f"{issued['base']}/test-only/forged/tampered.json"
    salt = "tampered"
    identity = hashlib.sha256(b"forger@example.org" + salt.encode()).hexdigest()
    FORGED["tampered"] = {
        **real,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": f"sha256${identity}",
        },
    }
    report = validate(
        tampered_url, email="forger@example.org", passthru=issued["passthru"]
    )
    assert report["valid"] is False
    assert report["validationSubject"] == issued["assertion"]
    warnings = [m["result"] for m in report["messages"]]
    assert any("declared its id as" in w for w in warnings)
    assert "did not match assertion" in errors(report)


def test_a_revoked_assertion_is_reported_revoked(issued):
    badge_award_revoke(award_id=issued["award"].pk, reason="Awarded by mistake")
    report = validate(
        issued["assertion"], email="learner@example.org", passthru=issued["passthru"]
    )
    assert report["valid"] is False
    # The revoked answer carries no recipient or badge any more.
    assert "Required property recipient not present" in errors(report)
    assert report["revoked"] is True
    assert report["revocationReason"] == "Awarded by mistake"
