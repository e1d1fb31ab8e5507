"""Chinese text of the engine's method metadata, served through `method_text` (texts) and, for knobs, through
`options.FieldInfo.zh` and i18n.KNOBS.

A strategy's Chinese lives beside its English, in its own file: its class's `zh` table (summary, explain, formula;
a formula of symbols only is None) and its Options class's `zh` table (each knob's label and help) or the knob's
`zh=` argument. The tasks' texts and knobs are still mirrored here, keyed by "task.<name>.<attr>" and the knob's
config path. tests/test_i18n.py walks the registries, so a strategy or task added (or a text reworded) without its
Chinese fails there with its name. Formulas keep their symbols; only the words around them are translated.
"""

from __future__ import annotations

from .i18n_publish import PUBLISH_KNOBS, PUBLISH_STRINGS  # noqa: F401  (i18n.py merges them; it has no room left)

def method_text(kind: str, cls, attr: str, lang: str = "en") -> str:
    """A strategy's or task's `attr` ("summary", "explain", "formula") in `lang`; English when there is no
    translation (the text is then still shown, never blank)."""
    english = getattr(cls, attr, None) or ""
    if lang == "en" or not english:
        return english
    own = cls.__dict__.get("zh") or {}          # beside the English, in the strategy's own file
    if attr in own:
        return own[attr] or english             # None: a formula of symbols only, shown as written
    return TEXTS.get(f"{kind}.{cls.name}.{attr}") or english


TEXTS: dict[str, str] = {
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
METHOD_KNOBS: dict[str, tuple[str, str]] = {
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
