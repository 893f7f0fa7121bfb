"""Time and SQL query count of the officers' insight pages at two sizes of call.

For each size, a fresh database gets one call written by ``grants.demo.large_call`` (N applications,
3N reviews, N/10 reviewers, decisions, awards and payments). An officer signs in through the real
form, and each page is fetched through the Flask test client: once to warm up, then ``--repeat``
times. Prints the median and slowest time and the number of SQL statements per page; the counts
must be the same at both sizes.

Usage: .venv/bin/python bench/insights_dashboard.py [--sizes 1000 10000] [--repeat 5]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/grants_bench] [--record]
"""

from __future__ import annotations

from page_timing import Benchmark, Page, main, officer_only

from grants.demo.large_call import seed_large_call

BENCHMARK = Benchmark(
    script="insights_dashboard.py",
    description=__doc__,
    pages=(
        Page("call dashboard", "/manage/calls/{call}/dashboard"),
        Page("programme dashboard", "/manage/programmes/{programme}/dashboard"),
        Page("portfolio", "/manage/insights"),
    ),
    seed=officer_only(seed_large_call),
    heading="Insight pages (issue 7)",
    readers="the officer signed in",
)


if __name__ == "__main__":
    main(BENCHMARK)
