"""Who may see a run: the one place every tab and every API endpoint asks.

Layout under the storage root (the runs dir, or /data/runs on a Space with persistent storage):

    <root>/                    the host user's runs (and every run made before shared mode) + registry.sqlite
    <root>/users/<owner>/      one user's runs + their registry.sqlite
    <root>/users/<owner>/.uploads/   that user's uploaded data files

A user sees their own runs, plus the host's runs marked as examples (read-only); an admin sees every run. Any
other run id - guessed, or another user's - is "no such run", never its data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import safety, store
from ..errors import WorkbenchError
from .settings import HostSettings

_RUN_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,120}$")


def no_such_run(ref) -> WorkbenchError:
    return WorkbenchError(f"no such run {str(ref)!r}; pick one of your runs (the Runs tab, or /runs in the API)")


@dataclass(frozen=True)
class Access:
    root: Path
    settings: HostSettings

    # ---- folders ----------------------------------------------------------------------------------------------
    def folder(self, owner: str | None) -> Path:
        """The runs folder of an owner (None = the host user: the root itself)."""
        if owner is None or not self.settings.shared:
            return Path(self.root)
        return Path(self.root) / "users" / owner

    def uploads(self, owner: str | None) -> Path:
        return self.folder(owner) / ".uploads"

    def owners(self) -> list[str]:
        users = Path(self.root) / "users"
        return sorted(p.name for p in users.iterdir() if p.is_dir()) if users.is_dir() else []

    def _visible_folders(self, owner: str | None) -> list[tuple[str | None, Path]]:
        if owner is None or self.settings.is_admin(owner):
            return [(None, Path(self.root))] + [(o, self.folder(o)) for o in self.owners()]
        return [(owner, self.folder(owner))]

    # ---- the question -----------------------------------------------------------------------------------------
    def resolve(self, owner: str | None, ref, write: bool = False) -> store.RunPaths:
        """The run `ref` (a run id) if `owner` may see it (write=True: change it - stop, resume, delete, export
        into it), else "no such run". Outside shared mode every run of the runs folder is the host's: a plain id
        whose folder (symlinks followed) stays inside it."""
        if not self.settings.shared:
            paths = store.RunPaths(safety.run_folder(self.root, str(ref or "").strip()))
            if not paths.config.is_file():
                raise no_such_run(ref)
            return paths
        ref = str(ref or "").strip()
        if not _RUN_ID.match(ref):
            raise no_such_run(ref)
        for _, folder in self._visible_folders(owner):
            if (folder / ref / "config.yaml").is_file():
                return store.RunPaths((folder / ref).resolve())
        if ref in self.settings.examples and (Path(self.root) / ref / "config.yaml").is_file():
            if write:
                raise WorkbenchError(f"run {ref} is a read-only example; train your own run to change it")
            return store.RunPaths((Path(self.root) / ref).resolve())
        raise no_such_run(ref)

    def may_see(self, owner: str | None, ref) -> bool:
        try:
            self.resolve(owner, ref)
            return True
        except WorkbenchError:
            return False

    def runs(self, owner: str | None, status: str | None = None, text: str | None = None) -> list[dict]:
        """The registry rows `owner` may see, newest first; each with `owner` and `read_only` set."""
        rows = []
        for who, folder in self._visible_folders(owner):
            for r in store.Registry(folder).list(status, text) if folder.is_dir() else []:
                rows.append({**r, "owner": r.get("owner") or who or "host", "read_only": False})
        if self.settings.shared and owner is not None and not self.settings.is_admin(owner):
            for r in store.Registry(self.root).list(status, text) if Path(self.root).is_dir() else []:
                if r["id"] in self.settings.examples:
                    rows.append({**r, "owner": "examples", "read_only": True})
        return sorted(rows, key=lambda r: r.get("created") or 0, reverse=True)

    def owner_of_run(self, paths: store.RunPaths) -> str | None:
        summary = store.read_json(paths.summary, {}) or {}
        return summary.get("owner")

    # ---- disk ------------------------------------------------------------------------------------------------
    def disk_bytes(self, owner: str | None) -> int:
        folder = self.folder(owner)
        if not folder.is_dir():
            return 0
        skip = {folder / "users"} if owner is None else set()
        total = 0
        for p in folder.rglob("*"):
            if p.is_file() and not any(s in p.parents for s in skip):
                total += p.stat().st_size
        return total
