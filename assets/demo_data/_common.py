"""Shared helpers: the per-dataset random streams (seeded in SECTIONS order), text fixes and the
byte-exact file writers every dataset uses."""
from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

SEED = 0


# Each dataset draws from its own stream, derived in this fixed order from random.Random(SEED), so that editing
# one dataset's generator leaves every other file unchanged.
SECTIONS = ["sentiment", "general", "general_zh", "ner", "ner_zh", "qa", "qa_zh", "instructions", "chat", "pairs"]
_master = random.Random(SEED)
_SECTION_SEEDS = {name: _master.getrandbits(64) for name in SECTIONS}


def rng_for(section: str) -> random.Random:
    return random.Random(_SECTION_SEEDS[section])


def cap(s: str) -> str:
    """Upper-case the first character only (keeps "iPhone"-style words and inner capitals)."""
    return s[:1].upper() + s[1:] if s else s


def tidy(s: str) -> str:
    """Fix punctuation left by filling templates: "Washington, D.C.." and "now called X-rays,." end in one stop."""
    return re.sub(r"(?:\.\.|,\.)$", ".", s)


def a_an(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def unique(items):
    """Order-preserving de-duplication (never iterate over a set: str hashing is randomised per process)."""
    seen, out = set(), []
    for x in items:
        key = json.dumps(x, ensure_ascii=False, sort_keys=True) if not isinstance(x, str) else x
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def fmt_int(n: int) -> str:
    return f"{n:,}"


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_lines(path: Path, lines) -> None:
    write_text(path, "".join(line + "\n" for line in lines))


def write_json(path: Path, obj) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


def write_jsonl(path: Path, rows) -> None:
    write_lines(path, [json.dumps(r, ensure_ascii=False) for r in rows])


def write_csv(path: Path, header, rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    write_text(path, buf.getvalue())


def write_tagged(path: Path, sentences) -> None:
    """CoNLL-style columns: one 'token TAG' per line, a blank line after each sentence."""
    out = []
    for tokens, tags in sentences:
        assert len(tokens) == len(tags)
        for tok, tag in zip(tokens, tags):
            assert tok and " " not in tok and "\t" not in tok, tok
            out.append(f"{tok} {tag}\n")
        out.append("\n")
    write_text(path, "".join(out))
