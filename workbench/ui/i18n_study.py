"""The Study tab's strings and the model.pooling knob, in English and 简体中文 (merged into i18n.STRINGS / KNOBS)."""

from __future__ import annotations


def _s(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


STUDY_STRINGS: dict[str, dict[str, str]] = {
    "tab.study": _s("8 · Study", "8 · 研究"),
    "study.intro": _s("Test the method's claim on your own model and data: a grid of strategies × knob values × "
                      "seeds trained with the same budget, each run scored on the task and on **retention** (how "
                      "much pre-trained knowledge it kept, 1.0 = nothing forgotten), the base model as a row of "
                      "its own. The chart fills in as runs finish; the runs also appear on the Runs page.",
                      "用你自己的模型和数据检验这一方法的主张：在相同预算下训练「策略 × 超参数取值 × 随机种子」"
                      "网格，每个运行都测量任务得分和**知识保留率**（保留了多少预训练知识，1.0 表示没有遗忘），"
                      "基座模型单独占一行。图表随运行完成逐步填充；这些运行也会出现在「运行记录」页。"),
    "study.preset": _s("Study preset", "研究预设"),
    "study.yaml": _s("Study file (YAML): edit before starting", "研究文件（YAML）：开始前可编辑"),
    "study.start": _s("Start study", "开始研究"),
    "study.stop": _s("Stop study", "停止研究"),
    "study.pick": _s("Showing study", "正在显示的研究"),
    "study.started": _s("Study {id} started: {n} runs, trained one after another.",
                        "研究 {id} 已开始：共 {n} 个运行，依次训练。"),
    "study.stopping": _s("Stopping {id}: the run in training is cancelled and no other starts.",
                         "正在停止 {id}：取消正在训练的运行，不再启动其他运行。"),
    "study.pick_first": _s("Choose a study first.", "请先选择一个研究。"),
    "study.empty": _s("No results yet: the first point appears when the first run has been trained and measured.",
                      "暂无结果：第一个运行训练并测量完成后会出现第一个点。"),
    "study.progress": _s("{done} of {total} runs done", "已完成 {done} / {total} 个运行"),
    "study.pretraining": _s("pretraining the base model ({run})", "正在预训练基座模型（{run}）"),
    "study.current": _s("now: {row}", "当前：{row}"),
    "study.claim": _s("Kept retention ≥ {ret} within {drop} of {ref}'s task score: {held}. Did not: {not_held}.",
                      "保留率 ≥ {ret} 且任务得分与 {ref} 相差不超过 {drop}：{held}。未达到：{not_held}。"),
    "study.none": _s("none", "无"),
    "study.files": _s("Files: {folder}", "文件：{folder}"),
    "study.col.config": _s("configuration", "配置"),
    "study.col.seeds": _s("seeds", "种子数"),
    "study.col.task": _s("task score (mean ± sd)", "任务得分（均值 ± 标准差）"),
    "study.col.retention": _s("retention (mean ± sd)", "保留率（均值 ± 标准差）"),
    "study.col.pareto": _s("Pareto front", "帕累托前沿"),
    "study.col.claim": _s("claim holds", "主张成立"),
    "study.col.note": _s("note", "备注"),
    "study.yes": _s("yes", "是"),
    "study.no": _s("no", "否"),
}

STUDY_KNOBS: dict[str, tuple[str, str]] = {
    "model.pooling": ("池化方式", "分类：分类头读取什么。cls：transformers 自带的分类头（BERT 的 [CLS] 池化层）；"
                      "mean：对真实词元的最后一层隐藏状态取平均（MiniLM 等句向量模型训练时产生的表示）；"
                      "auto：跟随模型（它的 sentence-transformers 池化配置）。"),
}
