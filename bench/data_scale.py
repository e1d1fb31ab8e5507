"""Data at scale: a generated JSONL instruction file at 1x, 10x and 100x; for each, peak resident memory, time to
the first training step (cold: empty caches; cached: the same file again) and steps/s.

    python bench/data_scale.py            # 1x = 20 MB -> 100x = 2 GB
    python bench/data_scale.py --quick    # 1x = 2 MB  -> 100x = 200 MB
    python bench/data_scale.py --scales 1 10 --base-mb 2
    python bench/data_scale.py --quick --streaming   # also a streamed run (data.streaming) at each scale

Everything generated goes under --out (default /tmp/i12/data_scale), never into the repository. Each run is
`python -m workbench train` (causal_lm instructions, a tiny GPT-2 built here offline, batch 8, max_length 64,
30 steps, 64 evaluation rows) in a fresh process, measured by a small parent process that reads the child's peak
RSS (getrusage RUSAGE_CHILDREN). Time to first step = the first step event's time in metrics.jsonl minus the
launch time. Cold runs get empty datasets caches (the Arrow copy of the file and the encoded rows); the cached run
reuses them. The figures and the command go in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _runs import ROOT, machine_lock  # noqa: E402

WORDS = ("river town light stone paper garden window music winter summer morning letter market bridge forest "
         "engine story valley signal harbor mountain lantern kitchen meadow planet circuit archive").split()
VERBS = "explain describe summarize translate list compare rewrite classify name outline".split()


def generate(path: Path, megabytes: float, seed: int = 0) -> int:
    """Alpaca rows {instruction, input, output} until the file holds `megabytes`; returns the row count."""
    rng, target, n = random.Random(seed), int(megabytes * 2**20), 0
    with open(path, "w", encoding="utf-8") as f:
        while f.tell() < target:
            words = lambda k: " ".join(rng.choice(WORDS) for _ in range(k))   # noqa: E731
            row = {"instruction": f"{rng.choice(VERBS).capitalize()} the {words(3)}.", "input": words(rng.randint(0, 12)),
                   "output": f"The {words(rng.randint(6, 30))}."}
            f.write(json.dumps(row) + "\n")
            n += 1
    return n


def tiny_gpt(folder: Path) -> None:
    if (folder / "config.json").is_file():
        return
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from workbench.model.tokenizer import train_tokenizer
    tok = train_tokenizer([" ".join(WORDS + VERBS)] * 20 + ["The Explain Describe ### Instruction Response"], "decoder",
                          "bpe", 400)
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_embd=64, n_layer=2, n_head=2, n_positions=256,
                     pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    GPT2LMHeadModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


def child(cmd_json: str) -> None:
    """Run the training command; print its peak RSS (getrusage) and its peak anonymous RSS (sampled from
    /proc every 0.1 s: memory the process itself holds, without the pages of memory-mapped files, which the
    kernel can drop at any time), in MiB."""
    cmd = json.loads(cmd_json)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    anon = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            anon = max(anon, next(int(l.split()[1]) for l in status.splitlines() if l.startswith("RssAnon:")))
        except (OSError, StopIteration):
            pass
        time.sleep(0.1)
    err = proc.stderr.read()
    if proc.returncode:
        print(err[-3000:], file=sys.stderr)
    print(json.dumps({"rc": proc.returncode, "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                      / 1024, "peak_anon_mb": anon / 1024}))


def one_run(data: Path, model: Path, runs: Path, cache: Path, steps: int, streaming: bool = False) -> dict:
    overrides = [f"task={{name: causal_lm, mode: instructions, max_new_tokens: 4}}", f"model.name={model}",
                 f"data.train={data}", "data.max_length=64", "data.validation_split=0.01", "data.max_eval_samples=64",
                 f"train.max_steps={steps}", "train.batch_size=8", "train.lr=1e-3", "train.precision=fp32",
                 "train.log_every=1", "output.save_model=false", f"output.runs_dir={runs}"]
    if streaming:   # data.streaming: nothing read ahead; 64 validation rows from the head of the stream
        overrides += ["data.streaming=true", "data.stream_validation_rows=64"]
    cmd = [sys.executable, "-m", "workbench", "train", "--quiet"] + [a for o in overrides for a in ("--set", o)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "HF_DATASETS_CACHE": str(cache / "datasets"), "WORKBENCH_ENCODED_CACHE": str(cache / "encoded"),
           "OMP_NUM_THREADS": "1"}
    before = {p.name for p in runs.glob("*")} if runs.is_dir() else set()
    t0 = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(cmd)], env=env, capture_output=True,
                         text=True)
    wall = time.time() - t0
    if out.returncode or not out.stdout.strip():
        raise SystemExit(f"bench run failed:\n{out.stderr[-3000:]}")
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    if measured["rc"]:
        raise SystemExit(f"training failed:\n{out.stderr[-3000:]}")
    run = next(p for p in runs.glob("*") if p.name not in before and p.is_dir() and (p / "metrics.jsonl").is_file())
    events = [json.loads(line) for line in open(run / "metrics.jsonl")]
    steps_ev = [e for e in events if e["type"] == "step"]
    first, last = steps_ev[0], steps_ev[-1]
    rate = (last["step"] - first["step"]) / max(last["time"] - first["time"], 1e-9)
    return {"peak_rss_mb": round(measured["peak_rss_mb"]), "peak_anon_mb": round(measured["peak_anon_mb"]),
            "first_step_s": round(first["time"] - t0, 1), "steps_per_s": round(rate, 2), "wall_s": round(wall, 1),
            "phases_s": phases(events, t0)}


def phases(events: list[dict], t0: float) -> dict:
    """Where the time to the first step goes, from the run's own events: process start and imports (launch to the
    'data' event), reading the data (file hash, Arrow map, checks, until 'model'), building the model (until
    'tokenize'), encoding or mapping the encoded rows plus strategies and optimizer (until 'start'), the first
    step (until the first step event)."""
    marks = [("start+imports", next((e["time"] for e in events if e.get("what") == "data"), None)),
             ("data", next((e["time"] for e in events if e.get("what") == "model"), None)),
             ("model", next((e["time"] for e in events if e.get("what") == "tokenize"), None)),
             ("encode", next((e["time"] for e in events if e["type"] == "start"), None)),
             ("first step", next((e["time"] for e in events if e["type"] == "step"), None))]
    out, before = {}, t0
    for name, at in marks:
        if at is not None:
            out[name], before = round(at - before, 2), at
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1x = 2 MB instead of 20 MB")
    p.add_argument("--base-mb", type=float, help="size of the 1x file in MB")
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--out", default="/tmp/i12/data_scale")
    p.add_argument("--streaming", action="store_true", help="also a streamed run (data.streaming) at each scale")
    p.add_argument("--no-cold", action="store_true", help="skip the cold run when the cache is already there")
    p.add_argument("--streaming-only", action="store_true",
                   help="only the streamed run at each scale (no cache is built: the full 2 GB file in minutes)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.streaming = args.streaming or args.streaming_only
    if args.child:
        return child(args.child)
    base = args.base_mb or (2.0 if args.quick else 20.0)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tiny_gpt(out / "model")
    rows = []
    with machine_lock():
        for scale in args.scales:
            data = out / f"sft-{scale}x.jsonl"
            if not data.is_file():
                n = generate(data, base * scale, seed=scale)
            else:
                n = sum(1 for _ in open(data))
            cache = out / f"cache-{scale}x"
            if args.streaming:
                streamed = one_run(data, out / "model", out / "runs", cache, args.steps, streaming=True)
                print(json.dumps({"scale": f"{scale}x", "mb": round(data.stat().st_size / 2**20, 1), "rows": n,
                                  "streamed": streamed, "load": os.getloadavg()}), flush=True)
            if args.streaming_only:
                continue
            if not args.no_cold:
                shutil.rmtree(cache, ignore_errors=True)
            cold = one_run(data, out / "model", out / "runs", cache, args.steps) if not args.no_cold else None
            load_cold = os.getloadavg()
            cached = one_run(data, out / "model", out / "runs", cache, args.steps)
            row = {"scale": f"{scale}x", "mb": round(data.stat().st_size / 2**20, 1), "rows": n, "cold": cold,
                   "cached": cached, "load_after_cold": load_cold, "load_after_cached": os.getloadavg()}
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.no_cold or args.streaming_only:
        return
    print("| scale | file | rows | peak RSS cold / cached | peak anonymous RSS cold / cached | first step cold / "
          "cached | steps/s cold / cached |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        c, k = r["cold"], r["cached"]
        print(f"| {r['scale']} | {r['mb']} MB | {r['rows']:,} | {c['peak_rss_mb']} / {k['peak_rss_mb']} MiB | "
              f"{c['peak_anon_mb']} / {k['peak_anon_mb']} MiB | "
              f"{c['first_step_s']} / {k['first_step_s']} s | {c['steps_per_s']} / {k['steps_per_s']} |")


if __name__ == "__main__":
    main()
