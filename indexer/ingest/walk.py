"""The first import stage: turn what the user dropped (files, folders, zips) into a stream of inputs.

Folders are walked recursively in name order, following symlinked folders once (no loops) and
skipping hidden and system files and the `<page>_files/` folders of "Web Page, Complete" saves
(their contents are read as the page's resources). Zip files are opened in place: entry count,
sizes and compression ratio are capped, and entries with absolute or `../` paths are refused.

Files that hold many articles (web archives, mailboxes, read-later exports) are recognised by their
content and listed record by record (see `containers`): each record is one input that names the
container and where the record lies in it, so a worker reads that record alone.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_ZIP_ENTRIES = 20_000
MAX_ENTRY_BYTES = 200 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed; text compresses ~10x, bombs reach 1000x
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries may compress well without being a bomb

SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store", "icon\r", "__macosx"}
PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
RESOURCE_FOLDER_SUFFIXES = ("_files", "-files", "-Dateien", "_fichiers", "_archivos", "_arquivos", ".files")


@dataclass(frozen=True)
class Source:
    """One input to import: a file on disk, an entry inside a zip file, or a record inside a container.

    A record (`kind` other than "file") is the bytes `offset`..`offset + length` of the file (or of
    its zip `entry`); `key` carries what the record's reader needs besides (a CSV's header line).
    """

    display: str  # how reports name it: the path, "ARCHIVE.zip/ENTRY", or "CONTAINER/RECORD"
    path: str  # the file on disk (for an entry, the zip file)
    entry: str | None = None
    kind: str = "file"  # "file", or the container format of a record: "warc", "mbox", "wallabag"...
    offset: int = 0
    length: int = 0
    key: str | None = None
    container: str | None = None  # the container's path, for records

    @property
    def name(self) -> str:
        if self.kind != "file":
            return self.display.rsplit("/", 1)[-1][-120:] or Path(self.path).name
        return PurePosixPath(self.entry).name if self.entry else Path(self.path).name

    def read(self) -> bytes:
        if self.kind != "file":
            return self.span()
        if self.entry is None:
            return Path(self.path).read_bytes()
        with zipfile.ZipFile(self.path) as archive:
            return _read_entry(archive, archive.getinfo(self.entry))

    def span(self) -> bytes:
        """The record's bytes (`offset`, `length`) in the file or in its zip entry."""
        if self.length > MAX_ENTRY_BYTES:
            raise ValueError(f"record is {self.length / 2**20:.0f} MB; larger than {MAX_ENTRY_BYTES // 2**20} MB")
        if self.entry is None:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                return handle.read(self.length)
        with zipfile.ZipFile(self.path) as archive, archive.open(self.entry) as handle:
            handle.seek(self.offset)
            return handle.read(self.length)

    def sibling(self, relative: str) -> bytes | None:
        """A file referenced relative to this one (a saved page's image); None when absent or outside."""
        rel = PurePosixPath(relative.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            return None
        try:
            if self.entry is None:
                folder = Path(self.path).parent.resolve()
                target = (folder / Path(*rel.parts)).resolve()
                if folder not in target.parents or not target.is_file():
                    return None
                if target.stat().st_size > MAX_ENTRY_BYTES:
                    return None
                return target.read_bytes()
            name = str(PurePosixPath(self.entry).parent / rel) if "/" in self.entry else str(rel)
            with zipfile.ZipFile(self.path) as archive:
                return _read_entry(archive, archive.getinfo(name))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            return None


@dataclass(frozen=True)
class Refused:
    """An input that will not be imported, with the one-line reason."""

    display: str
    reason: str
    container: str | None = None


@dataclass(frozen=True)
class Skipped:
    """Records of a container that are not articles (images, redirects, error pages): how many, and why."""

    display: str  # the container
    reason: str  # "not HTML", "error page"...
    count: int


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as handle:
        data = handle.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise ValueError("zip entry is larger than its header says")
    return data


def _hidden(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or name.casefold() in SYSTEM_FILES or name.startswith("~$"):
        return True
    attributes = getattr(path.lstat(), "st_file_attributes", 0)  # Windows only
    return bool(attributes & (getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 0)))


def _is_resource_folder(name: str, siblings: set[str]) -> bool:
    """`page_files/` beside `page.html`: the resources of a "Web Page, Complete" save."""
    for suffix in RESOURCE_FOLDER_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if any((stem + ext).casefold() in siblings for ext in PAGE_SUFFIXES):
                return True
    return False


def is_zip(path: Path) -> bool:
    """A zip of saved pages; office documents and e-books are zips too but are not folders of pages."""
    if path.suffix.casefold() == ".zip":
        return True
    if path.suffix.casefold() in {".docx", ".xlsx", ".pptx", ".odt", ".epub", ".jar", ".apk"}:
        return False
    return zipfile.is_zipfile(path)


Item = Source | Refused | Skipped


def walk(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Every input below `paths`, in a stable order."""
    visited: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Refused(str(raw), "no such file or folder")
        elif path.is_dir():
            yield from _walk_folder(path, visited)
        else:
            yield from _walk_file(path)


def _walk_file(path: Path) -> Iterator[Item]:
    from .containers import records  # here: walk is imported by the window, which lists no containers

    listed = records(path)
    if listed is not None:
        yield from listed
    elif is_zip(path):
        yield from walk_zip(path)
    else:
        yield Source(str(path), str(path))


def _walk_folder(folder: Path, visited: set[tuple[int, int]]) -> Iterator[Item]:
    try:
        info = folder.stat()
    except OSError as exc:
        yield Refused(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    key = (info.st_dev, info.st_ino)
    if key in visited:
        return  # a symlink back into a folder already walked
    visited.add(key)
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name.casefold())
    except OSError as exc:
        yield Refused(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    names = {child.name.casefold() for child in children}
    for child in children:
        try:
            if _hidden(child):
                continue
            if child.is_dir():
                if not _is_resource_folder(child.name, names):
                    yield from _walk_folder(child, visited)
            elif child.is_file():
                yield from _walk_file(child)
        except OSError as exc:
            yield Refused(str(child), f"cannot read: {exc.strerror or exc}")


def walk_zip(path: Path) -> Iterator[Item]:
    display = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Refused(display, f"not a readable zip file: {exc}")
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            yield Refused(display, f"zip has {len(infos):,} entries; at most {MAX_ZIP_ENTRIES:,} are read")
            return
        total = sum(info.file_size for info in infos)
        if total > MAX_ZIP_TOTAL_BYTES:
            yield Refused(display, f"zip would unpack to {total / 2**30:.1f} GB; refused as a likely zip bomb")
            return
        children: dict[str, set[str]] = {}
        for info in infos:
            parts = PurePosixPath(info.filename).parts
            for depth, part in enumerate(parts):
                children.setdefault("/".join(parts[:depth]).casefold(), set()).add(part.casefold())
        for info in sorted(infos, key=lambda i: i.filename):
            refusal = _entry_refusal(info, children)
            name = info.filename
            if refusal is None:
                yield Source(f"{display}/{name}", str(path), name)
            elif refusal:
                yield Refused(f"{display}/{name}", refusal)


def _entry_refusal(info: zipfile.ZipInfo, children: dict[str, set[str]]) -> str | None:
    """Why an entry is not imported; "" for entries skipped silently (folders, resources, hidden)."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if info.is_dir():
        return ""
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        return "unsafe path inside zip (absolute or ../); refused"
    if any(p.startswith(".") or p.casefold() in SYSTEM_FILES for p in parts):
        return ""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link inside zip; refused"
    for depth, folder in enumerate(parts[:-1]):
        if _is_resource_folder(folder, children.get("/".join(parts[:depth]).casefold(), set())):
            return ""
    if info.file_size > MAX_ENTRY_BYTES:
        return f"entry is {info.file_size / 2**20:.0f} MB; larger than {MAX_ENTRY_BYTES // 2**20} MB"
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return "entry is compressed more than 200:1; refused as a likely zip bomb"
    if PurePosixPath(name).suffix.casefold() == ".zip":
        return "zip inside a zip; unpack the outer one first"
    return None


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many inputs `walk` will yield (a cheap listing pass, for progress totals)."""
    return sum(1 for _ in walk(paths))
