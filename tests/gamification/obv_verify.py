"""Run the 1EdTech Open Badges 2.0 validator (badgecheck) on one badge and
print its report as one JSON object. Runs in .venv-obv (`make obv`), never in
the project's venv: badgecheck's pins clash with the project's.

    .venv-obv/bin/python tests/gamification/obv_verify.py <assertion URL or
        baked PNG path> --email <recipient e-mail> --passthru <URL prefix> ...

Offline, as ../shared/docs/OPEN-BADGES.md describes: the JSON-LD context
https://w3id.org/openbadges/v2 is answered from the copy badgecheck embeds;
only the given URL prefixes (the live test server) reach the network.

badgecheck checks revocation lists of signed badges only; for a hosted
assertion it validates whatever the URL answers. A revoked hosted assertion
answers with only `id`, `revoked: true` and the reason, so it fails
validation; `revoked` and `revocationReason` below are read from the
documents the validator itself fetched, so the report says why."""

import argparse
import json
import sys

import responses
from openbadges import verify
from openbadges.verifier.openbadges_context import (
    OPENBADGES_CONTEXT_V2_DICT,
    OPENBADGES_CONTEXT_V2_URI,
)


def fetched_documents(result: dict):
    for text in result.get("input", {}).get("original_json", {}).values():
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        try:
            document = json.loads(text)
        except (TypeError, ValueError):
            continue  # an image, stored as a data URI
        if isinstance(document, dict):
            yield document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("badge", help="assertion URL, or path of a baked PNG")
    parser.add_argument("--email", required=True)
    parser.add_argument("--passthru", action="append", default=[])
    args = parser.parse_args()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.GET, OPENBADGES_CONTEXT_V2_URI, json=OPENBADGES_CONTEXT_V2_DICT
        )
        for prefix in args.passthru:
            mock.add_passthru(prefix)
        if args.badge.startswith(("http://", "https://")):
            result = verify(
                args.badge,
                recipient_profile={"email": args.email},
                include_original_json=True,
            )
        else:
            with open(args.badge, "rb") as baked:
                result = verify(
                    baked,
                    recipient_profile={"email": args.email},
                    include_original_json=True,
                )

    report = result["report"]
    revoked = [d for d in fetched_documents(result) if d.get("revoked") is True]
    summary = {
        "valid": report["valid"],
        "errorCount": report["errorCount"],
        "warningCount": report["warningCount"],
        "validationSubject": report.get("validationSubject"),
        "recipientProfile": report.get("recipientProfile"),
        "messages": report["messages"],
        "revoked": bool(revoked),
        "revocationReason": revoked[0].get("revocationReason") if revoked else None,
    }
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
