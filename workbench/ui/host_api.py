"""The public API and the owner of a request (Gradio glue; the engine parts of host/ never import gradio).

Named endpoints with typed inputs and outputs, for gradio_client and scripts:

    /train   (config_yaml or preset, overrides)  -> run id
    /status  (run_id)                            -> {status, step, total_steps, loss, metrics, queue_position, ...}
    /stop    (run_id, save)                      -> run id
    /runs    ()                                  -> [{id, status, task, model, strategy, key_metric, ...}]
    /predict (run_ids, text, context)            -> [{model, display, confidence, detail}]
    /compare (run_ids, split, max_examples)      -> the comparison (models, metrics, notes)
    /export  (run_id, fmt, max_examples)         -> (report, a zip of the export folder)

Each asks the host's policy with the caller's identity: the login name (users file / Gradio auth, or Hugging Face
OAuth on a Space), else the client's session. Every other handler of the page is hidden from the API.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import gradio as gr

from ..errors import WorkbenchError
from ..export.formats import FORMATS
from ..host.identity import owner_of
from ..host.service import HostService

ENDPOINTS = ("train", "status", "stop", "runs", "predict", "compare", "export")


def request_owner(service: HostService, request: gr.Request | None, browser_id: str | None = None) -> str | None:
    """The owner of a request: login name, else the Hugging Face OAuth user, else the browser's (or the API
    client's session) id. None outside shared mode."""
    username = getattr(request, "username", None) if request is not None else None
    if not username and request is not None:
        try:
            info = request.request.session.get("oauth_info") or {}
            username = (info.get("userinfo") or {}).get("preferred_username")
        except (AttributeError, AssertionError):   # no OAuth session middleware: not a Space with hf_oauth
            username = None
    browser = browser_id or (getattr(request, "session_hash", None) if request is not None else None)
    return owner_of(service.settings, username, browser)


def _user_errors(fn):
    """Engine errors reach the caller as their message (gr.Error), not as a generic failure."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WorkbenchError as e:
            raise gr.Error(str(e), print_exception=False) from None
    return call


def add_endpoints(service: HostService) -> None:
    """Declare the named endpoints inside the current gr.Blocks."""

    @_user_errors
    def train(config_yaml: str = "", preset: str = "", overrides: list[str] | None = None,
              request: gr.Request = None) -> str:
        """Start a run from a config YAML (or a preset name) plus overrides such as train.max_steps=20; returns its
        run id at once (poll /status)."""
        owner = request_owner(service, request)
        return service.train(owner, service.config_from(owner, config_yaml, preset, overrides or []))

    @_user_errors
    def status(run_id: str, request: gr.Request = None) -> dict:
        """A run's status, step, total steps, latest loss, final metrics, queue position and stop reason."""
        return service.status(request_owner(service, request), run_id)

    @_user_errors
    def stop(run_id: str, save: bool = True, request: gr.Request = None) -> str:
        """Stop a queued or running run; save=True keeps the model as it is (stop and save)."""
        return service.stop(request_owner(service, request), run_id, save)

    @_user_errors
    def runs(request: gr.Request = None) -> list[dict]:
        """Your runs (and the host's read-only examples), newest first."""
        return service.runs(request_owner(service, request))

    @_user_errors
    def predict(run_ids: list[str], text: str, context: str = "", request: gr.Request = None) -> list[dict]:
        """Answer one input with each run's model, as the Evaluate box does (QA: text is the question and
        context the passage)."""
        value = {"question": text, "context": context} if context else text
        return service.predict(request_owner(service, request), run_ids, value)

    @_user_errors
    def compare(run_ids: list[str], split: str = "test", max_examples: int = 64,
                request: gr.Request = None) -> dict:
        """Evaluate runs side by side on the same split: metrics, size, latency, retention."""
        result = service.compare(request_owner(service, request), run_ids, split, max_examples or None)
        keep = ("task", "split", "main_metric", "models", "notes")
        return {k: result.get(k) for k in keep}

    for fn in (train, status, stop, runs, predict, compare):
        gr.api(fn, api_name=fn.__name__, concurrency_limit=None if fn.__name__ != "compare" else 1)

    @_user_errors
    def export_run(run_id, fmt, max_examples, request: gr.Request):
        owner = request_owner(service, request)
        folder = service.export(owner, run_id, fmt, int(max_examples) if max_examples else None)
        report = (folder / "report.json").read_text(encoding="utf-8")
        out = Path(tempfile.mkdtemp(prefix="wb-export-")) / f"{run_id}-{fmt}"
        return report, shutil.make_archive(str(out), "zip", folder)

    with gr.Column(visible=False):
        run_in = gr.Textbox(label="run_id")
        fmt_in = gr.Dropdown(list(FORMATS), value="merged", label="fmt")
        n_in = gr.Number(64, precision=0, label="max_examples")
        report_out = gr.Code(language="json", label="report")
        file_out = gr.File(label="export")
        go = gr.Button("export")
    go.click(export_run, [run_in, fmt_in, n_in], [report_out, file_out], api_name="export", concurrency_limit=1,
             api_description="Export a run (merged, int8, onnx, ...): the report (JSON) and a zip of the folder.")


def hide_other_endpoints(demo: gr.Blocks) -> None:
    """Only the named endpoints are the API: every page handler is private (not listed, not callable by clients)."""
    for fn in demo.fns.values():
        if fn.api_name not in ENDPOINTS:
            fn.api_visibility = "private"
