"""GGUF export of causal LMs (what llama.cpp, Ollama and LM Studio run): `gguf-f16` and `gguf-q8_0`.

Written with the `gguf` package (llama.cpp's gguf-py) in llama.cpp's layout, as its convert_hf_to_gguf.py does:

    architecture   gpt2 (the workbench's gpt-tiny and hub GPT-2), llama, qwen2
    tensors        llama.cpp names from gguf's TensorNameMap (token_embd, blk.N.attn_qkv, ffn_up, output, ...);
                   GPT-2's Conv1D weights transposed to (out, in); Llama's q/k rows permuted for llama.cpp's rope
                   (Qwen2 uses NEOX rope: no permutation); 1-D tensors, norms and GPT-2's position table in f32
    metadata       context length, width, blocks, heads, feed-forward width, norm eps, rope base, file type
    tokenizer      byte-level BPE as tokenizer.ggml.model "gpt2": tokens, token types, merges, bos/eos/unk/pad
                   ids and the chat template (a character vocabulary has no GGUF form: refused with a message)

The run's saved model already has LoRA/DoRA/IA3 merged in (a QLoRA adapter is merged when loaded), so what is
written is the merged model. The export is loaded back with transformers' GGUF loader (from_pretrained(...,
gguf_file=...), which dequantizes to fp32) and compared with the run like every other format.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ..errors import ModelError
from .anatomy import unwrap

GGUF_FORMATS = {
    "gguf-f16": "GGUF for llama.cpp / Ollama / LM Studio, 16-bit float weights (norms and biases f32); causal LMs "
                "(GPT-2, Llama, Qwen2) with a byte-level BPE tokenizer.",
    "gguf-q8_0": "GGUF for llama.cpp / Ollama / LM Studio, 8-bit Q8_0 blocks (32 weights + one f16 scale); about "
                 "half of gguf-f16. Causal LMs (GPT-2, Llama, Qwen2) with a byte-level BPE tokenizer.",
}
ARCHS = {"gpt2": "GPT2", "llama": "LLAMA", "qwen2": "QWEN2"}
PRE_TOKENIZER = {"gpt2": "gpt-2", "llama": "llama-bpe", "qwen2": "qwen2"}   # llama.cpp's names


def file_name(fmt: str) -> str:
    return f"model-{fmt.split('-', 1)[1]}.gguf"


def _check_model(model, tokenizer) -> str:
    model_type = getattr(model.config, "model_type", None)
    if model_type not in ARCHS or not hasattr(model, "get_output_embeddings") or model.get_output_embeddings() is None:
        raise ModelError(f"GGUF export takes causal LMs of the families {', '.join(ARCHS)}; this model is "
                         f"{model_type!r} ({type(model).__name__}). Use --format merged, int8 or onnx instead")
    if model_type == "gpt2" and model.config.activation_function not in ("gelu_new", "gelu_pytorch_tanh"):
        raise ModelError(f"llama.cpp's GPT-2 uses the tanh GELU; this model uses {model.config.activation_function!r}"
                         "; export it with --format merged or onnx")
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError("GGUF export needs a fast (tokenizer.json) tokenizer; save the model with one")
    return model_type


def tokenizer_fields(tokenizer, vocab_size: int) -> dict:
    """tokens, token types, merges and special ids of a byte-level BPE tokenizer, padded to the model's rows."""
    import gguf  # lazy: optional GGUF writer
    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    model, pre = spec["model"], json.dumps(spec.get("pre_tokenizer") or {})
    if model["type"] != "BPE" or '"ByteLevel"' not in pre or model.get("byte_fallback"):
        kind = "a character vocabulary (WordLevel)" if model["type"] == "WordLevel" else \
            f"a {model['type']}{' byte-fallback' if model.get('byte_fallback') else ''} tokenizer"
        raise ModelError(f"the run's tokenizer is {kind}: GGUF export writes byte-level BPE tokenizers (llama.cpp "
                         "'gpt2' vocabularies) only. Train the model with model.tokenizer: bpe, or export with "
                         "--format merged or onnx")
    vocab = {**model["vocab"], **{t["content"]: t["id"] for t in spec.get("added_tokens", [])}}
    by_id = {i: t for t, i in vocab.items()}
    if len(by_id) > vocab_size or max(by_id) >= vocab_size:
        raise ModelError(f"the tokenizer has {len(by_id)} tokens but the model only {vocab_size} embedding rows")
    special = {t["id"] for t in spec.get("added_tokens", []) if t.get("special")}
    added = {t["id"] for t in spec.get("added_tokens", [])} - special
    tokens, types = [], []
    for i in range(vocab_size):
        if i not in by_id:
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
            continue
        tokens.append(by_id[i])
        types.append(gguf.TokenType.CONTROL if i in special else
                     gguf.TokenType.USER_DEFINED if i in added else gguf.TokenType.NORMAL)
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    ids = {name: getattr(tokenizer, f"{name}_token_id", None) for name in ("bos", "eos", "unk", "pad")}
    return {"tokens": tokens, "types": types, "merges": merges, "ids": ids,
            "chat_template": getattr(tokenizer, "chat_template", None)}


def _permute(w: torch.Tensor, n_head: int) -> torch.Tensor:
    """llama.cpp's rope pairs dimensions (i, i+1); HF's pairs (i, i+d/2): reorder each head's rows."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _tensors(model, model_type: str):
    """(gguf name, float32 tensor) in llama.cpp's layout."""
    import gguf  # lazy: optional GGUF writer
    cfg = model.config
    n_blocks = cfg.n_layer if model_type == "gpt2" else cfg.num_hidden_layers
    names = gguf.get_tensor_name_map(getattr(gguf.MODEL_ARCH, ARCHS[model_type]), n_blocks)
    state = model.state_dict()
    tied = model_type != "gpt2" and getattr(cfg, "tie_word_embeddings", False)
    for hf_name, t in state.items():
        if hf_name.endswith((".attn.bias", ".attn.masked_bias", "rotary_emb.inv_freq")):
            continue
        if tied and hf_name == "lm_head.weight":
            continue                                   # llama.cpp reuses token_embd when output is absent
        name = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        if name is None:
            raise ModelError(f"GGUF export: no llama.cpp name for the tensor {hf_name!r} of this {model_type} model")
        t = t.detach().float().cpu()
        if model_type == "gpt2" and hf_name.endswith((".c_attn.weight", ".c_proj.weight", ".c_fc.weight")):
            t = t.T                                    # Conv1D stores (in, out)
        if model_type == "llama" and hf_name.endswith("q_proj.weight"):
            t = _permute(t, cfg.num_attention_heads)
        if model_type == "llama" and hf_name.endswith("k_proj.weight"):
            t = _permute(t, cfg.num_key_value_heads or cfg.num_attention_heads)
        yield name, t.contiguous()


def _qtype(name: str, t: torch.Tensor, fmt: str):
    import gguf  # lazy: optional GGUF writer
    Q = gguf.GGMLQuantizationType
    if t.ndim <= 1 or name.endswith("_norm.weight") or name == "position_embd.weight":
        return Q.F32
    if fmt == "gguf-q8_0" and t.shape[-1] % 32 == 0:
        return Q.Q8_0
    return Q.F16                                       # rows not a multiple of Q8_0's block of 32 stay 16-bit


def _metadata(w, cfg, model_type: str, vocab_size: int) -> None:
    if model_type == "gpt2":
        w.add_context_length(cfg.n_positions)
        w.add_embedding_length(cfg.n_embd)
        w.add_feed_forward_length(cfg.n_inner or 4 * cfg.n_embd)
        w.add_block_count(cfg.n_layer)
        w.add_head_count(cfg.n_head)
        w.add_layer_norm_eps(cfg.layer_norm_epsilon)
        return
    rope = getattr(cfg, "rope_parameters", None) or {}
    theta = rope.get("rope_theta") if isinstance(rope, dict) else None
    w.add_vocab_size(vocab_size)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads or cfg.num_attention_heads)
    w.add_rope_freq_base(float(theta or getattr(cfg, "rope_theta", 10000.0)))
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    w.add_rope_dimension_count(head_dim)


def write_gguf(model, tokenizer, path: Path, fmt: str, name: str = "workbench") -> dict:
    """Write `model` (a merged causal LM) and its tokenizer to the GGUF file `path`; returns facts for the report."""
    import gguf  # lazy: optional GGUF writer
    from gguf.quants import quantize  # lazy: optional GGUF writer
    if fmt not in GGUF_FORMATS:
        raise ModelError(f"unknown GGUF format {fmt!r}; choose one of {', '.join(GGUF_FORMATS)}")
    model_type = _check_model(model, tokenizer)
    vocab_size = model.get_input_embeddings().weight.shape[0]
    tok = tokenizer_fields(tokenizer, vocab_size)
    w = gguf.GGUFWriter(str(path), gguf.MODEL_ARCH_NAMES[getattr(gguf.MODEL_ARCH, ARCHS[model_type])])
    w.add_name(name)
    _metadata(w, model.config, model_type, vocab_size)
    w.add_file_type(int(gguf.LlamaFileType.MOSTLY_F16 if fmt == "gguf-f16" else gguf.LlamaFileType.MOSTLY_Q8_0))
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(PRE_TOKENIZER[model_type])
    w.add_token_list(tok["tokens"])
    w.add_token_types(tok["types"])
    w.add_token_merges(tok["merges"])
    for key, value in tok["ids"].items():
        if value is not None:
            getattr(w, f"add_{key}_token_id")(int(value))
    w.add_add_bos_token(False)
    if tok["chat_template"]:
        w.add_chat_template(tok["chat_template"])
    counts: dict[str, int] = {}
    for gname, t in _tensors(model, model_type):
        qtype = _qtype(gname, t, fmt)
        data = t.numpy().astype(np.float32)
        if qtype == gguf.GGMLQuantizationType.F16:
            data = data.astype(np.float16)
        elif qtype != gguf.GGMLQuantizationType.F32:
            data = quantize(data, qtype)
        w.add_tensor(gname, data, raw_dtype=qtype if qtype not in (gguf.GGMLQuantizationType.F16,
                                                                   gguf.GGMLQuantizationType.F32) else None)
        counts[qtype.name] = counts.get(qtype.name, 0) + 1
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {"gguf": {"file": path.name, "architecture": gguf.MODEL_ARCH_NAMES[getattr(gguf.MODEL_ARCH,
                                                                                      ARCHS[model_type])],
                     "tensor_types": counts, "vocab_size": vocab_size, "merges": len(tok["merges"]),
                     "tokenizer": f"gpt2 (byte-level BPE, pre {PRE_TOKENIZER[model_type]})",
                     "gguf_version": _version("gguf")}}


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version  # lazy: metadata look-up on use
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def find_file(folder: Path) -> Path:
    files = sorted(Path(folder).glob("*.gguf"))
    if not files:
        raise ModelError(f"{folder} holds no .gguf file; export it again with --format gguf-f16 or gguf-q8_0")
    return files[0]


def load_gguf(folder: Path):
    """The GGUF file of an export folder as a transformers causal LM (dequantized to fp32)."""
    from transformers import AutoConfig, AutoModelForCausalLM  # lazy: heavy, loaded on first use
    path = find_file(folder)
    config = AutoConfig.from_pretrained(str(folder), gguf_file=path.name)
    if config.model_type == "gpt2":
        # transformers' GPT-2 GGUF mapping reads context_length as n_ctx only, and neither the vocabulary size nor
        # the special ids: take them from the file's own metadata
        meta = read_metadata(path)
        config.n_positions = config.n_ctx = int(meta["gpt2.context_length"])
        config.vocab_size = len(meta["tokenizer.ggml.tokens"])
        for key in ("bos", "eos", "pad"):
            if f"tokenizer.ggml.{key}_token_id" in meta:
                setattr(config, f"{key}_token_id", int(meta[f"tokenizer.ggml.{key}_token_id"]))
    return AutoModelForCausalLM.from_pretrained(str(folder), gguf_file=path.name, config=config,
                                                dtype=torch.float32)


def read_metadata(path: Path) -> dict:
    """The key/value metadata of a GGUF file (strings, numbers, lists), read with gguf's reader."""
    import gguf  # lazy: optional GGUF writer
    reader = gguf.GGUFReader(str(path))
    out = {}
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        out[key] = field.contents()
    return out


def tokenizer_roundtrip(folder: Path, tokenizer, texts: list[str]) -> dict:
    """Load the GGUF file's own tokenizer with transformers and compare its ids with the run's tokenizer."""
    from transformers import AutoTokenizer  # lazy: heavy, loaded on first use
    path = find_file(folder)
    theirs = AutoTokenizer.from_pretrained(str(folder), gguf_file=path.name)
    same = sum(theirs(t, add_special_tokens=False)["input_ids"] == tokenizer(t, add_special_tokens=False)["input_ids"]
               for t in texts)
    decoded = sum(theirs.decode(tokenizer(t, add_special_tokens=False)["input_ids"]) == t for t in texts)
    return {"texts": len(texts), "same_ids": int(same), "decodes_back": int(decoded)}


def gguf_writer(src, ref, prepared, folder: Path) -> dict:
    """export.WRITERS entry: write the run's merged model as gguf-f16 / gguf-q8_0 into `folder` and check that the
    file's own tokenizer encodes held-out text as the run's does."""
    fmt = json.loads((folder / "workbench.json").read_text())["export_format"]
    model = unwrap(src.model)
    path = folder / file_name(fmt)
    facts = write_gguf(model, src.tokenizer, path, fmt, name=ref.run_id or Path(ref.model_dir).name)
    task = prepared.task
    ds = prepared.raw[prepared.split]
    column = task.data_cfg.text_column
    lines = ds[column][:64] if column in getattr(ds, "column_names", ()) else task.example_inputs(ds, 16)
    texts = [x for x in lines if isinstance(x, str) and x.strip()][:32]
    facts["gguf"]["tokenizer_check"] = tokenizer_roundtrip(folder, src.tokenizer, texts)
    facts["gguf"]["note"] = ("size is the .gguf file; metrics, output difference and speed are measured on the file "
                             "loaded back with transformers' GGUF loader (dequantized to fp32, so its speed is the "
                             "run's); llama.cpp runs the file itself")
    return facts
