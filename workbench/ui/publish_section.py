"""The Export tab's Publish section: push the selected run, or one of its exports, to the Hugging Face Hub
(workbench.export.publish). The token comes from the field, HF_TOKEN, or the signed-in user's OAuth token on a Space."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ..errors import WorkbenchError
from ..export.publish import push
from . import i18n
from .common import AppContext, bind, error_text, message_html

RUN = "run"


def targets(runs_dir: Path, run_id: str | None, lang: str = "en") -> list[tuple[str, str]]:
    """What can be published for a run: the run itself, then each of its finished exports (exports/<format>)."""
    if not run_id:
        return []
    exports = Path(runs_dir) / run_id / "exports"
    done = sorted(p.name for p in exports.iterdir() if (p / "report.json").is_file()) if exports.is_dir() else []
    return [(i18n.t("publish.the_run", lang), RUN)] + [(f"exports/{name}", f"exports/{name}") for name in done]


def on_publish(ctx: AppContext, run_id, what, repo, private, token, license, session_state,
               oauth_token: gr.OAuthToken | None = None, progress=gr.Progress()):
    """Push the run (or one of its exports) with the field's token, else HF_TOKEN, else the signed-in user's OAuth
    token (gradio passes it on a Space); the result or the engine's message, as HTML."""
    lang = session_state["lang"]
    try:
        if not run_id:
            raise WorkbenchError(i18n.t("export.pick", lang))
        source = run_id if what in (None, "", RUN) else str(Path(ctx.runs_dir) / run_id / what)
        token = (token or "").strip() or (oauth_token.token if oauth_token is not None else None)
        done = push(source, repo, runs_dir=ctx.runs_dir, private=bool(private), token=token,
                    license=(license or "").strip() or None, progress=lambda f, m: progress(f, desc=m))
    except Exception as e:   # engine messages (no token, offline, bad repo id, upload failure) show here
        return message_html(error_text(e, lang))
    return message_html(i18n.t("publish.done", lang, n=len(done["files"]), url=done["url"]), "ok")


def refresh_targets(ctx: AppContext, run_id, session_state):
    """The "what to publish" choices for the chosen run, the run itself selected."""
    choices = targets(ctx.runs_dir, run_id, session_state["lang"])
    return gr.update(choices=choices, value=choices[0][1] if choices else None)


@dataclass(frozen=True)
class PublishSection:
    """The Publish section's components (inside the Export tab; the run is the Export tab's run picker)."""
    what: gr.Dropdown
    repo: gr.Textbox
    private: gr.Checkbox
    token: gr.Textbox
    license: gr.Textbox
    go: gr.Button
    msg: gr.HTML


def build(ctx: AppContext, session: gr.State, run: gr.Dropdown) -> PublishSection:
    tr = ctx.tr
    with tr.make(gr.Accordion, label="publish.title", open=False, elem_id="publish"):
        tr.make(gr.Markdown, text="publish.intro", elem_classes="wb-intro")
        what = tr.make(gr.Dropdown, label="publish.what", choices=[], value=None, elem_id="publish-what")
        with gr.Row():
            repo = tr.make(gr.Textbox, label="publish.repo", placeholder="alice/my-model", elem_id="publish-repo")
            private = tr.make(gr.Checkbox, label="publish.private", value=False, elem_id="publish-private")
        with gr.Row():
            token = tr.make(gr.Textbox, label="publish.token", placeholder="publish.token_hint", type="password",
                            elem_id="publish-token")
            license = tr.make(gr.Textbox, label="publish.license", placeholder="apache-2.0",
                              elem_id="publish-license")
        go = tr.make(gr.Button, text="publish.go", elem_id="publish-go")
        msg = gr.HTML(elem_classes="wb-slot", elem_id="msg-publish")

    run.change(bind(refresh_targets, ctx), [run, session], what, show_progress="hidden")
    what.focus(bind(refresh_targets, ctx), [run, session], what, show_progress="hidden")
    go.click(bind(on_publish, ctx), [run, what, repo, private, token, license, session], msg, concurrency_limit=1)
    return PublishSection(what, repo, private, token, license, go, msg)
