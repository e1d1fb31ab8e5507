"""The model of a multitask run: one transformers model per sub-task, all sharing the first one's encoder.

Each sub-task keeps its own, ordinary transformers model (AutoModelForSequenceClassification,
AutoModelForMaskedLM...), so its task code runs unchanged; the encoder modules of every model after the first
are replaced by the first model's (the same nn.Module objects), so one set of encoder weights is trained by every
task. What stays per task is its head (and any encoder part only it has, e.g. BERT's pooler for classification
when the first task's model has none). Output embeddings tied to the input embeddings (an MLM or LM head) are
re-tied to the shared ones.

Saved layout (model/saved.py writes the first model as the folder's plain transformers model):
    model/                       the first sub-task's model: shared encoder + its head (loads on its own)
      workbench.json             task: multitask, with the sub-task list in task_options
      multitask.json             [{key, task, auto_class}, ...] in order
      heads/<key>/               per sub-task: its extras (a CRF, the SFT marker...); for the others also
        config.json                their transformers config (labels...) and
        head.safetensors           the weights that are theirs alone (not the shared encoder's)
"""

from __future__ import annotations

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from ..model.anatomy import unwrap
from ..errors import ModelError

HEAD_FILE = "head.safetensors"


class MultitaskModel(nn.Module):
    """Sub-task models by key. The first is registered first (as `hf_model`), so the shared encoder's parameters
    carry its plain transformers names (hf_model.bert.encoder...; anatomy.clean_name strips the prefix)."""

    def __init__(self, keys: list[str], first: nn.Module):
        super().__init__()
        self.keys = list(keys)
        self.hf_model = first
        self.heads = nn.ModuleDict()

    def sub(self, key: str) -> nn.Module:
        return self.hf_model if key == self.keys[0] else self.heads[key]

    @property
    def config(self):
        return unwrap(self.hf_model).config

    def forward(self, *args, **kwargs):
        """The first sub-task's model (strategies that run the model on general text use this)."""
        return self.hf_model(*args, **kwargs)


def share_encoder(model: nn.Module, first: nn.Module) -> None:
    """Make `model` use `first`'s encoder modules (in place) and re-tie its output embeddings."""
    base, shared = unwrap(model).base_model, unwrap(first).base_model
    if type(base) is not type(shared):
        raise ModelError(f"cannot share an encoder between {type(base).__name__} and {type(shared).__name__}")
    for name, child in list(base.named_children()):
        other = getattr(shared, name, None)
        if isinstance(other, nn.Module):
            setattr(base, name, other)
    unwrap(model).tie_weights()


def grow_embeddings(model: nn.Module, size: int) -> None:
    """Resize the vocabulary to `size` rows if it is smaller (a sub-task added a token, e.g. <mask>)."""
    hf = unwrap(model)
    if hf.get_input_embeddings().weight.shape[0] < size:
        hf.resize_token_embeddings(size, mean_resizing=False)


def own_state(model: nn.Module, first: nn.Module) -> dict[str, torch.Tensor]:
    """The parameters and buffers of `model` that are not shared with `first` (its head), by name."""
    shared = {id(t) for t in list(first.parameters()) + list(first.buffers())}
    state = {n: p for n, p in model.named_parameters() if id(p) not in shared}
    state.update({n: b for n, b in model.named_buffers() if id(b) not in shared})
    return state


def save_head(model: nn.Module, first: nn.Module, folder) -> None:
    """The transformers model's config and own weights; a task wrapper's extras (a CRF) are the task's to save."""
    hf = unwrap(model)
    hf.config.save_pretrained(str(folder))
    save_file({n: t.detach().contiguous().clone() for n, t in own_state(hf, first).items()}, str(folder / HEAD_FILE))


def load_head(model: nn.Module, first: nn.Module, folder) -> None:
    """Load a head saved by save_head into the transformers `model`, whose encoder is already shared with
    `first`."""
    state = load_file(str(folder / HEAD_FILE))
    expected = set(own_state(model, first))
    missing = expected - set(state)
    if missing:
        raise ModelError(f"{folder / HEAD_FILE} does not match the model (missing {sorted(missing)[:3]}); the "
                         "folder was not saved by this version of the multitask task")
    model.load_state_dict(state, strict=False)
