"""Where things are inside a transformers model: the stack of blocks, what lies below it (embeddings), above it
(final norm, pooler) and the task head. Strategies use this to freeze, to set layer-wise learning rates and to
pick the weights that count as pre-trained, without knowing the architecture by name."""

from __future__ import annotations

import math
import re

import torch.nn as nn


def unwrap(model) -> nn.Module:
    """The plain transformers model under peft or task wrappers."""
    while True:
        if hasattr(model, "get_base_model") and callable(model.get_base_model):
            model = model.get_base_model()
        elif hasattr(model, "hf_model"):   # task wrappers (e.g. a CRF on top) keep the transformers model here
            model = model.hf_model
        else:
            return model


def clean_name(name: str) -> str:
    """A parameter name as plain transformers would spell it (strip peft's prefixes and layer wrappers)."""
    name = re.sub(r"^(base_model\.model\.|hf_model\.)+", "", name)
    return name.replace(".base_layer.", ".").replace(".original_module.", ".").replace(".modules_to_save.default.", ".")


def num_layers(model) -> int:
    cfg = unwrap(model).config
    for key in ("num_hidden_layers", "n_layer", "num_layers"):
        if isinstance(getattr(cfg, key, None), int):
            return getattr(cfg, key)
    raise ValueError(f"cannot tell the number of layers of {type(unwrap(model)).__name__}")


def block_prefix(model) -> str:
    """Dotted name of the ModuleList that holds the transformer blocks, e.g. 'bert.encoder.layer' or
    'transformer.h' (as named in the model passed in)."""
    n = num_layers(model)
    for name, module in model.named_modules():
        if isinstance(module, nn.ModuleList) and len(module) == n and name:
            return name
    raise ValueError(f"cannot find the {n} transformer blocks of {type(unwrap(model)).__name__}")


def layer_of(name: str, prefix: str) -> int | None:
    """Block index of a parameter, or None when it is outside the stack."""
    if name.startswith(prefix + "."):
        return int(name[len(prefix) + 1:].split(".", 1)[0])
    return None


def param_depths(model) -> dict[str, int]:
    """Depth of every parameter counted from the top: head, final norm and pooler 0; top block 1; ...;
    bottom block L; embeddings L + 1. Registration order tells below from above the block stack."""
    prefix, n = block_prefix(model), num_layers(model)
    depths, seen_blocks = {}, False
    for name, _ in model.named_parameters():
        i = layer_of(name, prefix)
        if i is not None:
            seen_blocks = True
            depths[name] = n - i
        else:
            depths[name] = 0 if seen_blocks else n + 1
    return depths


def head_names(model, new_names: set[str]) -> set[str]:
    """Parameters of the task head: outside the backbone (`base_model_prefix`) or newly initialised."""
    base = unwrap(model)
    prefix = getattr(base, "base_model_prefix", "")
    out = set()
    for name, _ in model.named_parameters():
        plain = clean_name(name)
        if clean_name(name) in new_names or (prefix and not plain.startswith(prefix + ".") and plain != prefix):
            out.add(name)
    return out


def count_params(model) -> tuple[int, int]:
    """(trainable, total) parameter counts; shared (tied) tensors are counted once."""
    seen, trainable, total = set(), 0, 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        # A 4-bit (bitsandbytes) weight is stored packed, two values per byte: count the weights it stands for.
        shape = getattr(getattr(p, "quant_state", None), "shape", None)
        n = math.prod(shape) if shape is not None else p.numel()
        total += n
        trainable += n if p.requires_grad else 0
    return trainable, total
