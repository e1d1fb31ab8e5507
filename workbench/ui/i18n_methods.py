"""Chinese text of the engine's method metadata: each strategy's summary, explanation and formula, each task's
summary, and the label and help of their knobs. i18n.py merges METHOD_KNOBS into its KNOBS and serves the rest
through `method_text`.

The English stays where it is written (the class attributes and Options of workbench/strategies/*.py and
workbench/tasks/*.py); these tables mirror it, keyed by "strategy.<name>.<attr>" / "task.<name>.<attr>" and, for
knobs, by the knob's config path. tests/test_i18n.py walks the registries, so a strategy or task added (or a text
reworded) without its Chinese here fails there with its name. Formulas keep their symbols; only the words around
them are translated.
"""

from __future__ import annotations

from .i18n_publish import PUBLISH_KNOBS, PUBLISH_STRINGS  # noqa: F401  (i18n.py merges them; it has no room left)

# Formulas that are symbols only: shown as written in every language (a new formula must be listed here or get
# a Chinese entry below, so the test knows it was looked at).
NEUTRAL_FORMULAS = frozenset({"strategy.l2sp.formula", "strategy.distill.formula"})


def method_text(kind: str, cls, attr: str, lang: str = "en") -> str:
    """A strategy's or task's `attr` ("summary", "explain", "formula") in `lang`; English when there is no
    translation (the text is then still shown, never blank)."""
    english = getattr(cls, attr, None) or ""
    if lang == "en" or not english:
        return english
    return TEXTS.get(f"{kind}.{cls.name}.{attr}") or english


TEXTS: dict[str, str] = {
    # ---- strategies ---------------------------------------------------------------------------------------------
    "strategy.full.summary": "全部参数参与训练（基线）。",
    "strategy.full.explain": "预训练模型的每个权重和新加的任务头都会更新。学习任务最快，但没有任何约束让模型保持在预训练"
                             "学到的状态附近，通用知识可能被遗忘（灾难性遗忘）。",
    "strategy.freeze.summary": "冻结词嵌入层和底部 k 层（k<0：只训练顶部 -k 层）。",
    "strategy.freeze.explain": "底部各层完全保留预训练权重，只有上层和任务头参与适配。数据少时更省算力也更稳妥，但被冻结的"
                               "部分完全无法适配：知识单向流动，只从预训练模型流向任务。",
    "strategy.head_only.summary": "只训练新的任务头（线性探测）。",
    "strategy.head_only.explain": "预训练模型作为固定的特征提取器，只有新的输出层在学习。不会遗忘任何知识，但模型本身也完全"
                                  "不会向任务适配。",
    "strategy.llrd.summary": "逐层学习率衰减：lr·decay^(距顶层的深度)；越靠底层更新越小。",
    "strategy.llrd.explain": "底层保存通用的语言知识，上层保存更偏向任务的特征。让每一层的学习率都比其上一层小（任务头使用"
                             "完整学习率，词嵌入层最小），顶层就能快速适配，而底层保留预训练学到的知识。单独使用时仍是单向"
                             "迁移，但能减轻遗忘，并且可以与其他任何策略组合（例如 l2sp + llrd）。",
    "strategy.llrd.formula": "lr_layer = lr · decay^d，任务头 d = 0，顶层块 d = 1，…，词嵌入层 d = L + 1",
    "strategy.l2sp.summary": "惩罚项 λ‖θ − θ_pre‖² 让预训练权重停留在初始值附近。",
    "strategy.l2sp.explain": "普通微调让每个权重随任务任意漂移，预训练学到的知识会被覆盖（灾难性遗忘）。L2-SP 在每个预训练"
                             "权重与其初始值之间加上一根“弹簧”：模型学习任务的同时停留在预训练解附近，因此知识是双向迁移的，"
                             "而不只是流入任务。新的任务头没有值得保留的起点，因此不受约束。",
    "strategy.distill.summary": "教师 → 学生：(1−α)·CE + α·τ²·KL(p_t^τ ‖ p_s^τ)，可选隐藏状态匹配。",
    "strategy.distill.explain": "教师模型（某次微调运行、某个模型文件夹或基础模型）向学生展示完整的软化概率分布，而不只是"
                                "正确答案：哪些错误答案“差一点就对”，承载了教师的大量知识。学生同时向标签和教师学习，因此"
                                "在学会任务的同时保留了教师的知识。设置 student_layers 时，学生是教师的缩小副本（每隔 k 个块"
                                "保留一个），目标是以一小部分的规模保持教师的准确率。",
    "strategy.lora.summary": "在各块的线性层上加低秩适配器；基础模型冻结，训练结束时合并进权重。",
    "strategy.lora.explain": "所有预训练权重保持冻结；每个目标层旁边学习一个小的低秩修正 B·A（秩为 r），新的任务头完整训练。"
                             "参与训练的参数通常远少于 5%，模型也无法偏离预训练所学太远。训练结束时修正量被加回权重，因此"
                             "保存的是同样大小的普通模型。在全参数微调的学习率下适配器学得很慢：请使用更高的学习率（约 5e-4 "
                             "到 1e-3）。",
    "strategy.lora.formula": "h = W x + (alpha / r) · B A x，   W 冻结，A ∈ R^{r×in}，B ∈ R^{out×r}（初始时 B = 0）",
    "strategy.mean_teacher.summary": "教师 = 学生权重的 EMA；学生向教师蒸馏（自集成）。",
    "strategy.mean_teacher.explain": "保留一份模型副本，作为学生权重的缓慢移动平均。每一步学生既学习任务，也匹配教师的软化"
                                     "预测。平均值变化缓慢，因此记得之前各步（以及预训练）学到的知识，并把学生拉回来；同时"
                                     "学生的进步也流入教师：知识双向流动。",
    "strategy.mean_teacher.formula": "每步之后 θ_t ← β·θ_t + (1 − β)·θ；  L = (1 − α)·L_task + α·τ²·KL(softmax(z_t/τ) ‖ "
                                     "softmax(z_s/τ))",
    "strategy.dora.summary": "权重分解 LoRA（DoRA）：训练每个输出的幅度和低秩方向；训练结束时合并。",
    "strategy.dora.explain": "与 LoRA 一样，预训练权重保持冻结，旁边训练一个低秩更新；但每个权重被拆分为长度（每个输出一个数）"
                             "和方向：长度自由训练，低秩更新只改变方向。相同秩下它通常比 LoRA 更接近全参数微调，代价是每步"
                             "多一些计算。训练结束时合并进权重。",
    "strategy.dora.formula": "W' = m · (W + (alpha / r) · B A) / ‖W + (alpha / r) · B A‖_col，   W 冻结；m、A、B 参与训练",
    "strategy.qlora.summary": "在 4 位 NF4 量化、冻结的基础模型上做 LoRA（bitsandbytes）；仅支持 CUDA。",
    "strategy.qlora.explain": "与 LoRA 相同，但冻结的基础模型以每个权重 4 位（NormalFloat-4）存储，显存约为 16 位的四分之一，"
                              "更大的模型也能放进单张 GPU。适配器和新任务头保持全精度，按 LoRA 的方式训练。需要 NVIDIA GPU"
                              "（bitsandbytes）。适配器单独保存，并引用基础模型；加载该运行时会把它合并进全精度的基础模型。",
    "strategy.qlora.formula": "h = dequant(W_NF4) x + (alpha / r) · B A x，   W_NF4 以 4 位冻结，A 与 B 使用计算精度",
    "strategy.prefix.summary": "前缀微调（Prefix Tuning）：在每个注意力层的输入前加入可学习的键/值（解码器语言模型）。",
    "strategy.prefix.explain": "整个模型保持冻结；每个注意力层都多出 n 对可学习的键/值，每个词元都可以关注它们，从而把模型"
                               "引向任务。它比提示微调更深（作用于每一层），参数仍然极少；需要较高的学习率（约 1e-3 到 1e-2）。"
                               "适用于解码器（GPT-2、Llama……）上的因果语言建模。不适用于分类：peft 通过一个当前 transformers "
                               "已不再提供的参数把前缀传给分类模型，而编码器（BERT/MiniLM）根本不接受缓存的键/值；这些情况请"
                               "使用 prompt、lora 或 ia3。前缀无法合并进权重：保存的模型是前缀加上对基础模型的引用。",
    "strategy.prefix.formula": "每一层中对 [P_k; K] 和 [P_v; V] 做注意力，   θ 冻结，P_k, P_v ∈ R^{n×d} 参与训练",
    "strategy.prompt.summary": "提示微调（Prompt Tuning）：在每个输入前加可学习的软提示；模型保持冻结。",
    "strategy.prompt.explain": "整个模型保持冻结；在每个输入前放几个可学习的向量，就像额外的词，训练找出能让冻结的模型完成"
                               "任务的“提示”（新任务头也参与训练）。这是改动最小的方法，在大模型上效果最好，需要很高的学习率"
                               "（约 1e-2 到 3e-1）。提示无法合并进权重：保存的模型是提示加上对基础模型的引用（工作台能加载它；"
                               "transformers 的 pipeline() 不能）。",
    "strategy.prompt.formula": "h = f_θ([P; E(x)])，   θ 冻结，P ∈ R^{n×d} 参与训练",
    "strategy.ia3.summary": "(IA)³：对键、值和前馈激活学习逐通道缩放；训练结束时合并。",
    "strategy.ia3.explain": "所有预训练权重保持冻结；一个可学习的向量逐通道缩放键、值投影的输出以及前馈下投影层的输入，新的"
                            "任务头完整训练。训练的数值远少于 LoRA（每个通道一个），因此需要较高的学习率（约 3e-3 到 1e-2）。"
                            "训练结束时缩放系数被乘进权重，保存的是普通模型。",
    "strategy.ia3.formula": "h = l ⊙ (W x)（键、值）；   h = W (l ⊙ x)（前馈层）；   W 冻结，l 初始为 1",
    "strategy.ema.summary": "维护权重的指数移动平均（EMA），并用它评估和保存。",
    "strategy.ema.explain": "最后一步的权重只是优化路径上一个带噪声的点。对最近若干步的权重取平均（每一步把平均值向当前权重"
                            "推近 1 − β）会得到更平滑的模型，它通常泛化更好，也更少遗忘训练早期学到的东西。评估和保存的是"
                            "平均后的权重；训练过程本身不变。",
    "strategy.ema.formula": "每个优化步之后 θ_ema ← β·θ_ema + (1 − β)·θ",
    "strategy.adversarial.summary": "池化特征上的领域判别器 + 梯度反转：让任务特征与通用特征保持相似。",
    "strategy.adversarial.explain": "一个小型判别器读取模型对通用文本和任务文本的池化特征，学习区分二者。它的梯度反转后传给"
                                    "模型，于是模型被推动让任务特征与通用特征无法区分：模型学习任务，却不会漂移到只适合任务"
                                    "数据的表示，从而保留对通用语言的知识。双方在同一次反向传播中学习。",
    "strategy.adversarial.formula": "L = L_task + λ·BCE(D(GRL(f)), domain)；  GRL：前向为恒等映射，反向以 −∂ 传入编码器",
    "strategy.prune.summary": "逐步幅度剪枝到目标稀疏度（权重、注意力头或神经元），训练中保持掩码。",
    "strategy.prune.explain": "模型微调的同时，越来越多绝对值最小的权重被置零，按从 `start` 到 `end` 的计划进行，直到比例为 "
                              "`sparsity` 的权重为零；其余权重继续训练以弥补损失。structure 为 'heads' 或 'neurons' 时移除整个"
                              "注意力头或前馈神经元（它们可以真正从模型中裁掉，带来实际加速）；'unstructured' 移除单个权重"
                              "（同样稀疏度下准确率更高，但需要稀疏算子才能变快）。只剪枝 Transformer 块内的线性层：词嵌入、"
                              "池化层和任务头保持完整。",
    "strategy.prune.formula": "s_t = s_f · (1 − (1 − (t − t_0)/(t_1 − t_0))³)   （三次；线性：s_f · (t − t_0)/(t_1 − t_0)），"
                              "   每步之后 W ← W ⊙ M",
    "strategy.rehearsal.summary": "每一步都在通用文本上混入预训练目标（MLM / 下一词元预测）。",
    "strategy.rehearsal.explain": "只在任务数据上微调，模型会遗忘不再练习的语言能力。复习（rehearsal）在每一步加入一批通用"
                                  "文本，让模型做它自己的预训练练习：编码器做掩码词填空，解码器预测下一个词。模型通过持续使用"
                                  "来保持通用知识，同时由任务损失学会新技能。",
    "strategy.rehearsal.formula": "L = L_task + w · L_LM(通用文本)   （MLM：15% 的词元，80/10/10；CLM：下一个词元）",
    # ---- tasks --------------------------------------------------------------------------------------------------
    "task.classification.summary": "序列分类：为每条文本或文本对预测一个标签（情感、主题、意图）。",
    "task.token_classification.summary": "词元分类（NER）：为每个词打一个标签；支持 BIO/BIOES/BMES 标注体系；可选 CRF 层。",
    "task.qa.summary": "抽取式问答：在上下文中找出答案片段（SQuAD、CMRC 2018）。",
    "task.causal_lm.summary": "因果语言建模：在纯文本上预训练，或在 Alpaca/对话数据上做指令微调（SFT，只在回答上计算损失）；"
                              "生成文本。",
    "task.masked_lm.summary": "掩码语言建模：从零预训练编码器，或在你的文本上继续预训练。",
    "task.denoising.summary": "去噪：用编码器-解码器重建被破坏的文本（片段掩码、删除、打乱），或用解码器读取“破坏文本 → 原文”。",
    "task.contrastive.summary": "句向量：在文本对上用 InfoNCE 训练，或在纯文本上按 SimCSE 方式（dropout 视图）训练。",
    "task.multitask.summary": "多任务：多个任务各用自己的数据，共享一个编码器，每个任务一个任务头，损失加权求和。",
}


# ---- knobs: config path -> (label, help) ---------------------------------------------------------------------------
# Knobs several strategies share (the peft adapters; the general-text source) are written once.
_RANK = ("秩 r", "加到每个目标权重上的更新 B·A 的秩（越大，容量越大）。")
_ALPHA = ("缩放系数 alpha", "更新量的缩放：乘以 alpha / r。")
_DROPOUT = ("Dropout 比率", "训练时作用于适配器输入的 Dropout。")
_TARGETS = ("目标层", "Transformer 块内要加适配器的线性层，按名称或名称结尾指定（query、value、attention.output.dense、"
            "c_attn……）。留空：块内所有线性层（BERT 为 query/key/value/dense，GPT-2 为 c_attn/c_proj/c_fc）。")
_GENERAL = ("通用文本", "通用文本：'builtin:general'、文本文件（每行一段）或含 'text' 列的 Hub 数据集 ID。")
_KD_ALPHA = ("α（蒸馏占比）", "损失中分配给匹配教师的比例（任务损失占 1 − α）。")   # strategies/_kd.py alpha_knob
_KD_TAU = ("τ（温度）", "τ：比较前对两个分布进行软化（越高越能体现教师对错误答案的排序；常用 1–4）。")   # temperature_knob

METHOD_KNOBS: dict[str, tuple[str, str]] = {
    # strategies
    "strategy.freeze.k": ("冻结层数 k", "从底部起冻结的块数；负数：冻结除顶部 -k 个块之外的所有块。"),
    "strategy.llrd.decay": ("每层衰减系数", "某层学习率与其上一层学习率之比（1：不衰减）。常用 0.8–0.95；越小，底层越接近"
                            "预训练状态。"),
    "strategy.l2sp.weight": ("λ（权重）", "λ：把权重拉向预训练值的强度（使用 AdamW 时取 0.01–1；越大，模型越接近预训练"
                             "状态）。"),
    "strategy.distill.teacher": ("教师模型", "教师：运行 ID、运行或模型文件夹，或 'base'（本次运行的基础模型）。对分类等需要"
                                 "新任务头的任务，它必须是已针对本任务微调过的模型。"),
    "strategy.distill.alpha": _KD_ALPHA,
    "strategy.distill.temperature": _KD_TAU,
    "strategy.distill.hidden_weight": ("隐藏状态权重", "匹配教师隐藏状态的权重（均方误差；宽度不同时经过一个可学习的投影）；"
                                       "0 表示关闭。"),
    "strategy.distill.student_layers": ("学生层", "从教师派生学生，保留这些块：'every:2'（块 0、2、4……）、'top:3'、"
                                        "'bottom:3' 或列表 '0,2,4'。留空：学生就是本次运行自己的模型。"),
    "strategy.lora.r": _RANK,
    "strategy.lora.alpha": _ALPHA,
    "strategy.lora.dropout": _DROPOUT,
    "strategy.lora.target_modules": _TARGETS,
    "strategy.mean_teacher.beta": ("β（教师衰减）", "教师平均值的衰减：约覆盖最近 1/(1 − β) 步。"),
    "strategy.mean_teacher.alpha": _KD_ALPHA,
    "strategy.mean_teacher.temperature": _KD_TAU,
    "strategy.mean_teacher.evaluate_teacher": ("评估教师", "评估并保存教师（平均后的权重），而不是学生。"),
    "strategy.dora.r": _RANK,
    "strategy.dora.alpha": _ALPHA,
    "strategy.dora.dropout": _DROPOUT,
    "strategy.dora.target_modules": _TARGETS,
    "strategy.qlora.r": _RANK,
    "strategy.qlora.alpha": _ALPHA,
    "strategy.qlora.dropout": _DROPOUT,
    "strategy.qlora.target_modules": _TARGETS,
    "strategy.qlora.compute_dtype": ("计算精度", "每次矩阵乘法前 4 位权重反量化到的精度。"),
    "strategy.qlora.double_quant": ("双重量化", "对量化常数再做一次量化（每个权重约节省 0.4 位）。"),
    "strategy.qlora.gradient_checkpointing": ("梯度检查点", "反向传播时重新计算激活值而不是保存它们：省显存，约慢 30%。"),
    "strategy.prefix.num_virtual_tokens": ("虚拟词元数", "每个注意力层中可学习的键/值位置数 n。"),
    "strategy.prefix.projection": ("重参数化投影", "训练时通过一个小型两层网络生成前缀（原论文的重参数化；更稳定，但要训练"
                                   "的参数更多）。"),
    "strategy.prompt.num_virtual_tokens": ("虚拟词元数", "软提示的长度 n（放在每个输入前的可学习向量）。"),
    "strategy.prompt.init": ("初始化方式", "提示的初始值：随机词表词元的嵌入（vocab）、init_text 的嵌入（text），或随机"
                             "向量（random）。"),
    "strategy.prompt.init_text": ("初始化文本", "init 为 text 时使用：描述任务的文字，例如“这条评论是正面还是负面？”。"
                                  "会被重复或截断到提示的长度。"),
    "strategy.ia3.target_modules": ("目标层", "块内要缩放的线性层，按名称或名称结尾指定。留空：使用 peft 针对该架构的默认"
                                    "设置（BERT 为 key、value、output.dense；GPT-2 为 c_attn、mlp.c_proj）。"),
    "strategy.ia3.feedforward_modules": ("前馈层", "目标层中哪些是前馈层（缩放其输入而不是输出）。留空：使用 peft 的默认"
                                         "设置。"),
    "strategy.ema.beta": ("β（衰减）", "平均值的衰减：约覆盖最近 1/(1 − β) 步（0.99：约 100 步）。请让 1/(1 − β) 远小于"
                          "总步数。"),
    "strategy.adversarial.weight": ("λ（权重）", "λ：对抗项的强度（编码器被推动去迷惑判别器的力度）。"),
    "strategy.adversarial.source": _GENERAL,
    "strategy.adversarial.hidden": ("判别器宽度", "判别器隐藏层的宽度。"),
    "strategy.prune.sparsity": ("目标稀疏度", "结束时被剪枝的权重中为零的比例（heads/neurons：被移除的注意力头/神经元的"
                                "比例）。"),
    "strategy.prune.schedule": ("稀疏度计划", "稀疏度从 start 增长到 end 的方式：cubic（三次，先快后缓；Zhu & Gupta）或 "
                                "linear（线性）。"),
    "strategy.prune.structure": ("剪枝结构", "移除的单位：单个权重、整个注意力头或整个前馈神经元。"),
    "strategy.prune.scope": ("剪枝范围", "在所有块之间统一给权重排序（global），或让每层剪掉相同的比例（layer）。"),
    "strategy.prune.start": ("开始时间", "剪枝开始的时间，以训练进度的比例表示。"),
    "strategy.prune.end": ("结束时间", "达到目标稀疏度的时间，以训练进度的比例表示；之后的训练在最终掩码下恢复精度。"),
    "strategy.prune.every": ("更新间隔", "稀疏度增长期间两次掩码更新之间的步数。"),
    "strategy.rehearsal.weight": ("权重", "通用文本上预训练损失的权重。"),
    "strategy.rehearsal.source": _GENERAL,
    "strategy.rehearsal.batch_size": ("批大小", "每步使用的通用文本段落数。"),
    "strategy.rehearsal.head_warmup": ("新 LM 头预热", "基础检查点没有语言模型头、需要新建一个时：在这一比例的步数内只让该头"
                                       "从复习损失中学习，以免它的随机初始值扰乱模型。"),
    # tasks
    "task.token_classification.scheme": ("标注体系", "标注体系；'auto' 根据标签自动识别 IOB2（BIO）、BIOES 或 BMES。IOB1 "
                                         "看起来与 IOB2 相同，必须显式选择。"),
    "task.token_classification.label_all_subtokens": ("标注所有子词", "在每个子词片段上训练（后续片段使用该词的内部标签），"
                                                      "而不只是第一个片段；仅在不使用 CRF 时适用。"),
    "task.qa.doc_stride": ("文档步长", "长上下文相邻窗口之间共享的词元数（窗口大小为 data.max_length）。"),
    "task.qa.max_answer_length": ("最大答案长度", "选取答案片段时考虑的最长答案（词元数）。"),
    "task.qa.max_question_length": ("最大问题长度", "超过这么多词元的问题会被截断。"),
    "task.qa.n_best": ("候选数 n_best", "每个窗口中组合成候选片段的最佳起止位置数。"),
    "task.causal_lm.mode": ("数据模式", "数据的类型：'auto' 按内容判断（Alpaca {instruction, input, output} 行或对话 "
                            "{messages} 行视为指令，其他文本视为纯文本）。"),
    "task.causal_lm.template": ("对话模板", "指令数据使用的对话模板。'auto' 在分词器自带模板时使用它，否则使用内置的 "
                                "'### Instruction / ### Response' 模板；'builtin' 始终使用内置模板。"),
    "task.causal_lm.train_on_prompt": ("在提示上训练", "指令数据：同时在提示词元上训练（默认只在回答上计算损失）。"),
    "task.causal_lm.overflow": ("超长处理", "超过 data.max_length 的指令数据：先从左侧截断提示；回答仍放不下时，截断回答"
                                "末尾（'truncate'）或丢弃该样本（'drop'）。数量记入运行日志。"),
    "task.causal_lm.max_new_tokens": ("最多生成词元", "样例和交互框中生成的词元数。"),
    "task.causal_lm.temperature": ("温度", "生成时的采样温度（0：贪心解码）。"),
    "task.causal_lm.top_k": ("Top-k", "只在概率最高的 k 个词元中采样（0：全部）。"),
    "task.masked_lm.mask_prob": ("掩码比例", "每个序列中被选作预测目标的词元比例（其中 80% 替换为 [MASK]，10% 替换为随机"
                                 "词元，10% 保持不变）。"),
    "task.masked_lm.packing": ("文本打包", "把文本打包成 data.max_length 个词元的块（预训练）；关闭时每行为一个样本，截断到 "
                               "data.max_length。"),
    "task.masked_lm.top_k": ("Top-k", "填空（fill-mask）：每个掩码位置显示的候选数。"),
    "task.denoising.noise": ("噪声类型", "按此顺序施加的破坏：span_mask（每个片段的空缺用一个掩码词元标出）、delete（丢弃"
                             "词元）、word_shuffle（词最多移动 shuffle_window 个位置）、sentence_shuffle（句子重新排序）。"),
    "task.denoising.ratio": ("噪声比例", "被掩码的词元比例（span_mask），或每个词元被丢弃的概率（delete）。"),
    "task.denoising.mean_span": ("平均片段长度", "span_mask：被掩码片段的平均长度（词元数）。"),
    "task.denoising.shuffle_window": ("打乱窗口", "word_shuffle：一个词最多能移动的距离。"),
    "task.denoising.packing": ("文本打包", "把文本切成填满 data.max_length 的块（预训练）；关闭时每行为一个样本，超出部分"
                               "截断。"),
    "task.denoising.max_new_tokens": ("最多生成词元", "样例和交互框中生成的重建文本的最大长度。"),
    "task.contrastive.temperature": ("温度", "InfoNCE 温度 τ：越低，正样本与批内负样本之间的对比越尖锐。"),
    "task.contrastive.symmetric": ("对称损失", "对两个方向（a→b 和 b→a）的损失取平均。"),
    "task.multitask.tasks": ("子任务", "子任务列表：[{name, weight, data: {...}, key, <任务选项>}, ...]；第一个子任务使用本次"
                             "运行的 data 部分。"),
    "task.multitask.main_metric": ("主指标", "用于早停和运行列表的指标：'loss'（加权和）或 '<key>/<metric>'，例如 "
                                   "classification/accuracy。"),
    "task.multitask.sampling": ("采样方式", "批次如何混合各任务：'proportional' 按训练行数成比例，或 'balanced'（重复较小"
                                "任务的样本，直到与最大任务的数量相同）。"),
    # two config knobs of the reliability work (issue 14); i18n.py is at its size limit
    "model.allow_pickle": ("允许 pickle 权重", "模型文件夹没有 safetensors 时，从 pickle 文件（pytorch_model.bin）加载权重。"
                           "反序列化 pickle 可能执行代码：只用于你信任的文件。"),
    "train.on_nonfinite": ("损失非有限值时", "损失变成 NaN 或无穷大时：'stop' 在该步让运行失败（最后的检查点保持不变）；"
                           "'skip' 丢弃这一批的更新并继续（连续 10 次则运行失败）。"),
}
