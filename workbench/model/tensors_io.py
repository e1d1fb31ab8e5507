"""Rebuilding a model from saved tensors without first allocating a random fp32 copy of it: the architecture is built
on the meta device (no memory), and every parameter and buffer is then assigned from the file. The int8 and pruned
exports load this way, so their peak memory is that of what they store, not of an fp32 model besides.
`load_rebuilt` is the one loader of those saved forms: read the spec, build the architecture, let the format
restore what it stores its own way, then assign the rest and check that every tensor came from the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

import torch
import torch.nn as nn
import transformers
from safetensors.torch import load_file

from ..errors import ModelError


def empty_model(folder, auto_class: str) -> nn.Module:
    """The architecture of config.json on the meta device (shapes only)."""
    config = transformers.AutoConfig.from_pretrained(str(folder))
    with torch.device("meta"):
        return getattr(transformers, auto_class).from_config(config).eval()


def non_persistent_buffers(model: nn.Module) -> dict[str, torch.Tensor]:
    """Buffers that state_dict leaves out (position ids, rotary frequencies): saved beside the weights so that a
    model built on the meta device gets them back."""
    out = {}
    for name, module in model.named_modules():
        for buf in getattr(module, "_non_persistent_buffers_set", ()):
            value = module._buffers.get(buf)
            if value is not None:
                out[f"{name}.{buf}" if name else buf] = value.detach().contiguous()
    return out


def assign(model: nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Replace parameters and buffers by name. Names given the same tensor share it (tied weights stay tied)."""
    made: dict[int, nn.Parameter] = {}
    for key, t in tensors.items():
        module_name, _, attr = key.rpartition(".")
        module = model.get_submodule(module_name) if module_name else model
        if attr in module._parameters:
            module._parameters[attr] = made.setdefault(id(t), nn.Parameter(t, requires_grad=False))
        elif attr in module._buffers:
            module._buffers[attr] = t
        else:
            raise ModelError(f"saved tensor {key!r} has no place in the model; export it again")


def check_materialized(model: nn.Module, folder) -> None:
    """Every tensor came from the file: none is left on the meta device."""
    left = [n for n, t in list(model.named_parameters()) + list(model.named_buffers()) if t.is_meta]
    if left:
        raise ModelError(f"the export in {folder} lacks {len(left)} tensor(s) of its model (e.g. {left[0]}); "
                         "export it again")


def under(name: str, prefixes) -> bool:
    """Whether module `name` is one of `prefixes` or inside one of them."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# restore(model on the meta device, spec, tensors read from the file) -> names of the modules it rebuilt itself.
# It takes the tensors it consumed out of the dict and may add dense ones (by state_dict name) for the rest.
Restore = Callable[[nn.Module, dict, dict], Iterable[str]]


def load_rebuilt(folder: str | Path, auto_class: str, spec_file: str, what: str, fix: str,
                 restore: Restore) -> nn.Module:
    """Rebuild a model saved as model.safetensors + `spec_file` (a JSON spec with optional "aliases": tied names
    and "buffers": non-persistent buffers saved beside the weights): the architecture from config.json on the meta
    device, the format's own modules through `restore`, then every other tensor assigned from the file. `what`
    names the format in errors ("int8 export"); `fix` says how to get a good folder."""
    folder = Path(folder)
    try:
        spec = json.loads((folder / spec_file).read_text())
    except (OSError, json.JSONDecodeError) as e:
        article = "an" if what[:1] in "aeiou" else "a"
        raise ModelError(f"{folder} is not {article} {what} ({spec_file} unreadable: {e}); {fix}") from None
    tensors = load_file(str(folder / "model.safetensors"))
    model = empty_model(folder, auto_class)
    rebuilt = list(restore(model, spec, tensors))
    for alias, source in spec.get("aliases", {}).items():
        tensors[alias] = tensors[source]
    expected = {k for k in model.state_dict() if not under(k.rsplit(".", 1)[0], rebuilt)}
    expected |= set(spec.get("buffers", []))
    if expected != set(tensors):
        raise ModelError(f"the {what} in {folder} does not match its config (missing "
                         f"{sorted(expected - set(tensors))[:3]}, unexpected {sorted(set(tensors) - expected)[:3]}); "
                         f"{fix}")
    assign(model, tensors)
    check_materialized(model, folder)
    return model.eval()
