"""Find English UI text on a page that should be Chinese.

A text is split into Latin tokens. A token is fine when it is identifier-like (has a digit, '_', '.', '/', ':' or
'@'; an inner capital as in MiniLM / YAML / AdamW; two letters or fewer), or when its lower-case form is in the
allow-list (model, strategy, task, data set, format and metric names, knob choice values, proper names). Every
other token is an English word, and the text is reported. So "bundled with the install", "curves appear when
training starts" and "adapters merged into the base" are caught, while "基于 MiniLM 的 full 微调（bf16）" is not.
"""

from __future__ import annotations

import re

# Word-like runs, digits included, so a run id's hex tail ("20261206-172240-3bed") stays one identifier-like token
# instead of yielding the English-looking "bed". Chinese characters are blanked out first.
TOKEN = re.compile(r"\w[\w.\-/:@']*")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Names that are not code but are never translated: the language's own name, product and project names, units.
PROPER = {"english", "workbench", "pickle", "torchrun", "gloo", "space", "spaces", "other", "hugging", "face", "hub", "pytorch", "transformers", "safetensors", "peft",
          "bitsandbytes", "onnx", "onnxruntime", "tensorboard", "gradio", "python", "plotly", "wordpiece", "bpe",
          "adamw", "gpt", "bert", "minilm", "nf4", "bf16", "fp16", "fp32", "cpu", "gpu", "cuda", "mps", "json",
          "jsonl", "csv", "tsv", "yaml", "parquet", "txt", "conll", "squad", "auto", "token", "tokens", "lora",
          "qlora", "dora", "kl", "ce", "mse", "ema", "crf", "mlm", "sft", "cka", "bpc", "rouge", "f1", "em",
          "softmax", "viterbi", "int8", "llm", "bmes", "bio", "iob", "ms", "mb", "gb", "kb", "id", "ids", "url",
          "eta", "logits", "all-minilm-l6-v2", "sentence-transformers", "torch", "transformer", "accelerate",
          "linux", "glibc", "fsdp", "ddp", "deepspeed",
          "tuning"}   # "提示微调（Prompt Tuning）": a method's published name after its Chinese one


def identifier_like(token: str) -> bool:
    t = token.strip("'.-:/")
    if len(t) <= 2:
        return True
    if any(c.isdigit() or c in "_./:@" or (c.isalpha() and not c.isascii()) for c in t):   # θ_pre, x.y, a/b
        return True
    return any(c.isupper() for c in t[1:])   # MiniLM, YAML, AdamW, QLoRA


def english_words(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """The tokens of `text` that read as English words (not identifiers, not allowed names)."""
    out = []
    for token in TOKEN.findall(HAN.sub(" ", text)):
        t = token.strip("'.-:/")
        if not t or identifier_like(token):
            continue
        low = t.lower()
        if low in PROPER or low in allowed or all(part in PROPER or part in allowed for part in low.split("-")):
            continue
        out.append(t)
    return out


def leftovers(texts: list[str], allowed: set[str] = frozenset()) -> list[str]:
    """Texts that still show English words, each with the words found: 'text  <- [words]'."""
    found = []
    for text in dict.fromkeys(t.strip() for t in texts if t and t.strip()):
        words = english_words(text, allowed)
        if words:
            found.append(f"{text[:160]!r}  <- {words[:8]}")
    return found


def code_names() -> set[str]:
    """Identifiers the UI shows as they are: registry names, catalogue keys, built-in data sets, export formats,
    knob choice values, metric names."""
    from dataclasses import fields

    from workbench import config, data
    from workbench.export import formats as export
    from workbench.model import catalogue as models
    from workbench.strategies import STRATEGIES
    from workbench.tasks import TASKS
    names = set(STRATEGIES.names()) | set(TASKS.names()) | {p.key for p in models.CATALOGUE}
    names |= {getattr(cls, "group", None) or "" for _, cls in STRATEGIES.items()}   # "trainable-set"
    names |= set(data.BUILTIN) | set(export.FORMATS)
    option_classes = [config.ModelConfig, config.DataConfig, config.TrainConfig, config.OutputConfig]
    option_classes += [cls.Options for _, cls in STRATEGIES.items() if hasattr(cls, "Options")]
    option_classes += [cls.Options for _, cls in TASKS.items() if hasattr(cls, "Options")]
    for cls in option_classes:
        for f in fields(cls):
            names.add(f.name)
            for choice in (f.metadata.get("choices") or ()):
                names.add(str(choice))
    names |= {"accuracy", "precision", "recall", "loss", "perplexity", "macro_f1", "exact_match", "retention",
              "full", "base", "none", "true", "false"}
    return {n.lower() for n in names}
