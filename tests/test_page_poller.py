"""bench/page_poller.py (issue 13, benchmark 3, the variant "a client polling as the page does") against the real
app: it attaches to the run the app trains as a loaded page does, polls the Train tab's handler at the interval
each answer sets, gets the loss plot drawn, and stops when the answer switches the timer off at the run's end."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("gradio_client")

from _app import running_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _poller_module():
    spec = importlib.util.spec_from_file_location("page_poller", ROOT / "bench" / "page_poller.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("page_poller", module)
    spec.loader.exec_module(module)
    return module


def test_the_poller_follows_a_run_as_the_page_does(tmp_path, tiny_cls_data, tiny_bert_dir):
    import yaml
    from gradio_client import Client
    page_poller = _poller_module()
    args = ["--data-dir", str(Path(tiny_cls_data["train"]).parent), "--data-dir", tiny_bert_dir]
    config = yaml.safe_dump({"model": {"name": tiny_bert_dir}, "data": dict(tiny_cls_data),
                             "train": {"max_steps": 40, "batch_size": 8, "precision": "fp32", "log_every": 1}})
    with running_app(tmp_path, args) as app:
        client = Client(app.url, verbose=False, httpx_kwargs={"timeout": 120})
        poller = page_poller.PagePoller(app.url)
        try:
            idle = poller.attach()                        # no run yet: the page's timer stays off
            run_id = client.predict(config, "", [], api_name="/train")
            attached = poller.attach()                    # a page loaded now re-attaches to the running job
            polls = poller.follow(timeout=600)            # until an answer switches the timer off
        finally:
            poller.close()
            client.close()
        summary = json.loads((app.runs / run_id / "summary.json").read_text())
    assert idle is False and attached is True
    assert polls >= 1 and poller.calls == polls + 2
    plot = json.loads(poller.shown[poller.loss]["plot"])         # the loss curve as the page would draw it
    assert plot["data"][0]["x"] == list(range(1, 41))
    assert summary["status"] == "completed" and summary["metrics"]["steps"] == 40
