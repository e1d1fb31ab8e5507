"""The bad-input corpus: each case writes its own broken file(s) into a temporary folder at test time (nothing
large is committed; the tens-of-MB single line is generated here) and says which CLI arguments feed it in and
what the one-line message must contain: the file or field it names, and the fix it proposes.

    CASES[name] = Case(build, must)
        build(tmp, fx) -> argv for `python -m workbench`   (fx: the tiny model folders, and a failed run)
        must: substrings the error message must contain (the file or field, and the fix)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

GOOD = "text,label\n" + "the film was great,positive\nthe film was awful,negative\n" * 6


@dataclass
class Case:
    build: Callable
    must: tuple[str, ...]


def write(path: Path, content: str | bytes) -> str:
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def train(tmp: Path, fx: dict, data: str, *extra: str, model: str | None = None, task: str | None = None) -> list:
    args = ["train", "--quiet", "--set", f"model.name={model or fx['bert']}", "--set", f"data.train={data}",
            "--set", f"output.runs_dir={tmp / 'runs'}", "--set", "train.max_steps=2", "--set", "train.precision=fp32",
            "--set", "train.batch_size=4"]
    if task:
        args += ["--set", f"task={task}"]
    return args + [a for x in extra for a in ("--set", x)]


def csv_case(content, *extra, must, name="train.csv"):
    return Case(lambda tmp, fx: train(tmp, fx, write(tmp / name, content), *extra), must)


def json_case(content, *extra, must, name="train.json", task=None, model_key="bert"):
    text = content if isinstance(content, (str, bytes)) else json.dumps(content)
    return Case(lambda tmp, fx: train(tmp, fx, write(tmp / name, text), *extra, task=task, model=fx[model_key]), must)


def cfg_case(*extra, must):
    return Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD), *extra), must)


def yaml_case(text, must):
    def build(tmp, fx):
        return ["train", "--quiet", "--config", write(tmp / "run.yaml", text)]
    return Case(build, must)


def _parquet(tmp: Path, frame_data: dict) -> str:
    import pandas as pd
    path = tmp / "train.parquet"
    pd.DataFrame(frame_data).to_parquet(path)
    return str(path)


def parquet_case(frame_data, *extra, must):
    return Case(lambda tmp, fx: train(tmp, fx, _parquet(tmp, frame_data), *extra), must)


def _huge_line(tmp: Path) -> str:
    # one line of 30 MB: no newline anywhere, generated here (never committed)
    path = tmp / "train.csv"
    with open(path, "wb") as f:
        f.write(b"text,label ")
        chunk = b"word " * 200_000
        for _ in range(30):
            f.write(chunk)
    return str(path)


def _model_without_weights(tmp: Path, fx: dict) -> str:
    folder = tmp / "noweights"
    folder.mkdir()
    for f in Path(fx["bert"]).iterdir():
        if not f.name.endswith((".safetensors", ".bin")):
            (folder / f.name).write_bytes(f.read_bytes())
    return str(folder)


def _pickle_model(tmp: Path, fx: dict) -> str:
    import torch
    from safetensors.torch import load_file
    folder = tmp / "pickled"
    folder.mkdir()
    for f in Path(fx["bert"]).iterdir():
        if f.name.endswith(".safetensors"):
            torch.save(load_file(str(f)), folder / "pytorch_model.bin")   # written by the test itself: safe
        else:
            (folder / f.name).write_bytes(f.read_bytes())
    return str(folder)


def _mismatched_tokenizer(tmp: Path, fx: dict) -> str:
    # the tiny BERT's weights with the (bigger) vocabulary of another tokenizer
    from transformers import AutoTokenizer
    folder = tmp / "mismatch"
    folder.mkdir()
    for f in Path(fx["bert"]).iterdir():
        if f.name.endswith((".safetensors", "config.json")) and "tokenizer" not in f.name:
            (folder / f.name).write_bytes(f.read_bytes())
    AutoTokenizer.from_pretrained(fx["gpt"]).save_pretrained(folder)
    cfg = json.loads((folder / "config.json").read_text())
    big = AutoTokenizer.from_pretrained(fx["gpt"])
    big.add_tokens([f"extra{i}" for i in range(cfg["vocab_size"] + 50 - len(big))])
    big.save_pretrained(folder)
    return str(folder)


def _conll_tag_mismatch(tmp: Path) -> str:
    text = "John B-PER\nlives O\nin O\nParis B-LOC\n\nMary B-PER\nsaw\nBerlin B-LOC\n\n" * 4
    return write(tmp / "train.conll", text)


def _squad_outside(tmp: Path) -> str:
    rows = [{"id": str(i), "context": "the cat sat on the mat", "question": "where?",
             "answers": {"text": ["the garden"], "answer_start": [3]}} for i in range(12)]
    return write(tmp / "train.json", json.dumps(rows))


CASES: dict[str, Case] = {
    # ---- CSV / TSV files
    "csv broken quoting": csv_case('text,label\n"the film was great,positive\nthe film,negative\n' * 3,
                                   must=("train.csv", "unmatched double quote")),
    "csv wrong delimiter": csv_case(GOOD.replace(",", ";"), must=("train.csv", "';'", "re-save it as CSV")),
    "csv header only": csv_case("text,label\n", must=("has no rows", "at least a few examples")),
    "csv zero bytes": csv_case("", must=("train.csv", "empty")),
    "csv utf-16 with BOM": csv_case(GOOD.encode("utf-16"), must=("train.csv", "UTF-16", "UTF-8")),
    "csv mixed encodings": csv_case(GOOD.encode() + "caf\xe9 film,positive\n".encode("latin-1"),
                                    must=("train.csv", "line 14", "UTF-8")),
    "csv not utf-8 (GBK)": csv_case("text,label\n".encode() + "很好的电影,positive\n".encode("gbk") * 12,
                                    must=("train.csv", "UTF-8", "iconv")),
    "csv NUL bytes": csv_case(GOOD.replace("awful", "aw\x00ful"), must=("train.csv", "NUL", "line 3")),
    "binary file named csv": csv_case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
                                      must=("train.csv", "NUL")),
    "single line of 30 MB": Case(lambda tmp, fx: train(tmp, fx, _huge_line(tmp)),
                                 must=("train.csv", "single line", "one example per line")),
    "text column missing": csv_case(GOOD, "data.text_column=review", must=("'review'", "data.text_column")),
    "label column missing": csv_case(GOOD, "data.label_column=y", must=("'y'", "data.label_column")),
    "labels are floats": csv_case("text,label\n" + "good film,0.5\nbad film,1.5\n" * 6,
                                  must=("labels must be integers or strings", "fix those values")),
    "empty label cells": csv_case(GOOD + "an ok film,\nanother film,\n", must=("'label'", "no label", "first at row")),
    "one class only": csv_case("text,label\n" + "good film,positive\n" * 12,
                               must=("only one class", "add examples of another class")),
    "10000 classes": csv_case("text,label\n" + "".join(f"film number {i},c{i}\n" for i in range(10000)),
                              must=("data.label_column", "different labels")),
    "empty texts": csv_case(GOOD + ",positive\n   ,negative\n", must=("empty text", "data.skip_empty")),
    "unseen test label": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD),
                                                    f"data.test={write(tmp / 'test.csv', GOOD + 'meh,neutral')}"),
                              must=("neutral", "never occur in training")),
    "missing data file": Case(lambda tmp, fx: train(tmp, fx, str(tmp / "nope.csv")),
                              must=("nope.csv", "not found", "check the path")),
    "data path is a folder": Case(lambda tmp, fx: train(tmp, fx, str(tmp)), must=("is a folder", "give a data file")),
    "unknown builtin dataset": Case(lambda tmp, fx: train(tmp, fx, "builtin:nosuch"),
                                    must=("nosuch", "available")),
    # ---- JSON / JSONL / parquet
    "json not a list": json_case({"text": "a", "label": "b"}, must=("train.json", "list of objects")),
    "json list of numbers": json_case([1, 2, 3], must=("train.json", "list of objects")),
    "json truncated": json_case('[{"text": "a", "label": "b"},\n {"text": ', must=("train.json", "line 2",
                                                                                  "cut short")),
    "jsonl one bad line": json_case("\n".join([json.dumps({"text": f"film {i}", "label": "ab"[i % 2]})
                                               for i in range(6)] + ['{"text": "oops", "label": ']
                                              + [json.dumps({"text": "x", "label": "a"})] * 3),
                                    name="train.jsonl", must=("train.jsonl", "line 7")),
    "json null labels": json_case([{"text": f"film {i}", "label": None if i % 3 == 0 else "ab"[i % 2]}
                                   for i in range(12)], name="train.jsonl",
                                  must=("'label'", "no label", "fix those values")),
    "parquet NaN labels": parquet_case({"text": [f"film {i}" for i in range(12)],
                                        "label": [float("nan")] + [float(i % 2) for i in range(11)]},
                                       must=("'label'", "NaN", "first at row")),
    "parquet text column of numbers": parquet_case({"text": list(range(12)), "label": ["a", "b"] * 6},
                                                   must=("data.text_column", "text")),
    "parquet file that is not parquet": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.parquet", GOOD)),
                                             must=("train.parquet", "parquet")),
    # ---- task formats
    "conll tag/token count mismatch": Case(lambda tmp, fx: train(tmp, fx, _conll_tag_mismatch(tmp),
                                                                 task="token_classification"),
                                           must=("train.conll:7", "columns", "fix the line")),
    "token json tags shorter than tokens": json_case([{"tokens": ["a", "b", "c"], "tags": ["O", "O"]}] * 6,
                                                     task="token_classification",
                                                     must=("train.json", "row 0", "exactly one tag")),
    "qa answers outside the context": Case(lambda tmp, fx: train(tmp, fx, _squad_outside(tmp), task="qa"),
                                           must=("data.train", "train.json", "check the answers")),
    "instruction rows without output": json_case([{"instruction": "say hi", "input": "", "output": ""}] * 6,
                                                 task="causal_lm", model_key="gpt",
                                                 must=("train.json", "row 1", "output", "fill it in")),
    "chat with a bad role": json_case([{"messages": [{"role": "bot", "content": "hi"}]}] * 6, name="train.jsonl",
                                      task="causal_lm", model_key="gpt", must=("the train data", "role 'bot'", "use user")),
    # ---- config and YAML
    "yaml unknown section": yaml_case("trian:\n  lr: 0.1\n", must=("trian", "unknown")),
    "yaml unknown key": yaml_case("train:\n  learning_rate: 0.1\n", must=("train.learning_rate", "unknown field")),
    "yaml not a mapping": yaml_case("- a\n- b\n", must=("run.yaml", "mapping")),
    "yaml syntax error": yaml_case("train: {lr: [1,\n", must=("not valid YAML",)),
    "negative lr": cfg_case("train.lr=-3", must=("train.lr", "minimum")),
    "huge lr": cfg_case("train.lr=50", must=("train.lr", "maximum")),
    "lr not a number": cfg_case("train.lr=fast", must=("train.lr", "number")),
    "lr nan": cfg_case("train.lr=nan", must=("train.lr", "finite number")),
    "steps not whole": cfg_case("train.max_steps=2.5", must=("train.max_steps", "whole number")),
    "zero batch": cfg_case("train.batch_size=0", must=("train.batch_size", "minimum")),
    "huge batch": cfg_case("train.batch_size=100000000", must=("train.batch_size", "maximum")),
    "negative steps": cfg_case("train.max_steps=-5", must=("train.max_steps", "minimum")),
    "huge max_length": cfg_case("data.max_length=10000000", must=("data.max_length", "maximum")),
    "validation split over 1": cfg_case("data.validation_split=1.5", must=("data.validation_split", "maximum")),
    "unknown task": cfg_case("task=translate", must=("translate", "available")),
    "unknown strategy": cfg_case("strategy.0.name=magic", must=("magic", "available")),
    "unknown choice": cfg_case("train.scheduler=sawtooth", must=("train.scheduler", "sawtooth")),
    # ---- models
    "model folder without weights": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD),
                                                               model=_model_without_weights(tmp, fx)),
                                         must=("noweights", "weights", "safetensors")),
    "pickle .bin checkpoint": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD),
                                                         model=_pickle_model(tmp, fx)),
                                   must=("pickled", "pytorch_model.bin", "model.allow_pickle")),
    "tokenizer/model mismatch": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD),
                                                           model=_mismatched_tokenizer(tmp, fx)),
                                     must=("mismatch", "vocab", "tokenizer")),
    "hub id while offline": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD),
                                                       model="distilbert/distilbert-base-uncased"),
                                 must=("HF_HUB_OFFLINE=1", "local folder")),
    "model path that does not exist": Case(lambda tmp, fx: train(tmp, fx, write(tmp / "train.csv", GOOD),
                                                                 model="./no/such/folder"),
                                           must=("does not exist", "check the path")),
    # ---- runs and exports
    "resume a run id that does not exist": Case(lambda tmp, fx: ["resume", "no-such-run", "--runs-dir",
                                                                 str(tmp / "runs")], must=("no-such-run", "runs")),
    "export a run id that does not exist": Case(lambda tmp, fx: ["export", "no-such-run", "-f", "merged",
                                                                 "--runs-dir", str(tmp / "runs")],
                                                must=("no-such-run", "runs")),
    "delete a run id that does not exist": Case(lambda tmp, fx: ["delete", "no-such-run", "--runs-dir",
                                                                 str(tmp / "runs")], must=("no-such-run", "runs")),
    "compare a run id that does not exist": Case(lambda tmp, fx: ["compare", "no-such-run", "--runs-dir",
                                                                  str(tmp / "runs"), "--no-memory"],
                                                 must=("no-such-run",)),
    "export a failed run": Case(lambda tmp, fx: ["export", fx["failed_run"], "-f", "merged"],
                                must=("status failed", "no saved model", "resume")),
    "export an unknown format": Case(lambda tmp, fx: ["export", fx["failed_run"], "-f", "zip"],
                                     must=("zip", "merged")),
}
