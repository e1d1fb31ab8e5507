"""Data through `datasets`: files read into memory-mapped Arrow, training rows encoded once into the cache (a second
run on the same file tokenizes nothing), batches read from the Arrow table, the clear errors kept."""

from __future__ import annotations

import json

import pytest

from workbench.datasets_io import encoded, files
from workbench.errors import DataError
from workbench.run.batches import Batches

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "encoded"
    monkeypatch.setenv("WORKBENCH_ENCODED_CACHE", str(root))
    return root


def write_sft(path, n=60, bad_line=None):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            if bad_line == i + 1:
                f.write('{"instruction": "broken", "output": \n')
                continue
            f.write(json.dumps({"instruction": f"Repeat the word number {i}.", "input": "",
                                "output": f"word {i} word {i}"}) + "\n")
    return str(path)


def test_files_are_read_into_memory_mapped_arrow(tmp_path, tiny_cls_data):
    jsonl = files.read(write_sft(tmp_path / "a.jsonl"), "jsonl")
    table = files.read(tiny_cls_data["train"], "csv")
    for ds in (jsonl, table):
        assert ds is not None and ds.cache_files, "expected an Arrow file behind the dataset"
    assert jsonl.column_names[:2] == ["instruction", "input"] and len(jsonl) == 60
    # the fingerprint follows the content: the same bytes under another name give the same one, other bytes not
    (tmp_path / "b.jsonl").write_bytes((tmp_path / "a.jsonl").read_bytes())
    assert files.read(str(tmp_path / "b.jsonl"), "jsonl")._fingerprint == jsonl._fingerprint
    assert files.read(write_sft(tmp_path / "c.jsonl", n=61), "jsonl")._fingerprint != jsonl._fingerprint
    assert files.read(str(tmp_path / "missing.jsonl"), "jsonl") is None


def test_a_broken_jsonl_line_is_still_named(tmp_path, make_cfg, train, tiny_gpt_dir, cache):
    path = write_sft(tmp_path / "bad.jsonl", bad_line=7)
    cfg = make_cfg(task={"name": "causal_lm", "mode": "instructions"}, model={"name": tiny_gpt_dir},
                   data={"train": path})
    _, summary = train(cfg)
    assert summary["status"] == "failed" and ":7:" in summary["error"] and "JSONL" in summary["error"]


def test_second_run_on_the_same_file_skips_tokenization(tmp_path, make_cfg, train, tiny_gpt_dir, cache,
                                                         monkeypatch):
    path = write_sft(tmp_path / "sft.jsonl")
    cfg = make_cfg(task={"name": "causal_lm", "mode": "instructions", "max_new_tokens": 2},
                   model={"name": tiny_gpt_dir}, data={"train": path, "max_length": 48}, train={"max_steps": 2})
    _, first = train(cfg)
    assert first["status"] == "completed", first.get("error")
    made = sorted(p.name for p in cache.glob("*.arrow"))
    assert any(n.startswith("causal_lm-train-") for n in made) and any("validation" in n for n in made)

    from workbench.tasks.causal_lm import CausalLM

    def no_tokenizing(self, ds, split):
        raise AssertionError("the second run tokenized again")
    monkeypatch.setattr(CausalLM, "encode", no_tokenizing)
    _, second = train(cfg)
    assert second["status"] == "completed", second.get("error")
    assert sorted(p.name for p in cache.glob("*.arrow")) == made
    # other task options or another max_length are another encoding
    monkeypatch.undo()
    monkeypatch.setenv("WORKBENCH_ENCODED_CACHE", str(cache))
    _, third = train(make_cfg(
        task={"name": "causal_lm", "mode": "instructions", "max_new_tokens": 2, "train_on_prompt": True},
        model={"name": tiny_gpt_dir}, data={"train": path, "max_length": 48}, train={"max_steps": 2}))
    assert third["status"] == "completed"
    assert len(list(cache.glob("causal_lm-train-*.arrow"))) == 2


def test_classification_rows_come_from_the_arrow_cache(make_cfg, train, tiny_cls_data, tiny_bert_dir, cache):
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]})
    _, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert {p.name.split("-")[1] for p in cache.glob("classification-*.arrow")} == {"train", "validation", "test"}


@pytest.mark.parametrize("group", [False, True])
def test_batches_index_the_arrow_table_like_a_list(tmp_path, group):
    from datasets import Dataset
    rows = [{"input_ids": list(range(1 + i % 9)), "labels": i} for i in range(37)]
    ds = Dataset.from_list(rows)
    ds.save_to_disk(str(tmp_path / "ds"))
    arrow = Dataset.load_from_disk(str(tmp_path / "ds"))
    a, b = Batches(rows, 5, 3, group), Batches(arrow, 5, 3, group)
    assert a.per_epoch == b.per_epoch == 8
    for m in range(2 * a.per_epoch):
        assert a.get(m) == b.get(m)


def test_a_split_with_no_usable_row_is_refused_once(tmp_path, tiny_gpt_dir, cache):
    from datasets import Dataset

    class Refusing:
        name, arrow_rows, tokenizer, opts, data_cfg = "causal_lm", True, None, None, None

        def encode(self, ds, split):
            raise DataError(f"no {split} conversation fits in data.max_length=8 tokens; raise data.max_length")
    with pytest.raises(DataError, match="no train conversation fits"):
        encoded.encode(Refusing(), Dataset.from_list([{"instruction": "a", "output": "b"}] * 3), "train")
    assert not list(cache.glob("*.arrow")) and not list(cache.glob(".*tmp"))


def test_preview_of_a_large_file_reads_the_first_rows_only(tmp_path, monkeypatch):
    from workbench import data
    from workbench.config import RunConfig
    from workbench.tasks import build
    path = write_sft(tmp_path / "big.jsonl", n=50)
    with open(path, "a", encoding="utf-8") as f:
        f.write("this line is not JSON: a full read would fail here\n")
    cfg = RunConfig.from_dict({"task": {"name": "causal_lm", "mode": "instructions"}, "data": {"train": path}})
    monkeypatch.setattr(data, "PREVIEW_FULL_READ_BYTES", 100)    # the file counts as large
    first = data.preview(path, build(cfg), cfg.data, rows=5)
    assert len(first) == 5 and first[0]["instruction"] == "Repeat the word number 0."
    for fmt, text in (("csv", "text,label\na,1\nb,2\nc,3\n"), ("txt", "one\ntwo\nthree\n")):
        p = tmp_path / f"t.{fmt}"
        p.write_text(text)
        assert files.head(str(p), fmt, 2)[:] == ({"text": ["a", "b"], "label": [1, 2]} if fmt == "csv"
                                                  else {"text": ["one", "two"]})
