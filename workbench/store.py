"""Run folders and the run registry.

    runs/
      registry.sqlite          one row per run (a cache: every row can be rebuilt from its folder)
      <run_id>/
        config.yaml            the resolved RunConfig
        metrics.jsonl          append-only events: one JSON object per line (start, step, eval, log, end)
        summary.json           run_id, status, final metrics (written atomically)
        log.txt                human-readable log
        model/                 final model (save_pretrained, safetensors) + tokenizer + workbench.json
        checkpoints/step-N/    resumable state (safetensors + JSON)
        tokenizer/             from-scratch runs: the tokenizer trained at the start
        RUNNING                pid of the process training it (gone when it ends)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import WorkbenchError
from .safety import run_folder, writing

ACTIVE = ("queued", "running")
STATUSES = ("queued", "running", "completed", "stopped", "cancelled", "failed", "interrupted")


@dataclass(frozen=True)
class RunPaths:
    root: Path

    @property
    def run_id(self) -> str: return self.root.name
    @property
    def config(self) -> Path: return self.root / "config.yaml"
    @property
    def metrics(self) -> Path: return self.root / "metrics.jsonl"
    @property
    def summary(self) -> Path: return self.root / "summary.json"
    @property
    def log(self) -> Path: return self.root / "log.txt"
    @property
    def model(self) -> Path: return self.root / "model"
    @property
    def checkpoints(self) -> Path: return self.root / "checkpoints"
    @property
    def tokenizer(self) -> Path: return self.root / "tokenizer"
    @property
    def lock(self) -> Path: return self.root / "RUNNING"


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with writing(path.name, tmp, f"the previous {path.name} is intact"):
        tmp.write_text(json.dumps(data, indent=2, default=str))
        os.replace(tmp, path)


def read_json(path: Path, default=None):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError):
        return default


def new_run_id(run_name: str | None = None) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    prefix = "".join(c if c.isalnum() or c in "-_" else "-" for c in run_name)[:40] + "-" if run_name else ""
    return f"{prefix}{stamp}-{secrets.token_hex(2)}"


def create_run(cfg, status: str = "queued", owner: str | None = None) -> RunPaths:
    """Make the run folder with its config and first summary, and register it. `owner`: who started it in shared
    mode (workbench.host); None is the host user."""
    runs_dir = Path(cfg.output.runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    for _ in range(20):   # two runs started in the same second may draw the same id: draw again
        paths = RunPaths(runs_dir / new_run_id(cfg.output.run_name))
        try:
            paths.root.mkdir()
            break
        except FileExistsError:
            continue
    paths.config.write_text(cfg.to_yaml())
    write_summary(paths, {"run_id": paths.run_id, "status": status, "created": time.time(),
                          "task": cfg.task.name, "model": cfg.model.name,
                          "strategy": "+".join(cfg.strategy_names()), "metrics": {},
                          **({"owner": owner} if owner else {})})
    return paths


def write_summary(paths: RunPaths, summary: dict) -> None:
    summary = {**summary, "updated": time.time()}
    write_json_atomic(paths.summary, summary)
    Registry(paths.root.parent).upsert(paths, summary)


def update_summary(paths: RunPaths, **changes) -> dict:
    summary = {**(read_json(paths.summary, {}) or {}), **changes}
    write_summary(paths, summary)
    return summary


def find_run(ref: str, runs_dir: str | Path = "runs") -> RunPaths:
    """A run by id (in runs_dir) or by folder path."""
    for candidate in (Path(ref), Path(runs_dir) / ref):
        if (candidate / "config.yaml").is_file():
            return RunPaths(candidate.resolve())
    raise WorkbenchError(f"no run {ref!r}: give a run id from `python -m workbench runs` (runs folder "
                         f"{str(runs_dir)!r}) or the path of a run folder")


def read_metrics(paths: RunPaths, types: tuple[str, ...] | None = None) -> list[dict]:
    """Events of a run, tolerant of a half-written last line (the run may still be writing)."""
    out = []
    try:
        with open(paths.metrics, encoding="utf-8") as f:
            for line in f:
                try:
                    ev = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if types is None or ev.get("type") in types:
                    out.append(ev)
    except FileNotFoundError:
        pass
    return out


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def live_status(paths: RunPaths, summary: dict) -> str:
    """The summary's status, except that a run marked active whose process is gone shows as interrupted."""
    status = summary.get("status", "unknown")
    if status in ACTIVE:
        try:
            pid = int(paths.lock.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pid = None
        if status == "running" and (pid is None or not pid_alive(pid)):
            return "interrupted"
        if status == "queued" and pid is not None and not pid_alive(pid):
            return "interrupted"
    return status


class Registry:
    """SQLite index of the runs in one runs folder. Connections are opened per call (thread-safe, simple)."""

    def __init__(self, runs_dir: str | Path):
        self.runs_dir = Path(runs_dir)
        self.path = self.runs_dir / "registry.sqlite"

    def _connect(self):
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("""CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, created REAL, updated REAL, status TEXT, task TEXT, model TEXT, strategy TEXT,
            key_metric TEXT, key_value REAL, metrics TEXT, config TEXT, error TEXT, parent TEXT, owner TEXT)""")
        if "owner" not in {r[1] for r in con.execute("PRAGMA table_info(runs)")}:
            # registries from before shared mode: their rows belong to the host user (owner NULL = host)
            try:
                con.execute("ALTER TABLE runs ADD COLUMN owner TEXT")
            except sqlite3.OperationalError as e:   # another connection added it between the look and the change
                if "duplicate column" not in str(e):
                    raise
        return con

    def upsert(self, paths: RunPaths, summary: dict) -> None:
        metrics = summary.get("metrics") or {}
        key = summary.get("key_metric")
        config = paths.config.read_text() if paths.config.is_file() else ""
        row = (paths.run_id, summary.get("created"), summary.get("updated"), summary.get("status"),
               summary.get("task"), summary.get("model"), summary.get("strategy"), key,
               metrics.get(key) if key else None, json.dumps(metrics, default=str), config, summary.get("error"),
               summary.get("parent"), summary.get("owner"))
        with self._connect() as con:
            con.execute("INSERT OR REPLACE INTO runs (id, created, updated, status, task, model, strategy, key_metric,"
                        " key_value, metrics, config, error, parent, owner) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
        con.close()

    def rebuild(self) -> int:
        """Re-read every run folder's summary into the registry (folders are the truth). Returns the count."""
        n = 0
        known = set()
        for d in sorted(self.runs_dir.glob("*/summary.json")):
            s = read_json(d)
            if isinstance(s, dict) and (d.parent / "config.yaml").is_file():
                self.upsert(RunPaths(d.parent), s)
                known.add(d.parent.name)
                n += 1
        with self._connect() as con:
            for (rid,) in con.execute("SELECT id FROM runs").fetchall():
                # a run created since the scan above has its folder by now: only rows without one go
                if rid not in known and not (self.runs_dir / rid / "summary.json").is_file():
                    con.execute("DELETE FROM runs WHERE id=?", (rid,))
        con.close()
        return n

    def list(self, status: str | None = None, text: str | None = None) -> list[dict]:
        """Runs, newest first, with the live status (interrupted when the training process is gone)."""
        folders = {d.parent.name for d in self.runs_dir.glob("*/summary.json")}
        with self._connect() as con:
            known = {r[0] for r in con.execute("SELECT id FROM runs")}
        con.close()
        if folders != known:   # a folder copied in, or deleted by hand: the folders are the truth
            self.rebuild()
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = [dict(r) for r in con.execute("SELECT * FROM runs ORDER BY created DESC")]
        con.close()
        out = []
        for r in rows:
            paths = RunPaths(self.runs_dir / r["id"])
            r["status"] = live_status(paths, {"status": r["status"]})
            r["metrics"] = json.loads(r["metrics"] or "{}")
            if status and r["status"] != status:
                continue
            if text and text.lower() not in " ".join(str(r[k]) for k in ("id", "task", "model", "strategy")).lower():
                continue
            out.append(r)
        return out

    def get(self, run_id: str) -> dict | None:
        if not self.path.exists():
            return None
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            row = con.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        con.close()
        return dict(row) if row else None

    def delete(self, run_id: str) -> None:
        """Remove a run's folder and row (a user action; refuses an active run)."""
        run_folder(self.runs_dir, run_id)   # a plain id inside this runs folder: never a path, '..' or symlink out
        paths = RunPaths(self.runs_dir / run_id)
        summary = read_json(paths.summary, {}) or {}
        if live_status(paths, summary) in ACTIVE:
            raise WorkbenchError(f"run {run_id} is {summary.get('status')}; stop it before deleting it")
        if paths.root.is_dir():
            shutil.rmtree(paths.root)
        with self._connect() as con:
            con.execute("DELETE FROM runs WHERE id=?", (run_id,))
        con.close()
