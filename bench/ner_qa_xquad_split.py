"""Write the seeded paragraph-level train/test split of XQuAD that the QA benchmark uses.

XQuAD (../shared/data/xquad) is an evaluation-only set (240 paragraphs, 1,190 questions from SQuAD v1.1 dev), so
the benchmark splits it itself: whole paragraphs go to one side (no context is seen in training and in test),
chosen by a seeded shuffle until the test side holds at least `--test-share` of the questions. The files are SQuAD
v1.1 JSON under bench/out/xquad/ (never in the repository: the data is not ours to ship).

    python bench/ner_qa_xquad_split.py [--lang en] [--seed 0] [--test-share 0.2]
then: python -m workbench train --config assets/presets/xquad-minilm.yaml
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.formats import read_squad  # noqa: E402
from workbench.tasks.qa import split_by_context  # noqa: E402


def to_squad(rows: list[dict]) -> dict:
    """Flat rows back to SQuAD v1.1 JSON, one article per title, paragraphs in first-seen order."""
    articles: dict[str, dict[str, list]] = {}
    for r in rows:
        paras = articles.setdefault(r["title"], {})
        paras.setdefault(r["context"], []).append({
            "id": r["id"], "question": r["question"],
            "answers": [{"text": t, "answer_start": s} for t, s in zip(r["answers"]["text"],
                                                                      r["answers"]["answer_start"])]})
    return {"version": "1.1", "data": [{"title": title, "paragraphs": [{"context": c, "qas": qas}
                                                                        for c, qas in paras.items()]}
                                       for title, paras in articles.items()]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="en", choices=("en", "zh"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test-share", type=float, default=0.2)
    ap.add_argument("--source", default=str(ROOT.parent / "shared" / "data" / "xquad"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "xquad"))
    args = ap.parse_args()
    rows = read_squad(Path(args.source) / f"xquad.{args.lang}.json")
    train_idx, test_idx = split_by_context([r["context"] for r in rows], round(args.test_share * len(rows)),
                                           args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "en" else f".{args.lang}"
    for name, idx in (("train", train_idx), ("test", test_idx)):
        part = [rows[i] for i in idx]
        (out / f"{name}{suffix}.json").write_text(json.dumps(to_squad(part), ensure_ascii=False), encoding="utf-8")
        print(f"{name}: {len(part)} questions, {len({r['context'] for r in part})} paragraphs -> "
              f"{out / f'{name}{suffix}.json'}")


if __name__ == "__main__":
    main()
