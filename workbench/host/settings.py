"""The host's settings for shared mode. Each is a knob declared once here; the CLI flags of app.py
(`--max-steps`), the environment variables (`WORKBENCH_MAX_STEPS`) and the quota line on the page all derive
from these fields."""

from __future__ import annotations

import argparse
import os
import typing
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import ConfigError
from ..options import check, coerce, describe, knob

ENV_PREFIX = "WORKBENCH_"
PERSISTENT = Path("/data")     # Hugging Face Spaces persistent storage, when the Space has it
HOST = "host"                   # the owner of runs made without shared mode (CLI, a single-user app)


@dataclass
class HostSettings:
    shared: bool = knob(False, "shared mode: per-user runs, uploads and quotas (on by default when SPACE_ID is set)")
    auth_file: str | None = knob(None, "a users file (one `name:password` a line) for a lab server's login page")
    admins: list[str] = knob(help="users who see every run, the queue and disk use, and may cancel any run",
                             factory=list)
    examples: list[str] = knob(help="run ids of the host's runs that every user may open read-only", factory=list)
    model_dirs: list[str] = knob(help="server folders whose models every user may load as a local folder (shared "
                                 "mode; otherwise only the user's own runs)", factory=list)
    anonymous: bool = knob(True, "without login, give each browser its own identity (off: login required)")
    max_active_runs: int = knob(2, "runs queued + running per user (0 = no limit)", min=0)
    max_steps: int = knob(0, "most optimizer steps one run may take; the run stops and saves there (0 = none)",
                          min=0)
    max_minutes: float = knob(0.0, "most minutes one run may train; it stops and saves then (0 = none)", min=0)
    max_upload_mb: float = knob(50.0, "largest data file a user may upload, in MB (0 = no limit)", min=0)
    max_disk_mb: float = knob(0.0, "disk one user's runs and uploads may take, in MB (0 = no limit)", min=0)
    max_queue: int = knob(20, "runs queued + running for everyone together (0 = no limit)", min=0)

    def validate(self) -> "HostSettings":
        try:
            check(self, "host")
        except ConfigError as e:       # name the flag and the variable the host actually sets
            name = e.field.split(".")[-1]
            raise ConfigError(f"{flag_name(name)} / {env_name(name)}",
                              str(e).split(": ", 1)[-1]) from None
        if self.auth_file and not Path(self.auth_file).is_file():
            raise ConfigError("host.auth_file", f"no users file {self.auth_file!r}; write one `name:password` "
                              "a line, or leave --auth-file out")
        return self

    def is_admin(self, owner: str | None) -> bool:
        return bool(owner) and owner in self.admins


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_arguments(parser) -> None:
    """One flag per knob (argparse), help and default from the knob; the environment gives the default."""
    for info in describe(HostSettings):
        kw = {"dest": f"host_{info.name}", "default": None, "help": f"{info.help} (env {env_name(info.name)})"}
        if info.kind == "bool":
            kw["action"] = argparse.BooleanOptionalAction      # --anonymous / --no-anonymous
        elif info.kind == "list":
            kw["action"] = "append"
        parser.add_argument(flag_name(info.name), **kw)


def from_sources(args=None, env=None) -> HostSettings:
    """Settings from parsed flags (app.py) over environment variables over the defaults."""
    env = os.environ if env is None else env
    hints = typing.get_type_hints(HostSettings)
    values = {}
    for f in fields(HostSettings):
        raw = getattr(args, f"host_{f.name}", None) if args is not None else None
        if raw is None or raw == []:
            raw = env.get(env_name(f.name))
        if raw is not None:
            values[f.name] = coerce(raw, hints[f.name], f"{flag_name(f.name)} / {env_name(f.name)}")
    if "shared" not in values and env.get("SPACE_ID"):
        values["shared"] = True
    return HostSettings(**values).validate()


def storage_root(runs_dir: str | Path, explicit: bool) -> Path:
    """Where runs live: /data/runs on a Space with persistent storage (unless --runs-dir was given), else
    runs_dir."""
    if not explicit and PERSISTENT.is_dir() and os.access(PERSISTENT, os.W_OK):
        return PERSISTENT / "runs"
    return Path(runs_dir)


def quota_lines(s: HostSettings) -> list[tuple[str, object]]:
    """(knob name, value) of every quota that is on, for the page and the API."""
    names = ("max_active_runs", "max_steps", "max_minutes", "max_upload_mb", "max_disk_mb", "max_queue")
    return [(n, getattr(s, n)) for n in names if getattr(s, n)]
