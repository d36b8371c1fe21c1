"""Where a request's time goes on the server, for the mixed load.

`ServerTiming` (first in the load's middleware, `load_settings.py`) answers
every request with a W3C `Server-Timing` header:

- `app`: wall time from the first middleware in to the response out (the
  view, every other middleware, the queries, and any wait for the CPU or
  for the worker's GIL on the way);
- `cpu`: CPU time the request's thread spent in that stretch;
- `db`: wall time in the database's queries (Django's and the prepared
  statements' alike, through `execute_wrapper`), the wait for PostgreSQL
  and for the GIL back after each one included;
- `start`: when the first middleware had the request (`desc`: milliseconds
  since the epoch; Locust runs on the same machine, on the same clock).

The locustfile reads the header of each response: what Locust measured
less `app` is the wait outside the app, and `start` splits it in two: the
wait before the app (connecting, gunicorn's queue for a thread, reading the
request) and after it (writing the answer, the loopback, Locust itself).
Bench only: production answers no such header.
"""

import time

from django.db import connection


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_queries = [0.0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_queries[0] += time.perf_counter() - started

        start = time.time()
        wall, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        response["Server-Timing"] = (
            f"app;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}, "
            f"db;dur={in_queries[0] * 1000:.1f}, start;desc={start * 1000:.1f}"
        )
        return response
