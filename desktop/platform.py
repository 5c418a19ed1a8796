"""Whether Qt can open a window here, checked before any QApplication exists.

Qt 6.5+ on Linux aborts with a bare "could not load the Qt platform plugin" when there is no display
or when the xcb libraries it needs are missing; the user should get the packages to install instead.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# Platforms that draw without a display server or a system library to find.
HEADLESS_PLATFORMS = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "minimalegl"}

# The shared libraries the xcb platform plugin of Qt 6.5+ loads, by the name find_library knows.
XCB_LIBRARIES = ("xcb-cursor", "xcb-icccm", "xcb-keysyms", "xcb-image", "xcb-render-util", "xkbcommon-x11")


def _missing_xcb_libraries() -> list[str]:
    return [name for name in XCB_LIBRARIES if ctypes.util.find_library(name) is None]


def qt_platform_problem(environ: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """The hint to print when no Qt platform plugin can load; None when a window can open."""
    from desktop.launch import LINUX_HINT

    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux":
        return None
    requested = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if requested in HEADLESS_PLATFORMS:
        return None
    has_x = bool(env.get("DISPLAY"))
    has_wayland = bool(env.get("WAYLAND_DISPLAY"))
    if requested == "wayland":
        return None if has_wayland else LINUX_HINT
    if not has_x and not has_wayland:
        return LINUX_HINT + "\n(no DISPLAY or WAYLAND_DISPLAY is set: is a desktop session running?)"
    if has_x and requested in ("", "xcb"):
        missing = _missing_xcb_libraries()
        if missing and not has_wayland:
            return LINUX_HINT + "\n(missing: " + ", ".join("lib" + m for m in missing) + ")"
    return None
