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
    zh = {
        "summary": "权重分解 LoRA（DoRA）：训练每个输出的幅度和低秩方向；训练结束时合并。",
        "explain": ("与 LoRA 一样，预训练权重保持冻结，旁边训练一个低秩更新；但每个权重被拆分为长度（每个输出一个"
                    "数）和方向：长度自由训练，低秩更新只改变方向。相同秩下它通常比 LoRA 更接近全参数微调，代价是"
                    "每步多一些计算。训练结束时合并进权重。"),
        "formula": "W' = m · (W + (alpha / r) · B A) / ‖W + (alpha / r) · B A‖_col，   W 冻结；m、A、B 参与训练",
    }
