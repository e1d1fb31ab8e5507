"""data.streaming for the tasks that are not causal LM: rows encoded per map batch by the task's own encode, no
packing, batches grouped by length within a window of rows, a share per rank, and a resume that goes on after
the last batch trained on (row ids read back from the trained token ids)."""

from __future__ import annotations

import json

import pytest

from _words import NEG, NOUNS, POS
from workbench import store
from workbench.datasets_io import stream as streaming
from workbench.datasets_io import stream_batches
from workbench.dist.ranks import World
from workbench.errors import ConfigError, DataError

pytestmark = pytest.mark.usefixtures("one_thread")


def text_of(i: int) -> str:
    """Row i's text: the label's word, a length that varies with i, and its id as three nouns at the end."""
    word = (POS if i % 2 == 0 else NEG)[i % 8]
    filler = " ".join(NOUNS[(i + k) % 10] for k in range(i % 7))
    return f"the {filler} was {word} {NOUNS[i // 100 % 10]} {NOUNS[i // 10 % 10]} {NOUNS[i % 10]}"


def write_cls(path, n=1000, label=lambda i: "positive" if i % 2 == 0 else "negative") -> str:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"text": text_of(i), "label": label(i)}) + "\n")
    return str(path)


def row_id(tok, ids) -> int:
    words = tok.decode(ids, skip_special_tokens=True).split()
    return NOUNS.index(words[-3]) * 100 + NOUNS.index(words[-2]) * 10 + NOUNS.index(words[-1])


@pytest.fixture
def cls_cfg(make_cfg, tiny_bert_dir, tmp_path):
    path = write_cls(tmp_path / "cls.jsonl")

    def build(steps=4, data=None, **train):
        return make_cfg(model={"name": tiny_bert_dir},
                        data={"train": path, "max_length": 32, "streaming": True, "shuffle_buffer": 0,
                              "stream_validation_rows": 40, **(data or {})},
                        train={"max_steps": steps, "batch_size": 4, "scheduler": "constant", "warmup_ratio": 0.0,
                               "eval_every": 1000, **train})
    return build


def _stream(cfg, tiny_bert_dir, rank=0, size=1):
    from transformers import AutoTokenizer

    from workbench.tasks import build
    task, tok = build(cfg), AutoTokenizer.from_pretrained(tiny_bert_dir)
    s = streaming.Stream(cfg, task, rank, size)
    task.setup(tok)
    return s, tok


def test_streamed_classification_trains_and_its_loss_falls(cls_cfg, train):
    paths, summary = train(cls_cfg(steps=60, lr=3e-3, batch_size=8, data={"shuffle_buffer": 200}))
    assert summary["status"] == "completed", summary.get("error")
    losses = [e["loss"] for e in store.read_metrics(paths, ("step",))]
    assert len(losses) == 60
    assert sum(losses[-10:]) / 10 < 0.8 * sum(losses[:10]) / 10, losses
    assert summary["metrics"]["eval_accuracy"] > 0.6


def test_streamed_rows_are_the_tasks_rows_grouped_by_length(cls_cfg, tiny_bert_dir):
    s, tok = _stream(cls_cfg(), tiny_bert_dir)
    b = s.batches(4, 400)
    assert b.group and not s.packed
    rows = [r for m in range(100) for r in b.get(m)]
    assert {"input_ids", "attention_mask", "labels"} <= set(rows[0]) <= set(streaming.TRAIN_KEYS)   # no raw columns
    ids = [row_id(tok, r["input_ids"]) for r in rows]
    assert min(ids) >= 40 and len(set(ids)) == 400    # after the validation head; each row once
    assert all(r["labels"] == (0 if i % 2 else 1) for r, i in zip(rows, ids))   # negative=0, positive=1
    # grouped: the padding of these batches is a fraction of the padding of the stream's own order
    pad = lambda batches: sum(max(map(len, bt)) * len(bt) - sum(map(len, bt)) for bt in batches)   # noqa: E731
    grouped = [[r["input_ids"] for r in b.get(m)] for m in range(100, 150)]
    plain = streaming.Stream(cls_cfg(group_by_length=False), s.task)
    p = plain.batches(4, 400)
    ungrouped = [[r["input_ids"] for r in p.get(m)] for m in range(150)][100:]
    assert not p.group and pad(grouped) < 0.5 * pad(ungrouped), (pad(grouped), pad(ungrouped))


def test_two_ranks_stream_disjoint_classification_rows(cls_cfg, tiny_bert_dir):
    seen = []
    for rank in (0, 1):
        s, tok = _stream(cls_cfg(data={"shuffle_buffer": 64}), tiny_bert_dir, rank, 2)
        b = s.batches(8, 100)
        assert b.bs == 4 and b.take(0, World(rank, 2, rank))[0] == 8
        seen.append({row_id(tok, r["input_ids"]) for m in range(1, 60) for r in b.get(m)})
    assert len(seen[0]) > 150 and len(seen[1]) > 150
    assert not seen[0] & seen[1]


@pytest.mark.parametrize("buffer", [0, 64])
def test_a_resumed_classification_stream_goes_on_without_replaying(cls_cfg, train, monkeypatch, tiny_bert_dir,
                                                                  buffer):
    from transformers import AutoTokenizer

    from workbench.config import RunConfig
    from workbench.run import loop as trainer
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    trained: list[list[int]] = []
    real_get = stream_batches.StreamBatches.get

    def get(self, m):
        rows = real_get(self, m)
        trained.append([row_id(tok, r["input_ids"]) for r in rows])
        return rows
    monkeypatch.setattr(stream_batches.StreamBatches, "get", get)
    monkeypatch.setattr(stream_batches, "GROUP_WINDOW", 4)   # the stop falls inside a window
    _, s = train(cls_cfg(steps=10, data={"shuffle_buffer": buffer}))
    assert s["status"] == "completed", s.get("error")
    whole, trained[:] = list(trained), []
    paths, s = train(cls_cfg(steps=6, data={"shuffle_buffer": buffer}))
    assert s["status"] == "completed", s.get("error")
    state = json.loads((paths.checkpoints / "step-00000006" / "state.json").read_text())
    assert state["stream"][0]["windows"] >= 1
    first, trained[:] = list(trained), []
    s = trainer.run(RunConfig.load(paths.config, ["train.max_steps=10"]), paths, resume=True)
    assert s["status"] == "completed", s.get("error")
    after = trained
    assert len(first) == 6 and len(after) == 4 and whole[:6] == first
    seen = {i for ids in first for i in ids}
    assert not seen & {i for ids in after for i in ids}     # nothing trained on before the stop comes again
    if buffer == 0:                                         # read again from the window's start: exactly the same
        assert after == whole[6:]


def test_a_label_the_head_did_not_have_is_named(cls_cfg, tiny_bert_dir, tmp_path):
    late = write_cls(tmp_path / "late.jsonl", label=lambda i: "neutral" if i == 700 else
                     ("positive" if i % 2 == 0 else "negative"))
    s, _ = _stream(cls_cfg(data={"train": late}), tiny_bert_dir)
    b = s.batches(4, 400)
    with pytest.raises(DataError, match=r"label 'neutral'.*not among the labels learned.*first rows"):
        for m in range(300):
            b.get(m)


def test_tasks_that_stream_and_the_one_that_does_not(make_cfg, tiny_bert_dir, tmp_path):
    for name in streaming.STREAM_TASKS:
        assert make_cfg(task={"name": name}, data={"streaming": True}).data.streaming   # no refusal
    with pytest.raises(ConfigError, match="multitask.*cannot stream: its sub-tasks"):
        make_cfg(task={"name": "multitask", "tasks": []}, data={"streaming": True})
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps({"version": "1.1", "data": [{"title": "t", "paragraphs": []}]}))
    cfg = make_cfg(task={"name": "qa"}, model={"name": tiny_bert_dir},
                   data={"train": str(squad), "streaming": True, "stream_validation_rows": 1})
    from workbench.tasks import build
    with pytest.raises(DataError, match="one JSON document.*JSON lines"):
        streaming.Stream(cfg, build(cfg))


def write_rows(path, rows) -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    return str(path)


def _task_data(name: str, tmp_path) -> tuple[dict, dict]:
    """(task section, data section) of a small streamed file for each task."""
    n = 300
    if name == "regression":
        rows = [{"text": text_of(i), "label": float(i % 5)} for i in range(n)]
    elif name == "token_classification":
        rows = [{"tokens": ["the", NOUNS[i % 10], "was", POS[i % 8]], "tags": ["O", "B-THING", "O", "O"]}
                for i in range(n)]
    elif name == "qa":
        rows = []
        for i in range(n):
            ctx = f"the {NOUNS[i % 10]} was {POS[i % 8]} and the {NOUNS[(i + 3) % 10]} was {NEG[i % 8]}"
            rows.append({"question": f"how was the {NOUNS[i % 10]}", "context": ctx,
                         "answers": {"text": [POS[i % 8]], "answer_start": [ctx.index(POS[i % 8])]}})
    else:
        rows = [{"text": text_of(i)} for i in range(n)]
    task = {"name": name, **({"max_new_tokens": 4} if name == "denoising" else {})}
    return task, {"train": write_rows(tmp_path / f"{name}.jsonl", rows)}


@pytest.mark.parametrize("name", ["regression", "token_classification", "qa", "masked_lm", "contrastive",
                                  "denoising"])
def test_each_streaming_task_trains_from_a_stream(name, make_cfg, tiny_bert_dir, tiny_gpt_dir, tmp_path, train):
    task, data = _task_data(name, tmp_path)
    model = tiny_gpt_dir if name == "denoising" else tiny_bert_dir   # denoising: a decoder
    cfg = make_cfg(task=task, model={"name": model},
                   data={**data, "max_length": 48, "streaming": True, "stream_validation_rows": 30},
                   train={"max_steps": 6, "batch_size": 4, "eval_every": 1000})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    losses = [e["loss"] for e in store.read_metrics(paths, ("step",))]
    assert len(losses) == 6 and all(loss == loss for loss in losses)   # finite (NaN != NaN)
