"""A large benchmark library from a kept one, when building one of that size does not fit the time at hand.

    python tests/benchmarks/replicate.py --from DIR --to DIR2 --times 10

DIR is a folder `search.py --keep DIR` left. DIR2 gets an index listing each of DIR's segments `times` times
(the segment files hard-linked under new segment names, so nothing is rewritten) and a library table holding
each article `times` times under new ids, with its FTS5 table built again over all of them. Searches then see
`times` times the postings, matches and facet values, as an archive that large would, with each article
present `times` times (so scores tie in groups of `times`). `search.py --keep DIR2 --reuse` measures it;
figures from such a library say so. The build figures of that size are not measured this way.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import build_fts5  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh.codec.whoosh3 import W3Segment  # noqa: E402
from whoosh.index import TOC  # noqa: E402


class Twin(W3Segment):  # type: ignore[misc]
    """A segment listed again under a name of its own, reading the files of the segment it copies (a compound
    segment's file names its parts by the original name)."""

    def make_filename(self, ext: str) -> str:
        return f"{self.indexname}_{self.fileid}{ext}"


Twin.__module__ = "replicate"  # what the benchmark (which has this folder on its path) unpickles it as

ID_STEP = 20_000_000  # added to the ids of each copy (the generated ids and the 100 added stay below)


def replicate_index(src: Path, dest: Path, times: int) -> int:
    """Copy the live index folder of `src` (an `index/` folder with CURRENT) to `dest`, its segments listed
    `times` times; returns the document count."""
    live = (src / "CURRENT").read_text(encoding="utf-8").strip()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    (dest / "CURRENT").write_text(live, encoding="utf-8")
    target = dest / live
    target.mkdir()
    for f in (src / live).iterdir():
        if f.is_file():
            os.link(f, target / f.name)
    ix = whoosh_index.open_dir(str(target))
    toc = ix._read_toc()
    segments = list(toc.segments)
    for _ in range(times - 1):
        for seg in toc.segments:
            twin = Twin.__new__(Twin)
            twin.__dict__.update(copy.copy(seg).__dict__)
            twin.segid = seg._random_id()
            twin.fileid = seg.segid
            for f in (src / live).iterdir():
                prefix = f"{ix.indexname}_{seg.segid}."
                if f.name.startswith(prefix) and not f.name.endswith(".seg"):  # the side files, under its name
                    os.link(f, target / (f"{ix.indexname}_{twin.segid}." + f.name[len(prefix) :]))
            segments.append(twin)
    TOC(toc.schema, segments, toc.generation + 1).write(ix.storage, ix.indexname)
    return sum(s.doc_count_all() - s.deleted_count() for s in segments)


def replicate_library(src: Path, dest: Path, times: int) -> int:
    shutil.copyfile(src, dest)
    db = sqlite3.connect(dest)
    db.execute("DROP TABLE IF EXISTS fts")
    for k in range(1, times):
        db.execute(
            "INSERT INTO docs SELECT id + ?, title, body, authors, source, tags, language, published, saved,"
            " bookmarked FROM docs WHERE id < ?",
            (k * ID_STEP, ID_STEP),
        )
    db.commit()
    build_fts5(db)
    count: int = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    db.close()
    return count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", type=Path, required=True)
    ap.add_argument("--to", dest="dest", type=Path, required=True)
    ap.add_argument("--times", type=int, default=10)
    args = ap.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    docs = replicate_index(args.src / "index", args.dest / "index", args.times)
    rows = replicate_library(args.src / "library.sqlite3", args.dest / "library.sqlite3", args.times)
    print(f"{docs} documents in the index, {rows} rows in the library, {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
