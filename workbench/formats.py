"""Readers for the dataset file formats the workbench accepts; they return plain Python lists of dicts.

Every problem in a file raises ValueError naming the file, the line or row, and how to fix it.
Row indexes in messages are 0-based ("row 3" is the fourth object); JSONL messages give 1-based lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

_CONLL_EXTS = {".conll", ".bio", ".bmes", ".iob", ".iob2", ".bioes"}
_TAG_RE = re.compile(r"^(O|[BIEMSLU][-_]\S+)$")
_SEGPOS_RE = re.compile(r"^(.+?)(\d+)$")  # "科0" -> ("科", "0"); "110" -> ("1", "10")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# ---------------------------------------------------------------- plain text


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file (a leading BOM is dropped). Non-UTF-8 bytes raise ValueError."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = data[e.start : e.start + 4]
        raise ValueError(f"{path}: not valid UTF-8 at byte offset {e.start} (line {line}, bytes {bad!r}); re-save "
                         f"the file as UTF-8 (e.g. `iconv -f GBK -t UTF-8` or 'Save as UTF-8' in an editor)") from None
    return text[1:] if text.startswith("\ufeff") else text


# ---------------------------------------------------------------- CoNLL columns


def _fields(line: str) -> list[str]:
    """Split one CoNLL line into columns: on tabs if there are any, else on runs of spaces.

    Only ASCII space/tab separate columns, so a token that is itself a Unicode space (U+3000)
    in a character-level file survives.
    """
    line = line.rstrip("\r\n").strip(" ")
    if "\t" in line:
        return [f.strip(" ") for f in line.strip("\t").split("\t")]
    return [f for f in line.split(" ") if f]


def _is_blank(line: str) -> bool:
    return line.strip(" \t\r\n") == ""


def read_conll(
    path: str | Path,
    token_col: int = 0,
    tag_col: int = -1,
    char_segpos: bool | None = None,
    token_transform: Callable[[str], str] | None = None,
) -> list[dict]:
    """Read a CoNLL-style column file into [{"tokens": [...], "tags": [...]}, ...].

    One token per line, columns separated by tabs or spaces, a blank line between sentences,
    `-DOCSTART-` lines skipped. CRLF endings, trailing spaces and a missing final blank line are fine.

    Args:
        token_col, tag_col: column indexes (Python style, so -1 is the last column).
        char_segpos: tokens are a character followed by its position in a segmented word
            (Weibo NER: "科0", "技1"); the position is stripped. None = detect it: every token
            is text followed by digits, almost all with one character before the digits, and
            some of those characters are CJK.
        token_transform: applied to every token after the segpos handling.
    """
    sentences: list[dict] = [{"tokens": [], "tags": []}]  # the last one is being filled
    ncols = None
    for lineno, line in enumerate(read_text(path).split("\n"), start=1):
        fields = [] if _is_blank(line) else _fields(line)
        if not fields or fields[0] == "-DOCSTART-":  # blank line or CoNLL-2003 document start: new sentence
            if sentences[-1]["tokens"]:
                sentences.append({"tokens": [], "tags": []})
            continue
        if ncols is None:
            ncols = len(fields)
            if ncols < 2:
                raise ValueError(f"{path}:{lineno}: found 1 column in {line.strip()!r}; a CoNLL file needs a token "
                                 f"and a tag per line separated by a tab or spaces")
            for col, name in ((token_col, "token_col"), (tag_col, "tag_col")):
                if not -ncols <= col < ncols:
                    raise ValueError(f"{path}:{lineno}: {name}={col} but the file has {ncols} columns")
        elif len(fields) != ncols:
            raise ValueError(f"{path}:{lineno}: expected {ncols} columns like the first token line, found "
                             f"{len(fields)} in {line.strip()!r}; fix the line (a token with a space? a missing tag?)")
        sentences[-1]["tokens"].append(fields[token_col])
        sentences[-1]["tags"].append(fields[tag_col])
    if not sentences[-1]["tokens"]:  # a file may or may not end with a blank line
        sentences.pop()
    if not sentences:
        raise ValueError(f"{path}: no sentences found; expected 'token tag' lines with blank lines between sentences")

    if char_segpos is None:
        char_segpos = _looks_segpos(sentences)
    for s in sentences:
        if char_segpos:
            s["tokens"] = [_strip_segpos(t, path) for t in s["tokens"]]
        if token_transform:
            s["tokens"] = [token_transform(t) for t in s["tokens"]]
    return sentences


def _strip_segpos(token: str, path: str | Path) -> str:
    m = _SEGPOS_RE.match(token)
    if not m:
        raise ValueError(f"{path}: token {token!r} is not char+position (like '科0'); pass char_segpos=False")
    # Almost always one character; Weibo NER has 44 tokens '��0' where an emoji was mangled
    # into two U+FFFD characters, which stay together as one token.
    return m.group(1)


def _looks_segpos(sentences: list[dict]) -> bool:
    matches = [_SEGPOS_RE.match(t) for s in sentences for t in s["tokens"]]
    if not all(matches):
        return False
    prefixes = [m.group(1) for m in matches]
    one_char = sum(len(p) == 1 for p in prefixes)
    return one_char >= 0.95 * len(prefixes) and any(_CJK_RE.match(p) for p in prefixes)


def looks_like_conll(path: str | Path) -> bool:
    """True for a CoNLL-style tagged file: by extension (.conll/.bio/.bmes/.iob...) or by content.

    Content rule (first 200 non-blank lines): at least 90% of them have 2+ columns and a last
    column that looks like a tag (O, B-X, I-X, E-X, S-X, M-X, L-X, U-X), and at least one is not O.
    """
    path = Path(path)
    if path.suffix.lower() in _CONLL_EXTS:
        return True
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = [line for _, line in zip(range(5000), f) if not _is_blank(line)][:200]
    except OSError:
        return False
    rows = [_fields(line) for line in head]
    tagged = [f[-1] for f in rows if f[0] == "-DOCSTART-" or (len(f) >= 2 and _TAG_RE.match(f[-1]))]
    return bool(head) and len(tagged) >= 0.9 * len(head) and any(t != "O" for t in tagged)


# ---------------------------------------------------------------- JSON / JSONL


def _json_error(path: str | Path, e: json.JSONDecodeError) -> ValueError:
    return ValueError(f"{path}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}")


def _json_rows(path: str | Path) -> list[tuple[object, str]]:
    """Load a JSON array (or {"data": [...]}) or JSONL file as [(row, where)], `where` for messages."""
    text = read_text(path).strip()
    if not text:
        raise ValueError(f"{path}: the file is empty")
    whole = None
    if Path(path).suffix.lower() not in (".jsonl", ".ndjson"):
        try:
            data = json.loads(text)
            data = data["data"] if isinstance(data, dict) and isinstance(data.get("data"), list) else data
            return [(row, f"row {i}") for i, row in enumerate(data if isinstance(data, list) else [data])]
        except json.JSONDecodeError as e:
            if not text.startswith("{") or "\n" not in text:
                raise _json_error(path, e) from None
            whole = e  # probably JSONL without the .jsonl extension: one object per line
    rows = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                rows.append((json.loads(line), f"line {lineno}"))
            except json.JSONDecodeError as e:
                if whole is not None and not rows:  # not JSONL after all: report the whole-file error
                    raise _json_error(path, whole) from None
                raise ValueError(f"{path}:{lineno}: invalid JSON on this JSONL line (column {e.colno}: {e.msg}); "
                                 f"each line must be one complete JSON object") from None
    return rows


def _need_dict(row: object, path: str | Path, where: str) -> dict:
    if not isinstance(row, dict):
        raise ValueError(f"{path}: {where} is a {type(row).__name__}, expected a JSON object")
    return row


def read_token_json(path: str | Path) -> list[dict]:
    """Read JSON/JSONL token-tag rows: {"tokens": [...], "tags" or "ner_tags": [...]}.

    Tags are kept as given (strings, or integer ids as in Hugging Face exports).
    """
    out = []
    for row, where in _json_rows(path):
        row = _need_dict(row, path, where)
        key = "tags" if "tags" in row else "ner_tags"
        tokens, tags = row.get("tokens"), row.get(key)
        if not isinstance(tokens, list) or not isinstance(tags, list):
            raise ValueError(f"{path}: {where} needs 'tokens' and 'tags' (or 'ner_tags') lists, "
                             f"found keys {sorted(row)}")
        if len(tokens) != len(tags):
            raise ValueError(f"{path}: {where} has {len(tokens)} tokens but {len(tags)} tags; "
                             f"every token needs exactly one tag")
        out.append({"tokens": [str(t) for t in tokens], "tags": list(tags)})
    return out


# ---------------------------------------------------------------- extractive QA


def read_squad(path: str | Path) -> list[dict]:
    """Read SQuAD v1.1-style JSON (SQuAD, XQuAD, CMRC 2018) or flat JSON/JSONL into flat rows:

    {"id", "title", "context", "question", "answers": {"text": [...], "answer_start": [...]}}.
    Flat rows may give answers as that dict or as a list of {"text", "answer_start"} objects.
    """
    rows = _json_rows(path)  # {"data": [articles]} arrives here as the list of articles
    if rows and isinstance(rows[0][0], dict) and "paragraphs" in rows[0][0]:
        return _flatten_squad([article for article, _ in rows], path)
    return [_flat_row(row, where, path) for row, where in rows]


def _flatten_squad(articles: list, path: str | Path) -> list[dict]:
    rows = []
    for a, article in enumerate(articles):
        title = article.get("title", "")
        for p, para in enumerate(article.get("paragraphs", [])):
            where = f"data[{a}].paragraphs[{p}]"
            if not isinstance(para.get("context"), str):
                raise ValueError(f"{path}: {where} has no 'context' string")
            for q, qa in enumerate(para.get("qas", [])):
                row = {**qa, "title": title, "context": para["context"]}
                rows.append(_flat_row(row, f"{where}.qas[{q}]", path))
    return rows


def _flat_row(row: object, where: str, path: str | Path) -> dict:
    row = _need_dict(row, path, where)
    for key in ("context", "question"):
        if not isinstance(row.get(key), str):
            raise ValueError(f"{path}: {where} needs a '{key}' string; found keys {sorted(row)}")
    answers = row.get("answers", {"text": [], "answer_start": []})
    if isinstance(answers, list) and all(isinstance(a, dict) for a in answers):  # [{"text", "answer_start"}]
        answers = {"text": [a.get("text") for a in answers], "answer_start": [a.get("answer_start") for a in answers]}
    if not isinstance(answers, dict):
        raise ValueError(f"{path}: {where}: 'answers' must be {{text: [...], answer_start: [...]}} or a list of "
                         f"{{text, answer_start}} objects")
    texts, starts = list(answers.get("text", [])), list(answers.get("answer_start", []))
    if len(texts) != len(starts):
        raise ValueError(f"{path}: {where} has {len(texts)} answer texts but {len(starts)} answer_start values")
    for t, s in zip(texts, starts):
        if not isinstance(t, str) or isinstance(s, bool) or not isinstance(s, int):
            raise ValueError(f"{path}: {where}: each answer needs a 'text' string and an integer 'answer_start', "
                             f"got {t!r}, {s!r}")
    rid = row.get("id")
    return {"id": str(rid) if rid is not None else where, "title": str(row.get("title", "") or ""),
            "context": row["context"], "question": row["question"],
            "answers": {"text": texts, "answer_start": starts}}


def check_answers(rows: list[dict], drop_empty: bool = True) -> tuple[list[dict], dict[str, int]]:
    """Keep only answers whose text is at answer_start in the context, repairing offsets when possible.

    A wrong offset is repaired when the text occurs in the context: the occurrence nearest to the
    given offset is used (ties: the earlier one). Answers that are empty or not in the context are
    dropped; questions left without answers are dropped too unless drop_empty=False.
    Returns (good_rows, counts) with counts "answers", "ok", "repaired", "dropped" (answers) and
    "questions_dropped". Input rows are not modified. Use this for training features; for
    evaluation keep all reference texts (EM/F1 do not use offsets).
    """
    counts = {"answers": 0, "ok": 0, "repaired": 0, "dropped": 0, "questions_dropped": 0}
    good = []
    for row in rows:
        ctx = row["context"]
        texts, starts = [], []
        for text, start in zip(row["answers"]["text"], row["answers"]["answer_start"]):
            counts["answers"] += 1
            fixed = _repair(ctx, text, start)
            if fixed is None:
                counts["dropped"] += 1
                continue
            counts["ok" if fixed == start else "repaired"] += 1
            texts.append(text)
            starts.append(fixed)
        if not texts and drop_empty:
            counts["questions_dropped"] += 1
            continue
        good.append({**row, "answers": {"text": texts, "answer_start": starts}})
    return good, counts


def _repair(context: str, text: str, start: int) -> int | None:
    """The correct start of `text` in `context` (nearest occurrence to `start`), or None."""
    if not text:
        return None
    if 0 <= start and context[start : start + len(text)] == text:
        return start
    hits = [m.start() for m in re.finditer(f"(?={re.escape(text)})", context)]  # overlapping matches too
    return min(hits, key=lambda h: (abs(h - start), h)) if hits else None


# ---------------------------------------------------------------- instruction tuning


def read_instructions(path: str | Path) -> list[dict]:
    """Read instruction data into [{"messages": [{"role", "content"}, ...]}, ...].

    Accepted rows (JSON array or JSONL):
      Alpaca  {"instruction", "input"?, "output", "system"?, "history"?: [[user, assistant], ...]}
              user turn = instruction + "\\n" + input (when input is non-empty)
      chat    {"messages": [{"role": system|user|assistant, "content"}, ...]}
    The last message must be a non-empty assistant reply; a system message may only come first.
    """
    out = []
    for row, where in _json_rows(path):
        row = _need_dict(row, path, where)
        if "messages" in row:
            messages = row["messages"]
            ok = isinstance(messages, list) and all(isinstance(m, dict) and {"role", "content"} <= m.keys()
                                                    for m in messages)
            if not ok:
                raise ValueError(f"{path}: {where}: 'messages' must be a list of {{role, content}} objects")
            messages = [{"role": m["role"], "content": m["content"]} for m in messages]
        elif "instruction" in row:
            messages = _alpaca_messages(row, path, where)
        else:
            raise ValueError(f"{path}: {where} is neither Alpaca ({{instruction, input, output}}) nor chat "
                             f"({{messages: [{{role, content}}]}}); found keys {sorted(row)}")
        _check_messages(messages, path, where)
        out.append({"messages": messages})
    return out


def _alpaca_messages(row: dict, path: str | Path, where: str) -> list[dict]:
    for key in ("instruction", "input", "output", "system"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise ValueError(f"{path}: {where}: '{key}' must be a string, got {type(row[key]).__name__}")
    messages = [{"role": "system", "content": row["system"]}] if row.get("system") else []
    for turn in row.get("history") or []:
        if not (isinstance(turn, list) and len(turn) == 2):
            raise ValueError(f"{path}: {where}: 'history' must be a list of [user, assistant] pairs")
        messages += [{"role": "user", "content": turn[0]}, {"role": "assistant", "content": turn[1]}]
    user = "\n".join(part for part in (row["instruction"], row.get("input")) if part)
    return messages + [{"role": "user", "content": user}, {"role": "assistant", "content": row.get("output") or ""}]


def _check_messages(messages: list[dict], path: str | Path, where: str) -> None:
    for i, m in enumerate(messages):
        if m["role"] not in ("system", "user", "assistant") or (m["role"] == "system" and i > 0):
            raise ValueError(f"{path}: {where}: message {i} has role {m['role']!r}; use user or assistant "
                             f"(system is allowed only as the first message)")
        if not isinstance(m["content"], str):
            raise ValueError(f"{path}: {where}: message {i} content must be a string")
        if m["role"] == "assistant" and not m["content"].strip():
            raise ValueError(f"{path}: {where} has an empty assistant reply (output) at message {i}; "
                             f"fill it in or remove the row")
    if not any(m["role"] == "user" for m in messages) or messages[-1]["role"] != "assistant":
        raise ValueError(f"{path}: {where}: needs a user message and must end with the assistant reply to train on")
