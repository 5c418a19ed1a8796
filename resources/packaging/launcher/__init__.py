"""The installed `newsarchive` command: the app's own packages first on the path, then the app.

A wheel installs News Archive's packages (`indexer`, `desktop`, `resources`) inside this package's
folder, `site-packages/newsarchive/`, not at the top of site-packages: names that general would
collide with other projects' packages installed beside it. `main()` puts that folder first on the
path of this process only (worker processes inherit it), so the app imports its own packages by
their usual names and nothing else in the environment sees them. A source checkout needs none of
this: there the packages are top-level folders of the repository.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding `indexer`, `desktop` and `resources`: inside this package once installed,
    the repository itself for an editable install."""
    spec = importlib.util.find_spec("newsarchive.indexer")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("News Archive is not installed completely: its indexer package is missing")
    return Path(next(iter(spec.submodule_search_locations))).parent


def main() -> int:
    root = str(app_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    from desktop.launch import main as launch

    return launch()
