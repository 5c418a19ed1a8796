"""The Debian packages a Linux bundle needs from the system, found from its binaries themselves.

    python resources/packaging/linux/deb_depends.py BUNDLE_DIR

Every ELF file of the bundle is resolved with `ldd` (the bundle's own libraries first, as the
frozen app loads them); each library found outside the bundle is traced to the package that owns
it with `dpkg -S`. Prints the Depends field. Fails (exit 1) naming the files when a library is not
found at all or belongs to no package: a bundle that would not start on a clean system is not shipped.
Qt plugins for platforms the app does not need on a desktop (framebuffer, VNC, EGLFS, Vulkan
display) are allowed to miss libraries: Qt loads them only when asked for those platforms.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Packages every bundle depends on, whatever ldd finds: the X11 libraries Qt's xcb platform loads
# (some only through plugins) and the C library version the bundle was checked against.
ALWAYS = (
    "libc6 (>= 2.35)",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libxcb-shape0",
    "libegl1",
    "libfontconfig1",
)
OPTIONAL_PLUGINS = ("libqeglfs", "libqlinuxfb", "libqvnc", "libqvkkhrdisplay", "libqminimalegl", "eglfs")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def spellings(library: str) -> set[str]:
    """The paths under which dpkg may know `library`: as linked, resolved, and both sides of a merged /usr."""
    found = {library, os.path.realpath(library)}
    for path in list(found):
        if path.startswith("/lib"):
            found.add("/usr" + path)
        elif path.startswith("/usr/lib"):
            found.add(path[4:])
    return found


def owners(libraries: set[str]) -> dict[str, str]:
    """The package owning each library path (one dpkg query for all of them)."""
    asked = {spelling: library for library in libraries for spelling in spellings(library)}
    out = subprocess.run(["dpkg", "-S", *sorted(asked)], capture_output=True, text=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        if path.strip() in asked:
            found[asked[path.strip()]] = package.split(":")[0].strip()
    return found


def depends(bundle: Path) -> tuple[list[str], list[str]]:
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    problems: list[str] = []
    used: dict[str, str] = {}  # system library -> a bundle file that needs it
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and is_elf(p)):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        optional = path.name.startswith(OPTIONAL_PLUGINS)
        for line in out.splitlines():
            if "=> not found" in line:
                if not optional:
                    problems.append(f"{path.relative_to(bundle)}: {line.split()[0]} not found")
                continue
            parts = line.split("=>")
            if len(parts) == 2 and parts[1].strip().startswith("/"):
                library = parts[1].split()[0]
                if not library.startswith(str(bundle)):
                    used.setdefault(library, str(path.relative_to(bundle)))
    found = owners(set(used))
    for library, needed_by in sorted(used.items()):
        if library not in found:
            problems.append(f"{needed_by}: {library} belongs to no package")
    names = {d.split()[0] for d in ALWAYS}
    return [*ALWAYS, *sorted(set(found.values()) - names)], problems


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    found, problems = depends(Path(sys.argv[1]).resolve())
    for problem in problems:
        print(f"deb_depends: {problem}", file=sys.stderr)
    print(", ".join(found))
    sys.exit(1 if problems else 0)
