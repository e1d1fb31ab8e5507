"""The real app for the tests that need its server (browser, public API, load): `python app.py` on a free loopback
port with its own runs folder and log, offline, stopped at the end. One copy of the startup code for all of them:

    with running_app(root, ["--shared"]) as app:      # or app = start_app(...) ... app.stop()
        app.url, app.runs, app.log()
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 600      # importing torch + transformers + gradio on a busy 2-core machine (190 s seen at load 9)
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
               "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppProcess:
    """A running `python app.py`: its process, its URL (ending in /), its runs folder and its log file."""
    proc: subprocess.Popen
    url: str
    runs: Path
    log_path: Path
    log_file: object

    def log(self, tail: int = 3000) -> str:
        """The end of the app's log (for failure messages)."""
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")[-tail:]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)
        self.log_file.close()


def _answers(url: str) -> bool:
    """Whether the server answers at all: a page (200), or a refusal before the login (401) is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def start_app(root: Path, args: list[str] = (), env: dict | None = None,
              timeout: float = START_TIMEOUT_S) -> AppProcess:
    """Start the app with its runs in root/runs and its log in root/app.log; return once it answers. `args`: more
    app.py options (--shared, --data-dir ...); `env`: more environment variables. Never a Space (SPACE_ID unset)."""
    root = Path(root)
    runs, port = root / "runs", free_port()
    full_env = {**os.environ, **OFFLINE_ENV, **(env or {})}
    full_env.pop("SPACE_ID", None)
    log_path = root / "app.log"
    log_file = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                             "--runs-dir", str(runs), *args], cwd=root, env=full_env, stdout=log_file,
                            stderr=subprocess.STDOUT)
    app = AppProcess(proc, f"http://127.0.0.1:{port}/", runs, log_path, log_file)
    deadline = time.time() + timeout
    while not _answers(app.url):
        if proc.poll() is not None:
            log = app.log()
            log_file.close()
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log}")
        if time.time() > deadline:
            log = app.log()
            app.stop()
            raise RuntimeError(f"the app did not answer within {timeout:.0f} s:\n{log}")
        time.sleep(0.5)
    return app


@contextlib.contextmanager
def running_app(root: Path, args: list[str] = (), env: dict | None = None, timeout: float = START_TIMEOUT_S):
    """start_app as a context: the app is stopped when the block ends, even on a failure."""
    app = start_app(root, args, env, timeout)
    try:
        yield app
    finally:
        app.stop()
