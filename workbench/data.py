"""Loading datasets: built-in demo sets (written by this project under assets/data), files (csv, tsv, json, jsonl,
parquet, txt, plus task formats such as CoNLL and SQuAD) and hub ids, into a `datasets.DatasetDict` with the
splits train / validation / test. Problems come out as DataError naming the file, the column or the row, and
the fix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
from datasets import Dataset, DatasetDict

from .datasets_io import files as datasets_io
from .datasets_io.select import select
from .errors import DataError

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DATA = ASSETS / "data"

# name -> (train, test, what it is, the task it suits)
BUILTIN = {
    "sentiment": ("sentiment/train.csv", "sentiment/test.csv", "short reviews, positive/negative", "classification"),
    "ner": ("ner/train.conll", "ner/test.conll", "English NER (PER/ORG/LOC/MISC), CoNLL columns",
            "token_classification"),
    "ner-zh": ("ner/zh_train.bmes", "ner/zh_test.bmes", "Chinese character NER, BMES tags", "token_classification"),
    "qa": ("qa/train.json", "qa/test.json", "extractive QA, SQuAD v1.1 JSON", "qa"),
    "qa-zh": ("qa/zh_train.json", "qa/zh_test.json", "Chinese extractive QA, SQuAD-style JSON", "qa"),
    "instructions": ("instructions/train.json", "instructions/test.json", "Alpaca-style instructions", "causal_lm"),
    "chat": ("instructions/chat.jsonl", None, "chat messages", "causal_lm"),
    "text": ("text/corpus.txt", None, "English prose for pretraining", "causal_lm"),
    "general": ("general/en.txt", None, "general English sentences (rehearsal, retention)", "causal_lm"),
    "general-zh": ("general/zh.txt", None, "general Chinese sentences", "causal_lm"),
    "pairs": ("pairs/train.jsonl", "pairs/test.jsonl", "paraphrase pairs", "contrastive"),
}

PREVIEW_FULL_READ_BYTES = 8 * 2**20   # previews of larger files read their first rows only

EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".parquet": "parquet",
              ".txt": "txt", ".text": "txt", ".conll": "conll", ".bio": "conll", ".bmes": "conll", ".iob": "conll"}


def builtin_path(name: str, split: str = "train") -> Path | None:
    entry = BUILTIN.get(name)
    if entry is None:
        raise DataError(f"unknown built-in dataset {name!r}; available: {', '.join(BUILTIN)}")
    rel = entry[0] if split == "train" else entry[1]
    return DATA / rel if rel else None


def resolve_source(source: str, split: str = "train") -> tuple[str, str]:
    """('file', path) or ('hub', id) for a data source string."""
    source = source.strip()
    if source.startswith("builtin:"):
        path = builtin_path(source.split(":", 1)[1], split)
        if path is None:
            raise DataError(f"built-in dataset {source!r} has no {split} split; give data.{split} explicitly")
        return "file", str(path)
    p = Path(source).expanduser()
    if p.exists():
        if p.is_dir():
            raise DataError(f"{source!r} is a folder; give a data file (csv, tsv, json, jsonl, parquet, txt, conll)")
        return "file", str(p)
    if p.suffix.lower() in EXTENSIONS or source.startswith((".", "/", "~")) or source.count("/") > 1:
        raise DataError(f"data file {source!r} not found; check the path (relative paths start from the folder "
                        "you run the command in)")
    return "hub", source


def sniff_format(path: str) -> str:
    return EXTENSIONS.get(Path(path).suffix.lower(), "txt")


def read_utf8(path: str) -> str:
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{path} is UTF-16 text (it starts with a UTF-16 byte-order mark); re-save it as UTF-8 "
                        "(e.g. iconv -f UTF-16 -t UTF-8, or 'Save as UTF-8' in an editor)")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise DataError(f"{path} contains NUL bytes (first at line {line}, offset {nul}): "
                        "it is a binary file or not plain text; give a UTF-8 text file (csv, tsv, json, jsonl, txt)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise DataError(f"{path} is not UTF-8 text: byte 0x{raw[e.start]:02x} at line "
                        f"{line} (offset {e.start}) cannot be decoded. Re-save the file "
                        "as UTF-8 (e.g. iconv -f latin1 -t utf-8).") from None


def _check_delimiter(path: str, fmt: str, columns: list[str]) -> None:
    """A table read as one column whose header holds another separator: the file uses another delimiter."""
    if len(columns) == 1:
        sep = next((s for s in (";", "\t", "|", ",") if s in columns[0]), None)
        if sep and sep != ("\t" if fmt == "tsv" else ","):
            raise DataError(f"{path} separates its columns with {sep!r} (header {columns[0]!r}), not "
                            f"{'a tab' if fmt == 'tsv' else 'commas'}; re-save it as {fmt.upper()} or give it "
                            f"the extension that fits")


def read_table(path: str, fmt: str) -> Dataset:
    """Generic readers: one row per record; txt gives one row per line in a `text` column."""
    arrow = datasets_io.read(path, fmt)   # Arrow, memory-mapped and cached; None: the readers below explain
    if arrow is not None:
        if fmt in ("csv", "tsv"):
            _check_delimiter(path, fmt, arrow.column_names)
        return arrow
    if fmt == "parquet":
        import pandas as pd   # lazy: only for tabular files
        try:
            return Dataset.from_pandas(pd.read_parquet(path), preserve_index=False)
        except Exception as e:
            raise DataError(f"cannot read {path} as parquet: {e}") from None
    text = read_utf8(path)
    if not text.strip():
        raise DataError(f"{path} is empty; give a file with a header row and at least a few examples")
    if fmt in ("csv", "tsv", "jsonl") and len(text) > 1 << 20 and "\n" not in text.rstrip("\r\n"):
        raise DataError(f"{path} is a single line of {len(text) / 2**20:.0f} MB; a {fmt} data file needs one "
                        "example per line (is it the right file, with newline line endings?)")
    if fmt in ("csv", "tsv"):
        import pandas as pd   # lazy: only for tabular files
        try:
            # TSV files of NLP datasets carry quotes inside sentences: read them literally
            frame = pd.read_csv(io.StringIO(text), sep="\t" if fmt == "tsv" else ",", keep_default_na=False,
                                quoting=csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL)
        except Exception as e:
            why = str(e).strip()
            fix = "Close or remove the unmatched double quote (\") in that row" if "EOF inside string" in why else \
                "Check the delimiter and that the first row is a header"
            raise DataError(f"cannot read {path} as {fmt.upper()}: {why}. {fix}.") from None
        _check_delimiter(path, fmt, [str(c) for c in frame.columns])
        return Dataset.from_pandas(frame, preserve_index=False)
    if fmt in ("json", "jsonl"):
        return Dataset.from_list(_json_rows(path, text))
    if fmt == "txt":
        return Dataset.from_dict({"text": text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")})
    raise DataError(f"{path}: the {fmt!r} format needs a task that reads it (e.g. conll for token_classification, "
                    "squad for qa)")


def _json_rows(path: str, text: str) -> list[dict]:
    text = text.strip()
    if not text:
        raise DataError(f"{path} is empty")
    try:
        data = json.loads(text)
        rows = data.get("data", data) if isinstance(data, dict) else data
    except json.JSONDecodeError as whole:
        if text.startswith("["):   # an array, not JSON lines: the error is in the array
            raise DataError(f"{path} is not valid JSON: {whole.msg} at line {whole.lineno}, column {whole.colno} "
                            "(is the file cut short, or a comma missing?); fix it there") from None
        rows = []
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DataError(f"{path} line {i} is not valid JSON ({e.msg}); the file must be a JSON array or "
                                    "one JSON object per line") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise DataError(f"{path} must hold a list of objects (one per example)")
    return rows


def read_source(source: str, task, data_cfg, split: str = "train") -> Dataset | DatasetDict:
    kind, where = resolve_source(source, split)
    if kind == "hub":
        return _read_hub(where, data_cfg)
    fmt = data_cfg.format if data_cfg.format != "auto" else sniff_format(where)
    ds = task.read(where, fmt)
    return ds if ds is not None else read_table(where, fmt)


def _read_hub(name: str, data_cfg) -> DatasetDict:
    from datasets import load_dataset   # lazy: only for hub datasets
    try:
        ds = load_dataset(name, data_cfg.hub_subset)
    except Exception as e:
        raise DataError(f"cannot load dataset {name!r} from the Hugging Face hub ({str(e).splitlines()[0][:200]}). "
                        "Offline (HF_HUB_OFFLINE=1) or unknown id: use a file or a builtin: dataset.") from None
    return ds if isinstance(ds, DatasetDict) else DatasetDict(train=ds)


def _split(ds: DatasetDict | Dataset, split: str, name: str) -> Dataset | None:
    if isinstance(ds, Dataset):
        return ds
    aliases = {"train": ("train",), "validation": ("validation", "valid", "dev", "val"), "test": ("test",)}[split]
    return next((ds[a] for a in aliases if a in ds), None)


def subset(ds: Dataset, n: int | None, seed: int) -> Dataset:
    if n is None or n >= len(ds):
        return ds
    idx = np.random.default_rng(seed).permutation(len(ds))[:n]
    return select(ds, np.sort(idx))   # an index array, no list per row


def load(data_cfg, task, seed: int = 0) -> DatasetDict:
    """The train / validation / test splits for a run (test only when given)."""
    train_src = read_source(data_cfg.train, task, data_cfg, "train")
    train = _split(train_src, "train", data_cfg.train)
    if train is None:
        raise DataError(f"dataset {data_cfg.train!r} has no train split")
    val = test = None
    if data_cfg.validation:
        val = _split(read_source(data_cfg.validation, task, data_cfg, "validation"), "validation", "")
    elif isinstance(train_src, DatasetDict):
        val = _split(train_src, "validation", "")
    if data_cfg.test:
        test = _split(read_source(data_cfg.test, task, data_cfg, "test"), "test", "")
    elif isinstance(train_src, DatasetDict):
        test = _split(train_src, "test", "")
    elif data_cfg.train.startswith("builtin:") and builtin_path(data_cfg.train.split(":", 1)[1], "test"):
        test = read_source(data_cfg.train, task, data_cfg, "test")
    if len(train) == 0:
        raise DataError(f"the training data {data_cfg.train!r} has no rows; give a file with at least a few examples")
    if val is None:
        # Seeded hold-out from the training rows (before any subsetting, so the split does not move with it).
        n_val = max(1, int(round(len(train) * data_cfg.validation_split)))
        if len(train) - n_val < 1:
            raise DataError(f"the training data has only {len(train)} rows: too few to hold out a validation "
                            "split; add rows or give data.validation")
        train, val = task.holdout(train, n_val, seed)
    train = subset(train, data_cfg.max_train_samples, seed)
    splits = {"train": train, "validation": subset(val, data_cfg.max_eval_samples, seed)}
    if test is not None:
        splits["test"] = subset(test, data_cfg.max_eval_samples, seed)
    ds = DatasetDict(splits)
    task.check(ds)
    return ds


def column(ds: Dataset, name: str) -> list:
    """A column as a plain list (datasets 5 returns a lazy Column object for ds[name])."""
    return ds[name][:]


def require_columns(ds: DatasetDict, columns: dict[str, str]) -> None:
    """columns: {config field: column name}. Names the split, the missing column, the existing ones."""
    for split, part in ds.items():
        for knob_name, col in columns.items():
            if col and col not in part.column_names:
                raise DataError(f"column {col!r} not found in the {split} data; its columns are: "
                                f"{', '.join(part.column_names)}. Set {knob_name} to one of them.")


def general_texts(source: str = "builtin:general", limit: int | None = None, min_chars: int = 8) -> list[str]:
    """General-domain text the task never saw (rehearsal, adversarial alignment, retention): one item per
    non-empty line of a text file, a builtin: name, or the `text` column of a hub dataset's train split."""
    kind, where = resolve_source(source)
    if kind == "hub":
        ds = _read_hub(where, type("D", (), {"hub_subset": None})())["train"]
        lines = [t for t in column(ds, "text") if isinstance(t, str)]
    elif sniff_format(where) in ("csv", "tsv", "json", "jsonl", "parquet"):
        ds = read_table(where, sniff_format(where))
        col = "text" if "text" in ds.column_names else ds.column_names[0]
        lines = [t for t in column(ds, col) if isinstance(t, str)]
    else:
        lines = read_utf8(where).splitlines()
    lines = [t.strip() for t in lines if len(t.strip()) >= min_chars]
    if not lines:
        raise DataError(f"no general text found in {source!r}: give a text file with one passage per line")
    return lines[:limit] if limit else lines


def preview(source: str, task, data_cfg, rows: int = 8) -> Dataset:
    """The first rows of a source, for the Data page."""
    kind, where = resolve_source(source)
    fmt = data_cfg.format if data_cfg.format != "auto" else sniff_format(where)
    if kind == "file" and Path(where).stat().st_size > PREVIEW_FULL_READ_BYTES:   # large: read the first rows only
        first = datasets_io.head(where, fmt, rows)
        if first is not None:
            return first
    ds = read_source(source, task, data_cfg)
    ds = _split(ds, "train", source) if isinstance(ds, DatasetDict) else ds
    return ds.select(range(min(rows, len(ds))))
