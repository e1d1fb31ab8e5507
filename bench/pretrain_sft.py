"""From scratch to instruction following: pretrain gpt-tiny (with its own BPE tokenizer) on tiny_shakespeare +
wikitext2 (valid), then instruction-tune the saved model on the Alpaca demo. Reports the held-out answer-token loss
before SFT (the pretrained model, same template, same held-out rows) and during/after it, with a few generated
answers from both models (greedy).

    python bench/pretrain_sft.py [--pretrain-steps 600] [--sft-steps 300]

Holds /tmp/wb-bench.lock for the whole sequence. The concatenated corpus is written to bench/out/ (never into the
repo); results go to bench/out/pretrain_sft.json and a markdown summary to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._runs import OUT, ROOT, machine_lock, train, write   # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
PRETRAIN = "assets/presets/shakespeare-gpt-tiny.yaml"
SFT = "assets/presets/sft-alpaca-gpt-tiny.yaml"


def corpus() -> tuple[Path, Path]:
    """The pretraining text: tiny_shakespeare + wikitext2 (valid), each split by lines 90/10 so that both sources
    are in the training text and in the held-out text (a tail hold-out of the plain concatenation would hold out
    almost only wikitext)."""
    OUT.mkdir(parents=True, exist_ok=True)
    train, held_out = [], []
    for source in (SHARED / "tiny_shakespeare" / "input.txt", SHARED / "wikitext2" / "valid.txt"):
        lines = source.read_text(encoding="utf-8").splitlines()
        cut = int(len(lines) * 0.9)
        train += lines[:cut]
        held_out += lines[cut:]
    paths = OUT / "shakespeare_wikitext2.txt", OUT / "shakespeare_wikitext2_val.txt"
    for path, lines in zip(paths, (train, held_out)):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


class _Autocast:
    """What task.evaluate needs of a RunContext: the autocast the run trains and evaluates with."""
    def __init__(self, precision: str):
        import torch

        from workbench.run.loop import RunContext
        self.precision, self.device, self._autocast = precision, torch.device("cpu"), RunContext.autocast

    def autocast(self):
        return self._autocast(self)


def before_sft(model_dir: str, overrides: list[str]) -> dict:
    """The pretrained model on the SFT run's held-out rows (same config, seed, template): answer-token loss and
    greedy answers to the same prompts the SFT run samples."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from workbench import data, tasks
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    cfg = RunConfig.load(ROOT / SFT, overrides + [f"model.name={model_dir}"])
    trainer.seed_everything(cfg.train.seed)
    task = tasks.build(cfg)
    raw = data.load(cfg.data, task, cfg.train.seed)
    tok = AutoTokenizer.from_pretrained(model_dir)
    task.setup(tok)
    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    ctx = _Autocast(trainer.pick_precision(cfg.train.precision, torch.device("cpu")))
    rows = task.encode(raw["validation"], "validation")
    metrics, _ = task.evaluate(model, rows, 2 * cfg.train.batch_size, ctx)
    prompts = task.example_inputs(raw["validation"], 3)
    answers = [p.display for p in task.predict(model, prompts, ctx=ctx, seed=cfg.train.seed)]
    return {"metrics": metrics, "samples": [{"input": q, "output": a} for q, a in zip(prompts, answers)]}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--pretrain-steps", type=int, default=600)
    ap.add_argument("--sft-steps", type=int, default=300)
    args = ap.parse_args(argv)
    runs = "bench/out/runs"
    text, held_out = (p.relative_to(ROOT) for p in corpus())
    started = time.strftime("%Y-%m-%d %H:%M")
    with machine_lock():
        pre = train(PRETRAIN, [f"data.train={text}", f"data.validation={held_out}",
                               f"train.max_steps={args.pretrain_steps}",
                               f"train.eval_every={max(1, args.pretrain_steps // 3)}", f"output.runs_dir={runs}",
                               "output.run_name=pretrain-gpt-tiny"])
        model_dir = str(Path(pre["run"]) / "model")
        sft_overrides = [f"train.max_steps={args.sft_steps}", f"train.eval_every={max(1, args.sft_steps // 3)}",
                         f"output.runs_dir={runs}", "output.run_name=sft-alpaca"]
        t0 = time.time()
        before = before_sft(model_dir, sft_overrides)
        before["wall_s"] = round(time.time() - t0, 1)
        sft = train(SFT, sft_overrides + [f"model.name={model_dir}"])
    result = {"date": started, "pretrain": pre, "before_sft": before, "sft": sft}
    write("pretrain_sft", result)

    pm, sm = pre["summary"]["metrics"], sft["summary"]["metrics"]
    print(f"pretrain ({pre['wall_s']} s): {pre['command']}")
    print(f"  held-out bpc {pm['eval_bpc']:.3f}, loss {pm['eval_loss']:.3f} after {pm['steps']} steps")
    print(f"SFT ({sft['wall_s']} s): {sft['command']}")
    curve = [f"step 0: {before['metrics']['loss']:.3f}"] + [f"step {e['step']}: {e['eval_loss']:.3f}"
                                                             for e in sft["evals"][:-1]]
    print("  held-out answer-token loss " + ", ".join(curve))
    for b, a in zip(before["samples"], sft["summary"]["samples"]):
        print(f"  Q: {b['input']!r}\n    before: {b['output'][:160]!r}\n    after:  {a['output'][:160]!r}")
    print(json.dumps({"before": before["metrics"], "after": {k: sm[k] for k in ("eval_loss", "eval_perplexity")}}))


if __name__ == "__main__":
    main()
