"""data.streaming: a datasets IterableDataset with a shuffle buffer, packed LM blocks, a share per rank, and its
position in the checkpoint so that a resumed run goes on after the last example it trained on."""

from __future__ import annotations

import json
import re

import pytest

from workbench import store
from workbench.datasets_io import stream as streaming
from workbench.dist.ranks import World
from workbench.errors import ConfigError, DataError

pytestmark = pytest.mark.usefixtures("one_thread")

WORDS = "river town light stone paper garden window music winter summer morning letter".split()
ID = re.compile(r"id(\d{5}) ")


def write_lines(path, n=1500) -> str:
    """Plain text, one example per line, each starting with its id: id00017 <words>."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(f"id{i:05d} " + " ".join(WORDS[(i + k) % len(WORDS)] for k in range(6)) + "\n")
    return str(path)


def write_sft(path, n=400) -> str:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"instruction": f"Say the word {WORDS[i % len(WORDS)]}.", "input": "",
                                "output": f"{WORDS[i % len(WORDS)]} {WORDS[(i + 1) % len(WORDS)]}"}) + "\n")
    return str(path)


@pytest.fixture
def lm_cfg(make_cfg, tiny_gpt_dir, tmp_path):
    text = write_lines(tmp_path / "stream.txt")

    def build(steps=4, data=None, **train):
        return make_cfg(task={"name": "causal_lm", "mode": "text"}, model={"name": tiny_gpt_dir},
                        data={"train": text, "max_length": 32, "streaming": True, "shuffle_buffer": 0,
                              "stream_validation_rows": 40, **(data or {})},
                        train={"max_steps": steps, "batch_size": 4, "scheduler": "constant", "warmup_ratio": 0.0,
                               "eval_every": 1000, **train})
    return build


def _task(cfg, tiny_gpt_dir):
    from transformers import AutoTokenizer

    from workbench.tasks import build
    task = build(cfg)
    return task, AutoTokenizer.from_pretrained(tiny_gpt_dir)


def _ids(tokenizer, rows) -> list[int]:
    return [int(m) for r in rows for m in ID.findall(tokenizer.decode(r["input_ids"]) + " ")]


def test_streamed_lm_run_trains_and_its_loss_falls(lm_cfg, train):
    paths, summary = train(lm_cfg(steps=40, lr=3e-3, log_every=1, data={"shuffle_buffer": 200}))
    assert summary["status"] == "completed", summary.get("error")
    losses = [e["loss"] for e in store.read_metrics(paths, ("step",))]
    assert len(losses) == 40
    assert sum(losses[-5:]) / 5 < 0.7 * sum(losses[:5]) / 5, losses
    assert summary["metrics"]["eval_loss"] < losses[0]


def test_streamed_lm_rows_are_full_packed_blocks(lm_cfg, make_cfg, tiny_gpt_dir, tmp_path):
    cfg = lm_cfg()
    task, tok = _task(cfg, tiny_gpt_dir)
    s = streaming.Stream(cfg, task)
    task.setup(tok)
    rows = [r for m in range(5) for r in s.batches(4, 5).get(m)]
    assert len(rows) == 20 and {len(r["input_ids"]) for r in rows} == {32}
    assert all(r["labels"] == r["input_ids"] for r in rows)
    assert min(_ids(tok, rows)) >= 40              # the validation head is never trained on
    assert len(s.raw["validation"]) == 40 and _ids(tok, [{"input_ids": tok(s.raw["validation"]["text"][-1])
                                                          ["input_ids"]}]) == [39]
    # instructions: conversations joined into full blocks, prompt tokens without loss, answers with
    sft = make_cfg(task={"name": "causal_lm", "mode": "instructions"}, model={"name": tiny_gpt_dir},
                   data={"train": write_sft(tmp_path / "sft.jsonl"), "max_length": 128, "streaming": True},
                   train={"max_steps": 3})
    task, tok = _task(sft, tiny_gpt_dir)
    s = streaming.Stream(sft, task)
    task.setup(tok)
    blocks = s.batches(8, 3).get(0)
    assert {len(b["input_ids"]) for b in blocks} == {128}
    labels = [t for b in blocks for t in b["labels"]]
    assert -100 in labels and any(t != -100 for t in labels)
    assert sum(tok.decode(b["input_ids"]).count("### Response") for b in blocks) > len(blocks)   # several a block


def test_two_ranks_stream_disjoint_shares(lm_cfg, tiny_gpt_dir):
    cfg = lm_cfg(data={"shuffle_buffer": 64})
    seen = []
    for rank in (0, 1):
        task, tok = _task(cfg, tiny_gpt_dir)
        s = streaming.Stream(cfg, task, rank, 2)
        task.setup(tok)
        b = s.batches(8, 10)
        assert b.bs == 4 and b.take(0, World(rank, 2, rank))[0] == 8
        seen.append(set(_ids(tok, [r for m in range(1, 10) for r in b.get(m)])))
    assert len(seen[0]) > 15 and len(seen[1]) > 15
    assert not seen[0] & seen[1]


@pytest.mark.parametrize("buffer", [0, 64])
def test_a_resumed_stream_goes_on_after_what_it_trained_on(lm_cfg, train, monkeypatch, tiny_gpt_dir, buffer):
    from transformers import AutoTokenizer

    from workbench.config import RunConfig
    from workbench.run import loop as trainer
    tok = AutoTokenizer.from_pretrained(tiny_gpt_dir)
    trained: list[list[int]] = []
    real_get = streaming.StreamBatches.get
    monkeypatch.setattr(streaming.StreamBatches, "get", lambda self, m: trained.append(
        _ids(tok, rows := real_get(self, m))) or rows)

    straight, s = train(lm_cfg(steps=6, data={"shuffle_buffer": buffer}))
    assert s["status"] == "completed", s.get("error")
    whole, trained[:] = list(trained), []
    paths, s = train(lm_cfg(steps=3, data={"shuffle_buffer": buffer}))
    assert s["status"] == "completed", s.get("error")
    state = json.loads((store.RunPaths(paths.root).checkpoints / "step-00000003" / "state.json").read_text())
    assert state["stream"][0]["epoch"] == 0 and state["stream"][0]["position"]
    first, trained[:] = list(trained), []
    s = trainer.run(RunConfig.load(paths.config, ["train.max_steps=6"]), paths, resume=True)
    assert s["status"] == "completed", s.get("error")
    after = trained
    assert len(first) == len(after) == 3 and whole[:3] == first
    seen = {i for ids in first for i in ids}
    assert seen and all(ids for ids in after)
    assert not seen & {i for ids in after for i in ids}     # nothing seen before the stop comes again
    if buffer == 0:                                         # no buffer to lose: exactly the uninterrupted run
        assert after == whole[3:]


def test_streaming_refusals(make_cfg, lm_cfg, tiny_gpt_dir):
    with pytest.raises(ConfigError, match="train.max_steps"):
        make_cfg(task={"name": "causal_lm"}, data={"streaming": True}, train={"max_steps": None})
    with pytest.raises(ConfigError, match="data.streaming.*multitask.*cannot stream.*causal_lm"):
        make_cfg(task={"name": "multitask", "tasks": []}, data={"streaming": True})
    cfg = lm_cfg()
    task, _ = _task(cfg, tiny_gpt_dir)
    b = streaming.Stream(cfg, task).batches(4, 4)
    with pytest.raises(DataError, match="train.processes=2"):
        b.resume({"stream": [{"epoch": 0, "position": None}] * 2}, World())
    with pytest.raises(DataError, match="no stream position"):
        b.resume({"best": {}}, World())
    with pytest.raises(DataError, match="too few to hold out"):
        streaming.Stream(lm_cfg(data={"stream_validation_rows": 5000}), task)


def test_two_processes_stream_and_save_both_positions(lm_cfg, train):
    paths, summary = train(lm_cfg(steps=3, processes=2))
    assert summary["status"] == "completed", summary.get("error")
    assert summary["world_size"] == 2
    state = json.loads((paths.checkpoints / "step-00000003" / "state.json").read_text())
    assert len(state["stream"]) == 2 and all(s["position"] for s in state["stream"])
    # resumed by 2 processes again: each rank restores its own position
    from workbench.config import RunConfig
    from workbench.run import loop as trainer
    cfg = RunConfig.load(paths.config, ["train.max_steps=5"])
    paths.config.write_text(cfg.to_yaml())   # the ranks read the run folder's config (as `workbench resume` does)
    resumed = trainer.run(cfg, paths, resume=True)
    assert resumed["status"] == "completed", resumed.get("error")
    assert sorted(e["step"] for e in store.read_metrics(paths, ("step",))) == [1, 2, 3, 4, 5]
