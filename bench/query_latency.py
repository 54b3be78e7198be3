#!/usr/bin/env python3
"""Query latency of a running `zhiku serve` through /api/search.

usage: query_latency.py BASE_URL QUERIES_FILE [ROUNDS]

Sends every query of QUERIES_FILE (one a line) ROUNDS times, one request at a
time over one keep-alive connection, and prints p50/p90/p99 of the wall time
per request (client side) and of the server's own took_ms, plus the mean hits.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    base, queries_file = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    queries = [q.strip() for q in open(queries_file, encoding="utf-8") if q.strip()]
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    wall, took, totals = [], [], []
    for _ in range(rounds):
        for q in queries:
            path = "/api/search?" + urllib.parse.urlencode({"q": q, "size": 10})
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            wall.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                sys.exit(f"{q}: HTTP {resp.status} {body[:200]!r}")
            data = json.loads(body)
            took.append(data["took_ms"])
            totals.append(data["total"])
    print(f"requests: {len(wall)} ({len(queries)} queries x {rounds})")
    print(f"wall ms: p50 {pct(wall, 50):.2f}  p90 {pct(wall, 90):.2f}  p99 {pct(wall, 99):.2f}")
    print(f"took_ms: p50 {pct(took, 50):.2f}  p90 {pct(took, 90):.2f}  p99 {pct(took, 99):.2f}")
    print(f"mean total hits: {statistics.mean(totals):.0f}")


if __name__ == "__main__":
    main()
