"""Safari web archives (`.webarchive`): a property list, binary or XML, read with `plistlib`.

`WebMainResource` is the page (its data, URL, MIME type and text encoding); `WebSubresources` are
the files it uses, images among them; `WebSubframeArchives` are its frames, each a web archive of its
own, whose images are taken too, down to a bounded depth.
"""

from __future__ import annotations

import plistlib
from typing import Any

from indexer.model import ImportFailure, Resource, Saved

from .limits import MAX_DEPTH, MAX_IMAGE_BYTES, MAX_IMAGES

_PAGE_TYPES = ("text/html", "application/xhtml+xml")


def looks_like_webarchive(data: bytes) -> bool:
    head = data[:4096]
    if data.startswith(b"bplist00"):
        return b"WebMainResource" in data[: 1 << 20] or b"WebMainResource" in data[-(1 << 20) :]
    return b"<plist" in head and b"WebMainResource" in data[: 1 << 20]


def read_webarchive(data: bytes) -> Saved:
    try:
        archive = plistlib.loads(data)
    except RecursionError:
        raise ImportFailure("the web archive is nested too deeply to read; refused") from None
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ImportFailure(f"a damaged Safari web archive ({type(exc).__name__})") from None
    if not isinstance(archive, dict) or not isinstance(archive.get("WebMainResource"), dict):
        raise ImportFailure("a property list without a web page in it")
    main = archive["WebMainResource"]
    body = main.get("WebResourceData")
    mime = str(main.get("WebResourceMIMEType") or "text/html").lower()
    if not isinstance(body, bytes) or not body.strip():
        raise ImportFailure("a Safari web archive whose page is empty")
    if mime not in _PAGE_TYPES and not mime.startswith("text/"):
        raise ImportFailure(f"a Safari web archive of {mime}, not a web page")
    resources: list[Resource] = []
    _collect(archive, resources, 0)
    url = main.get("WebResourceURL")
    charset = main.get("WebResourceTextEncodingName")
    return Saved(
        data=body,
        format="webarchive" if mime != "text/plain" else "text",
        url=url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None,
        charset=charset if isinstance(charset, str) and charset.strip() else None,
        resources=tuple(resources),
    )


def _collect(archive: dict[str, Any], resources: list[Resource], depth: int) -> None:
    """The images of an archive and of its frames; frames deeper than MAX_DEPTH are refused."""
    if depth > MAX_DEPTH:
        raise ImportFailure(f"the web archive nests frames more than {MAX_DEPTH} deep; refused")
    for item in archive.get("WebSubresources") or []:
        if len(resources) >= MAX_IMAGES:
            return
        if not isinstance(item, dict):
            continue
        data, url = item.get("WebResourceData"), item.get("WebResourceURL")
        mime = str(item.get("WebResourceMIMEType") or "")
        if (
            isinstance(data, bytes)
            and isinstance(url, str)
            and mime.startswith("image/")
            and len(data) <= MAX_IMAGE_BYTES
        ):
            resources.append(Resource(ref=url, data=data, mime=mime))
    for frame in archive.get("WebSubframeArchives") or []:
        if isinstance(frame, dict):
            _collect(frame, resources, depth + 1)
