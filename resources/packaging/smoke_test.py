"""Smoke test of a frozen bundle: the app people install, not the virtual environment.

    python resources/packaging/smoke_test.py [BUNDLE]     (default: dist/newsarchive, from build-linux.sh)

BUNDLE is the onedir folder (Linux, Windows) or the macOS `News Archive.app`. The commands run through
its command-line executable: `newsarchive`, `newsarchive-cli.exe` on Windows (the windowed
`newsarchive.exe` has no console to print to), `Contents/MacOS/newsarchive` inside the .app.

Against BUNDLE's executable, in a fresh home and library: import the demo folder (and the seed article
from ../shared, when it is there), search, `show --json`, `cite` in each style, `timeline`, `doctor`,
and `screenshot` (the window rendered offscreen). The seed must come out field for field as this
environment's own import gives it. Any Python or Qt warning on stderr fails the test, and so does any
attempt to reach the network: every command runs under strace, watching connect/sendto/sendmsg of every
process.
strace exists only on Linux: on Windows and macOS the network is not watched, and the test says so
(the Linux build, made from the same code, is the one that checks it).
Then prints the bundle's sizes and the frozen cold start beside the environment's (medians).
Exit 0 when everything passed; otherwise each failure is printed on a line of its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "000_ca0a0fc979f8b174.txt"
# Said once per top-level window by Qt's offscreen platform; about the platform, not the app.
PLATFORM_NOISE = ("This plugin does not support propagateSizeHints",)
# Fields of `show --json` that differ between two imports of the same file by design.
PER_IMPORT = {"id", "imported_at", "original", "versions", "previous"}
NETWORK = re.compile(r"sa_family=AF_INET6?\b|AF_INET6?,")


class Smoke:
    def __init__(self, executable: Path, work: Path) -> None:
        self.exe = executable
        self.work = work
        self.failures: list[str] = []
        self.strace = shutil.which("strace")
        self.env = dict(
            os.environ,
            HOME=str(work / "home"),
            XDG_DATA_HOME=str(work / "home" / "data"),
            XDG_CONFIG_HOME=str(work / "home" / "config"),
            NEWSARCHIVE_CONFIG=str(work / "config"),
            QT_QPA_PLATFORM="offscreen",
            PYTHONWARNINGS="default",  # a frozen app shows no warning unless asked; ask, to see them
        )
        self.env.pop("NEWSARCHIVE_LIBRARY", None)
        (work / "home").mkdir(parents=True, exist_ok=True)

    def run(self, name: str, *args: str, command: list[str] | None = None) -> subprocess.CompletedProcess:
        argv = [str(self.exe), *args] if command is None else [*command, *args]
        trace = self.work / f"strace-{name}.log"
        if self.strace:
            argv = [self.strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace), *argv]
        done = subprocess.run(argv, capture_output=True, text=True, env=self.env, cwd=self.work, timeout=600)
        if done.returncode != 0:
            self.fail(f"{name}: exit {done.returncode}: {(done.stderr or done.stdout)[-800:]}")
        for line in done.stderr.splitlines():
            if line.strip() and not line.startswith(PLATFORM_NOISE):
                self.fail(f"{name}: stderr: {line}")
        if self.strace and trace.exists():
            for line in trace.read_text(errors="replace").splitlines():
                if NETWORK.search(line):
                    self.fail(f"{name}: network attempt: {line.strip()[:200]}")
        return done

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"FAIL {message}", flush=True)


def seed_fields(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in PER_IMPORT}


def timed(argv: list[str], env: dict[str, str], runs: int = 5) -> float:
    """Median wall time of `argv` over `runs` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env, check=True, timeout=300)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def check_commands(smoke: Smoke, venv: list[str]) -> None:
    """Import, search, show, cite, timeline, compare the seed, doctor and screenshot, all through the bundle."""
    library = str(smoke.work / "library")
    version = smoke.run("version", "--version").stdout.strip()
    if not re.fullmatch(r"newsarchive \d+\.\d+\.\d+\S*", version):
        smoke.fail(f"--version printed {version!r}")

    inputs = [str(ROOT / "resources" / "demo")] + ([str(SEED)] if SEED.is_file() else [])
    report = json.loads(smoke.run("import", "--library", library, "import", "--json", *inputs).stdout or "{}")
    imported = report.get("imported", [])
    if report.get("failed") or len(imported) < 10:
        smoke.fail(f"import: {len(imported)} imported, failed: {report.get('failed')}")

    check_formats(smoke, library)

    found = json.loads(smoke.run("search", "--library", library, "search", "--json", "seawall").stdout or "{}")
    if not found.get("hits"):
        smoke.fail("search 'seawall' found nothing in the demo library")
    else:
        first = str(found["hits"][0]["id"])
        shown = json.loads(smoke.run("show", "--library", library, "show", "--json", first).stdout or "{}")
        if "seawall" not in shown.get("text", "").lower():
            smoke.fail("show --json: the article found for 'seawall' does not say it")
        # The citation styles (resources/citation) and citeproc-py's locale must be inside the bundle.
        for style in ("apa", "chicago", "mla"):
            cited = smoke.run(f"cite-{style}", "--library", library, "cite", first, "--format", style).stdout
            if not shown.get("title") or shown["title"].split()[0] not in cited:
                smoke.fail(f"cite --format {style} printed {cited!r}")
    months = json.loads(smoke.run("timeline", "--library", library, "timeline", "", "--json").stdout or "{}")
    if not months:
        smoke.fail("timeline of the demo library is empty")

    if SEED.is_file():
        check_seed(smoke, venv, library, next((o for o in imported if o["path"].endswith(SEED.name)), None))
    else:
        print("note: ../shared/seed is not beside the project; the seed comparison was skipped")

    smoke.run("doctor", "--library", library, "doctor")
    shots = smoke.work / "shots"
    smoke.run("screenshot", "screenshot", str(shots))  # renders a demo library of its own
    pngs = sorted(p.name for p in shots.glob("*.png"))
    if len(pngs) < 5:
        smoke.fail(f"screenshot wrote {pngs}")


def check_formats(smoke: Smoke, library: str) -> None:
    """A web archive, a newsletter, a clipping, a PDF and read-later exports, written here by the test kit:
    the bundle must carry every reader (warcio, pypdf, PyYAML, markdown-it-py) and import each."""
    sys.path.insert(0, str(ROOT))
    from tests import formats_kit as kit
    from tests.pages import article_html

    folder = smoke.work / "formats"
    folder.mkdir()
    kit.warc_file(
        folder / "crawl.warc.gz",
        [
            {
                "url": "https://formats.example/a",
                "body": article_html(
                    title="Archived harbour story",
                    paragraphs=[f"The archived story, paragraph {n}, about the quay." * 3 for n in range(4)],
                ).encode(),
            }
        ],
    )
    (folder / "letter.eml").write_bytes(kit.newsletter())
    (folder / "clip.md").write_text(kit.clipping("title: Clipped\ntags: [smoke]"), encoding="utf-8")
    (folder / "printed.pdf").write_bytes(kit.browser_print())
    (folder / "pocket.csv").write_bytes(
        kit.pocket_csv([{"title": "Link", "url": "https://formats.example/l", "time_added": "1730800000"}])
    )
    report = json.loads(
        smoke.run("import-formats", "--library", library, "import", "--json", str(folder)).stdout or "{}"
    )
    if report.get("failed") or len(report.get("imported", [])) + len(report.get("duplicates", [])) < 4:
        smoke.fail(f"import of the other formats: {report.get('imported')}, failed: {report.get('failed')}")
    if len(report.get("link_only", [])) != 1:
        smoke.fail(f"the Pocket export gave {report.get('link_only')} link-only entries, not one")


def check_seed(smoke: Smoke, venv: list[str], library: str, outcome: dict | None) -> None:
    """The seed, imported by the bundle, must equal this environment's import of it, field for field."""
    if outcome is None:
        smoke.fail("the seed article was not imported by the bundle")
        return
    mine = str(smoke.work / "venv-library")
    subprocess.run([*venv, "--library", mine, "import", str(SEED)], capture_output=True, check=True)
    shown = subprocess.run([*venv, "--library", mine, "show", "--json", "1"], capture_output=True, check=True)
    expected = seed_fields(json.loads(shown.stdout))
    got = seed_fields(json.loads(smoke.run("seed", "--library", library, "show", "--json", str(outcome["id"])).stdout))
    for key in sorted(set(expected) | set(got)):
        if expected.get(key) != got.get(key):
            smoke.fail(f"seed field {key!r}: bundle {got.get(key)!r:.120} != environment {expected.get(key)!r:.120}")


def report_figures(smoke: Smoke, bundle: Path, venv: list[str]) -> None:
    """The bundle's sizes, and its cold starts beside this environment's (medians)."""
    print("\nbundle:")
    print(f"  onedir                                   {size_mb(bundle):7.1f} MB  ({bundle})")
    for package in sorted(bundle.parent.glob("newsarchive_*.deb")) + sorted(bundle.parent.glob("newsarchive-*.tar.gz")):
        print(f"  {package.name:<40} {size_mb(package):7.1f} MB")
    env = dict(smoke.env, NEWSARCHIVE_LIBRARY=str(smoke.work / "library"))
    for label, args in (("--version", ["--version"]), ("search", ["search", "seawall"])):
        frozen, source = timed([str(smoke.exe), *args], env), timed([*venv, *args], env)
        print(f"  cold start, {label:<9} frozen {frozen:.2f} s, environment {source:.2f} s ({frozen / source:.2f}x)")
    frozen = timed([str(smoke.exe), "screenshot", str(smoke.work / "s1")], env, runs=3)
    source = timed([*venv, "screenshot", str(smoke.work / "s2")], env, runs=3)
    print(f"  window offscreen, every state rendered: frozen {frozen:.2f} s, environment {source:.2f} s")


def bundle_executable(bundle: Path) -> Path:
    """The bundle's command-line executable (see the module's docstring)."""
    if os.name == "nt":
        return bundle / "newsarchive-cli.exe"
    if bundle.suffix == ".app":
        return bundle / "Contents" / "MacOS" / "newsarchive"
    return bundle / "newsarchive"


def main(bundle: Path) -> int:
    bundle = bundle.absolute()  # the commands run in a temporary folder: a relative path would not reach it
    exe = bundle_executable(bundle)
    if not exe.is_file():
        print(f"smoke test: no executable at {exe}; build the bundle first", file=sys.stderr)
        return 2
    # This environment's own `newsarchive` (its console script, in the scripts folder: beside the Python
    # of a Linux or macOS environment, in Scripts\ on Windows), to compare with.
    script = Path(sysconfig.get_path("scripts")) / ("newsarchive.exe" if os.name == "nt" else "newsarchive")
    venv = [str(script)] if script.is_file() else [sys.executable, "-m", "newsarchive"]
    watched = True
    # Worker processes of the last command may still be closing their files when the folder goes (Windows
    # refuses to delete an open file): a leftover temporary folder is no failure of the app.
    with tempfile.TemporaryDirectory(prefix="newsarchive-smoke-", ignore_cleanup_errors=True) as tmp:
        smoke = Smoke(exe, Path(tmp))
        if not smoke.strace:
            if sys.platform.startswith("linux"):
                smoke.fail("strace is not installed: network attempts cannot be watched (apt-get install strace)")
            else:
                watched = False
                print(f"note: strace exists only on Linux; on {sys.platform} network attempts are NOT watched")
        check_commands(smoke, venv)
        report_figures(smoke, bundle, venv)
    if smoke.failures:
        print(f"\nsmoke test FAILED: {len(smoke.failures)} problem(s)")
        return 1
    print("\nsmoke test passed" + ("" if watched else " (without the network watch, which needs strace)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "newsarchive"))
