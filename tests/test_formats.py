"""Dataset readers: small inline files for every format and error, plus the real public datasets."""

import json
from pathlib import Path

import pytest

from workbench.formats import (
    check_answers,
    looks_like_conll,
    read_conll,
    read_instructions,
    read_squad,
    read_text,
    read_token_json,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


# ---------------------------------------------------------------- CoNLL


def test_conll_columns_docstart_crlf_trailing_spaces_no_final_blank(tmp_path):
    text = (
        "-DOCSTART- -X- -X- O\r\n\r\n"
        "EU NNP B-NP B-ORG  \r\n"
        "rejects VBZ B-VP O\r\n"
        "\r\n  \r\n"
        "Peter NNP B-NP B-PER\r\n"
        "Blackburn NNP I-NP I-PER"  # no newline at the end
    )
    rows = read_conll(write(tmp_path, "a.txt", text))
    assert rows == [
        {"tokens": ["EU", "rejects"], "tags": ["B-ORG", "O"]},
        {"tokens": ["Peter", "Blackburn"], "tags": ["B-PER", "I-PER"]},
    ]
    chunks = read_conll(write(tmp_path, "b.txt", text), tag_col=2)
    assert chunks[0]["tags"] == ["B-NP", "B-VP"]


def test_conll_docstart_without_blank_line_ends_sentence(tmp_path):
    rows = read_conll(write(tmp_path, "a.txt", "a O\n-DOCSTART- O\nb B-X\n"))
    assert [r["tokens"] for r in rows] == [["a"], ["b"]]


def test_conll_tab_separated_keeps_unicode_space_tokens(tmp_path):
    rows = read_conll(write(tmp_path, "a.bmes", "中\tB-LOC\n国\tE-LOC\n\u3000\tO\n\n"))
    assert rows == [{"tokens": ["中", "国", "\u3000"], "tags": ["B-LOC", "E-LOC", "O"]}]
    # space-separated char files too: only ASCII spaces separate columns
    rows = read_conll(write(tmp_path, "b.bio", "中 B-LOC\n\u3000 O\n"))
    assert rows[0]["tokens"] == ["中", "\u3000"]


def test_conll_char_segpos_detected_and_stripped(tmp_path):
    filler = "".join(f"{ch}{i % 3}\tO\n" for i, ch in enumerate("今天天气很好我们一起去公园散步吧"))
    text = "科0\tB-ORG.NAM\n技1\tI-ORG.NAM\n，0\tO\n110\tO\n��0\tO\n\n" "p10\tO\n我0\tO\n\n" + filler
    rows = read_conll(write(tmp_path, "weibo.train", text))
    assert rows[0]["tokens"] == ["科", "技", "，", "1", "��"]  # "110" = char "1" at position 10
    assert rows[1]["tokens"] == ["p", "我"]
    assert "".join(rows[2]["tokens"]) == "今天天气很好我们一起去公园散步吧"
    raw = read_conll(write(tmp_path, "w2.train", text), char_segpos=False)
    assert raw[0]["tokens"][0] == "科0"
    assert read_conll(write(tmp_path, "w3.train", text), token_transform=str.upper)[1]["tokens"] == ["P", "我"]


def test_conll_segpos_not_detected_for_english_or_plain_chars(tmp_path):
    assert read_conll(write(tmp_path, "a.txt", "F16 B-X\nA1 O\n"))[0]["tokens"] == ["F16", "A1"]  # no CJK
    assert read_conll(write(tmp_path, "b.bio", "我 O\n1 O\n"))[0]["tokens"] == ["我", "1"]
    with pytest.raises(ValueError, match="not char\\+position"):
        read_conll(write(tmp_path, "c.bio", "我 O\n"), char_segpos=True)


def test_conll_errors_name_file_and_line(tmp_path):
    p = write(tmp_path, "bad.conll", "EU NNP B-ORG\nrejects O\n")
    with pytest.raises(ValueError, match=r"bad\.conll:2: expected 3 columns .* found 2"):
        read_conll(p)
    with pytest.raises(ValueError, match=r"one\.conll:1: found 1 column"):
        read_conll(write(tmp_path, "one.conll", "EU\n"))
    with pytest.raises(ValueError, match="tag_col=5 but the file has 2 columns"):
        read_conll(write(tmp_path, "c.conll", "EU O\n"), tag_col=5)
    with pytest.raises(ValueError, match="no sentences"):
        read_conll(write(tmp_path, "empty.conll", "\n\n-DOCSTART- O\n"))


def test_looks_like_conll(tmp_path):
    assert looks_like_conll(write(tmp_path, "x.bmes", "anything"))
    assert looks_like_conll(write(tmp_path, "x.train", "科0\tB-PER\n技1\tI-PER\n\n好0\tO\n"))
    assert looks_like_conll(write(tmp_path, "x.txt", "-DOCSTART- O\n\nEU NNP B-ORG\nis VBZ O\n"))
    assert looks_like_conll(write(tmp_path, "y.txt", "a S-X\nb M-Y\nc E-Y\n"))
    assert not looks_like_conll(write(tmp_path, "s.tsv", "sentence\tlabel\nit is good\t1\nbad\t0\n"))
    assert not looks_like_conll(write(tmp_path, "o.txt", "a O\nb O\n"))  # no entity at all
    assert not looks_like_conll(write(tmp_path, "p.txt", "Once upon a time.\nThe end.\n"))
    assert not looks_like_conll(write(tmp_path, "j.json", '[{"tokens": ["a"], "tags": ["O"]}]'))
    assert not looks_like_conll(write(tmp_path, "e.txt", ""))
    assert not looks_like_conll(tmp_path / "missing.txt")


# ---------------------------------------------------------------- token JSON


def test_token_json_array_and_jsonl(tmp_path):
    rows = [{"tokens": ["a", "b"], "tags": ["B-X", "O"]}, {"tokens": ["c"], "ner_tags": [3]}]
    expected = [{"tokens": ["a", "b"], "tags": ["B-X", "O"]}, {"tokens": ["c"], "tags": [3]}]
    assert read_token_json(write(tmp_path, "a.json", json.dumps(rows))) == expected
    jsonl = "\n".join(json.dumps(r) for r in rows) + "\n\n"
    assert read_token_json(write(tmp_path, "a.jsonl", jsonl)) == expected
    assert read_token_json(write(tmp_path, "one.jsonl", json.dumps(rows[0]))) == expected[:1]


def test_token_json_errors(tmp_path):
    bad = [{"tokens": ["a"], "tags": ["O"]}, {"tokens": ["a", "b", "c"], "tags": ["O"]}]
    with pytest.raises(ValueError, match="row 1 has 3 tokens but 1 tags"):
        read_token_json(write(tmp_path, "a.json", json.dumps(bad)))
    with pytest.raises(ValueError, match="line 2 has 3 tokens but 1 tags"):
        read_token_json(write(tmp_path, "a.jsonl", "\n".join(json.dumps(r) for r in bad)))
    with pytest.raises(ValueError, match=r"row 0 needs 'tokens' and 'tags'.*\['text'\]"):
        read_token_json(write(tmp_path, "b.json", '[{"text": "a b"}]'))
    with pytest.raises(ValueError, match=r"c\.jsonl:2: invalid JSON on this JSONL line"):
        read_token_json(write(tmp_path, "c.jsonl", '{"tokens": [], "tags": []}\n{"tokens": [\n'))
    with pytest.raises(ValueError, match="invalid JSON at line 2"):
        read_token_json(write(tmp_path, "d.json", '{\n  "tokens": [,]\n}'))
    with pytest.raises(ValueError, match="row 0 is a list, expected a JSON object"):
        read_token_json(write(tmp_path, "e.json", "[[1, 2]]"))
    with pytest.raises(ValueError, match="empty"):
        read_token_json(write(tmp_path, "f.json", "  \n"))


# ---------------------------------------------------------------- SQuAD


SQUAD = {
    "version": "1.1",
    "data": [{"title": "T", "paragraphs": [{"context": "The cat sat on the mat. The cat left.", "qas": [
        {"id": "q1", "question": "Who sat?", "answers": [{"text": "The cat", "answer_start": 0}]},
        {"id": "q2", "question": "Where?", "answers": [
            {"text": "the mat", "answer_start": 15},  # right
            {"text": "mat", "answer_start": 3},  # wrong offset, one occurrence -> 19
            {"text": "dog", "answer_start": 0},  # not in the context -> dropped
        ]},
        {"id": "q3", "question": "Who left?", "answers": [{"text": "The cat", "answer_start": 23}]},  # -> 24
        {"id": "q4", "question": "?", "answers": [{"text": "", "answer_start": 0}]},  # empty -> question dropped
    ]}]}],
}


def test_read_squad_nested_and_flat(tmp_path):
    rows = read_squad(write(tmp_path, "s.json", json.dumps(SQUAD)))
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4"]
    assert rows[1] == {"id": "q2", "title": "T", "context": SQUAD["data"][0]["paragraphs"][0]["context"],
                       "question": "Where?",
                       "answers": {"text": ["the mat", "mat", "dog"], "answer_start": [15, 3, 0]}}
    jsonl = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    assert read_squad(write(tmp_path, "flat.jsonl", jsonl)) == rows
    listy = [{"context": "abc", "question": "q", "answers": [{"text": "b", "answer_start": 1}]}]
    flat = read_squad(write(tmp_path, "flat.json", json.dumps(listy)))
    assert flat == [{"id": "row 0", "title": "", "context": "abc", "question": "q",
                     "answers": {"text": ["b"], "answer_start": [1]}}]


def test_check_answers_repairs_and_drops(tmp_path):
    rows = read_squad(write(tmp_path, "s.json", json.dumps(SQUAD)))
    good, counts = check_answers(rows)
    assert counts == {"answers": 6, "ok": 2, "repaired": 2, "dropped": 2, "questions_dropped": 1}
    assert [r["id"] for r in good] == ["q1", "q2", "q3"]
    assert good[1]["answers"] == {"text": ["the mat", "mat"], "answer_start": [15, 19]}
    assert good[2]["answers"]["answer_start"] == [24]  # nearest "The cat" to 23 is at 24, not 0
    assert rows[1]["answers"]["answer_start"] == [15, 3, 0]  # input untouched
    kept, _ = check_answers(rows, drop_empty=False)
    assert kept[3]["answers"] == {"text": [], "answer_start": []}


def test_read_squad_errors(tmp_path):
    bad = {"data": [{"title": "T", "paragraphs": [{"context": "abc", "qas": [
        {"id": "q", "question": "?", "answers": [{"text": "a", "answer_start": "0"}]}]}]}]}
    with pytest.raises(ValueError, match=r"data\[0\]\.paragraphs\[0\]\.qas\[0\].*integer 'answer_start'"):
        read_squad(write(tmp_path, "a.json", json.dumps(bad)))
    with pytest.raises(ValueError, match=r"line 1 needs a 'context' string"):
        read_squad(write(tmp_path, "b.jsonl", '{"question": "?"}\n'))
    with pytest.raises(ValueError, match="'answers' must be"):
        read_squad(write(tmp_path, "d.json", json.dumps([{"context": "a", "question": "?", "answers": "a"}])))
    mism = {"context": "a", "question": "?", "answers": {"text": ["a"], "answer_start": []}}
    with pytest.raises(ValueError, match="1 answer texts but 0 answer_start"):
        read_squad(write(tmp_path, "c.json", json.dumps([mism])))


# ---------------------------------------------------------------- instructions


def test_read_instructions_alpaca_and_chat(tmp_path):
    alpaca = [
        {"instruction": "Add.", "input": "1+1", "output": "2"},
        {"instruction": "Hi", "output": "Hello", "system": "Be brief.", "history": [["a", "b"]]},
    ]
    rows = read_instructions(write(tmp_path, "a.json", json.dumps(alpaca)))
    assert rows[0] == {"messages": [{"role": "user", "content": "Add.\n1+1"}, {"role": "assistant", "content": "2"}]}
    assert [m["role"] for m in rows[1]["messages"]] == ["system", "user", "assistant", "user", "assistant"]
    chat = [
        {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"},
                      {"role": "assistant", "content": "A", "weight": 1}]},
        {"messages": [{"role": "user", "content": "U"}, {"role": "assistant", "content": "A"}]},
    ]
    rows = read_instructions(write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in chat)))
    assert rows[0]["messages"][2] == {"role": "assistant", "content": "A"}  # extra keys dropped
    assert rows[1] == chat[1]
    only_input = [{"instruction": "", "input": "Translate: hi", "output": "salut"}]
    rows = read_instructions(write(tmp_path, "d.json", json.dumps(only_input)))
    assert rows[0]["messages"][0] == {"role": "user", "content": "Translate: hi"}


def test_read_instructions_errors(tmp_path):
    rows = [{"instruction": "a", "input": "", "output": "b"}, {"instruction": "c", "input": "", "output": "  "}]
    with pytest.raises(ValueError, match="row 1 has an empty assistant reply.*fill it in or remove the row"):
        read_instructions(write(tmp_path, "a.json", json.dumps(rows)))
    with pytest.raises(ValueError, match="line 1 has an empty assistant reply"):
        read_instructions(write(tmp_path, "b.jsonl", json.dumps({"messages": [
            {"role": "user", "content": "u"}, {"role": "assistant", "content": ""}]})))
    with pytest.raises(ValueError, match="must end with the assistant reply"):
        read_instructions(write(tmp_path, "c.json", json.dumps([{"messages": [{"role": "user", "content": "u"}]}])))
    with pytest.raises(ValueError, match="role 'bot'"):
        read_instructions(write(tmp_path, "d.json", json.dumps([{"messages": [{"role": "bot", "content": "u"}]}])))
    with pytest.raises(ValueError, match="neither Alpaca"):
        read_instructions(write(tmp_path, "e.json", json.dumps([{"prompt": "p", "completion": "c"}])))
    with pytest.raises(ValueError, match="list of {role, content} objects"):
        read_instructions(write(tmp_path, "g.json", json.dumps([{"messages": [{"from": "human", "value": "u"}]}])))
    with pytest.raises(ValueError, match="system is allowed only as the first message"):
        read_instructions(write(tmp_path, "f.json", json.dumps([{"messages": [
            {"role": "user", "content": "u"}, {"role": "system", "content": "s"},
            {"role": "assistant", "content": "a"}]}])))


# ---------------------------------------------------------------- plain text


def test_read_text_utf8_bom_and_bad_bytes(tmp_path):
    assert read_text(write(tmp_path, "a.txt", "\ufeffhéllo\n中文")) == "héllo\n中文"
    gbk = "line one\n中文".encode("gbk")
    msg = r"g\.txt: not valid UTF-8 at byte offset 9 \(line 2.*re-save the file as UTF-8"
    with pytest.raises(ValueError, match=msg):
        read_text(write(tmp_path, "g.txt", gbk))
    with pytest.raises(ValueError, match="not valid UTF-8"):  # the JSON readers go through read_text too
        read_squad(write(tmp_path, "g.json", b'{"data": "\xff"}'))


# ---------------------------------------------------------------- real data (../shared/data)

real = pytest.mark.skipif(not DATA.is_dir(), reason=f"real datasets not found at {DATA} (../shared/data)")


@real
@pytest.mark.slow
def test_real_conll2003():
    rows = read_conll(DATA / "conll2003" / "train.txt")
    assert len(rows) == 14041 and sum(len(r["tokens"]) for r in rows) == 203621
    assert rows[0] == {"tokens": ["EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."],
                       "tags": ["B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"]}
    assert len({t for r in rows for t in r["tags"]}) == 9
    assert [len(read_conll(DATA / "conll2003" / f)) for f in ("valid.txt", "test.txt")] == [3250, 3453]
    assert looks_like_conll(DATA / "conll2003" / "train.txt")


@real
@pytest.mark.slow
def test_real_weibo_ner():
    counts = {"train": (1350, 73778), "dev": (270, 14509), "test": (270, 14842)}
    for split, (n_sent, n_chars) in counts.items():
        path = DATA / "weibo_ner" / f"weiboNER_2nd_conll.{split}"
        rows = read_conll(path)  # char+segpos detected automatically
        assert (len(rows), sum(len(r["tokens"]) for r in rows)) == (n_sent, n_chars)
        tokens = [t for r in rows for t in r["tokens"]]
        assert sum(len(t) != 1 for t in tokens) == sum(t == "\ufffd\ufffd" for t in tokens)  # only the mangled emoji
        assert len({t for r in rows for t in r["tags"]}) == 17
        assert looks_like_conll(path)


@real
@pytest.mark.slow
def test_real_squad_style_files_and_bad_offsets():
    for lang in ("en", "zh"):
        rows = read_squad(DATA / "xquad" / f"xquad.{lang}.json")
        assert len(rows) == 1190 and len({r["context"] for r in rows}) == 240
        assert check_answers(rows)[1] == {"answers": 1190, "ok": 1190, "repaired": 0, "dropped": 0,
                                          "questions_dropped": 0}
    trial = read_squad(DATA / "cmrc2018" / "cmrc2018_trial.json")
    assert len(trial) == 1002
    # SOURCE.md: 5 of 1,002 trial offsets are off by one -> all repaired
    assert check_answers(trial)[1] == {"answers": 1002, "ok": 997, "repaired": 5, "dropped": 0, "questions_dropped": 0}
    dev = read_squad(DATA / "cmrc2018" / "cmrc2018_dev.json")
    assert len(dev) == 3219
    good, counts = check_answers(dev)
    # SOURCE.md: 200 of 9,657 dev answers have bad offsets, 193 of them not in the context at all.
    # Every question keeps at least one of its 3 answers.
    assert counts == {"answers": 9657, "ok": 9457, "repaired": 7, "dropped": 193, "questions_dropped": 0}
    assert len(good) == 3219
    for r in good:
        for t, s in zip(r["answers"]["text"], r["answers"]["answer_start"]):
            assert r["context"][s : s + len(t)] == t


@real
@pytest.mark.slow
def test_real_alpaca_demo():
    en = read_instructions(DATA / "alpaca_demo" / "alpaca_en_demo.json")
    zh = read_instructions(DATA / "alpaca_demo" / "alpaca_zh_demo.json")
    assert (len(en), len(zh)) == (999, 1000)
    raw = json.loads(read_text(DATA / "alpaca_demo" / "alpaca_en_demo.json"))
    assert sum("\n" + r["input"] in e["messages"][0]["content"] for r, e in zip(raw, en) if r["input"]) == 412
    assert all([m["role"] for m in e["messages"]] == ["user", "assistant"] for e in en)


@real
@pytest.mark.slow
def test_real_plain_text_and_negatives():
    assert len(read_text(DATA / "tiny_shakespeare" / "input.txt")) == 1115394
    for f in ("sst2/dev.tsv", "chnsenticorp/dev.tsv", "wikitext2/valid.txt", "xquad/xquad.en.json"):
        assert not looks_like_conll(DATA / f), f
