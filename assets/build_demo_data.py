#!/usr/bin/env python3
"""Build Workbench's built-in demo datasets (assets/data/).

Every sentence, name, phrase bank and fact table in this script and its demo_data package was written for this
project; no text is taken from any third-party dataset. Output is deterministic (seeded ``random.Random(0)``,
standard library only), so rerunning the script rewrites every file byte-identically:

    python assets/build_demo_data.py              # writes assets/data/
    python assets/build_demo_data.py --out DIR    # writes the same files under DIR

Datasets (see assets/data/README.md, which this script also writes):
    sentiment/   short reviews, positive/negative (CSV)
    general/     general-domain sentences, English and Chinese (one per line)
    text/        English prose corpus for causal-LM / MLM demo pretraining
    ner/         English CoNLL (IOB2) and Chinese character-level BMES named entities
    qa/          extractive QA in SQuAD v1.1 layout, English and Chinese
    instructions/ Alpaca-style instructions and chat conversations
    pairs/       paraphrase pairs for contrastive sentence embeddings
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The generator lives in the demo_data package beside this script. Running the script puts this folder on sys.path
# already; the insert covers loading it by path or as a module from elsewhere.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_data._common import SECTIONS, SEED, rng_for  # noqa: E402,F401  (re-exported for callers of this script)
from demo_data.chat import build_chat  # noqa: E402
from demo_data.general import build_general_en  # noqa: E402
from demo_data.general_zh import build_general_zh  # noqa: E402
from demo_data.instructions import build_instructions  # noqa: E402
from demo_data.ner import build_ner_en  # noqa: E402
from demo_data.ner_zh import build_ner_zh  # noqa: E402
from demo_data.pairs import build_pairs  # noqa: E402
from demo_data.qa import build_qa_en, check_squad  # noqa: E402,F401
from demo_data.qa_zh import build_qa_zh  # noqa: E402
from demo_data.readme import write_readme  # noqa: E402
from demo_data.sentiment import build_sentiment  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "data"


def build_all(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    stats = {
        "sentiment": build_sentiment(out),
        "general": build_general_en(out),
        "general_zh": build_general_zh(out),
        "ner": build_ner_en(out),
        "ner_zh": build_ner_zh(out),
        "qa": build_qa_en(out),
        "qa_zh": build_qa_zh(out),
        "instructions": build_instructions(out),
        "chat": build_chat(out),
        "pairs": build_pairs(out),
    }
    write_readme(out, stats)
    return stats


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: assets/data)")
    args = ap.parse_args(argv)
    stats = build_all(args.out)
    files = sorted(p for p in args.out.rglob("*") if p.is_file())
    for p in files:
        print(f"{p.stat().st_size:>9,}  {p.relative_to(args.out)}")
    print(f"{sum(p.stat().st_size for p in files):>9,}  total in {args.out}")
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "topics"} for k, v in stats.items()},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
