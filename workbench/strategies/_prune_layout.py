"""Where the prunable units of a transformer block live, for structured pruning.

A *unit* is one attention head or one feed-forward neuron. Removing it means zeroing every slice of every tensor
that belongs to it:
    head h      rows h·d..(h+1)·d of the query, key and value projections (and their biases), and the same
                columns of the attention output projection (d = head size);
    neuron j    row j of the feed-forward up-projection(s) (and bias), column j of the down-projection.
A `Member` says how one tensor is sliced: along `dim`, index i belongs to unit (i // size) % n. The modulo covers
GPT-2's fused query/key/value matrix, whose output axis is [q heads | k heads | v heads].

Known layouts (module names inside a block): BERT-like encoders (BERT, RoBERTa, MiniLM, ELECTRA...), GPT-2, and
Llama-like decoders (Llama, Mistral, Qwen; heads only without grouped-query attention).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from ..model.anatomy import block_prefix, num_layers, unwrap
from ..errors import ModelError

LAYOUTS = (
    {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
     "o": "attention.output.dense", "up": ("intermediate.dense",), "down": "output.dense"},
    {"qkv": "attn.c_attn", "o": "attn.c_proj", "up": ("mlp.c_fc",), "down": "mlp.c_proj"},
    {"q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj", "o": "self_attn.o_proj",
     "up": ("mlp.gate_proj", "mlp.up_proj"), "down": "mlp.down_proj"},
)


@dataclass
class Member:
    name: str                  # parameter name in the model
    param: torch.nn.Parameter
    dim: int                   # axis along which units are laid out
    size: int                  # entries per unit along that axis (head size, or 1 for a neuron)
    n: int                     # units per block

    def unit_index(self) -> torch.Tensor:
        """(param.shape[dim],) long: the unit each index along `dim` belongs to."""
        length = self.param.shape[self.dim]
        return (torch.arange(length, device=self.param.device) // self.size) % self.n

    def mask_from(self, keep_units: torch.Tensor) -> torch.Tensor:
        """Bool mask of the parameter's shape from a (n,) bool vector of kept units."""
        keep = keep_units.to(self.param.device)[self.unit_index()]
        shape = [1] * self.param.dim()
        shape[self.dim] = -1
        return keep.view(shape).expand_as(self.param).clone()


@dataclass
class Block:
    """The units of one kind (heads or neurons) in one transformer block."""
    layer: int
    n: int
    members: list[Member]

    def importance(self) -> torch.Tensor:
        """(n,) L2 norm of each unit's weights (biases left out), in fp32."""
        total = torch.zeros(self.n, device=self.members[0].param.device)
        for m in self.members:
            if m.param.dim() < 2:
                continue
            sq = m.param.detach().float().pow(2).sum(dim=[d for d in range(m.param.dim()) if d != m.dim])
            total.index_add_(0, m.unit_index(), sq)
        return total.sqrt()


def _out_in_dims(module) -> tuple[int, int]:
    """(output axis, input axis) of a linear layer's weight: nn.Linear is (out, in), GPT-2's Conv1D (in, out)."""
    return (0, 1) if isinstance(module, nn.Linear) else (1, 0)


def _find_layout(block: nn.Module) -> dict:
    names = {n for n, _ in block.named_modules()}
    for layout in LAYOUTS:
        needed = [v for k, v in layout.items() if k != "up"] + list(layout["up"])
        if all(n in names for n in needed):
            return layout
    raise ModelError(f"structured pruning knows BERT-like, GPT-2 and Llama-like blocks, not {type(block).__name__}; "
                     "use strategy prune with structure: unstructured")


def structured_blocks(model, kind: str) -> list[Block]:
    """One Block of heads (kind 'heads') or feed-forward neurons ('neurons') per transformer block of `model`."""
    prefix = block_prefix(model)
    config = unwrap(model).config
    n_heads = next((getattr(config, k) for k in ("num_attention_heads", "n_head") if getattr(config, k, None)), None)
    blocks = []
    for i in range(num_layers(model)):
        block_name = f"{prefix}.{i}"
        block = model.get_submodule(block_name)
        layout = _find_layout(block)
        members: list[Member] = []

        def add(rel: str, axis: str, size: int, n: int):
            module = block.get_submodule(rel)
            out_dim, in_dim = _out_in_dims(module)
            members.append(Member(f"{block_name}.{rel}.weight", module.weight, out_dim if axis == "out" else in_dim,
                                  size, n))
            if axis == "out" and getattr(module, "bias", None) is not None:
                members.append(Member(f"{block_name}.{rel}.bias", module.bias, 0, size, n))

        if kind == "heads":
            if not n_heads:
                raise ModelError("cannot tell the number of attention heads from the model config")
            o = block.get_submodule(layout["o"])
            width = o.weight.shape[_out_in_dims(o)[1]]           # concatenated heads entering the output projection
            head = width // n_heads
            if "qkv" in layout:
                add(layout["qkv"], "out", head, n_heads)
            else:
                for key in ("q", "k", "v"):
                    proj = block.get_submodule(layout[key])
                    if proj.weight.shape[_out_in_dims(proj)[0]] != width:
                        raise ModelError("pruning heads of a model with grouped-query attention is not supported "
                                         "(keys/values are shared by several heads); use structure: neurons or "
                                         "unstructured")
                    add(layout[key], "out", head, n_heads)
            add(layout["o"], "in", head, n_heads)
            blocks.append(Block(i, n_heads, members))
        else:
            down = block.get_submodule(layout["down"])
            n = down.weight.shape[_out_in_dims(down)[1]]        # feed-forward width
            for rel in layout["up"]:
                add(rel, "out", 1, n)
            add(layout["down"], "in", 1, n)
            blocks.append(Block(i, n, members))
    return blocks
