"""Two test runs at once on this machine, both on PostgreSQL: both must pass.

Each run creates and drops its own database (tests/support/postgres.py), so neither can wipe,
lock or read the other's tables, as one shared `test` database allowed. Runs the PostgreSQL-heavy
modules twice, side by side, and exits 1 unless both runs pass (their output is in the temp
folder printed at the end).

    python .ci/two_runs.py [pytest arguments...]     (default: the modules below)
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["tests/test_postgres.py", "tests/test_two_instances.py", "tests/test_backup.py",
           "tests/test_bad_input.py", "tests/test_migrations.py", "tests/test_redis_limits.py"]


def main():
    arguments = sys.argv[1:] or MODULES
    work = Path(tempfile.mkdtemp(prefix="portal-two-runs-"))
    started = time.monotonic()
    runs = []
    for name in ("a", "b"):
        log = open(work / f"run-{name}.log", "w")  # noqa: SIM115 (open while the run lasts)
        runs.append((name, log, subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser", "-rs",
             *arguments], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)))
    failed = []
    for name, log, process in runs:
        code = process.wait()
        log.close()
        summary = (work / f"run-{name}.log").read_text().strip().splitlines()[-1]
        print(f"run {name}: exit {code}: {summary}")
        if code != 0 or "skipped" in summary:
            failed.append(name)
    print(f"{time.monotonic() - started:.0f} s for both; logs in {work}")
    if failed:
        raise SystemExit(f"run(s) {', '.join(failed)} did not pass (or skipped a test)")


if __name__ == "__main__":
    main()
