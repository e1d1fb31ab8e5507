"""LoRA: W x + (alpha / r) · B A x, with A (r × in) and B (out × r) trained and W frozen (Hu et al., 2021).
Merged into W at the end, so the saved model is a plain transformers model."""

from dataclasses import dataclass

from ..options import knob
from ..strategies import STRATEGIES
from ._peft import PeftStrategy, head_modules, resolve_targets, task_type


@dataclass
class LoraOptions:
    r: int = knob(8, "Rank of the update B·A added to each targeted weight (more = more capacity).", label="Rank r",
                  min=1, max=1024)
    alpha: float = knob(16.0, "Scale of the update: it is multiplied by alpha / r.", label="Alpha", min=0.0,
                        max=100000.0)
    dropout: float = knob(0.05, "Dropout on the adapter's input during training.", min=0.0, max=0.9)
    target_modules: list[str] = knob(help="Linear layers inside the transformer blocks that get an adapter, by "
                                     "name or name ending (query, value, attention.output.dense, c_attn...). Empty: "
                                     "every linear layer of the blocks (query/key/value/dense for BERT, "
                                     "c_attn/c_proj/c_fc for GPT-2).", label="Target layers", factory=list)


@STRATEGIES.register("lora")
class Lora(PeftStrategy):
    order = 60
    summary = "Low-rank adapters on the block's linear layers; base frozen, merged into the weights at the end."
    explain = ("Every pre-trained weight stays frozen; each targeted layer learns a small low-rank correction B·A "
               "(rank r) beside it, and the new task head trains in full. Usually well under 5% of the "
               "parameters train, and the model cannot drift far from what pre-training taught it. At the end the "
               "correction is added into the weights, so the saved model is an ordinary model of the same size. "
               "Adapters learn slowly at full fine-tuning's learning rate: use a higher one (about 5e-4 to 1e-3).")
    formula = "h = W x + (alpha / r) · B A x,   W frozen, A ∈ R^{r×in}, B ∈ R^{out×r} (B = 0 at the start)"
    use_dora = False

    Options = LoraOptions

    def peft_config(self, model, ctx):
        from peft import LoraConfig   # lazy: peft, only for adapters
        o = self.opts
        head = head_modules(model, ctx.new_names)
        targets = [t for t in resolve_targets(model, o.target_modules, f"strategy.{self.name}.target_modules")
                   if t not in head]
        return LoraConfig(task_type=task_type(ctx.cfg.task.name), r=o.r, lora_alpha=o.alpha, lora_dropout=o.dropout,
                          target_modules=targets, modules_to_save=head, use_dora=self.use_dora, bias="none")
