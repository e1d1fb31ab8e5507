"""train.keep_freed_memory (issue 13): glibc's malloc told to keep freed memory, so a training step's activations
and gradients are not faulted in afresh every step. Checked by page faults (a count, not a timing), in fresh
processes; the loop applies it on CPU when the knob is on and leaves the allocator alone when it is off."""

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.config import RunConfig

pytestmark = pytest.mark.usefixtures("one_thread")

ROOT = Path(__file__).resolve().parents[1]

# Allocate and free 64 MB tensors as a training step does, with the allocator as it starts, then after
# keep_freed_memory(): the minor page faults of each half.
PROBE = """
import resource, sys, torch
from workbench.run.speedups import keep_freed_memory
def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        a = torch.ones(16 * 2**20)          # 64 MB, written (every page touched)
        b = a * 2
        del a, b
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
faults()                                    # warm-up: torch's own first allocations
default = faults()
ok = keep_freed_memory()
faults()                                    # the heap grows once to hold what it now keeps
kept = faults()
print(ok, default, kept)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_keep_freed_memory_cuts_page_faults():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    ok, default, kept = out.stdout.split()
    assert ok == "True"
    # 20 rounds x 2 tensors x 16k pages = 640k faults with the default allocator; nearly none once memory is kept
    assert int(default) > 100_000
    assert int(kept) < int(default) / 10


def test_knob_is_declared_on_by_default():
    assert RunConfig.from_dict({}).train.keep_freed_memory is True
    cfg = RunConfig.from_yaml("{}", ["train.keep_freed_memory=false"])
    assert cfg.train.keep_freed_memory is False


@pytest.mark.parametrize("on", [True, False])
def test_loop_applies_the_knob_on_cpu(make_cfg, train, tiny_cls_data, tiny_bert_dir, monkeypatch, on):
    from workbench.run import loop
    calls = []
    monkeypatch.setattr(loop, "keep_freed_memory", lambda: calls.append(1) or True)
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                   train={"max_steps": 2, "keep_freed_memory": on}, output={"save_model": False})
    _, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert calls == ([1] if on else [])
