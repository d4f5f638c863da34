"""Times `provlens summary` against DuckDB on the same portal JSON export.

Both load the file and compute status x action counts, the top errors and per-cycle counts.
Usage: python3 bench/duckdb_compare.py PORTAL_JSON [PROVLENS_BINARY]
Needs the DuckDB version pinned in bench/requirements.txt (pip install -r bench/requirements.txt).
"""

import json
import os
import subprocess
import sys
import time


def best_of(n, fn):
    times = []
    result = None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def duckdb_run(path):
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        f"""CREATE TABLE logs AS SELECT * FROM read_json('{path}', format = 'array',
            maximum_object_size = 104857600, sample_size = -1)"""
    )
    matrix = con.execute(
        """SELECT provisioningAction, provisioningStatusInfo.status, count(*)
           FROM logs GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    errors = con.execute(
        """SELECT provisioningStatusInfo.errorInformation.errorCode AS code, count(*) AS n,
                  count(DISTINCT sourceIdentity.id)
           FROM logs WHERE code IS NOT NULL GROUP BY code ORDER BY n DESC LIMIT 20"""
    ).fetchall()
    cycles = con.execute(
        """SELECT jobId, cycleId, min(activityDateTime), max(activityDateTime), count(*)
           FROM logs GROUP BY ALL"""
    ).fetchall()
    events = con.execute("SELECT count(*) FROM logs").fetchone()[0]
    con.close()
    return events, len(matrix), len(errors), len(cycles)


def provlens_run(binary, path):
    out = subprocess.run([binary, "summary", "--json", path], check=True, capture_output=True)
    s = json.loads(out.stdout)
    return s["events"], len(s["errors"]), sum(j["cycles"] for j in s["jobs"])


def main():
    path = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/native/provlens"
    size_mb = os.path.getsize(path) / 1e6
    t_p, p = best_of(3, lambda: provlens_run(binary, path))
    t_d, d = best_of(3, lambda: duckdb_run(path))
    print(f"input: {path} ({size_mb:.0f} MB)")
    print(f"provlens summary: {t_p:.2f} s ({size_mb / t_p:.0f} MB/s) events={p[0]} errors={p[1]} cycles={p[2]}")
    print(f"duckdb:           {t_d:.2f} s ({size_mb / t_d:.0f} MB/s) events={d[0]} status x action cells={d[1]} errors={d[2]} cycles={d[3]}")
    print(f"provlens / duckdb time: {t_p / t_d:.2f} (target <= 0.50)")


if __name__ == "__main__":
    main()
