"""Search benchmark: our Whoosh index beside SQLite FTS5 on the same generated archive.

    python tests/benchmarks/search.py --articles 100000 [--json] [--queries 30] [--keep DIR [--reuse]]

1. generates the archive (searchcorpus.py) into an SQLite table, untimed: the stand-in library;
2. builds our index from it (`SearchIndex.rebuild`, as a repair would) and an FTS5 table;
3. runs a query mix - one word, two words, phrase, prefix, field + date range, fuzzy - each query
   once, as the window does: the first page of 50 hits, then snippets for the 15 rows on screen;
4. adds 100 articles and commits; closes and times open + first search.
With --json the last line is one JSON object with every figure. Measures only; never fails on speed.
--reuse (with --keep) skips generating and building when the folder already holds them (for profiling
queries again); the build figures are then absent. Peak memory is sampled from /proc every 20 ms as
the resident size of this process plus all its live descendants at the same instant.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from searchcorpus import generate  # noqa: E402

from indexer.search import IndexDoc, SearchIndex  # noqa: E402

KINDS = ("one word", "two words", "phrase", "prefix", "field+date", "fuzzy")


class PeakMemory:
    """The largest resident size (MB) of this process and its live descendants together, sampled from /proc."""

    def __init__(self, interval: float = 0.02) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self, interval: float) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
        while not self._stop.is_set():
            total = sum(_rss_pages(pid) for pid in _tree(os.getpid()))
            self.peak_mb = max(self.peak_mb, total * page_mb)
            self._stop.wait(interval)


def _rss_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


def _row(d: IndexDoc) -> tuple[object, ...]:
    return (
        d.id,
        d.title,
        d.body,
        "\n".join(d.authors),
        d.source,
        "\n".join(d.tags),
        d.language,
        d.published,
        d.saved,
        int(d.bookmarked),
    )


def fill_library(db: sqlite3.Connection, n: int) -> None:
    db.execute(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, title, body, authors, source, tags, language,"
        " published, saved, bookmarked)"
    )
    rows = map(_row, generate(n))
    db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()


def read_library(path: Path) -> Iterator[IndexDoc]:
    db = sqlite3.connect(path)
    for row in db.execute("SELECT * FROM docs ORDER BY id"):
        yield IndexDoc(
            row[0],
            row[1],
            row[2],
            tuple(filter(None, row[3].split("\n"))),
            row[4],
            tuple(filter(None, row[5].split("\n"))),
            row[6],
            row[7],
            row[8],
            bool(row[9]),
        )
    db.close()


def build_fts5(db: sqlite3.Connection) -> float:
    start = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, authors, source,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO fts(rowid, title, body, authors, source) SELECT id, title, body, authors, source FROM docs")
    db.commit()
    return time.perf_counter() - start


def make_queries(db: sqlite3.Connection, per_kind: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(kind, our query, FTS5 query) triples drawn from the archive's own words."""
    rng = random.Random(seed)
    # Drawn from the generated archive only (not the 100 articles a full run adds), so every run asks the same.
    n = db.execute("SELECT max(id) FROM docs WHERE id < 10000000").fetchone()[0]
    out: list[tuple[str, str, str]] = []
    for _ in range(per_kind):
        body = db.execute("SELECT body, source FROM docs WHERE id=?", (rng.randint(1, n),)).fetchone()
        words = [w.strip(".,").lower() for w in body[0].split() if len(w.strip(".,")) > 4]
        if len(words) < 3:
            continue
        a, b = rng.sample(words, 2)
        i = rng.randrange(len(words) - 1)
        source_word = (body[1] or "The Times").split()[1].lower()
        year = rng.randint(2006, 2022)
        typo = a[:2] + a[3] + a[2] + a[4:] if len(a) > 4 else a
        out += [
            ("one word", a, a),
            ("two words", f"{a} {b}", f"{a} {b}"),
            ("phrase", f'"{words[i]} {words[i + 1]}"', f'"{words[i]} {words[i + 1]}"'),
            ("prefix", a[:4] + "*", a[:4] + "*"),
            (
                "field+date",
                f"source:{source_word} published:{year}..{year + 2}",
                f"source:{source_word} @{year}-01-01..{year + 2}-12-31",
            ),
            ("fuzzy", typo + "~", a),  # FTS5 has no fuzzy search: it gets the word spelled right
        ]
    return out


def run_fts5(db: sqlite3.Connection, fts_query: str) -> int:
    date = None
    if "@" in fts_query:
        fts_query, _, span = fts_query.partition(" @")
        date = span.split("..")
    sql = "SELECT fts.rowid FROM fts JOIN docs ON docs.id = fts.rowid WHERE fts MATCH ?"
    args: list[str] = [fts_query]
    if date:
        sql += " AND docs.published BETWEEN ? AND ?"
        args += [date[0], date[1] + "T99"]
    ids = [r[0] for r in db.execute(sql + " ORDER BY rank LIMIT 50", args)]
    if ids[:15]:
        marks = ",".join("?" * len(ids[:15]))
        db.execute(
            f"SELECT snippet(fts, 1, '<b>', '</b>', '…', 24) FROM fts WHERE fts MATCH ? AND rowid IN ({marks})",
            [fts_query, *ids[:15]],
        ).fetchall()
    return len(ids)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


def _num(value: float, digits: int = 1) -> float | None:
    """A figure for the JSON line; None when it was not measured in this run."""
    return None if value != value else round(value, digits)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=30, help="queries of each kind")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--reuse", action="store_true", help="with --keep: reuse its library and index")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    lib = work / "library.sqlite3"
    reuse = bool(args.reuse and args.keep and (work / "index" / "CURRENT").exists())
    if reuse:
        db = sqlite3.connect(lib)
        ix = SearchIndex(work / "index", lambda: read_library(lib))
        built = db.execute("SELECT count(*) FROM docs").fetchone()[0]
        t0 = time.perf_counter()
        ix.open(built, "bench")
        print(f"reused {built} articles; open {time.perf_counter() - t0:.2f} s", file=sys.stderr)
        build_s = fts_build_s = peak_mb = float("nan")
    else:
        lib.unlink(missing_ok=True)
        db = sqlite3.connect(lib)
        t = time.perf_counter()
        fill_library(db, args.articles)
        print(f"generated {args.articles} articles in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        shutil.rmtree(work / "index", ignore_errors=True)
        ix = SearchIndex(work / "index", lambda: read_library(lib))
        with PeakMemory() as memory:
            start = time.perf_counter()
            built = ix.rebuild("bench")
            build_s = time.perf_counter() - start
        peak_mb = memory.peak_mb
        fts_build_s = build_fts5(db)
        print(f"built ours in {build_s:.0f} s, FTS5 in {fts_build_s:.0f} s", file=sys.stderr)

    queries = make_queries(db, args.queries)
    ours: dict[str, list[float]] = {k: [] for k in KINDS}
    fts: dict[str, list[float]] = {k: [] for k in KINDS}
    estimated = 0  # searches whose facets and months were counted over a sample of their matches (large archives)
    for kind, q, fq in queries:
        t0 = time.perf_counter()
        res = ix.search(q, limit=50)
        ix.snippets(q, [h.id for h in res.hits[:15]])
        ours[kind].append(time.perf_counter() - t0)
        estimated += not res.facets_exact
        t0 = time.perf_counter()
        try:
            run_fts5(db, fq)
        except sqlite3.OperationalError:
            continue
        fts[kind].append(time.perf_counter() - t0)

    if reuse:  # leave the kept index as it was built, so the next --reuse run measures the same thing
        commit100 = float("nan")
        ix.close()
    else:
        new_docs = list(generate(100, seed=99, first_id=10_000_000))
        t0 = time.perf_counter()
        ix.update(new_docs)
        commit100 = time.perf_counter() - t0
        # The library gets them too, so a later --reuse run finds the index in step with it.
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", map(_row, new_docs))
        db.commit()
        ix.close()
    t0 = time.perf_counter()
    ix = SearchIndex(work / "index", lambda: read_library(lib))
    repaired = ix.open(built + (0 if reuse else 100), "bench")
    ix.search("report")
    open_first = time.perf_counter() - t0
    ix.close()

    every = [v for vs in ours.values() for v in vs]
    every_fts = [v for vs in fts.values() for v in vs]
    figures = {
        "articles": built,
        "reused": reuse,
        "build_s": _num(build_s),
        "build_per_s": _num(built / build_s),
        "build_peak_mb": _num(peak_mb, 0),
        "fts5_build_per_s": _num(built / fts_build_s),
        "p50_ms": round(pct(every, 0.5), 1),
        "p95_ms": round(pct(every, 0.95), 1),
        "fts5_p50_ms": round(pct(every_fts, 0.5), 1),
        "fts5_p95_ms": round(pct(every_fts, 0.95), 1),
        "commit100_s": _num(commit100, 2),
        "open_first_s": round(open_first, 2),
        "open_repaired": repaired,
        "estimated_searches": estimated,
        "searches": len(queries),
        "kinds": {
            k: {
                "p50_ms": round(pct(ours[k], 0.5), 1),
                "p95_ms": round(pct(ours[k], 0.95), 1),
                "fts5_p50_ms": round(pct(fts[k], 0.5), 1),
                "fts5_p95_ms": round(pct(fts[k], 0.95), 1),
            }
            for k in KINDS
        },
    }
    print(f"{'':14}{'ours p50':>10}{'p95':>8}{'FTS5 p50':>10}{'p95':>8}{'ratio p50':>11}")
    rows = [("all", figures["p50_ms"], figures["p95_ms"], figures["fts5_p50_ms"], figures["fts5_p95_ms"])]
    rows += [(k, v["p50_ms"], v["p95_ms"], v["fts5_p50_ms"], v["fts5_p95_ms"]) for k, v in figures["kinds"].items()]
    for name, a, b, c, d in rows:
        ratio = a / c if c else float("nan")
        print(f"{name:14}{a:>10}{b:>8}{c:>10}{d:>8}{ratio:>10.1f}x")
    print(
        f"build {figures['build_per_s']}/s (FTS5 {figures['fts5_build_per_s']}/s), peak {figures['build_peak_mb']} MB;"
        f" 100-article commit {figures['commit100_s']} s; open + first search {open_first:.2f} s;"
        f" {estimated} of {len(queries)} searches estimated their facets"
    )
    if args.json:
        print(json.dumps(figures))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
