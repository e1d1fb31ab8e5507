"""The operations a user may do on a shared workbench, each asking the policy first: train, status, stop, runs,
predict, compare, export, delete, and the admin's view. The public API (ui/host_api.py) and the pages call these; the
engine below them knows nothing of owners beyond the argument it is given."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import safety, store
from ..config import RunConfig
from ..data import DATA
from ..errors import ConfigError, WorkbenchError
from ..evaluate.compare import ModelCache, answer_all, compare
from ..export.formats import FORMATS, export
from ..model import catalogue as models
from . import fair, quotas
from .policy import Access, no_such_run
from .settings import HostSettings

PRESETS = Path(__file__).resolve().parents[2] / "assets" / "presets"


@dataclass
class HostService:
    settings: HostSettings
    access: Access
    manager: object                                   # the app's JobManager (build_app's)
    extra_roots: list[Path] = field(default_factory=list)   # server folders named with --data-dir (data and models)
    cache: ModelCache | None = None

    def __post_init__(self):
        if self.settings.shared:
            self.manager.set_order(fair.round_robin)

    # ---- a page's user ------------------------------------------------------------------------------------------
    def session_owner(self, session: dict | None) -> str | None:
        """The owner a page's state names (set on load from the login or the browser id); None = the host user."""
        if not self.settings.shared:
            return None
        owner = (session or {}).get("owner")
        if not owner:
            raise WorkbenchError("this page does not know who you are yet; reload it (or sign in)")
        return owner

    def folder_of(self, session: dict | None) -> Path:
        return self.access.folder(self.session_owner(session))

    def run_of(self, session: dict | None, run_id: str, write: bool = False):
        return self.access.resolve(self.session_owner(session), run_id, write)

    # ---- starting ---------------------------------------------------------------------------------------------
    def config_from(self, owner, yaml_text: str = "", preset: str = "", overrides=()) -> RunConfig:
        """A RunConfig from YAML text or a preset name, plus overrides; runs go to the owner's folder."""
        overrides = [o for o in (overrides or []) if o and o.strip()]
        if yaml_text and yaml_text.strip():
            cfg = RunConfig.from_yaml(yaml_text, overrides, source="the config YAML")
        elif preset:
            path = PRESETS / f"{Path(preset).stem}.yaml"
            if not path.is_file():
                names = ", ".join(sorted(p.stem for p in PRESETS.glob("*.yaml")))
                raise ConfigError("preset", f"no preset {preset!r}; choose one of {names}")
            cfg = RunConfig.load(path, overrides)
        else:
            raise ConfigError("config", "give a config YAML or a preset name")
        cfg.output.runs_dir = str(self.access.folder(owner))
        self.confine(owner, cfg)
        return cfg

    def confine(self, owner, cfg: RunConfig) -> None:
        """In shared mode every file a config names (data, model, teacher...) must be one of the owner's uploads
        or runs, a built-in set, or in a folder the host named; hub ids and catalogue names pass."""
        if not self.settings.shared:
            return
        roots = [self.access.folder(owner).resolve(), DATA.resolve()] + [Path(p).resolve() for p in self.extra_roots]

        def walk(value, where):
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, f"{where}.{k}")
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, f"{where}[{i}]")
            elif isinstance(value, str) and value and not value.startswith("builtin:"):
                path = Path(value).expanduser()
                looks = path.is_absolute() or value.startswith((".", "~")) or path.exists()
                resolved = path.resolve()
                if looks and not any(resolved == r or r in resolved.parents for r in roots):
                    raise ConfigError(where, f"{value!r} is not one of your files; upload it (Data tab) or use a "
                                      "built-in set, a catalogue model or one of your run ids")
        roots += [Path(p).resolve() for p in self.settings.model_dirs]   # a teacher may come from there
        self.check_model(owner, cfg.model.name)
        for section, value in cfg.to_dict().items():
            if section != "output":
                walk(value, section)

    def check_model(self, owner, name: str) -> None:
        """In shared mode a model named by a path (the Model tab's local folder, model.name) must lie in the owner's
        own folder (their runs) or in a folder the host shares (--model-dirs, or --data-dir); catalogue names and
        hub ids pass.
        A path is refused before anything is read from it; what it resolves to (a run id, symlinks followed) is
        checked again."""
        if not self.settings.shared or not name or models.preset(name):
            return
        roots = [self.access.folder(owner)] + [Path(p) for p in self.settings.model_dirs] + list(self.extra_roots)
        path = Path(name).expanduser()
        if path.is_absolute() or name.startswith((".", "~")) or ".." in path.parts or path.exists():
            safety.confine_model(path, name, roots)
        source = models.resolve(name, self.access.folder(owner))
        if source.kind == "local":
            safety.confine_model(source.ref, name, roots)

    def train(self, owner, cfg: RunConfig) -> str:
        cfg.output.runs_dir = str(self.access.folder(owner))
        self.confine(owner, cfg)
        quotas.check_new_run(self.settings, self.access, self.manager.queue_view(), owner)
        caps = quotas.caps(self.settings)
        if caps["step_cap"] and cfg.train.max_steps and cfg.train.max_steps > caps["step_cap"]:
            cfg.train.max_steps = caps["step_cap"]
        return self.manager.submit(cfg, owner=owner, **caps)

    def resume(self, owner, run_id: str, overrides=()) -> str:
        paths = self.access.resolve(owner, run_id, write=True)
        quotas.check_new_run(self.settings, self.access, self.manager.queue_view(), owner)
        return self.manager.resume(str(paths.root), paths.root.parent, overrides=overrides,
                                   owner=self.access.owner_of_run(paths), **quotas.caps(self.settings))

    # ---- one run ------------------------------------------------------------------------------------------------
    def status(self, owner, run_id: str) -> dict:
        """Status, step, total, latest loss and metrics; queue position and why the host stopped it."""
        paths = self.access.resolve(owner, run_id)
        summary = store.read_json(paths.summary, {}) or {}
        snap = self.manager.snapshot(paths.run_id) or {}
        status = snap.get("state") if snap.get("state") in store.ACTIVE else store.live_status(paths, summary)
        progress = snap.get("progress") or {}
        if not progress:
            steps = store.read_metrics(paths, ("step",))
            progress = steps[-1] if steps else {}
        return {"run_id": paths.run_id, "status": status, "step": progress.get("step") or 0,
                "total_steps": progress.get("total_steps") or 0, "loss": progress.get("loss"),
                "metrics": summary.get("metrics") or {}, "queue_position": snap.get("queue_position", 0),
                "stop_reason": snap.get("stop_reason") or summary.get("stop_reason"), "error": summary.get("error"),
                "resumable": status in ("interrupted", "stopped", "cancelled") and paths.checkpoints.is_dir()}

    def stop(self, owner, run_id: str, save: bool = True) -> str:
        paths = self.access.resolve(owner, run_id, write=True)
        if self.manager.snapshot(paths.run_id) is None:
            raise WorkbenchError(f"run {paths.run_id} is not queued or running")
        (self.manager.stop_and_save if save else self.manager.cancel)(paths.run_id)
        return paths.run_id

    def delete(self, owner, run_id: str) -> None:
        paths = self.access.resolve(owner, run_id, write=True)
        store.Registry(paths.root.parent).delete(paths.run_id)

    def runs(self, owner) -> list[dict]:
        keep = ("id", "status", "task", "model", "strategy", "key_metric", "key_value", "owner", "read_only")
        return [{k: r.get(k) for k in keep} for r in self.access.runs(owner)]

    # ---- using finished runs ------------------------------------------------------------------------------------
    def _refs(self, owner, refs) -> list[str]:
        """Run ids -> their folders, each asked of the policy; `base` (the first run's base model) passes, and an
        export folder of a run the owner may see."""
        out = []
        for ref in refs or []:
            ref = str(ref).strip()
            path = Path(ref)
            if ref == "base":
                out.append(ref)
            elif path.is_absolute() and path.parent.name == "exports":
                run = self.access.resolve(owner, path.parent.parent.name)
                if path.resolve().parent.parent != run.root.resolve():
                    raise no_such_run(ref)
                out.append(str(path.resolve()))
            else:
                out.append(str(self.access.resolve(owner, ref).root))
        return out

    def refs_of(self, session: dict | None, refs) -> list[str]:
        """A page's model references, each asked of the policy in shared mode (as they are otherwise)."""
        if self.settings.shared:
            return self._refs(self.session_owner(session), refs)
        return safety.confine_refs(refs, self.access.root)   # ids and paths stay inside the runs folder

    def predict(self, owner, refs, text) -> list[dict]:
        return answer_all(self._refs(owner, refs), text, runs_dir=self.access.folder(owner), cache=self.cache)

    def compare(self, owner, refs, split: str = "test", max_examples: int | None = None) -> dict:
        return compare(self._refs(owner, refs), split=split, runs_dir=self.access.folder(owner),
                       max_examples=max_examples, cache=self.cache, memory=False)

    def export(self, owner, run_id: str, fmt: str, max_examples: int | None = None) -> Path:
        if fmt not in FORMATS:
            raise ConfigError("format", f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
        paths = self.access.resolve(owner, run_id, write=True)
        quotas.check_disk(self.settings, self.access, owner)
        return export(str(paths.root), fmt, runs_dir=paths.root.parent, max_examples=max_examples,
                      cache=self.cache, memory=False)

    def store_upload(self, owner, tmp_path: str, store_fn) -> Path:
        """An uploaded file into the owner's uploads folder, within the size and disk quotas."""
        size = Path(tmp_path).stat().st_size
        quotas.check_upload(self.settings, size, Path(tmp_path).name)
        quotas.check_disk(self.settings, self.access, owner)
        return store_fn(tmp_path, self.access.uploads(owner))

    # ---- admin ----------------------------------------------------------------------------------------------------
    def admin_view(self, owner) -> dict:
        if self.settings.shared and not self.settings.is_admin(owner):
            raise WorkbenchError("the admin view is for the host's admins (--admins)")
        users = [None] + self.access.owners()
        return {"queue": self.manager.queue_view(),
                "disk_mb": {u or "host": round(self.access.disk_bytes(u) / 1e6, 2) for u in users},
                "runs": self.runs(owner)}

    def zip_export(self, folder: Path) -> Path:
        """An export folder as one zip beside it (what the API hands back as a file)."""
        return Path(shutil.make_archive(str(folder), "zip", folder))
