"""Time and SQL query count of the list pages at two sizes of call (issue 9).

For each size, a fresh database gets one call still in review, written by ``grants.demo.large_call``
(N applications, 3N reviews, N/10 reviewers). Each list is read by the person it is for, signed in
through the real form: the officer (the call's page with its applications, the ranking, the call
dashboard), the reviewer invited most often (their reviews) and a researcher on 20 of the call's
applications (their applications). Each page is fetched through the Flask test client once to
warm up, then ``--repeat`` times. Prints the median and slowest time and the number of SQL
statements per page; the counts must be the same at both sizes.

Usage: .venv/bin/python bench/list_pages.py [--sizes 1000 10000] [--repeat 5]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench_lists] [--record]
"""

from __future__ import annotations

from page_timing import Benchmark, Page, Seeded, main

from grants.demo.large_call import busiest_reviewer, researcher_with_applications, seed_large_call

RESEARCHER_APPLICATIONS = 20  # as the description says
PAGES = (
    Page("officer's application list", "/manage/calls/{call}"),
    Page("ranking", "/manage/calls/{call}/ranking"),
    Page("call dashboard", "/manage/calls/{call}/dashboard"),
    Page("reviewer's list", "/reviews", reader="reviewer"),
    Page("researcher's applications", "/applications", reader="researcher"),
)


def seed(size: int) -> Seeded:
    large = seed_large_call(size, decided=False)
    return Seeded(
        large,
        {
            "officer": large.officer_id,
            "reviewer": busiest_reviewer(large.call_id),
            "researcher": researcher_with_applications(large.call_id, RESEARCHER_APPLICATIONS),
        },
    )


BENCHMARK = Benchmark(
    script="list_pages.py",
    description=__doc__,
    pages=PAGES,
    seed=seed,
    heading="List pages at scale (issue 9)",
    readers="each list read by the person it is for, signed in",
)


if __name__ == "__main__":
    main(BENCHMARK)
