"""Token classification: reading (CoNLL, Chinese character files, JSON), sub-word label alignment, windows for
long sentences, the CRF wrapper (hand-checked Viterbi path, save/load), metrics against hand-computed values, every
data check's message, and end-to-end tiny runs with and without a CRF."""

import itertools
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
from workbench.tasks._crf_model import CRFTagger, find_crf

SENTENCES = [
    (["John", "Smith", "visited", "Paris", "yesterday", "."], ["B-PER", "I-PER", "O", "B-LOC", "O", "O"]),
    (["the", "film", "by", "Angela", "Merkel", "was", "great"], ["O", "O", "O", "B-PER", "I-PER", "O", "O"]),
    (["Google", "opened", "in", "Berlin"], ["B-ORG", "O", "O", "B-LOC"]),
    (["nothing", "here"], ["O", "O"]),
]


def write_conll(path, sentences, docstart=True, extra_cols=False):
    lines = ["-DOCSTART- -X- -X- O", ""] if docstart else []
    for words, tags in sentences:
        lines += [f"{w} NNP B-NP {t}" if extra_cols else f"{w}\t{t}" for w, t in zip(words, tags)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def make_task(scheme="auto", crf=False, max_length=128, all_sub=False, **data_kw):
    cls = TASKS.get("token_classification")
    return cls(cls.Options(scheme=scheme, label_all_subtokens=all_sub), DataConfig(max_length=max_length, **data_kw),
               ModelConfig(crf=crf))


def load_split(tmp_path, task, sentences=SENTENCES, name="train.conll", **kw):
    path = write_conll(tmp_path / name, sentences, **kw)
    return data.load(DataConfig(train=path, validation=path, max_length=task.data_cfg.max_length), task)


@pytest.fixture
def ner_files(tmp_path):
    train = write_conll(tmp_path / "train.conll", SENTENCES * 6, extra_cols=True)
    test = write_conll(tmp_path / "test.txt", SENTENCES, extra_cols=True)   # recognised by content
    return {"train": train, "test": test}


# ---------------------------------------------------------------- reading
def test_reads_conll_by_extension_and_content_skipping_docstart(tmp_path):
    task = make_task()
    path = write_conll(tmp_path / "data.txt", SENTENCES, extra_cols=True)   # .txt: sniffed by content
    ds = task.read(path, data.sniff_format(path))
    assert ds.column_names == ["tokens", "tags"] and len(ds) == len(SENTENCES)
    assert ds[0] == {"tokens": SENTENCES[0][0], "tags": SENTENCES[0][1]}   # tag from the last column
    assert task.read(write_conll(tmp_path / "x.bio", SENTENCES[:1]), "conll")[0]["tokens"] == SENTENCES[0][0]


def test_reads_chinese_character_files_and_json(tmp_path):
    task = make_task()
    (tmp_path / "weibo.train").write_text("我0\tO\n爱1\tO\n北0\tB-GPE.NAM\n京1\tI-GPE.NAM\n\n他0\tB-PER.NOM\n", "utf-8")
    ds = task.read(str(tmp_path / "weibo.train"), "txt")
    assert ds[0] == {"tokens": ["我", "爱", "北", "京"], "tags": ["O", "O", "B-GPE.NAM", "I-GPE.NAM"]}
    rows = [{"tokens": w, "tags": t} for w, t in SENTENCES]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert task.read(str(tmp_path / "d.jsonl"), "jsonl")[2] == rows[2]


def test_chinese_text_joins_without_spaces_and_predictions_have_char_offsets(tmp_path, tiny_bert_dir):
    sents = [(list("我爱北京"), ["O", "O", "B-GPE", "I-GPE"]), (list("张三去上海"), ["B-PER", "I-PER", "O", "B-GPE",
                                                                             "I-GPE"])]
    task = make_task()
    ds = load_split(tmp_path, task, sents * 3, name="zh.bmes")
    assert task.sep == "" and list(task.example_inputs(ds["train"], 1)) == ["我爱北京"]
    task.setup(AutoTokenizer.from_pretrained(tiny_bert_dir))
    model = models.load(models.resolve(tiny_bert_dir), task, task.model_cfg, 32, task.tokenizer).model.eval()
    # whatever the untrained model tags, every entity's offsets point at its characters in the raw text
    text = "张三 去上海玩"
    (pred,) = task.predict(model, [text])
    assert pred.detail["tokens"] == list("张三去上海玩")
    for e in pred.detail["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]


# ---------------------------------------------------------------- alignment and windows
# Lowercase words spelt with letters of the tiny tokenizer's corpus (it has no j, q, z or capitals): they split
# into several pieces, never into [UNK].
LOWER = [(["angela", "merkel", "visited", "paris", "yesterday"], ["B-PER", "I-PER", "O", "B-LOC", "O"]),
         (["siemens", "opened", "in", "berlin", "and", "sydney"], ["B-ORG", "O", "O", "B-LOC", "O", "B-LOC"])]


def test_labels_sit_on_first_subtokens(tmp_path, tiny_bert_dir):
    task = make_task()
    ds = load_split(tmp_path, task, LOWER)
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    task.setup(tok)
    rows = task.encode(ds["train"], "train")
    n_pieces = 0
    for row, (words, tags) in zip(rows, LOWER):
        pieces = tok.convert_ids_to_tokens(row["input_ids"])
        labelled = [(i, task.label_names[l]) for i, l in enumerate(row["labels"]) if l != -100]
        assert [t for _, t in labelled] == tags                      # one label per word, in order
        assert [i for i, _ in labelled] == row["first"]
        # the pieces from one first sub-token to the next spell exactly that word
        bounds = row["first"] + [len(pieces) - 1]
        for w, (a, b) in enumerate(zip(bounds, bounds[1:])):
            assert "".join(p.removeprefix("##") for p in pieces[a:b]) == words[w]
            n_pieces += b - a
    assert n_pieces > sum(len(w) for w, _ in LOWER)                  # the tiny vocabulary did split words


def test_label_all_subtokens_gives_inside_tags(tmp_path, tiny_bert_dir):
    task = make_task(all_sub=True)
    ds = load_split(tmp_path, task, LOWER)
    task.setup(AutoTokenizer.from_pretrained(tiny_bert_dir))
    row = task.encode(ds["train"], "train")[0]                       # angela merkel visited paris yesterday
    first, n_rest = row["first"], 0
    for w, (a, b) in enumerate(zip(first, first[1:] + [len(row["labels"]) - 1])):
        word_tag = LOWER[0][1][w]
        rest = [task.label_names[l] for l in row["labels"][a + 1:b]]
        assert task.label_names[row["labels"][a]] == word_tag
        assert all(t == ("I" + word_tag[1:] if word_tag.startswith("B-") else word_tag) for t in rest)
        n_rest += len(rest)
    assert n_rest > 0


def test_long_sentences_are_split_into_windows_not_cut(tmp_path, tiny_bert_dir):
    long = (SENTENCES[0][0] * 5, SENTENCES[0][1] * 5)
    task = make_task(max_length=12)
    ds = load_split(tmp_path, task, [long, SENTENCES[2]])
    task.setup(AutoTokenizer.from_pretrained(tiny_bert_dir))
    rows = task.encode(ds["train"], "train")
    assert any("split into windows" in w for w in task.warnings)
    windows = [r for r in rows if r["sentence"] == 0]
    assert len(windows) > 2 and all(len(r["input_ids"]) <= 12 for r in rows)
    words = [w for r in sorted(windows, key=lambda r: r["word_start"]) for w in r["words"]]
    assert words == long[0]                                          # every word in exactly one window, in order
    # evaluation puts the sentence back together: gold tags match the file
    model = models.load(models.resolve(tiny_bert_dir), task, task.model_cfg, 12, task.tokenizer).model
    _, preds = task.evaluate(model.eval(), rows, 4)
    assert preds[0].detail["gold_tags"] == long[1] and preds[0].detail["tokens"] == long[0]


# ---------------------------------------------------------------- CRF
class FixedEmitter(torch.nn.Module):
    """Stands in for a transformers token-classification model: logits looked up per input id."""

    def __init__(self, labels, table: dict[int, list[float]]):
        super().__init__()
        self.config = SimpleNamespace(id2label=dict(enumerate(labels)), num_labels=len(labels))
        self.table, self.k = table, len(labels)
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, input_ids=None, attention_mask=None, labels=None, **kw):
        rows = [[self.table.get(int(i), [0.0] * self.k) for i in seq] for seq in input_ids]
        logits = torch.tensor(rows) + 0 * self.dummy                                  # (B,T,K)
        loss = None if labels is None else torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten())
        return SimpleNamespace(logits=logits, loss=loss)


def test_crf_viterbi_finds_the_hand_checked_best_allowed_path():
    labels = ["O", "B-PER", "I-PER"]
    tagger = CRFTagger(FixedEmitter(labels, {}), "IOB2")
    with torch.no_grad():
        tagger.crf.transitions.zero_()
        tagger.crf.start.zero_()
        tagger.crf.end.zero_()
        tagger.crf.transitions[1, 2] = 1.0          # B-PER -> I-PER is favoured
    # positions: [CLS] w1 w1-piece w2 [SEP]; emissions greedy-argmax to O, I-PER (an invalid IOB2 sequence)
    logits = torch.tensor([[[9, 9, 9], [2.0, 1.5, 0.0], [0, 0, 9], [0.5, 0.0, 1.0], [9, 9, 9]]])
    keep = torch.tensor([[False, True, False, True, False]])
    # hand check: O,O = 2+0.5 = 2.5; B,I = 1.5+1+1 = 3.5; O,I forbidden; B,O = 1.5+0.5 = 2.0 -> B-PER I-PER
    assert tagger.decode(logits, keep) == [[1, 2]]
    # brute force over every allowed path agrees
    trans, start, end = tagger.crf._scores(float("-inf"))
    em = logits[0, keep[0]]
    best = max(itertools.product(range(3), repeat=2),
               key=lambda p: start[p[0]] + em[0, p[0]] + trans[p[0], p[1]] + em[1, p[1]] + end[p[1]])
    assert list(best) == [1, 2]


def test_crf_decoding_through_the_task_on_the_wrapped_model(tmp_path, tiny_bert_dir):
    task = make_task(crf=True)
    ds = load_split(tmp_path, task, [(["film", "meal"], ["B-PER", "I-PER"])])
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    task.setup(tok)
    film, meal = tok.convert_tokens_to_ids(["film", "meal"])
    k = len(task.label_names)
    i_per, o = task.label_names.index("I-PER"), task.label_names.index("O")
    table = {film: [0.0] * k, meal: [0.0] * k}
    table[film][o], table[film][i_per] = 1.0, 3.0          # greedy: I-PER I-PER, which IOB2 cannot start with
    table[meal][i_per] = 3.0
    emitter = FixedEmitter(task.label_names, table)
    model = task.wrap_model(emitter)
    with torch.no_grad():
        for p in (model.crf.transitions, model.crf.start, model.crf.end):
            p.zero_()
    rows = task.encode(ds["train"], "train")
    _, preds = task.evaluate(model, rows, 2)
    # allowed paths: O I-PER is forbidden, so the best is B-PER I-PER (0 + 3) vs O O (1 + 0) vs O B-PER...
    scores = {("O", "O"): 1.0, ("B-PER", "I-PER"): 3.0}
    assert preds[0].detail["tags"] == list(max(scores, key=scores.get))


def test_crf_parameters_count_as_new(tiny_bert_dir):
    task = make_task(crf=True)
    task.label_names, task.scheme = ["O", "B-PER", "I-PER"], "IOB2"
    task.setup(AutoTokenizer.from_pretrained(tiny_bert_dir))
    loaded = models.load(models.resolve(tiny_bert_dir), task, task.model_cfg, 32, task.tokenizer)
    assert isinstance(loaded.model, CRFTagger)
    assert {"crf.transitions", "crf.start", "crf.end"} <= loaded.new_names


# ---------------------------------------------------------------- metrics
def test_metrics_match_hand_computed_values(tmp_path, tiny_bert_dir):
    sents = [(["film", "meal", "hotel", "book"], ["B-PER", "I-PER", "O", "B-LOC"]),
             (["phone", "show", "room"], ["B-LOC", "O", "B-ORG"])]
    task = make_task()
    ds = load_split(tmp_path, task, sents)
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    task.setup(tok)
    k, ids = len(task.label_names), {n: i for i, n in enumerate(task.label_names)}
    said = {"film": "B-PER", "meal": "I-PER", "hotel": "O", "book": "B-ORG",      # LOC predicted as ORG
            "phone": "B-LOC", "show": "B-PER", "room": "B-ORG"}                # a spurious PER
    table = {tok.convert_tokens_to_ids(word): [5.0 if j == ids[tag] else 0.0 for j in range(k)]
             for word, tag in said.items()}
    rows = task.encode(ds["train"], "train")
    metrics, preds = task.evaluate(FixedEmitter(task.label_names, table), rows, 2)
    # gold entities: PER(0-2) LOC(3) | LOC(0) ORG(2) = 4; predicted: PER(0-2) ORG(3) | LOC(0) PER(1) ORG(2) = 5
    # correct: PER(0-2), LOC(0), ORG(2) = 3 -> P = 3/5, R = 3/4, F1 = 2PR/(P+R) = 2/3
    assert metrics["precision"] == pytest.approx(0.6) and metrics["recall"] == pytest.approx(0.75)
    assert metrics["f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert metrics["token_accuracy"] == pytest.approx(5 / 7)
    assert metrics["LOC_recall"] == pytest.approx(0.5) and metrics["PER_precision"] == pytest.approx(0.5)
    assert preds[0].display == "PER: film meal; ORG: book"
    assert preds[0].detail["entities"][1] == {"type": "ORG", "text": "book", "start": 16, "end": 20, "words": [3, 4]}
    assert preds[0].detail["text"][16:20] == "book"


@pytest.mark.parametrize("scheme,tags", [
    ("IOB2", ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC", "B-ORG"]),
    ("BIOES", ["B-PER", "E-PER", "O", "B-LOC", "I-LOC", "E-LOC", "S-ORG"]),
    ("BMES", ["B-PER", "E-PER", "O", "B-LOC", "M-LOC", "E-LOC", "S-ORG"])])
def test_schemes_are_detected_and_scored(scheme, tags, tmp_path, tiny_bert_dir):
    words = ["film", "meal", "hotel", "book", "phone", "show", "room"]
    task = make_task(crf=True)
    ds = load_split(tmp_path, task, [(words, tags)], name=f"s.{scheme.lower()}")
    assert task.scheme == scheme and len(task.label_names) == 1 + 3 * (2 if scheme == "IOB2" else 4)
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    task.setup(tok)
    ids = {n: i for i, n in enumerate(task.label_names)}
    table = {tok.convert_tokens_to_ids(w): [5.0 if j == ids[t] else 0.0 for j in range(len(ids))]
             for w, t in zip(words, tags)}
    model = task.wrap_model(FixedEmitter(task.label_names, table))   # CRF constrained by this scheme
    metrics, preds = task.evaluate(model, task.encode(ds["train"], "train"), 2)
    assert metrics["f1"] == 1.0 and preds[0].detail["tags"] == tags
    assert preds[0].display == "PER: film meal; LOC: book phone show; ORG: room"


# ---------------------------------------------------------------- data checks
def check_message(tmp_path, files: dict, fmt_rows=None, **task_kw):
    task = make_task(**task_kw)
    with pytest.raises(DataError) as e:
        data.load(DataConfig(**files), task)
    return str(e.value)


def test_mismatched_token_and_tag_counts(tmp_path):
    (tmp_path / "bad.csv").write_text('tokens,tags\n"a b c","O O O"\n"John Smith","B-PER"\n')
    msg = check_message(tmp_path, {"train": str(tmp_path / "bad.csv"), "validation": str(tmp_path / "bad.csv")})
    assert "row 2 of the train data has 2 tokens but 1 tags" in msg
    (tmp_path / "bad.jsonl").write_text(json.dumps({"tokens": ["a", "b"], "tags": ["O"]}))
    msg = check_message(tmp_path, {"train": str(tmp_path / "bad.jsonl")})
    assert "2 tokens but 1 tags" in msg


def test_unknown_scheme_and_bad_tags(tmp_path):
    path = write_conll(tmp_path / "x.conll", [(["a", "b"], ["X-PER", "B-PER"])] * 3)
    assert "unknown tagging scheme" in check_message(tmp_path, {"train": path, "validation": path})
    path = write_conll(tmp_path / "y.conll", [(["a", "b"], ["PERSON", "O"])] * 3)
    assert "has no scheme prefix" in check_message(tmp_path, {"train": path, "validation": path})
    path = write_conll(tmp_path / "z.conll", [(["a", "b"], ["S-PER", "O"])] * 3)
    msg = check_message(tmp_path, {"train": path, "validation": path}, scheme="IOB2")
    assert "'S-PER' does not fit the IOB2 scheme" in msg and "task.scheme" in msg


def test_training_data_without_entities(tmp_path):
    path = write_conll(tmp_path / "o.conll", [(["a", "b"], ["O", "O"])] * 3)
    assert "every tag of the training data is O" in check_message(tmp_path, {"train": path, "validation": path})


def test_empty_sentences(tmp_path):
    rows = [{"tokens": ["a"], "tags": ["O"]}, {"tokens": [], "tags": []}]
    (tmp_path / "e.json").write_text(json.dumps(rows * 3))
    msg = check_message(tmp_path, {"train": str(tmp_path / "e.json"), "validation": str(tmp_path / "e.json")})
    assert "3 sentence(s) of the train data are empty (first at row 2)" in msg and "skip_empty" in msg


def test_validation_types_unseen_in_training(tmp_path):
    train = write_conll(tmp_path / "train.conll", SENTENCES)
    val = write_conll(tmp_path / "val.conll", [(["Xbox"], ["B-PRODUCT"])])
    msg = check_message(tmp_path, {"train": train, "validation": val})
    assert "the validation data has entity types that never occur in training: PRODUCT" in msg


def test_completed_label_set_accepts_unseen_tags_of_known_types(tmp_path):
    task = make_task()
    train = write_conll(tmp_path / "train.conll", [(["Paris"], ["B-LOC"])] * 3)
    val = write_conll(tmp_path / "val.conll", [(["New", "York"], ["B-LOC", "I-LOC"])])
    data.load(DataConfig(train=train, validation=val), task)
    assert task.label_names == ["O", "B-LOC", "I-LOC"]


def test_non_conll_text_and_integer_tags_without_names(tmp_path):
    (tmp_path / "plain.txt").write_text("just some prose\nwith no tags at all\n")
    msg = check_message(tmp_path, {"train": str(tmp_path / "plain.txt")})
    assert "is not a CoNLL column file" in msg
    (tmp_path / "ids.json").write_text(json.dumps([{"tokens": ["a"], "tags": [1]}] * 3))
    msg = check_message(tmp_path, {"train": str(tmp_path / "ids.json")})
    assert "integer tags but no tag names" in msg


# ---------------------------------------------------------------- end to end
@pytest.mark.parametrize("crf", [False, True])
def test_run_save_and_load_saved_give_identical_predictions(crf, make_cfg, train, ner_files, tiny_bert_dir):
    cfg = make_cfg(task="token_classification", model={"name": tiny_bert_dir, "crf": crf},
                   data={**ner_files, "max_length": 32}, train={"max_steps": 6, "lr": 5e-3})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert {"eval_f1", "eval_precision", "eval_recall", "eval_token_accuracy", "eval_loss", "eval_PER_f1"} <= set(m)
    assert (paths.model / "crf.safetensors").is_file() == crf
    model, tok, task, _ = load_saved(paths.model)
    assert (find_crf(model) is not None) == crf
    # the saved model reproduces the run's final test figures exactly
    ds = data.load(cfg.data, task)
    metrics, _ = task.evaluate(model, task.encode(ds["test"], "test"), 16)
    assert metrics["f1"] == pytest.approx(m["eval_f1"]) and metrics["loss"] == pytest.approx(m["eval_loss"], rel=1e-4)
    again, _, task2, _ = load_saved(paths.model)
    texts = ["John Smith visited Paris yesterday .", "Google opened in Berlin"]
    assert [p.detail for p in task.predict(model, texts)] == [p.detail for p in task2.predict(again, texts)]
    assert [s["output"] for s in summary["samples"]] == [p.display for p in task.predict(
        model, [s["input"] for s in summary["samples"]])]


@pytest.mark.parametrize("strategy", [{"name": "freeze", "k": 1}, {"name": "head_only"}])
@pytest.mark.parametrize("crf", [False, True])
def test_strategies_train_token_classification(strategy, crf, make_cfg, train, ner_files, tiny_bert_dir):
    cfg = make_cfg(task="token_classification", model={"name": tiny_bert_dir, "crf": crf},
                   data={**ner_files, "max_length": 32}, strategy=[strategy], train={"max_steps": 2})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert m["trainable_params"] < m["total_params"]
    if strategy["name"] == "head_only":   # the token head (32 -> 7 tags) and, with a CRF, its 7x7 + 2x7 scores
        assert m["trainable_params"] == 32 * 7 + 7 + (7 * 7 + 2 * 7 if crf else 0)


def test_preset_configs_parse():
    presets = Path(__file__).resolve().parents[1] / "assets" / "presets"
    for name in ("conll2003-minilm", "conll2003-minilm-crf", "weibo-ner"):
        cfg = RunConfig.load(presets / f"{name}.yaml")
        assert cfg.task.name == "token_classification"
    assert RunConfig.load(presets / "conll2003-minilm-crf.yaml").model.crf
