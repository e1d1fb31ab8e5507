"""Publish a run or an export to the Hugging Face Hub: `python -m workbench push RUN_OR_EXPORT --repo USER/NAME`.

    stage(source)   the exact folder that would be uploaded, in a temporary staging folder:
                    a run      -> its model/ files (safetensors, config, tokenizer, workbench.json), config.yaml,
                                  report.json (the run's summary) and a README.md model card
                    an export  -> its folder as written (weights, tokenizer, config.yaml, report.json) with the card
    push(...)       checks first (repo id, offline, token: each a clear message, nothing uploaded), then
                    huggingface_hub create_repo + upload_folder (one commit), and removes the staging folder
                    whatever happens: a failed upload leaves nothing half-made here.

The token comes from the caller (--token, the page's field, a Space's signed-in user) or HF_TOKEN. Pickled weights are
never uploaded (the workbench writes safetensors only).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import ConfigError, ModelError, WorkbenchError
from ..evaluate.refs import resolve_ref
from ..tasks import TASKS
from .modelcard import front_matter, run_card, run_report

NEVER = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


def offline() -> bool:
    from huggingface_hub import constants  # lazy: network client, loaded on use
    env = any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
              for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    return env or bool(constants.HF_HUB_OFFLINE)


def check_repo_id(repo_id: str | None) -> str:
    from huggingface_hub.utils import HFValidationError, validate_repo_id  # lazy: network client, loaded on use
    repo_id = (repo_id or "").strip()
    try:
        if repo_id.count("/") != 1:
            raise HFValidationError("expected USER/NAME")
        validate_repo_id(repo_id)
    except HFValidationError:
        raise ConfigError("repo", f"{repo_id!r} is not a Hub model id; give USER/NAME (or ORG/NAME), e.g. "
                          "alice/sentiment-minilm") from None
    return repo_id


def resolve_token(token: str | None) -> str:
    token = (token or "").strip() or os.environ.get("HF_TOKEN", "").strip()
    if not token:
        raise ConfigError("token", "no Hugging Face token: pass --token, set HF_TOKEN, type one in the Publish "
                          "section or sign in on the Space (a write token from https://huggingface.co/settings/tokens)"
                          "; nothing was uploaded")
    return token


def _copy_files(src: Path, dst: Path) -> None:
    for f in sorted(src.iterdir()):
        if f.name.startswith(".") or not f.is_file():
            continue
        if f.suffix in NEVER:
            raise ModelError(f"{f} is a pickle-based weight file; the workbench publishes safetensors only")
        shutil.copy2(f, dst / f.name)


def stage(source: str, runs_dir="runs", license: str | None = None, into: Path | None = None) -> Path:
    """Write the folder that `push` uploads into `into` (default: a new temporary folder) and return it."""
    ref = resolve_ref(source, runs_dir)
    if ref.kind not in ("run", "export", "folder"):
        raise ModelError(f"{source!r} is a {ref.kind}; push takes a run id, a run folder or an export folder")
    out = Path(into) if into else Path(tempfile.mkdtemp(prefix="workbench-push-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        if ref.kind == "export":
            _stage_export(Path(ref.model_dir), out, license)
        else:
            _stage_run(Path(ref.model_dir), Path(ref.config) if ref.config else None, out, license)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return out


def _stage_run(model_dir: Path, config: Path | None, out: Path, license: str | None) -> None:
    if not (model_dir / "workbench.json").is_file():
        raise ModelError(f"{model_dir} holds no saved model (workbench.json); only finished runs can be pushed")
    if (model_dir / "adapter_config.json").is_file():
        raise ModelError(f"{model_dir} is an adapter (qlora/prefix/prompt run): export it with --format merged and "
                         "push the export")
    _copy_files(model_dir, out)
    report = run_report(model_dir.parent)
    config_text = config.read_text(encoding="utf-8") if config and config.is_file() else None
    if config_text is not None:
        (out / "config.yaml").write_text(config_text, encoding="utf-8")
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
    info = json.loads((model_dir / "workbench.json").read_text())
    (out / "README.md").write_text(run_card(report, info, config_text, license), encoding="utf-8")


def _stage_export(folder: Path, out: Path, license: str | None) -> None:
    _copy_files(folder, out)
    if license and (out / "README.md").is_file():            # the card's front matter with the chosen license
        report = json.loads((out / "report.json").read_text())
        info = json.loads((out / "workbench.json").read_text())
        body = (out / "README.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
        auto_class = TASKS.get(report["task"], "task").auto_class
        config = (out / "config.yaml").read_text(encoding="utf-8") if (out / "config.yaml").is_file() else None
        (out / "README.md").write_text(front_matter(report, info, auto_class, license, config) + "\n" + body,
                                       encoding="utf-8")


def push(source: str, repo_id: str, runs_dir="runs", private: bool = False, token: str | None = None,
         license: str | None = None, progress=None) -> dict:
    """Upload a run or an export to the Hub as `repo_id` (created when missing). Returns {url, repo_id, files}."""
    repo_id = check_repo_id(repo_id)
    if offline():
        raise WorkbenchError("the Hub is switched off here (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set): "
                             "nothing was uploaded. Unset it on a machine with network to push")
    token = resolve_token(token)
    say = progress or (lambda fraction, message: None)
    say(0.0, "preparing the folder")
    staged = stage(source, runs_dir, license)
    try:
        from huggingface_hub import HfApi  # lazy: network client, loaded on use
        files = sorted(p.name for p in staged.iterdir())
        api = HfApi(token=token)
        say(0.2, f"creating {repo_id}")
        try:
            url = api.create_repo(repo_id, private=private, exist_ok=True, repo_type="model")
            say(0.4, f"uploading {len(files)} files")
            api.upload_folder(repo_id=repo_id, folder_path=str(staged), repo_type="model",
                              commit_message=f"Upload {Path(source).name} from the workbench")
        except Exception as e:   # network, auth, quota: one message, nothing kept here
            raise WorkbenchError(f"upload to {repo_id} failed ({type(e).__name__}: {str(e).splitlines()[0][:300]}); "
                                 "nothing was kept locally, and the upload is one commit, so the repo holds either "
                                 "all of it or none. Check the token has write access and try again") from None
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    say(1.0, "done")
    return {"url": str(url), "repo_id": repo_id, "private": private, "files": files}
