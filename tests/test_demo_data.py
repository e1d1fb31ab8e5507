"""The built-in demo datasets under assets/data: present, well-formed, sized as documented, and exactly what
assets/build_demo_data.py writes."""
from __future__ import annotations

import csv
import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "assets" / "data"
GENERATOR = ROOT / "assets" / "build_demo_data.py"

FILES = [
    "README.md",
    "sentiment/train.csv", "sentiment/test.csv",
    "general/en.txt", "general/zh.txt",
    "text/corpus.txt",
    "ner/train.conll", "ner/test.conll", "ner/zh_train.bmes", "ner/zh_test.bmes",
    "qa/train.json", "qa/test.json", "qa/zh_train.json", "qa/zh_test.json",
    "instructions/train.json", "instructions/test.json", "instructions/chat.jsonl",
    "pairs/train.jsonl", "pairs/test.jsonl",
]


def read_csv(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "label"], name
    assert all(len(r) == 2 for r in rows[1:]), name
    return rows[1:]


def read_lines(name):
    return (DATA / name).read_text(encoding="utf-8").splitlines()


def read_tagged(name):
    sentences, cur = [], []
    for line in (DATA / name).read_text(encoding="utf-8").split("\n"):
        if not line:
            if cur:
                sentences.append(cur)
            cur = []
            continue
        token, tag = line.split(" ")  # exactly one space, two columns
        assert token and tag, (name, line)
        cur.append((token, tag))
    assert not cur, f"{name} must end with a blank line"
    return sentences


def read_squad(name):
    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert doc["version"] == "1.1" and isinstance(doc["data"], list)
    return doc["data"]


def read_jsonl(name):
    return [json.loads(line) for line in read_lines(name)]


def test_every_file_exists_and_the_total_is_small():
    missing = [f for f in FILES if not (DATA / f).is_file()]
    assert not missing, missing
    total = sum((DATA / f).stat().st_size for f in FILES)
    assert total < 1_500_000, total
    for f in FILES:
        (DATA / f).read_text(encoding="utf-8")  # all UTF-8


def test_sentiment():
    train, test = read_csv("sentiment/train.csv"), read_csv("sentiment/test.csv")
    assert 800 <= len(train) <= 1000 and 200 <= len(test) <= 280
    for rows in (train, test):
        labels = [label for _, label in rows]
        assert set(labels) == {"negative", "positive"}
        assert abs(labels.count("positive") - labels.count("negative")) <= 0.1 * len(rows)
        texts = [t for t, _ in rows]
        assert len(set(texts)) == len(texts) and all(t.strip() for t in texts)
    assert not {t for t, _ in train} & {t for t, _ in test}


def test_general_text_and_corpus():
    en, zh = read_lines("general/en.txt"), read_lines("general/zh.txt")
    assert len(en) >= 800 and len(set(en)) == len(en) and all(s.strip() for s in en)
    assert len(zh) >= 300 and len(set(zh)) == len(zh)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in s) for s in zh)
    corpus = (DATA / "text/corpus.txt").read_text(encoding="utf-8")
    assert 150_000 <= len(corpus.encode("utf-8")) <= 300_000
    paragraphs = corpus.strip().split("\n\n")
    assert len(paragraphs) >= 100 and all("\n" not in p for p in paragraphs)
    # held-out: no general sentence is a line (or part of a paragraph) of the pretraining corpus
    assert not [s for s in en if s in corpus]


@pytest.mark.parametrize("train,test,lo,hi", [("ner/train.conll", "ner/test.conll", (350, 80), (450, 120)),
                                             ("ner/zh_train.bmes", "ner/zh_test.bmes", (180, 40), (220, 60))])
def test_ner_counts_and_split(train, test, lo, hi):
    tr, te = read_tagged(train), read_tagged(test)
    assert lo[0] <= len(tr) <= hi[0] and lo[1] <= len(te) <= hi[1]
    joined = lambda sents: {" ".join(t for t, _ in s) for s in sents}  # noqa: E731
    assert len(joined(tr)) == len(tr) and not joined(tr) & joined(te)
    for sents in (tr, te):
        assert any(all(tag == "O" for _, tag in s) for s in sents), "some sentences have no entity"


def test_conll_tags_are_valid_iob2():
    types = set()
    for name in ("ner/train.conll", "ner/test.conll"):
        for sent in read_tagged(name):
            prev = "O"
            for _, tag in sent:
                assert tag == "O" or tag[:2] in ("B-", "I-"), tag
                if tag.startswith("I-"):  # an I-X only continues a B-X or I-X
                    assert prev != "O" and prev[2:] == tag[2:], (sent, tag)
                if tag != "O":
                    types.add(tag[2:])
                prev = tag
    assert types == {"PER", "ORG", "LOC", "MISC"}


def test_bmes_tags_are_valid():
    types = set()
    for name in ("ner/zh_train.bmes", "ner/zh_test.bmes"):
        for sent in read_tagged(name):
            inside = None  # type of the open multi-character entity, if any
            for char, tag in sent:
                assert len(char) == 1, char
                prefix, etype = (tag[:2], tag[2:]) if tag != "O" else ("O", None)
                assert prefix in ("O", "B-", "M-", "E-", "S-"), tag
                if prefix in ("M-", "E-"):
                    assert inside == etype, (sent, tag)
                else:
                    assert inside is None, (sent, tag)
                inside = etype if prefix in ("B-", "M-") else None
                if etype:
                    types.add(etype)
            assert inside is None, "entity left open at the end of the sentence"
    assert types == {"PER", "LOC", "ORG"}


@pytest.mark.parametrize("train,test,paragraphs,questions", [
    ("qa/train.json", "qa/test.json", ((100, 140), (25, 35)), ((350, 450), (80, 120))),
    ("qa/zh_train.json", "qa/zh_test.json", None, ((50, 70), (15, 25))),
])
def test_squad_layout_offsets_and_split(train, test, paragraphs, questions):
    ids, contexts = set(), {}
    for i, name in enumerate((train, test)):
        data = read_squad(name)
        pars = [p for art in data for p in art["paragraphs"]]
        qas = [qa for p in pars for qa in p["qas"]]
        assert all(isinstance(art["title"], str) and art["title"] for art in data)
        if paragraphs:
            assert paragraphs[i][0] <= len(pars) <= paragraphs[i][1]
        assert questions[i][0] <= len(qas) <= questions[i][1]
        for p in pars:
            ctx = p["context"]
            for qa in p["qas"]:
                assert qa["id"] not in ids and qa["question"].strip()
                ids.add(qa["id"])
                assert qa["answers"]
                for ans in qa["answers"]:
                    start = ans["answer_start"]
                    assert isinstance(start, int) and ctx[start:start + len(ans["text"])] == ans["text"], qa
        contexts[name] = {p["context"] for p in pars}
    assert not contexts[train] & contexts[test]


def test_instructions_and_chat():
    train = json.loads((DATA / "instructions/train.json").read_text(encoding="utf-8"))
    test = json.loads((DATA / "instructions/test.json").read_text(encoding="utf-8"))
    assert 250 <= len(train) <= 350 and 50 <= len(test) <= 70
    for rows in (train, test):
        for r in rows:
            assert set(r) == {"instruction", "input", "output"}
            assert r["instruction"].strip() and r["output"].strip() and isinstance(r["input"], str)
    assert any(r["input"] == "" for r in train) and any(r["input"] for r in train)
    key = lambda r: (r["instruction"], r["input"])  # noqa: E731
    assert len({key(r) for r in train}) == len(train)
    assert not {key(r) for r in train} & {key(r) for r in test}

    chats = read_jsonl("instructions/chat.jsonl")
    assert 40 <= len(chats) <= 60
    for c in chats:
        msgs = c["messages"]
        roles = [m["role"] for m in msgs]
        assert set(roles) <= {"system", "user", "assistant"} and "system" not in roles[1:]
        turns = roles[1:] if roles[0] == "system" else roles
        assert turns[0] == "user" and turns[-1] == "assistant"
        assert all(a != b for a, b in zip(turns, turns[1:])), "user and assistant alternate"
        assert all(m["content"].strip() for m in msgs)
    assert any(c["messages"][0]["role"] == "system" for c in chats)
    assert any(sum(m["role"] == "user" for m in c["messages"]) > 1 for c in chats)


def test_pairs():
    train, test = read_jsonl("pairs/train.jsonl"), read_jsonl("pairs/test.jsonl")
    assert 350 <= len(train) <= 450 and 80 <= len(test) <= 120
    texts = []
    for r in train + test:
        assert set(r) == {"text", "text_pair"} and r["text"] != r["text_pair"]
        texts += [r["text"], r["text_pair"]]
    assert len(set(texts)) == len(texts), "every sentence belongs to exactly one pair"


def test_generator_rewrites_every_file_byte_identically(tmp_path):
    # a fresh process (its own str hash seed) must reproduce the committed files exactly
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True,
                   cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "12345"})
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file())
    assert made == sorted(FILES) == committed
    _, mismatch, errors = filecmp.cmpfiles(DATA, tmp_path, FILES, shallow=False)
    assert not mismatch and not errors, f"rerun `python assets/build_demo_data.py`: {mismatch or errors} differ"
