"""Uploaded data files: copied into the app's own uploads folder, and the only files (with the built-in sets and
folders named on the app's command line) the UI reads as data. A browser never names a server path to read."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from ..data import DATA, EXTENSIONS
from ..errors import ConfigError, DataError

ACCEPTED = sorted(set(EXTENSIONS) | {".json"})
MAX_UPLOAD_MB = 512   # also given to gradio (launch max_file_size), which refuses bigger uploads before they land


def store_upload(tmp_path: str, uploads_dir: Path, max_mb: float = MAX_UPLOAD_MB) -> Path:
    """Copy a file gradio received into uploads_dir as '<name>-<8 hex of its content><ext>' and return the copy.
    The same content uploaded twice lands on the same file; the browser's file name is reduced to safe chars."""
    src = Path(tmp_path)
    ext = src.suffix.lower()
    if ext not in ACCEPTED:
        raise DataError(f"{src.name}: unsupported file type {ext or '(none)'}; upload one of "
                        f"{', '.join(ACCEPTED)}")
    if src.stat().st_size > max_mb * 2**20:
        raise DataError(f"{src.name} is {src.stat().st_size / 2**20:.0f} MB, over the upload limit of {max_mb:g} MB; "
                        "use a smaller file, or start the app with --data-dir naming the folder that holds it")
    digest = hashlib.sha256()
    with open(src, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", src.stem).strip("-.")[:60] or "data"
    uploads_dir.mkdir(parents=True, exist_ok=True)
    dest = uploads_dir / f"{stem}-{digest.hexdigest()[:8]}{ext}"
    if not dest.exists():
        tmp = dest.with_name(f".{dest.name}.part")
        shutil.copyfile(src, tmp)
        tmp.replace(dest)
    return dest.resolve()


def allowed_roots(uploads_dir: Path, extra: list[str | Path] = ()) -> list[Path]:
    """Folders the UI reads data files from: uploads, the built-in sets, and extras given to the app."""
    return [Path(uploads_dir).resolve(), DATA.resolve()] + [Path(p).resolve() for p in extra]


def check_source(source: str, roots: list[Path], field: str = "data.train") -> None:
    """Refuse a data file outside the allowed folders (built-in names and hub ids pass)."""
    if not source or source.startswith("builtin:"):
        return
    path = Path(source).expanduser()
    looks_like_path = path.is_absolute() or source.startswith((".", "~")) or path.suffix.lower() in EXTENSIONS
    if not looks_like_path and not path.exists():
        return   # a hub dataset id
    resolved = path.resolve()
    if not any(resolved == r or r in resolved.parents for r in roots):
        raise ConfigError(field, f"the web app reads data files only from its uploads folder and the built-in "
                          f"sets; upload {path.name!r} on the Data tab (or start the app with --data-dir "
                          f"{resolved.parent} to allow that folder)")
