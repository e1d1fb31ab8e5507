"""Extractive QA: reading SQuAD-style files, answer offsets repaired or skipped with a warning, windows over long
contexts (the answer found in the second window maps back to its exact characters), n-best span selection,
EM/F1 against hand-computed values (English and Chinese rules), data checks, and tiny end-to-end runs."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from transformers import AutoTokenizer

from workbench import data
from workbench.model import catalogue as models
from workbench.tasks import load_saved
from workbench.config import DataConfig, ModelConfig, RunConfig
from workbench.errors import DataError
from workbench.tasks import TASKS
from workbench.tasks._qa_features import best_spans
from workbench.tasks.qa import split_by_context

# Words spelt with letters of the tiny tokenizer's corpus (no capitals, no j/q/z).
CONTEXTS = ["the hotel was superb and the room felt fine", "the song was boring and the game felt weak too",
            "the river runs to the sea near the old town"]


def squad(paragraphs):
    """SQuAD v1.1 JSON from [(context, [(question, answer, answer_start or None), ...]), ...]."""
    out = []
    for p, (ctx, qas) in enumerate(paragraphs):
        items = [{"id": f"p{p}q{q}", "question": question,
                  "answers": [{"text": ans, "answer_start": ctx.index(ans) if start is None else start}]}
                 for q, (question, ans, start) in enumerate(qas)]
        out.append({"title": "t", "paragraphs": [{"context": ctx, "qas": items}]})
    return {"version": "1.1", "data": out}


def write(path, obj):
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(path)


BASIC = [(CONTEXTS[0], [("how was the hotel", "superb", None), ("how was the room", "fine", None)]),
         (CONTEXTS[1], [("how was the game", "weak", None)]),
         (CONTEXTS[2], [("where does the river run", "the sea", None), ("near what", "old town", None)])]


def make_task(max_length=64, **opts):
    cls = TASKS.get("qa")
    return cls(cls.Options(**opts), DataConfig(max_length=max_length), ModelConfig())


@pytest.fixture
def qa_files(tmp_path):
    return {"train": write(tmp_path / "train.json", squad(BASIC * 8)), "test": write(tmp_path / "test.json",
                                                                                      squad(BASIC))}


@pytest.fixture
def tok(tiny_bert_dir):
    return AutoTokenizer.from_pretrained(tiny_bert_dir)


def load(tmp_path, task, paragraphs, name="d.json"):
    path = write(tmp_path / name, squad(paragraphs))
    return data.load(DataConfig(train=path, validation=path, max_length=task.data_cfg.max_length), task)


# ---------------------------------------------------------------- reading and answer checks
def test_reads_squad_and_flat_jsonl(tmp_path):
    task = make_task()
    ds = task.read(write(tmp_path / "s.json", squad(BASIC)), "json")
    assert len(ds) == 5 and ds[0]["context"] == CONTEXTS[0]
    assert ds[0]["answers"] == {"text": ["superb"], "answer_start": [14]}
    (tmp_path / "f.jsonl").write_text(json.dumps({"question": "q", "context": "a b", "answers": [
        {"text": "b", "answer_start": 2}]}) + "\n")
    assert task.read(str(tmp_path / "f.jsonl"), "jsonl")[0]["answers"]["text"] == ["b"]


def test_wrong_offsets_are_repaired_and_missing_answers_skipped_with_a_warning(tmp_path, tok):
    paragraphs = [(CONTEXTS[0], [("how was the hotel", "superb", 3),           # wrong offset: repaired
                                 ("how was the room", "awful", 0)]),           # not in the context: skipped
                  (CONTEXTS[2], [("near what", "old town", None)])]
    task = make_task()
    ds = load(tmp_path, task, paragraphs)
    assert any("1 of 3 answers had a wrong answer_start" in w and "1 do not occur in the context" in w
               and "1 questions left without an answer" in w for w in task.warnings)
    task.setup(tok)
    rows = task.encode(ds["train"], "train")
    assert {r["example"] for r in rows} == {0, 1}                   # the unanswerable question is not trained on
    spans = {r["context"][r["offsets"][r["start_positions"]][0]:r["offsets"][r["end_positions"]][1]] for r in rows}
    assert spans == {"superb", "old town"}
    # evaluation keeps every question and every reference text
    assert len({r["example"] for r in task.encode(ds["validation"], "validation")}) == 3


def test_data_checks(tmp_path):
    task = make_task()
    nothing = write(tmp_path / "n.json", squad([(CONTEXTS[0], [("q", "absent words", 0)])]))
    with pytest.raises(DataError, match="no training question of data.train .* has an answer found"):
        data.load(DataConfig(train=nothing, validation=nothing), task)
    blank = write(tmp_path / "b.json", squad([(CONTEXTS[0], [(" ", "superb", None)])] * 3))
    with pytest.raises(DataError, match=r"3 row\(s\) of the train data have an empty question or context"):
        data.load(DataConfig(train=blank, validation=blank), make_task())
    (tmp_path / "c.csv").write_text("question,context\nq,c\n")
    with pytest.raises(DataError, match="needs 'question', 'context' and 'answers' columns"):
        data.load(DataConfig(train=str(tmp_path / "c.csv"), validation=str(tmp_path / "c.csv")), make_task())
    (tmp_path / "bad.json").write_text('{"data": [{"paragraphs": [{"qas": []}]}]}')
    with pytest.raises(DataError, match="has no 'context' string"):
        data.load(DataConfig(train=str(tmp_path / "bad.json")), make_task())


def test_doc_stride_too_large_for_the_window_is_reduced_with_a_warning(tmp_path, tok):
    task = make_task(max_length=24, doc_stride=128)
    ds = load(tmp_path, task, [(" ".join(CONTEXTS), [("near what", "old town", None)])])
    task.setup(tok)
    rows = task.encode(ds["train"], "train")
    (msg,) = [w for w in task.warnings if "doc_stride" in w]
    assert "task.doc_stride=128 leaves windows of data.max_length=24 tokens too little room" in msg
    assert len(rows) > len(ds["train"])        # long contexts still become several overlapping windows


def test_holdout_keeps_paragraphs_together():
    contexts = [c for c in CONTEXTS for _ in range(4)] + ["x"] * 3
    train_idx, held = split_by_context(contexts, 4, seed=0)
    assert len(held) >= 4 and not {contexts[i] for i in held} & {contexts[i] for i in train_idx}
    assert sorted(train_idx + held) == list(range(len(contexts)))


# ---------------------------------------------------------------- windows and spans
def test_long_context_answer_in_second_window_maps_back_exactly(tmp_path, tok):
    filler = "the film was great and the meal felt lovely".split()
    answer = "old town"
    for k in range(1, 40):   # place the answer just past what the first window covers
        context = " ".join((filler * 5)[:k]) + " near the old town and " + " ".join(filler * 3)
        task = make_task(max_length=24, doc_stride=4)
        ds = load(tmp_path, task, [(context, [("near what", answer, None)])])
        task.setup(tok)
        rows = task.encode(ds["train"], "train")
        hits = [i for i, r in enumerate(rows) if r["start_positions"] != 0]
        if len(rows) >= 3 and hits and hits[0] == 1:
            break
    else:
        pytest.fail("no filler length puts the answer in the second window")
    assert rows[0]["start_positions"] == rows[0]["end_positions"] == 0      # first window: points at [CLS]
    r = rows[1]
    assert context[r["offsets"][r["start_positions"]][0]:r["offsets"][r["end_positions"]][1]] == answer
    # windows overlap by the stride and together cover the whole context
    covered = sorted({o for r in rows for o in r["offsets"] if o is not None})
    assert covered[0][0] == 0 and covered[-1][1] == len(context)
    ends = [max(o[1] for o in r["offsets"] if o) for r in rows]
    starts = [min(o[0] for o in r["offsets"] if o) for r in rows]
    assert all(s < e for s, e in zip(starts[1:], ends[:-1]))


def test_best_span_over_windows_respects_length_and_order():
    ctx = "alpha beta gamma delta epsilon"
    offs = [(0, 5), (6, 10), (11, 16), (17, 22), (23, 30)]
    # window 0: [CLS] q [SEP] alpha beta gamma [SEP]; window 1: [CLS] q [SEP] gamma delta epsilon [SEP]
    rows = [{"example": 0, "offsets": [None, None, None, offs[0], offs[1], offs[2], None]},
            {"example": 0, "offsets": [None, None, None, offs[2], offs[3], offs[4], None]}]
    s0 = torch.tensor([50.0, 0, 0, 1, 2, 0, 0])        # [CLS] is not part of the context: never chosen
    e0 = torch.tensor([50.0, 0, 0, 0, 2.5, 0, 0])      # best in window 0: beta..beta = 4.5
    s1 = torch.tensor([0.0, 0, 0, 0, 3, 4, 0])         # epsilon start 4 ...
    e1 = torch.tensor([0.0, 0, 0, 0, 2, 0.5, 0])       # ... but end 'delta' before it: invalid; delta..delta = 5
    (best,) = best_spans(rows, [s0, s1], [e0, e1], 1, n_best=5, max_answer_tokens=30)
    assert ctx[best["start"]:best["end"]] == "delta" and best["score"] == pytest.approx(5.0)
    e1_long = torch.tensor([0.0, 0, 0, 0, 0, 9, 0])    # delta..epsilon scores 12 but is 2 tokens long
    (best,) = best_spans(rows, [s0, s1], [e0, e1_long], 1, n_best=5, max_answer_tokens=1)
    assert ctx[best["start"]:best["end"]] == "epsilon"   # epsilon..epsilon = 4 + 9 = 13, one token
    (best,) = best_spans(rows, [s0, s1], [e0, e1_long], 1, n_best=5, max_answer_tokens=2)
    assert best["score"] == pytest.approx(13.0)


# ---------------------------------------------------------------- metrics
class SpanPointer(torch.nn.Module):
    """Stands in for a QA model: start/end logits of 10 on the given token ids, 0 elsewhere."""

    def __init__(self, starts: set[int], ends: set[int]):
        super().__init__()
        self.starts, self.ends = starts, ends
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, input_ids=None, start_positions=None, end_positions=None, **kw):
        s = torch.tensor([[10.0 if int(i) in self.starts else 0.0 for i in row] for row in input_ids]) + self.dummy
        e = torch.tensor([[10.0 if int(i) in self.ends else 0.0 for i in row] for row in input_ids]) + self.dummy
        loss = None
        if start_positions is not None:
            ce = torch.nn.functional.cross_entropy
            loss = (ce(s, start_positions) + ce(e, end_positions)) / 2
        return SimpleNamespace(start_logits=s, end_logits=e, loss=loss)


def test_em_f1_match_hand_computed_values(tmp_path, tok):
    paragraphs = [(CONTEXTS[0], [("how was the hotel", "superb", None)]),
                  (CONTEXTS[1], [("how was the game", "weak", None)])]
    task = make_task()
    ds = load(tmp_path, task, paragraphs)
    task.setup(tok)
    ids = {w: tok.convert_tokens_to_ids(w) for w in ("superb", "weak", "too")}
    assert tok.unk_token_id not in ids.values()
    model = SpanPointer({ids["superb"], ids["weak"]}, {ids["superb"], ids["too"]})
    metrics, preds = task.evaluate(model, task.encode(ds["validation"], "validation"), 4)
    # "superb" = "superb": EM 1, F1 1; "weak too" vs "weak": EM 0, P 1/2, R 1, F1 2/3
    assert metrics["exact_match"] == pytest.approx(50.0)
    assert metrics["f1"] == pytest.approx(100 * (1 + 2 / 3) / 2)
    assert metrics["loss"] > 0
    assert [p.display for p in preds] == ["superb", "weak too"]
    d = preds[1].detail
    assert d["context"][d["start"]:d["end"]] == "weak too" and d["gold"] == ["weak"]


def test_chinese_contexts_use_character_f1():
    tok = AutoTokenizer.from_pretrained(str(models.minilm_path()))
    ctx = "北京是中国的首都，也是一座古城。"
    task = make_task()
    task.setup(tok)
    rows = task.features([{"question": "首都在哪里", "context": ctx,
                           "answers": {"text": ["北京"], "answer_start": [0]}}],
                         [{"text": ["北京"], "answer_start": [0]}], "validation")
    model = SpanPointer({tok.convert_tokens_to_ids("北")}, {tok.convert_tokens_to_ids("是")})
    metrics, preds = task.evaluate(model, rows, 4)
    assert preds[0].display == "北京是"
    # CMRC rules: characters 北 京 是 vs 北 京 -> longest common run 2, P 2/3, R 1, F1 0.8 (English rules: 0)
    assert metrics["exact_match"] == 0 and metrics["f1"] == pytest.approx(80.0)


# ---------------------------------------------------------------- end to end
@pytest.mark.parametrize("strategy", [{"name": "full"}, {"name": "freeze", "k": 1}, {"name": "head_only"}])
def test_qa_runs_with_strategies(strategy, make_cfg, train, qa_files, tiny_bert_dir):
    cfg = make_cfg(task={"name": "qa", "doc_stride": 8}, model={"name": tiny_bert_dir},
                   data={**qa_files, "max_length": 32}, strategy=[strategy], train={"max_steps": 3})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert {"eval_exact_match", "eval_f1", "eval_loss"} <= set(m) and 0 <= m["eval_f1"] <= 100
    if strategy["name"] == "head_only":        # the span head: hidden 32 -> 2 logits
        assert m["trainable_params"] == 32 * 2 + 2


def test_save_load_saved_identical_predictions(make_cfg, train, qa_files, tiny_bert_dir):
    cfg = make_cfg(task={"name": "qa", "doc_stride": 8}, model={"name": tiny_bert_dir},
                   data={**qa_files, "max_length": 32}, train={"max_steps": 6, "lr": 5e-3})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    model, tok, task, info = load_saved(paths.model)
    assert task.opts.doc_stride == 8 and task.data_cfg.max_length == 32
    ds = data.load(cfg.data, task)
    metrics, _ = task.evaluate(model, task.encode(ds["test"], "test"), 16)
    assert metrics["f1"] == pytest.approx(summary["metrics"]["eval_f1"])
    assert metrics["loss"] == pytest.approx(summary["metrics"]["eval_loss"], rel=1e-4)
    inputs = [{"question": "how was the room", "context": CONTEXTS[0] + " " + CONTEXTS[2]}]
    (pred,) = task.predict(model, inputs)
    assert pred.display == inputs[0]["context"][pred.detail["start"]:pred.detail["end"]]
    assert 0 < pred.confidence <= 1
    again, _, task2, _ = load_saved(paths.model)
    assert task2.predict(again, inputs)[0].detail == pred.detail
    assert task.input_kind == "qa"
    with pytest.raises(DataError, match="must be {'question': ..., 'context': ...}"):
        task.predict(model, ["just a string"])


def test_qa_presets_parse():
    presets = Path(__file__).resolve().parents[1] / "assets" / "presets"
    names = sorted(p.stem for p in presets.glob("*.yaml") if p.stem.startswith(("xquad", "cmrc2018")))
    assert "xquad-minilm" in names and any(n.startswith("cmrc2018") for n in names)
    for name in names:
        cfg = RunConfig.load(presets / f"{name}.yaml")
        assert cfg.task.name == "qa" and cfg.data.max_length == 384
