"""The page's side of hosting (workbench.host): who this page's user is (login, Hugging Face OAuth, or an id kept
in this browser), the host's limits shown in the header, the admin tab, and the public API endpoints. The tabs ask
`ctx.folder(session)` / `ctx.run(session, id)`, which come here through ctx.host."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from ..errors import WorkbenchError
from . import host_api as api
from ..host.policy import Access
from ..host.service import HostService
from ..host.settings import HostSettings, quota_lines
from . import i18n, i18n_host  # noqa: F401  (i18n_host adds the shared-mode strings)
from .common import AppContext, bind, error_text, message_html


def service(ctx, settings: HostSettings | None, data_dirs) -> HostService:
    settings = settings or HostSettings()
    return HostService(settings, Access(Path(ctx.runs_dir), settings), ctx.manager,
                       extra_roots=[Path(p) for p in data_dirs], cache=ctx.cache)


def upload_roots(runs_dir, settings: HostSettings | None) -> list[Path]:
    """Where shared mode keeps uploads (each user's under users/<owner>/.uploads; the host's policy confines a
    run to its owner's own)."""
    return [Path(runs_dir) / "users"] if settings and settings.shared else []


def identify(ctx: AppContext, browser_id: str | None, request: gr.Request | None) -> dict:
    """The session keys that say who this page is: owner (None outside shared mode) and the browser's id."""
    browser_id = browser_id or secrets.token_hex(16)
    try:
        owner = api.request_owner(ctx.host, request, browser_id)
    except WorkbenchError:          # login required and none given: every action then says "sign in"
        owner = None
    return {"owner": owner, "browser_id": browser_id}


def visible(ctx: AppContext, session: dict, run_ids: list[str]) -> list[str]:
    """The run ids (e.g. the JobManager's active ones) this page's user may see."""
    if not ctx.host.settings.shared:
        return list(run_ids)
    owner = session.get("owner")
    return [r for r in run_ids if owner and ctx.host.access.may_see(owner, r)]


@dataclass(frozen=True)
class HostHeader:
    """The header's hosting parts: the browser's id (kept across reloads), who you are and the host's limits."""
    browser_id: gr.BrowserState
    who: gr.Markdown
    limits: gr.Markdown


def build_header(ctx: AppContext) -> HostHeader:
    """The browser's id (kept across reloads), a sign-in button on a Space, who you are and the host's limits."""
    settings = ctx.host.settings
    browser_id = gr.BrowserState(None, storage_key="workbench-browser-id")
    who = gr.Markdown("", elem_id="wb-who", visible=settings.shared)
    limits = gr.Markdown("", elem_id="wb-limits", visible=settings.shared and bool(quota_lines(settings)))
    if settings.shared and os.environ.get("SPACE_ID"):
        gr.LoginButton()
    return HostHeader(browser_id, who, limits)


def header_text(ctx: AppContext, session):
    """(who you are, the host's limits) for the header, in shared mode; empty otherwise."""
    settings = ctx.host.settings
    lang, owner = session.get("lang", "en"), session.get("owner")
    if not settings.shared:
        return "", ""
    key = "host.anonymous" if owner and owner.startswith("anon-") else "host.you"
    who = i18n.t(key, lang, owner=owner) if owner else i18n.t("admin.only", lang)
    limits = "; ".join(i18n.t(f"host.quota.{name}", lang, value=f"{value:g}")
                       for name, value in quota_lines(settings))
    return who, i18n.t("host.quotas", lang, limits=limits) if limits else ""


@dataclass(frozen=True)
class AdminTab:
    """The admin tab's components (shared mode only)."""
    msg: gr.HTML
    refresh: gr.Button
    queue: gr.Dataframe
    disk: gr.Dataframe
    runs: gr.Dataframe
    run_id: gr.Textbox
    cancel: gr.Button


def build_admin_tab(ctx: AppContext, session: gr.State) -> AdminTab | None:
    """Every user's runs, the queue, disk use, cancel any run: for the users named in --admins."""
    if not ctx.host.settings.shared:
        return None
    tr = ctx.tr
    with tr.make(gr.Tab, label="tab.admin", id="admin", elem_id="tab-admin"):
        msg = gr.HTML("")
        refresh = tr.make(gr.Button, text="admin.refresh", size="sm")
        queue = tr.make(gr.Dataframe, label="admin.queue", interactive=False)
        disk = tr.make(gr.Dataframe, label="admin.disk", interactive=False)
        runs = tr.make(gr.Dataframe, label="admin.runs", interactive=False)
        with gr.Row():
            run_id = tr.make(gr.Textbox, label="admin.run_id", scale=3)
            cancel = tr.make(gr.Button, text="admin.cancel", variant="stop", scale=1)
    outs = [msg, queue, disk, runs]
    refresh.click(bind(admin_show, ctx), session, outs, show_progress="hidden")
    cancel.click(bind(admin_cancel, ctx), [run_id, session], outs, show_progress="hidden")
    return AdminTab(msg, refresh, queue, disk, runs, run_id, cancel)


def admin_show(ctx: AppContext, session_state, note=""):
    """(message, queue, disk use, every run) for an admin; a message for anyone else."""
    lang = session_state.get("lang", "en")
    try:
        view = ctx.host.admin_view(ctx.host.session_owner(session_state))
    except WorkbenchError:
        return message_html(i18n.t("admin.only", lang), "info"), None, None, None
    cols = ("id", "owner", "status", "task", "model", "strategy")
    return (message_html(note, "ok") if note else "",
            pd.DataFrame(view["queue"], columns=["run_id", "owner", "state"]),
            pd.DataFrame(sorted(view["disk_mb"].items()), columns=["owner", "MB"]),
            pd.DataFrame([[r.get(c) for c in cols] for r in view["runs"]], columns=cols))


def admin_cancel(ctx: AppContext, rid, session_state):
    """Cancel any user's run (admins only), then the refreshed view."""
    lang = session_state.get("lang", "en")
    try:
        owner = ctx.host.session_owner(session_state)
        ctx.host.admin_view(owner)              # admins only
        ctx.host.stop(owner, (rid or "").strip(), save=False)
    except Exception as e:
        return message_html(error_text(e, lang)), *admin_show(ctx, session_state)[1:]
    return admin_show(ctx, session_state, i18n.t("admin.cancelled", lang, run_id=rid.strip()))


def add_api(ctx: AppContext) -> None:
    api.add_endpoints(ctx.host)


def hide_other_endpoints(demo: gr.Blocks) -> None:
    api.hide_other_endpoints(demo)
