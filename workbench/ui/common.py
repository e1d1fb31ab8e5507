"""What the tabs share: the per-app context, error messages routed to the field at fault, formatting helpers and
the status badge. Nothing here holds a page's state (that lives in gr.State) or a run's state (the JobManager)."""

from __future__ import annotations

import functools
import html
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from .. import safety, store
from ..errors import DataError, ModelError, WorkbenchError
from . import i18n
from .form import Form


@dataclass
class AppContext:
    """Built once per app by build_app: folders, the form, the translator, the JobManager and the host. It holds no
    components: each tab's build() returns its own (a dataclass), and a tab that needs another's takes it as an
    argument."""
    runs_dir: Path
    uploads_dir: Path
    data_roots: list[Path]          # folders whose files the UI may read as data (uploads, built-in sets, extras)
    form: Form
    tr: i18n.Translator
    cache: object | None = None     # evaluate.ModelCache when the evaluate module exists
    manager: object | None = None   # the JobManager build_app was given: runs start, stop and are watched here
    host: object | None = None      # workbench.host.service.HostService: who may see which run (ui/host_page.py)

    def folder(self, session: dict) -> Path:
        """The runs folder of this page's user (the whole runs dir outside shared mode)."""
        return self.host.folder_of(session) if self.host else self.runs_dir

    def run(self, session: dict, run_id: str, write: bool = False):
        """A run this page's user may see (write: change), as RunPaths; else "no such run" (workbench.host)."""
        if self.host and self.host.settings.shared:
            return self.host.run_of(session, run_id, write)
        return store.RunPaths(safety.run_folder(self.runs_dir, run_id))   # a plain id inside the runs folder

    @property
    def shared(self) -> bool:
        return bool(self.host and self.host.settings.shared)

    def refs(self, session: dict, refs) -> list[str]:
        """Model references (run ids, base, export folders) the page's user may use (workbench.host policy)."""
        return self.host.refs_of(session, refs) if self.host else safety.confine_refs(refs, self.runs_dir)

    def owner(self, session: dict):
        """This page's user for the host's operations (None = the host user, outside shared mode)."""
        return self.host.session_owner(session) if self.host else None

    def rows(self, session: dict, status: str | None = None, text: str | None = None) -> list[dict]:
        """The registry rows this page's user may see, newest first."""
        if self.host and self.host.settings.shared:
            return self.host.access.runs(self.owner(session), status, text)
        return store.Registry(self.runs_dir).list(status=status, text=text)

    def visible(self, session: dict, run_ids) -> list[str]:
        """The ids among run_ids this page's user may see."""
        if not (self.host and self.host.settings.shared):
            return [r for r in run_ids or [] if safety.is_run(self.runs_dir, r)]
        owner = (session or {}).get("owner")
        return [r for r in run_ids or [] if owner and self.host.access.may_see(owner, r)]


def bind(fn, *first):
    """`fn` with its first arguments given (the app's context, ...), as an event listener: Gradio sees the remaining
    parameters, with their annotations (gr.Request, gr.OAuthToken, gr.SelectData) and defaults (gr.Progress), and
    the handler's own name. The handlers themselves are module-level functions that tests call directly."""
    @functools.wraps(fn)
    def listener(*args, **kwargs):
        return fn(*first, *args, **kwargs)
    signature = inspect.signature(fn)
    listener.__signature__ = signature.replace(parameters=list(signature.parameters.values())[len(first):])
    return listener


# the message slots next to the fields, in the order the Train tab's Start and Load outputs list them ("general"
# errors go to the Train tab's own slot)
SLOTS = ("model", "task", "data.train", "data.columns", "data.validation", "data.test", "data", "strategy", "train")


def new_session() -> dict:
    """The per-page state (a gr.State value): the run this page watches and what it has drawn of it."""
    return {"run_id": None, "lang": "en", "drawn": -1}


# ---------------------------------------------------------------------------------------------------------------
# errors: each message goes next to the widget it is about
_FIELD_RE = re.compile(r"\b((?:model|data|task|strategy|train|output)\.[A-Za-z_]+(?:\.[A-Za-z_]+)?)")
_COLUMNS = ("data.text_column", "data.label_column", "data.text_pair_column")


def slot_of(err: Exception) -> str:
    """Which message slot an engine error belongs to: from ConfigError.field, else from the message text."""
    where = getattr(err, "field", "") or ""
    if not where:
        m = _FIELD_RE.search(str(err))
        where = m.group(1) if m else ""
    if not where and isinstance(err, ModelError):
        return "model"
    if not where and isinstance(err, DataError):
        return "data.train"
    where = re.sub(r"\[\d+\]", "", where)
    if where.startswith(_COLUMNS) or (isinstance(err, DataError) and "column" in str(err) and not where):
        return "data.columns"
    for slot in ("data.train", "data.validation", "data.test"):
        if where == slot:
            return slot
    head = where.split(".")[0]
    if head in ("model", "data", "task", "strategy", "train"):
        return head
    return "general"


def message_html(text: str, kind: str = "error") -> str:
    """An inline message (error / ok / info) as a small styled line."""
    return f'<div class="wb-msg wb-msg-{kind}">{html.escape(text)}</div>' if text else ""


def error_text(err: Exception, lang: str) -> str:
    """A readable message for any exception (engine errors as they are; anything else without a traceback)."""
    if isinstance(err, WorkbenchError):
        return str(err)
    return i18n.t("err.internal", lang, error=f"{type(err).__name__}: {err}")


# ---------------------------------------------------------------------------------------------------------------
# formatting
def fmt_duration(seconds) -> str:
    """12 -> '0:12', 3725 -> '1:02:05'."""
    if seconds is None:
        return "–"
    s = int(round(float(seconds)))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def fmt_count(n) -> str:
    """22713216 -> '22.7 M'."""
    if n is None:
        return "–"
    n = float(n)
    for unit, div in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= div:
            return f"{n / div:.1f} {unit}"
    return f"{int(n)}"


def fmt_value(v) -> str:
    """Metric values: 4 significant decimals for floats, as-is otherwise."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, float):
        return f"{v:.4f}" if abs(v) < 1e5 else f"{v:.4g}"
    return str(v)


STATUS_KIND = {"queued": "muted", "running": "info", "completed": "ok", "stopped": "warn", "cancelled": "muted",
               "failed": "error", "interrupted": "warn"}


def badge(status: str, lang: str, extra: str = "") -> str:
    """A coloured status pill: 'running', 'queued · position 2', ..."""
    label = i18n.t(f"status.{status}", lang) if f"status.{status}" in i18n.STRINGS else status
    text = f"{label} · {extra}" if extra else label
    return f'<span class="wb-badge wb-badge-{STATUS_KIND.get(status, "muted")}">{html.escape(text)}</span>'
