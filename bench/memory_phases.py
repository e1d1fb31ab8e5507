"""Where a training run's own memory goes, phase by phase: the data-scale run of bench/data_scale.py (the same
overrides, file and caches) trained in this process while a thread samples RssAnon (the process's anonymous
memory, without the pages of memory-mapped files) every 10 ms. The loop's data functions are wrapped, so each
sample belongs to the innermost phase running; the timeline shows the memory on entering and leaving each.

    python bench/data_scale.py --quick --scales 100 1        # makes the files and their caches first
    python bench/memory_phases.py --scale 100                 # then: the 100x run's phases
    python bench/memory_phases.py --scale 1                   # and the 1x run's, to compare

--code DIR runs another checkout's workbench package (e.g. the commit before a fix) on the same caches.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
import time
from pathlib import Path

PHASES = [("workbench.data", "load"), ("workbench.datasets_io.files", "read"),
          ("workbench.datasets_io.files", "scan_text"), ("workbench.datasets_io.files", "content_hash"),
          ("workbench.tasks.base", "Task.holdout"), ("workbench.data", "subset"),
          ("workbench.tasks.causal_lm", "CausalLM.check"), ("workbench.model.catalogue", "load_tokenizer"),
          ("workbench.model.catalogue", "load"), ("workbench.datasets_io.encoded", "encode"),
          ("workbench.run.batches", "Batches.__init__"), ("workbench.run.batches", "Batches._epoch_batches"),
          ("workbench.run.batches", "Batches.get"), ("workbench.run.loop", "_evaluate"),
          ("workbench.run.loop", "_samples")]


def anon_kb() -> int:
    with open("/proc/self/status") as f:
        return next((int(line.split()[1]) for line in f if line.startswith("RssAnon:")), 0)


class Probe:
    def __init__(self):
        self.stack, self.peak, self.calls, self.timeline = ["start+imports"], {}, {}, []

    def note(self, label: str, kb: int) -> None:
        self.peak[label] = max(self.peak.get(label, 0), kb)

    def sample(self) -> None:
        while True:
            self.note(self.stack[-1], anon_kb())
            time.sleep(0.01)

    def wrap(self, module: str, qual: str) -> None:
        owner = importlib.import_module(module)
        name = qual
        if "." in qual:
            cls, name = qual.split(".")
            owner = getattr(owner, cls)
        fn, label = getattr(owner, name), f"{module.rsplit('.', 1)[-1]}.{qual}"

        def wrapped(*args, **kwargs):
            n = self.calls[label] = self.calls.get(label, 0) + 1
            if n <= 2:   # the first calls: the timeline (Batches.get is called once a step)
                self.timeline.append(("in ", label, anon_kb()))
            self.stack.append(label)
            try:
                return fn(*args, **kwargs)
            finally:
                self.stack.pop()
                kb = anon_kb()
                self.note(label, kb)
                if n <= 2:
                    self.timeline.append(("out", label, kb))
        setattr(owner, name, wrapped)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=int, default=100)
    p.add_argument("--out", default="/tmp/i12/data_scale", help="bench/data_scale.py's --out")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--code", help="the checkout whose workbench package runs (default: this one)")
    args = p.parse_args()
    out = Path(args.out)
    code = Path(args.code or Path(__file__).resolve().parents[1])
    sys.path.insert(0, str(code))
    os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                       "HF_DATASETS_CACHE": str(out / f"cache-{args.scale}x" / "datasets"),
                       "WORKBENCH_ENCODED_CACHE": str(out / f"cache-{args.scale}x" / "encoded"),
                       "OMP_NUM_THREADS": "1"})
    probe = Probe()
    threading.Thread(target=probe.sample, daemon=True).start()
    import workbench.run.loop as loop   # the imports phase ends here
    probe.note("start+imports", anon_kb())
    probe.stack[-1] = "other (model forward/backward, optimizer, ...)"
    for module, qual in PHASES:
        probe.wrap(module, qual)
    import workbench.datasets_io.encoded as encoded
    import workbench.run.batches as batches
    loop.Batches, loop.encoded = batches.Batches, encoded   # names the loop imported before the wrapping
    from workbench.cli import main as cli
    overrides = ["task={name: causal_lm, mode: instructions, max_new_tokens: 4}", f"model.name={out / 'model'}",
                 f"data.train={out / f'sft-{args.scale}x.jsonl'}", "data.max_length=64", "data.validation_split=0.01",
                 "data.max_eval_samples=64", f"train.max_steps={args.steps}", "train.batch_size=8", "train.lr=1e-3",
                 "train.precision=fp32", "train.log_every=1", "output.save_model=false",
                 f"output.runs_dir={out / 'probe_runs'}"]
    rc = cli(["train", "--quiet"] + [a for o in overrides for a in ("--set", o)])
    print(f"{args.scale}x with {code}: exit {rc}; RssAnon in MiB")
    for what, label, kb in probe.timeline:
        print(f"  {what} {label:32s} {kb / 1024:7.1f}")
    print(f"peak per phase (MiB): " + ", ".join(f"{k} {v / 1024:.1f}" for k, v in probe.peak.items()))
    print(f"peak of the run: {max(probe.peak.values()) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
