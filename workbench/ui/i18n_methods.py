"""Chinese text of the engine's method metadata, served through `method_text` (texts) and, for knobs, through
`options.FieldInfo.zh` (which `i18n.knob_text` reads first).

A strategy's or task's Chinese lives beside its English, in its own file: its class's `zh` table (summary, explain,
formula; a formula of symbols only is None) and its Options class's `zh` table (each knob's label and help) or the
knob's `zh=` argument. So adding a strategy or a task is its file (plus one test row); nothing is mirrored here.
tests/test_i18n.py walks the registries, so one added (or a text reworded) without its Chinese fails there with its
name. Formulas keep their symbols; only the words around them are translated.
"""

from __future__ import annotations

from .i18n_publish import PUBLISH_KNOBS, PUBLISH_STRINGS  # noqa: F401  (i18n.py merges them; it has no room left)


def method_text(kind: str, cls, attr: str, lang: str = "en") -> str:
    """A strategy's or task's `attr` ("summary", "explain", "formula") in `lang`, from the `zh` table of its class
    (`kind` says which registry it is from, for callers' symmetry); English when there is no translation (the text
    is then still shown, never blank)."""
    english = getattr(cls, attr, None) or ""
    if lang == "en" or not english:
        return english
    own = cls.__dict__.get("zh") or {}          # beside the English, in the strategy's or task's own file
    if attr in own:
        return own[attr] or english             # None: a formula of symbols only, shown as written
    return english


# ---- config knobs whose Chinese is kept here: config path -> (label, help) ------------------------------------------
METHOD_KNOBS: dict[str, tuple[str, str]] = {
    # two config knobs of the reliability work (issue 14); i18n.py is at its size limit
    "model.allow_pickle": ("允许 pickle 权重", "模型文件夹没有 safetensors 时，从 pickle 文件（pytorch_model.bin）加载权重。"
                           "反序列化 pickle 可能执行代码：只用于你信任的文件。"),
    "train.on_nonfinite": ("损失非有限值时", "损失变成 NaN 或无穷大时：'stop' 在该步让运行失败（最后的检查点保持不变）；"
                           "'skip' 丢弃这一批的更新并继续（连续 10 次则运行失败）。"),
}
