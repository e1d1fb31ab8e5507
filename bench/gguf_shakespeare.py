"""GGUF exports (gguf-f16, gguf-q8_0) of gpt-tiny pretrained on Tiny Shakespeare (issue 16): file size, perplexity and
bits per character of the file loaded back against the run, largest next-token logit difference, speed, and the
tokenizer check. With llama-cpp-python installed, also llama.cpp's own generation speed on the file.

    python -m workbench train --config assets/presets/shakespeare-gpt-tiny.yaml      # the run
    python bench/gguf_shakespeare.py RUN_FOLDER [--max-examples 200]

Results: bench/out/gguf-shakespeare.json and a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(ROOT))


def llama_cpp_speed(path: Path, prompt: str = "ROMEO:", tokens: int = 64) -> dict | None:
    """Greedy generation with llama.cpp itself (llama-cpp-python), when installed."""
    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    llm = Llama(model_path=str(path), n_ctx=128, n_threads=2, verbose=False, seed=0)
    t0 = time.perf_counter()
    out = llm(prompt, max_tokens=tokens, temperature=0.0)
    wall = time.perf_counter() - t0
    n = out["usage"]["completion_tokens"]
    return {"tokens": n, "tokens_per_s": round(n / wall, 1), "text": out["choices"][0]["text"][:200]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--max-examples", type=int, default=200)
    args = ap.parse_args()
    from workbench.export.formats import export
    rows = []
    for fmt in ("gguf-f16", "gguf-q8_0"):
        t0 = time.time()
        out = export(args.run, fmt, runs_dir=str(Path(args.run).parent), max_examples=args.max_examples,
                     memory=False, retention=False,
                     progress=lambda f, m: print(f"[{100 * f:3.0f}%] {m}", file=sys.stderr, flush=True))
        report = json.loads((out / "report.json").read_text())
        report["wall_s"] = round(time.time() - t0, 1)
        report["llama_cpp"] = llama_cpp_speed(out / report["gguf"]["file"])
        rows.append(report)
    OUT = ROOT / "bench" / "out"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "gguf-shakespeare.json").write_text(json.dumps(rows, indent=2, default=str))
    ref = rows[0]
    print(f"run {ref['source']}: {ref['n_examples']} validation blocks, {ref['split']} split")
    print("| format | file size | perplexity (run) | change | bits/char (run) | max abs diff of next-token logits | "
          "ms/example, batch 1 (run) | tokenizer ids equal | llama.cpp tokens/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        m, rm = r["metrics"], r["reference_metrics"]
        tc = r["gguf"]["tokenizer_check"]
        lc = r["llama_cpp"]["tokens_per_s"] if r.get("llama_cpp") else "–"
        print(f"| {r['format']} | {r['size_bytes'] / 2**20:.2f} MB ({100 * r['size_ratio']:.1f} % of the run's "
              f"{r['reference_size_bytes'] / 2**20:.2f} MB) | {m['perplexity']:.3f} ({rm['perplexity']:.3f}) | "
              f"{100 * (m['perplexity'] / rm['perplexity'] - 1):+.3f} % | {m['bpc']:.4f} ({rm['bpc']:.4f}) | "
              f"{r['max_abs_diff']:.2e} | {r['latency_ms_per_example']} ({r['reference_latency_ms_per_example']}) | "
              f"{tc['same_ids']}/{tc['texts']} | {lc} |")


if __name__ == "__main__":
    main()
