"""The Train tab's plots and the Evaluate/Export tables: pure builders, checked without a page."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("gradio")

from workbench.ui import i18n, plots  # noqa: E402


def _events():
    ev = [{"type": "start", "total_steps": 30}]
    for s in range(1, 31):
        ev.append({"type": "step", "step": s, "total_steps": 30, "epoch": s / 10, "loss": 1 / s + 0.01,
                   "terms": {"task": 1 / s, "l2sp": 0.01}, "lr": 1e-4 * s / 30})
        if s % 10 == 0:
            ev.append({"type": "eval", "step": s, "epoch": s / 10, "split": "validation", "eval_accuracy": s / 40,
                       "eval_loss": 1 / s})
    ev.append({"type": "eval", "step": 30, "epoch": 3, "split": "test", "eval_accuracy": 0.7})
    return ev


def test_plot_builders_are_pure():
    ev = _events()
    snapshot = json.dumps(ev)
    for build in (plots.loss_figure, plots.lr_figure, plots.eval_figure):
        assert build(ev, "en").to_json() == build(ev, "en").to_json()
    runs = [("a", ev), ("b", ev[:10])]
    assert plots.overlay_figure(runs, "eval_accuracy", "epoch").to_json() == \
        plots.overlay_figure(runs, "eval_accuracy", "epoch").to_json()
    assert json.dumps(ev) == snapshot                                       # inputs untouched


def test_loss_figure_has_one_panel_per_term():
    fig = plots.loss_figure(_events(), "en")
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["total loss", "task", "l2sp"]
    raw = [t for t in fig.data if not t.name.endswith("(smoothed)")]
    assert [t.name for t in raw] == ["total loss", "task", "l2sp"] and len(raw[0].x) == 30
    single = [e if e.get("type") != "step" else {**e, "terms": {"task": e["loss"]}} for e in _events()]
    assert [a.text for a in plots.loss_figure(single).layout.annotations] == ["total loss"]
    assert plots.loss_figure([], "zh").layout.annotations[0].text == i18n.t("plot.waiting", "zh")


def test_live_panels_are_valid_plotly_laid_out_as_make_subplots():
    """The Train tab's panels are built as plain data (no per-property validation: cheap enough to redraw every
    poll); plotly's validation accepts them unchanged and their grid is make_subplots' grid."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    ev = _events()
    three = [e if e.get("type") != "step" else {**e, "terms": {"task": 1, "kd": 2, "adv": 3}} for e in ev]
    for fig in (plots.loss_figure(ev), plots.loss_figure(three, "zh"), plots.lr_figure(ev), plots.eval_figure(ev),
                plots.eval_figure([]), plots.loss_figure(ev[:3])):
        assert json.loads(go.Figure(json.loads(fig.to_json())).to_json()) == json.loads(fig.to_json())   # valid
    ref = make_subplots(rows=2, cols=2, horizontal_spacing=0.09, vertical_spacing=0.16).layout
    fig = plots.loss_figure(three)                                          # total + 3 terms: a 2 x 2 grid
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3", "xaxis4", "yaxis4"):
        assert fig.layout[axis].domain == pytest.approx(ref[axis].domain) and fig.layout[axis].anchor == ref[axis].anchor
    assert [t.xaxis for t in fig.data if not t.name.endswith("(smoothed)")] == ["x", "x2", "x3", "x4"]
    assert fig.layout.xaxis3.title.text == "step" and fig.layout.xaxis.title.text is None
    assert plots.lr_figure(ev).layout.yaxis.exponentformat == "e"
    assert plots.loss_figure(ev[:4]).layout.xaxis.dtick == 1                 # a few steps: one tick per step


def test_eval_and_overlay_series():
    ev = _events()
    assert plots.eval_series(ev) == {"accuracy": ([10, 20, 30], [0.25, 0.5, 0.75]),
                                     "loss": ([10, 20, 30], [0.1, 0.05, 1 / 30])}
    assert plots.metric_points(ev, "term:l2sp", "epoch")[0][:2] == [0.1, 0.2]
    assert plots.metric_names(ev) == ["loss", "lr", "term:task", "term:l2sp", "eval_accuracy", "eval_loss"]
    assert plots.ema([1.0, 1.0, 1.0]) == pytest.approx([1.0, 1.0, 1.0])     # bias-corrected: no pull towards 0


# ---- strings ----------------------------------------------------------------------------------------------------


def test_evaluate_and_export_tables():
    pytest.importorskip("workbench.evaluate")
    from workbench.ui import evaluate_tab
    result = {"task": "classification", "main_metric": "accuracy", "split": "test", "n_examples": 2,
              "models": [{"label": "run-a", "metrics": {"accuracy": 0.9, "loss": 0.3}, "retention": {"retention": 0.97},
                          "params": 22_700_000, "size_bytes": 90 * 2**20, "latency_ms_per_example": 4.2,
                          "throughput_per_s": 250.0, "peak_memory_mb": None},
                         {"label": "base (minilm)", "metrics": {"accuracy": 0.5, "loss": 0.69}, "retention": None,
                          "params": 22_700_000, "size_bytes": None, "latency_ms_per_example": 4.0,
                          "throughput_per_s": 260.0, "peak_memory_mb": 512.0}],
              "disagreements": [{"input": "a fine film", "gold": "positive", "predictions": [
                  {"model": "run-a", "display": "positive", "confidence": 0.91},
                  {"model": "base (minilm)", "display": "negative", "confidence": 0.52}]}], "notes": []}
    table = evaluate_tab.metrics_frame(result, "en")
    assert list(table.columns)[:4] == ["model", "accuracy", "loss", "retention"]
    assert table.iloc[0].tolist()[:5] == ["run-a", "0.9000", "0.3000", "0.9700", "22.7 M"]
    assert table.iloc[1]["size MB"] == "–" and table.iloc[1]["peak memory MB"] == "512.0000"
    dis = evaluate_tab.disagreements_frame(result, "zh")
    assert list(dis.columns) == ["输入", "标准答案", "run-a", "base (minilm)"]
    assert dis.iloc[0].tolist() == ["a fine film", "positive", "positive (0.91)", "negative (0.52)"]
    mark = evaluate_tab.highlighted({"detail": {"text": "Ann in Paris", "entities": [
        {"type": "PER", "start": 0, "end": 3}, {"type": "LOC", "start": 7, "end": 12}]}})
    assert mark["entities"][1] == {"entity": "LOC", "start": 7, "end": 12}
    qa = evaluate_tab.highlighted({"detail": {"context": "It is blue.", "start": 6, "end": 10}})
    assert qa["entities"] == [{"entity": "answer", "start": 6, "end": 10}]
    assert evaluate_tab.highlighted({"detail": {"probs": {"a": 1.0}}}) is None


def test_export_report_table():
    pytest.importorskip("workbench.export")
    from workbench.ui import export_tab
    report = {"main_metric": "accuracy", "metrics": {"accuracy": 0.88}, "reference_metrics": {"accuracy": 0.9},
              "metric_delta": -0.02, "size_bytes": 25 * 2**20, "reference_size_bytes": 90 * 2**20, "size_ratio": 0.28,
              "latency_ms_per_example": 2.0, "reference_latency_ms_per_example": 4.0, "speedup": 2.0,
              "max_abs_diff": 0.01, "retention": {"retention": 0.99}}
    frame = export_tab.report_frame(report, "en")
    rows = dict(zip(frame.iloc[:, 0], frame.iloc[:, 1]))
    assert rows["accuracy (export / run)"] == "0.8800 / 0.9000"
    assert rows["size MB (export / run)"] == "25.0 / 90.0" and rows["speed-up"] == "2.0000"
    assert rows["retention"] == "0.9900"
