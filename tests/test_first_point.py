"""Start -> first loss point: nothing the first step does not need comes before it. The run's events say where the
preparation went (Started.prepare_s), the training split is the only one encoded before step 1 (validation and
test follow the first logged step), and the first step is always logged, whatever train.log_every says."""

import pytest

from workbench import store

pytestmark = pytest.mark.usefixtures("one_thread")


def _cfg(make_cfg, tiny_cls_data, tiny_bert_dir, **train):
    return make_cfg(model={"name": tiny_bert_dir},
                    data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"], "validation_split": 0.2},
                    train=train)


def test_only_the_training_split_is_encoded_before_the_first_point(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=6, log_every=5))
    assert summary["status"] == "completed"
    events = store.read_metrics(paths)
    kinds = [e["type"] if e["type"] != "log" else e["message"][:20] for e in events]
    prepare = [e for e in events if e["type"] == "prepare"]
    start = next(e for e in events if e["type"] == "start")
    steps = [e["step"] for e in events if e["type"] == "step"]

    assert [p["what"] for p in prepare] == ["data", "model", "tokenize"]
    assert prepare[-1]["rows"] == start["examples"]["train"]            # "tokenizing n rows": the training rows
    assert set(start["examples"]) == {"train", "validation", "test"}
    assert list(start["prepare_s"]) == ["data", "tokenizer", "model", "encode", "setup"]
    assert all(v >= 0 for v in start["prepare_s"].values())
    # before step 1 only the training data is encoded; validation and test right after the first point
    first_step = kinds.index("step")
    encoded = [i for i, k in enumerate(kinds) if k.startswith("encoded the ")]
    assert len(encoded) == 2 and encoded[0] < kinds.index("start") < first_step < encoded[1]
    assert events[encoded[1]]["message"].startswith("encoded the validation and test data")
    assert steps == [1, 5, 6]                                           # step 1 at once, then every log_every
    assert summary["metrics"]["eval_split"] == "test" and "eval_accuracy" in summary["metrics"]


def test_stopped_before_the_first_step_still_evaluates(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    from workbench.run.jobs import StopSignal
    stop = StopSignal()

    def stop_at_start(ev):
        if ev.type == "start":
            stop.request("save")
    paths, summary = train(_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, max_steps=6), listener=stop_at_start,
                           stop=stop)
    assert summary["status"] == "stopped" and summary["metrics"]["steps"] == 0
    assert "eval_accuracy" in summary["metrics"]                       # the test split was encoded for it
