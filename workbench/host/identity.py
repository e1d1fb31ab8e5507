"""Who is who. The owner is a plain, filesystem-safe name that flows down as an argument (never a global):
the login name (Hugging Face OAuth on a Space, the users file on a lab server) or, when the host allows anonymous
use, a name derived from a per-browser id that survives a page reload. None means the host user (no shared mode).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import ConfigError, WorkbenchError

RESERVED = {"host", "users", "examples", "admin", ".uploads"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_owner(name: str) -> str:
    """A login name as a folder name: unsafe characters become '-', and a name that had to change (or is
    reserved) gets a short hash so two different names never share a folder."""
    clean = _UNSAFE.sub("-", name.strip()).strip("-.")[:48]
    if clean != name or not clean or clean.lower() in RESERVED:
        clean = f"{clean or 'user'}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    return clean


def anonymous_owner(browser_id: str) -> str:
    return "anon-" + hashlib.sha256(browser_id.encode()).hexdigest()[:12]


def owner_of(settings, username: str | None = None, browser_id: str | None = None) -> str | None:
    """The owner for a request: None outside shared mode (the host user), else the login name, else (anonymous
    use allowed) the browser's id."""
    if not settings.shared:
        return None
    if username:
        return safe_owner(username)
    if browser_id and settings.anonymous:
        return anonymous_owner(browser_id)
    raise WorkbenchError("sign in to use this workbench (the host has turned anonymous use off)")


def read_users(path: str | Path) -> list[tuple[str, str]]:
    """A users file: one `name:password` a line; blank lines and lines starting with # are skipped."""
    users = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError("host.auth_file", f"cannot read {path} ({getattr(e, 'strerror', None) or e}); give a UTF-8 "
                          "file of `name:password` lines") from None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, password = line.partition(":")
        if not sep or not name.strip() or not password:
            raise ConfigError("host.auth_file", f"{path}, line {n}: write `name:password`")
        users.append((name.strip(), password))
    if not users:
        raise ConfigError("host.auth_file", f"{path} lists no users; write one `name:password` a line")
    return users
