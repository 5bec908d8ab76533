"""Publishing figures: publish → visible, and re-indexing one changed page at 10,000 documents.

1. Two "hosts" on one database (a shared SQLite file; each its own instance folder, search index,
   gunicorn and worker loop, as two app servers would have): 20 publishes of a guide change on host
   A (through the same service calls the reviewer's form makes, in a process with A's instance
   folder), each followed by polling A's page, A's search and B's page until the change shows.
   Prints the median and the maximum of each.
2. The 10,000-document synthetic corpus (bench/corpus.py) built once, then one page changed and
   brought into the build in place (search.indexer.update_index, what each host's worker loop does
   after a publish), alternated with the update as it was before (every fingerprint hashed again,
   Whoosh's default merging commit), so that both see the same load on a shared machine; then the
   worker loop's later merges timed (the small segments; with --full-merge, everything).

Nothing is asserted: the figures are for people to read (targets: the second host within 60 s;
re-indexing one page ≤ 300 ms). Guide throughput with the invalidation check in place is
bench/pages.py (the check runs in every request there).

    python bench/publishing.py [--publishes 20] [--corpus 10000] [--updates 5] [--full-merge]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import synthetic_entries  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.server import start_gunicorn, stop, wait_for  # noqa: E402

GUIDE = ("guides", "trademark-registration")


def env_for(root, name, database):
    instance = root / name
    return {**os.environ, "PORTAL_ENV": "testing", "PORTAL_INSTANCE_DIR": str(instance),
            "PORTAL_SEARCH_INDEX_DIR": str(instance / "search_index"), "DATABASE_URL": database,
            "PORTAL_CONTENT_POLL_SECONDS": "10", "GUNICORN_ACCESS_LOG": "", "GUNICORN_LOG_LEVEL": "warning",
            "WEB_CONCURRENCY": "2", "PYTHONPATH": str(ROOT)}


def flask(env, *args):
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def publish_change(app, number):
    """Editor saves, submits; reviewer publishes: the service calls the two forms make."""
    from portal.content.store import ContentLanguage  # noqa: PLC0415
    from portal.db import db  # noqa: PLC0415
    from portal.models import User  # noqa: PLC0415
    from portal.publishing import service  # noqa: PLC0415

    with app.app_context():
        editor = db.session.query(User).filter_by(email="editor@demo.invalid").one()
        reviewer = db.session.query(User).filter_by(email="reviewer@demo.invalid").one()
        document = service.find_document(*GUIDE)
        head = db.session.get(ContentLanguage, (document.id, "zh")).head
        marker = f"benchmark{number:03d}marker"
        text = head.text.replace("## 费用\n", f"## 费用\n\n演示：{marker}。\n", 1)
        service.save_revision(document, "zh", text, head.id, editor, f"基准测试 {number}")
        service.act(document, "submit", editor, document.version)
        service.act(document, "publish", reviewer, document.version)
    return marker


def visibility(args):
    from portal import create_app  # noqa: PLC0415

    root = Path(tempfile.mkdtemp(prefix="bench-publishing-"))
    database = f"sqlite:///{root}/shared.db"
    hosts = {name: env_for(root, name, database) for name in ("a", "b")}
    flask(hosts["a"], "db", "upgrade")
    flask(hosts["a"], "seed", "demo")
    flask(hosts["a"], "content", "import")
    processes = []
    ports = {}
    try:
        for name, env in hosts.items():
            flask(env, "search", "build")
            ports[name] = free_port()
            log = root / f"{name}.log"
            processes.append(start_gunicorn({**env, "PORT": str(ports[name])}, ports[name], log, workers=2,
                                            wait=False))
            wait_for(f"http://127.0.0.1:{ports[name]}/healthz", processes[-1], log)
            processes.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker",
                                               "--interval", "0.2"], cwd=ROOT, env=env,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        os.environ.update({key: value for key, value in hosts["a"].items() if key.startswith(("PORTAL_", "DATABASE"))})
        app = create_app()
        page = "/zh/guides/trademark-registration"
        figures = {"A: page": [], "A: search": [], "B: page (another host)": []}
        for number in range(args.publishes):
            for name in ("a", "b"):
                fetch(f"http://127.0.0.1:{ports[name]}{page}")  # in every cache before the change
            marker = publish_change(app, number)
            started = time.monotonic()
            waiting = {"A: page": f"http://127.0.0.1:{ports['a']}{page}",
                       "A: search": f"http://127.0.0.1:{ports['a']}/zh/search?q={urllib.parse.quote(marker)}",
                       "B: page (another host)": f"http://127.0.0.1:{ports['b']}{page}"}
            while waiting and time.monotonic() - started < 90:
                for name, url in list(waiting.items()):
                    body = fetch(url)
                    if marker in body and (name != "A: search" or page in body):
                        figures[name].append(time.monotonic() - started)
                        del waiting[name]
                time.sleep(0.02)
            for name in waiting:
                figures[name].append(float("inf"))
        print(f"\npublish → visible, {args.publishes} publishes, 2 gunicorn workers per host, worker loops "
              f"polling every 0.2 s, PORTAL_CONTENT_POLL_SECONDS=10")
        print(f"{'where':<28} {'median s':>9} {'max s':>9}")
        for name, samples in figures.items():
            print(f"{name:<28} {statistics.median(samples):>9.2f} {max(samples):>9.2f}")
        print("target: every host within 60 s; the publishing host at once (page) and at the next loop pass (search)")
    finally:
        for process in processes:
            stop(process)


def _as_before(indexer):
    """The update as it was before issue 13b, for the side-by-side figure: each page's fingerprint
    hashed again (its text's digest cached), the writer opened on mmap, Whoosh's default merge
    policy on commit."""
    import hashlib  # noqa: PLC0415

    from whoosh import index as whoosh_index  # noqa: PLC0415
    from whoosh.writing import MERGE_SMALL  # noqa: PLC0415

    text_digests = {}

    def old_fingerprint(entry, seen=None):
        text_digest = text_digests.get(entry["text"]) or hashlib.sha256(entry["text"].encode()).hexdigest()
        text_digests[entry["text"]] = text_digest
        digest = hashlib.sha256(text_digest.encode())
        for key in sorted(entry):
            if key != "text":
                value = entry[key]
                digest.update(key.encode() + b"\0" + (",".join(value) if isinstance(value, tuple | list)
                                                      else str(value)).encode() + b"\0")
        return digest.hexdigest()[:16]

    saved = indexer._open_for_writing, indexer.hot_path_merge, indexer.fingerprint

    def run(entries, root, build, generation):
        indexer._open_for_writing = lambda folder: whoosh_index.open_dir(str(folder))
        indexer.hot_path_merge, indexer.fingerprint = MERGE_SMALL, old_fingerprint
        try:
            return indexer.update_index(entries, root, build, generation)
        finally:
            indexer._open_for_writing, indexer.hot_path_merge, indexer.fingerprint = saved
    return run


def reindex(args):
    from portal import create_app  # noqa: PLC0415
    from portal.search import indexer  # noqa: PLC0415

    app = create_app({"PORTAL_ENV": "testing", "INSTANCE_DIR": Path(tempfile.mkdtemp()),
                      "CONTENT_DIR": ROOT / "content"})
    root = Path(tempfile.mkdtemp(prefix="bench-reindex-"))
    entries = list(synthetic_entries(app.extensions["catalog"], count=args.corpus))
    started = time.perf_counter()
    indexer.build_index(entries, root, "bench", procs=1)
    full = time.perf_counter() - started
    ways = {"before (default commit)": _as_before(indexer), "now (small segment, no merge)": indexer.update_index}
    samples = {name: [] for name in ways}
    cpu = {name: [] for name in ways}  # this process's CPU time: what the update costs, whatever the load
    number = 0
    for _round in range(args.updates):
        for name, update in ways.items():  # alternated, so both see the same load
            position = (number * 7) % len(entries)
            changed = dict(entries[position], text=entries[position]["text"] + f"\n新增一句话 {number}。")
            entries[position] = changed
            update(entries, root, "warm", 0)  # the fingerprints of the last pass, as in the worker loop
            entries[position] = changed = dict(changed, text=changed["text"] + "再改一次。")
            started, cpu_started = time.perf_counter(), time.process_time()
            result = update(entries, root, f"bench-{number}", number + 1)
            samples[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - cpu_started)
            assert result == ([changed["doc_id"]], [])
            number += 1
    segments, deleted = indexer.segment_state(root)
    # The worker loop's later merges, forced here so that each is timed: the small segments, then
    # (with --full-merge) everything into one segment without the deleted versions.
    merges = []
    limits = indexer.MAX_SMALL_SEGMENTS, indexer.FULL_MERGE_DOCS
    for kind, small, whole in (("small", 0, 0), ("all", 0, len(entries)))[:2 if args.full_merge else 1]:
        indexer.MAX_SMALL_SEGMENTS, indexer.FULL_MERGE_DOCS = small, whole
        started = time.perf_counter()
        done = indexer.compact_index(root, quiet_seconds=0 if kind == "all" else 10 ** 9)
        merges.append(f"{kind} ({done}): {time.perf_counter() - started:.2f} s")
    indexer.MAX_SMALL_SEGMENTS, indexer.FULL_MERGE_DOCS = limits
    print(f"\nre-indexing one changed page in a {args.corpus}-document index ({args.updates} runs each, alternated; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
    print(f"{'':<40} {'median s':>9} {'max s':>9} {'CPU median s':>13}")
    print(f"{'full build (for scale)':<40} {full:>9.2f}")
    for name, values in samples.items():
        print(f"{'one page, ' + name:<40} {statistics.median(values):>9.3f} {max(values):>9.3f} "
              f"{statistics.median(cpu[name]):>13.3f}")
    print(f"then {segments} segments, {deleted} deleted versions; the worker loop's later merge, "
          f"{'; '.join(merges)}")
    print("target: one page <= 0.300 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--corpus", type=int, default=10000)
    parser.add_argument("--updates", type=int, default=5, help="re-index runs of each way")
    parser.add_argument("--full-merge", action="store_true", help="also time the loop's merge into one segment")
    parser.add_argument("--skip-visibility", action="store_true")
    parser.add_argument("--skip-reindex", action="store_true")
    args = parser.parse_args()
    if not args.skip_reindex:
        reindex(args)
    if not args.skip_visibility:
        visibility(args)


if __name__ == "__main__":
    main()
