"""Baseline: server-side render of a static ArticlePage and of the home page
through Django's test client (anonymous and signed-in)."""

import json

from harness import article_baseline, count_queries, get_ok, setup_django, timings

RUNS = 200


def main() -> None:
    setup_django()
    from django.test import Client

    from members.models import User

    anonymous = Client()
    article = article_baseline(anonymous, runs=RUNS)

    home_fetch = get_ok(anonymous, "/")
    home = timings(home_fetch, runs=RUNS)
    home["queries"] = count_queries(home_fetch)

    member = Client()
    member.force_login(User.objects.filter(is_superuser=False).order_by("pk").first())
    member_fetch = get_ok(member, "/")
    home_member = timings(member_fetch, runs=RUNS)
    home_member["queries"] = count_queries(member_fetch)

    print(
        json.dumps(
            {
                "benchmark": "page_render",
                "baseline_article": article,
                "home_anonymous": home,
                "home_member": home_member,
                "ratio_home_anonymous_to_article": round(
                    home["median_ms"] / article["median_ms"], 3
                ),
                "ratio_home_member_to_article": round(
                    home_member["median_ms"] / article["median_ms"], 3
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
