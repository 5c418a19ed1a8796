"""A guard against a reference-count bug in the PySide6 bindings on Python 3.11 and older.

Measured here with PySide6 6.12 on CPython 3.11: many wrapped calls that return nothing
(`QLabel.setText`, `QTextBrowser.setHtml`, `QStandardItem.appendRow`, a `loadResource` override
returning None…) release one reference to `None` they never took. After some tens of thousands of
such calls None's count reaches zero and CPython aborts ("Fatal Python error: none_dealloc").
From Python 3.12 on, None is immortal and the bug is harmless. Before that, we give None a reference
count so large that no session can use it up; None is a static object, never freed, so this changes
nothing else. True and False get the same treatment: a session here once ended in the twin abort
("bool_dealloc") while collecting garbage at exit.
"""

from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 40


def guard_none_refcount() -> bool:
    """Make None, True and False effectively immortal where they are not; True when a change was made."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    changed = False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < _BALLAST:
            count.value += _BALLAST
            changed = True
    return changed


guard_none_refcount()
