"""Similar suggestions at scale (after bench/generate.py): how long the index takes to
build, and how long one search takes, as the registration form asks it.

    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/similar.py

Rebuilds the index of every item (timed; `--search-only` skips it), then asks 20 searches of
re-worded titles as an
office user: reports the median and the slowest, and the queries of one search. Nothing
here is a test: results go to bench/README.md by hand.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from similar.index import rebuild  # noqa: E402
from similar.models import SimilarPosting  # noqa: E402
from similar.search import similar_to  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402


def office() -> User:
    """An office user (the generator makes none): the read gate lets it read everything."""
    user, created = User.objects.get_or_create(username="bench-office")
    if created:
        user.groups.add(Group.objects.get(name=Role.OFFICE))
    return user


def main() -> None:
    items = Suggestion.objects.count()
    if "--search-only" not in sys.argv:
        started = time.perf_counter()
        indexed = rebuild()
        print(f"{items} items, {indexed} indexed, rebuild: {time.perf_counter() - started:.1f} s")
    print(f"{SimilarPosting.objects.count()} postings")
    user = office()
    titles = list(Suggestion.objects.order_by("?").values_list("title", flat=True)[:20])
    times = []
    for title in titles:
        reworded = title.replace("关于", "").replace("的建议", "，请研究")
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            found = similar_to(user, title=reworded)
        times.append((time.perf_counter() - t0) * 1000)
        assert found.matches, title
    print(f"search: median {statistics.median(times):.0f} ms, slowest {max(times):.0f} ms, ")
    print(f"{len(ctx.captured_queries)} queries per search")


if __name__ == "__main__":
    main()
