"""Rebuilding a model from saved tensors without first allocating a random fp32 copy of it: the architecture is built
on the meta device (no memory), and every parameter and buffer is then assigned from the file. The int8 and pruned
exports load this way, so their peak memory is that of what they store, not of an fp32 model besides."""

from __future__ import annotations

import torch
import torch.nn as nn

from ..errors import ModelError
import transformers


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
