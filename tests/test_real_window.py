"""The real window, as people use it: an X11 display (Xvfb) with a window manager (openbox), the app
started as a user starts it, and keys typed with xdotool. Key bindings, focus and dialogs come from
the platform, which the offscreen tests cannot show.

The user types a query, moves down, opens the article, tags it by typing a tag and Enter, bookmarks it
with Ctrl+D, finds a passage with Ctrl+F and highlights it with H, copies the article's citation with
Ctrl+Shift+C, opens and closes F1 and the import dialog with Esc, and hands a file to the running
window as "Open with" does. Each step is checked in the library through the CLI (waiting for the
work to be done, never for a set time), screenshots are written, and any line the app prints on
stderr (a Qt warning such as an ambiguous shortcut) fails the test.
Skips, saying why, where Xvfb, openbox or xdotool are not installed (.ci/run installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import crashkit
from tests.pages import article_html, write

TOOLS = ("Xvfb", "openbox", "xdotool")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING) or not sys.platform.startswith("linux"),
    reason=f"the real-window test needs X11 tools on Linux (missing: {', '.join(MISSING) or 'Linux'}); "
    "on Debian/Ubuntu: apt-get install xvfb openbox xdotool x11-apps imagemagick",
)
# How long one step may take before it is taken as never coming (steps take well under a second).
STEP_S = 60.0
SEAWALL = "Port Halden’s new seawall meets its first king tide — and holds"
PASSAGE = "a way of buying time"


def wait_for(what: str, check: Callable[[], object], limit: float = STEP_S) -> object:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture()
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh X display with openbox managing its windows."""
    read, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read) as out:
        number = out.readline().strip()
    name = f":{number}"
    # An empty file is not a valid configuration: openbox 3.6 then opens a "Syntax Error" window, which
    # takes the keyboard. An empty configuration element gives its defaults.
    config = tmp_path / "openbox-rc.xml"
    config.write_text('<openbox_config xmlns="http://openbox.org/3.4/rc"/>\n', encoding="utf-8")
    wm = subprocess.Popen(
        ["openbox", "--config-file", str(config)],
        env={**os.environ, "DISPLAY": name, "HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield name
    finally:
        for proc in (wm, xvfb):
            proc.terminate()
            proc.wait(timeout=30)


class Desktop:
    """The user's session: their home folder, the display, the app's command and a way to type."""

    def __init__(self, display: str, home: Path) -> None:
        self.display = display
        self.home = home
        self.env = {k: v for k, v in crashkit.child_env().items() if not k.startswith(("QT_", "NEWSARCHIVE_"))}
        self.env.update(DISPLAY=display, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
        self.env.update(XDG_DATA_HOME=str(home / ".local/share"), XDG_RUNTIME_DIR=str(home / "runtime"))
        (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
        script = Path(sys.executable).with_name("newsarchive")
        self.app = [str(script)] if script.is_file() else [sys.executable, "-m", "desktop"]

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=STEP_S)
        return done.stdout.strip() if done.returncode == 0 else ""

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "40", text)

    def focused(self, title: str) -> bool:
        """Whether the window that has the keyboard is titled `title` (or has it in its title)."""
        return title in self.xdotool("getactivewindow", "getwindowname")

    def window(self, title: str) -> str:
        """The id of a visible window whose title contains `title` ('' when there is none)."""
        return self.xdotool("search", "--onlyvisible", "--name", title).split("\n")[0]

    def cli(self, library: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.app, "--library", str(library), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=self.home,
        )

    def shot(self, folder: Path, name: str) -> None:
        if shutil.which("xwd") and shutil.which("convert"):
            raw = subprocess.run(["xwd", "-root", "-display", self.display], capture_output=True, timeout=60).stdout
            subprocess.run(["convert", "xwd:-", str(folder / f"{name}.png")], input=raw, timeout=60)


def article(desktop: Desktop, library: Path, article_id: int) -> dict:
    done = desktop.cli(library, "show", "--json", str(article_id))
    return json.loads(done.stdout) if done.returncode == 0 else {}


def test_a_user_at_the_keyboard(display: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    desktop = Desktop(display, home)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    stderr = tmp_path / "app-stderr.txt"
    library = home / ".local/share/NewsArchive/Demo Library"
    app = subprocess.Popen(
        [*desktop.app, "--demo"], env=desktop.env, cwd=home, stdout=subprocess.DEVNULL, stderr=stderr.open("w")
    )
    try:
        window = wait_for("the window appears", lambda: desktop.window("Demo Library"))

        # The demo articles are imported by the window itself on first start.
        def demo_count() -> int:
            done = desktop.cli(library, "list", "--json")
            return len(json.loads(done.stdout)) if done.returncode == 0 and done.stdout.strip() else 0

        wait_for("the demo library is imported", lambda: demo_count() >= 14)
        found = json.loads(desktop.cli(library, "search", "--json", "seawall").stdout)
        seawall = next(h["id"] for h in found["hits"] if h["title"] == SEAWALL)
        desktop.xdotool("windowactivate", "--sync", str(window))
        wait_for("the window has the keyboard", lambda: desktop.focused("Demo Library"))
        desktop.shot(shots, "01-started")

        # Search, move down to the story, open it.
        desktop.key("ctrl+k")
        desktop.type("seawall king tide")
        desktop.key("Down")
        desktop.key("Return")
        desktop.shot(shots, "02-opened")

        # T opens the tag editor; a typed tag and Enter add it; Esc closes the editor.
        desktop.key("t")
        wait_for("the tag editor opens with the keyboard", lambda: desktop.focused("Tags"))
        desktop.type("coastal")
        desktop.key("Return")
        wait_for("the tag is stored", lambda: "coastal" in article(desktop, library, seawall).get("tags", []))
        desktop.shot(shots, "03-tagged")
        desktop.key("Escape")
        wait_for("the tag editor closes", lambda: not desktop.window("Tags"))

        # Ctrl+D bookmarks the open story.
        wait_for("the window has the keyboard again", lambda: desktop.focused("Demo Library"))
        desktop.key("ctrl+d")
        wait_for("the bookmark is stored", lambda: article(desktop, library, seawall).get("bookmarked") is True)

        # Ctrl+F finds a passage and selects it, Esc hands the keyboard back to the reader, H highlights it.
        desktop.key("ctrl+f")
        desktop.type(PASSAGE)
        desktop.key("Return")
        desktop.key("Escape")
        desktop.key("h")
        wait_for(
            "the highlight is stored",
            lambda: [h["quote"] for h in article(desktop, library, seawall).get("highlights", [])] == [PASSAGE],
        )
        desktop.shot(shots, "03b-highlighted")

        # Ctrl+Shift+C puts the article's citation on the clipboard.
        desktop.key("ctrl+shift+c")
        if shutil.which("xclip"):

            def clipboard() -> str:
                done = subprocess.run(
                    ["xclip", "-selection", "clipboard", "-o"], env=desktop.env, capture_output=True, timeout=STEP_S
                )
                return done.stdout.decode("utf-8", "replace")

            wait_for(
                "the citation is on the clipboard",
                lambda: SEAWALL.casefold() in clipboard().casefold() and "Venkataraman" in clipboard(),
            )

        # F1 lists the shortcuts; Esc closes the list. Ctrl+O opens the import dialog; Esc closes it.
        desktop.key("F1")
        wait_for("the shortcut list opens with the keyboard", lambda: desktop.focused("Keyboard shortcuts"))
        desktop.shot(shots, "04-shortcuts")
        desktop.key("Escape")
        wait_for("the shortcut list closes", lambda: not desktop.window("Keyboard shortcuts"))
        wait_for("the window has the keyboard again", lambda: desktop.focused("Demo Library"))
        desktop.key("ctrl+o")
        wait_for("the import dialog opens with the keyboard", lambda: desktop.focused("Import saved articles"))
        desktop.shot(shots, "05-import-dialog")
        desktop.key("Escape")
        wait_for("the import dialog closes", lambda: not desktop.window("Import saved articles"))

        # "Open with": a second newsarchive hands its file to this window and ends.
        page = write(home / "Downloads" / "ferry.html", article_html(title="Night ferry returns to the island"))
        second = subprocess.run(
            [*desktop.app, "--library", str(library), str(page)],
            env=desktop.env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=STEP_S,
        )
        assert second.returncode == 0 and second.stderr == "", second.stderr
        wait_for(
            "the handed-over file is imported",
            lambda: "Night ferry" in desktop.cli(library, "search", "ferry island").stdout,
        )
        wait_for("its import report opens with the keyboard", lambda: desktop.focused("Import report"))
        desktop.shot(shots, "06-handed-over")
        desktop.key("Escape")

        desktop.xdotool("windowactivate", "--sync", str(window))
        desktop.key("ctrl+q")
        assert app.wait(timeout=STEP_S) == 0
    except AssertionError as failure:
        desktop.shot(shots, "99-failed")
        active = desktop.xdotool("getactivewindow", "getwindowname")
        raise AssertionError(f"{failure} (window with the keyboard: {active!r}; screenshots in {shots})") from None
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    problems = [line for line in stderr.read_text().splitlines() if line.strip()]
    assert problems == [], f"the app printed on stderr (screenshots in {shots}): {problems}"
