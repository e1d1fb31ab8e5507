"""The CLI's progress output: a redrawn bar only on a terminal; to a file or a pipe, plain lines every N steps
(no carriage returns), the preparing lines first."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.run.events import Eval, Preparing, Started, Step
from workbench.run.progress import Progress

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.usefixtures("one_thread")


def feed(progress, total=20):
    progress(Preparing(what="data"))
    progress(Preparing(what="model"))
    progress(Preparing(what="tokenize", rows=1234))
    progress(Started(total_steps=total, start_step=0, steps_per_epoch=10, examples={"train": 96},
                     trainable_params=10, total_params=20, device="cpu", precision="fp32"))
    for i in range(1, total + 1):
        progress(Step(step=i, total_steps=total, epoch=i / 10, loss=1.0 / i, terms={"task": 1.0 / i}, lr=1e-3,
                      samples_per_s=50.0, elapsed_s=i * 0.1, eta_s=(total - i) * 0.1))
    progress(Eval(step=total, epoch=2.0, split="validation", metrics={"accuracy": 0.75}))
    progress.close()


class FakeTty(io.StringIO):
    def isatty(self):
        return True


def test_to_a_file_plain_lines_every_n_steps():
    out = io.StringIO()
    feed(Progress(stream=out, every=5))
    text = out.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[:3] == ["preparing: reading the data", "preparing: loading the model",
                         "preparing: tokenizing 1,234 rows"]
    steps = [line.split()[1] for line in lines if re.match(r"step \d+/", line)]
    assert steps == ["5/20", "10/20", "15/20", "20/20"]
    assert "step 20 validation: accuracy=0.7500" in lines


def test_default_every_gives_about_twenty_lines_and_quiet_gives_none():
    out = io.StringIO()
    feed(Progress(stream=out), total=200)
    assert len([line for line in out.getvalue().splitlines() if re.match(r"step \d+/", line)]) == 20
    quiet = io.StringIO()
    feed(Progress(quiet=True, stream=quiet))
    assert "loss=" not in quiet.getvalue()


def test_on_a_terminal_the_bar_redraws():
    out = FakeTty()
    feed(Progress(stream=out, every=5))
    text = out.getvalue()
    assert "\r" in text and "20/20" in text
    assert not any(line.startswith("step 5/20") for line in text.splitlines())   # the bar, not plain lines


def test_cli_to_a_pipe_writes_plain_lines(tmp_path, tiny_cls_data, tiny_bert_dir):
    runs = tmp_path / "runs"
    cmd = [sys.executable, "-m", "workbench", "train", "--progress-every", "3", "--set", f"model.name={tiny_bert_dir}",
           "--set", f"data.train={tiny_cls_data['train']}", "--set", "train.max_steps=6", "--set",
           "train.batch_size=8", "--set", "train.precision=fp32", "--set", f"output.runs_dir={runs}"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "\r" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split()[1] for line in lines if re.match(r"step \d+/", line)] == ["3/6", "6/6"]
    assert any(line.startswith("preparing: tokenizing") for line in lines)
    bad = subprocess.run(cmd[:5] + ["0"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--progress-every" in bad.stderr and "1 or more" in bad.stderr
