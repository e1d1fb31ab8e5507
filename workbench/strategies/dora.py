"""DoRA: LoRA with the weight split into magnitude and direction, W' = m · (W + B A) / ‖W + B A‖_c, where the
magnitude vector m (one value per output) and the low-rank direction update B·A train (Liu et al., 2024)."""

from ..strategies import STRATEGIES
from .lora import Lora


@STRATEGIES.register("dora")
class Dora(Lora):
    order = 61
    summary = "Weight-decomposed LoRA: trains a per-output magnitude and a low-rank direction; merged at the end."
    explain = ("Like LoRA, the pre-trained weights stay frozen and a low-rank update trains beside them, but each "
               "weight is split into a length (one number per output) and a direction: the lengths train freely "
               "and the low-rank update only turns the direction. It often tracks full fine-tuning more closely "
               "than LoRA at the same rank, at some extra cost per step. Merged into the weights at the end.")
    formula = "W' = m · (W + (alpha / r) · B A) / ‖W + (alpha / r) · B A‖_col,   W frozen; m, A, B train"
    use_dora = True
