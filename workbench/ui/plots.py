"""Plotly figure builders: pure functions of run events (the dicts of metrics.jsonl) -> go.Figure.

Same input, same figure: no clock, no randomness, no global state, so they are unit-tested by comparing JSON and
the Runs tab can redraw any finished run from its file.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import plotly.io as pio

from . import i18n

PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569",
           "#ea580c")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def ema(values: list[float], weight: float = 0.6) -> list[float]:
    """TensorBoard-style smoothing with bias correction (the first points are not pulled towards 0)."""
    out, last, norm = [], 0.0, 0.0
    for v in values:
        last = weight * last + (1 - weight) * v
        norm = weight * norm + (1 - weight)
        out.append(last / norm)
    return out


def _layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, margin=dict(l=56, r=16, t=40 if title else 28, b=40),
        font=dict(family=FONT, size=12, color="#1f2937"), title=dict(text=title, x=0.01, font=dict(size=14)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, font=dict(size=11)),
        hovermode="x unified", uirevision="keep")   # uirevision: zoom survives the 1 s refresh
    fig.update_xaxes(gridcolor="#eef0f3", zeroline=False)
    fig.update_yaxes(gridcolor="#eef0f3", zeroline=False)
    return fig


def _base_layout(height: int) -> dict:
    """What _layout sets, as plain data (the live panels are built without plotly's per-property validation)."""
    return {"template": pio.templates["plotly_white"].to_plotly_json(), "height": height,
            "margin": {"l": 56, "r": 16, "t": 28, "b": 40}, "font": {"family": FONT, "size": 12, "color": "#1f2937"},
            "title": {"x": 0.01, "font": {"size": 14}},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1,
                       "font": {"size": 11}},
            "hovermode": "x unified", "uirevision": "keep"}   # uirevision: zoom survives the 1 s refresh


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain data, not validated property by property: the poll redraws the Train tab's panels
    every second while a run trains, and plotly's validation made each of them cost ~30 ms of the training's CPU
    (the result is the same figure: tests/test_ui_views.py checks it against plotly's own validation)."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def _empty(text: str, height: int) -> go.Figure:
    axis = {"visible": False, "gridcolor": "#eef0f3", "zeroline": False}
    layout = {**_base_layout(height), "xaxis": dict(axis), "yaxis": dict(axis),
              "annotations": [{"text": text, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper",
                               "yref": "paper", "font": {"size": 13, "color": "#6b7280"}}]}
    return _figure([], layout)


def _grid(n: int) -> tuple[int, int]:
    cols = 1 if n == 1 else 2
    return math.ceil(n / cols), cols


def _panels(series: dict[str, tuple[list, list]], x_title: str, height_per_row: int, smooth: bool,
            empty_text: str, exponent: tuple[str, ...] = ()) -> go.Figure:
    """One small panel per named series (each loss term / metric on its own axes: their scales differ), laid out
    as plotly's make_subplots lays out a rows x cols grid (row 1 on top, a title above each panel).
    Panels named in `exponent` label their y axis as 5e-05 rather than 50µ (learning rates)."""
    series = {k: v for k, v in series.items() if v[0]}
    if not series:
        return _empty(empty_text, height_per_row)
    rows, cols = _grid(len(series))
    h_gap, v_gap = 0.09, 0.16 if rows > 1 else 0.1
    width, height = (1 - h_gap * (cols - 1)) / cols, (1 - v_gap * (rows - 1)) / rows
    layout, data, titles = _base_layout(40 + height_per_row * rows), [], []
    names = list(series)
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        n = "" if i == 0 else str(i + 1)
        x0, y1 = c * (width + h_gap), 1 - r * (height + v_gap)
        xaxis = {"anchor": f"y{n}", "domain": [x0, x0 + width], "gridcolor": "#eef0f3", "zeroline": False}
        yaxis = {"anchor": f"x{n}", "domain": [max(0.0, y1 - height), y1], "gridcolor": "#eef0f3",
                 "zeroline": False}
        layout[f"xaxis{n}"], layout[f"yaxis{n}"] = xaxis, yaxis
        if i >= len(names):
            continue
        name = names[i]
        xs, ys = series[name]
        color = PALETTE[i % len(PALETTE)]
        show_smooth = smooth and len(ys) >= 20
        common = {"type": "scatter", "showlegend": False, "hovertemplate": "%{y:.4g}", "xaxis": f"x{n}",
                  "yaxis": f"y{n}"}
        data.append({**common, "x": list(xs), "y": list(ys), "name": name,
                     "mode": "lines" if len(xs) > 1 else "markers", "line": {"color": color, "width": 1.2},
                     "opacity": 0.35 if show_smooth else 1.0})
        if show_smooth:
            data.append({**common, "x": list(xs), "y": ema(ys), "name": f"{name} (smoothed)", "mode": "lines",
                         "line": {"color": color, "width": 2}})
        if r == rows - 1:
            xaxis["title"] = {"text": x_title}
        if (max(xs) - min(xs) if xs else 0) <= 8:
            xaxis["dtick"] = 1
        if name in exponent:
            yaxis["exponentformat"] = "e"
        titles.append({"font": {"size": 12}, "showarrow": False, "text": name, "x": x0 + width / 2,
                       "xanchor": "center", "xref": "paper", "y": y1, "yanchor": "bottom", "yref": "paper"})
    layout["annotations"] = titles
    return _figure(data, layout)


def steps(events: list[dict]) -> list[dict]:
    return [e for e in events if e.get("type") == "step"]


def loss_figure(events: list[dict], lang: str = "en") -> go.Figure:
    """Total loss, then each loss term on its own panel (task, l2sp, kd...) against the step."""
    st = steps(events)
    xs = [e["step"] for e in st]
    series = {i18n.t("plot.total_loss", lang): (xs, [e["loss"] for e in st])}
    names = []
    for e in st:
        for k in e.get("terms") or {}:
            if k not in names:
                names.append(k)
    if names != ["task"]:   # a single "task" term is the total itself
        for k in names:
            pts = [(e["step"], e["terms"][k]) for e in st if k in (e.get("terms") or {})]
            series[k] = ([p[0] for p in pts], [p[1] for p in pts])
    return _panels(series, i18n.t("plot.step", lang), 230, True, i18n.t("plot.waiting", lang))


def lr_figure(events: list[dict], lang: str = "en") -> go.Figure:
    st = steps(events)
    name = i18n.t("plot.lr", lang)
    return _panels({name: ([e["step"] for e in st], [e["lr"] for e in st])},
                   i18n.t("plot.step", lang), 200, False, i18n.t("plot.waiting", lang), exponent=(name,))


def eval_series(events: list[dict]) -> dict[str, tuple[list, list]]:
    """{metric: (steps, values)} from the validation evaluations (numeric eval_* keys)."""
    out: dict[str, tuple[list, list]] = {}
    for e in events:
        if e.get("type") != "eval" or e.get("split") != "validation":
            continue
        for k, v in e.items():
            if k.startswith("eval_") and isinstance(v, (int, float)) and not isinstance(v, bool):
                xs, ys = out.setdefault(k[5:], ([], []))
                xs.append(e["step"])
                ys.append(v)
    return out


def eval_figure(events: list[dict], lang: str = "en") -> go.Figure:
    return _panels(eval_series(events), i18n.t("plot.step", lang), 200, False, i18n.t("plot.no_eval", lang))


# ---------------------------------------------------------------------------------------------------------------
# several runs
def metric_points(events: list[dict], metric: str, x: str = "step") -> tuple[list, list]:
    """(xs, ys) of one metric of one run: 'loss', 'lr', 'term:<name>' (step events) or 'eval_<name>'."""
    xs, ys = [], []
    for e in events:
        if metric.startswith("eval_"):
            ok = e.get("type") == "eval" and e.get("split") == "validation" and isinstance(e.get(metric), (int, float))
            value = e.get(metric) if ok else None
        elif metric.startswith("term:"):
            value = (e.get("terms") or {}).get(metric[5:]) if e.get("type") == "step" else None
        else:
            value = e.get(metric) if e.get("type") == "step" else None
        if value is not None and e.get(x) is not None:
            xs.append(e[x])
            ys.append(value)
    return xs, ys


def metric_names(events: list[dict]) -> list[str]:
    """Metrics a run has, for the overlay chooser: loss, each term, lr, each validation metric."""
    names = ["loss"]
    for e in events:
        if e.get("type") == "step":
            names += [f"term:{k}" for k in e.get("terms") or {} if f"term:{k}" not in names]
        elif e.get("type") == "eval" and e.get("split") == "validation":
            names += [k for k, v in e.items() if k.startswith("eval_") and isinstance(v, (int, float))
                      and k not in names]
    if any(e.get("type") == "step" for e in events):
        names.insert(1, "lr")
    return names


def overlay_figure(runs: list[tuple[str, list[dict]]], metric: str, x: str = "step",
                   lang: str = "en") -> go.Figure:
    """One curve per run for one metric, against the step or the epoch (runs of different length compare)."""
    fig = go.Figure()
    for i, (label, events) in enumerate(runs):
        xs, ys = metric_points(events, metric, x)
        if xs:
            fig.add_trace(go.Scatter(x=xs, y=ys, name=label, mode="lines+markers" if len(xs) < 30 else "lines",
                                     line=dict(color=PALETTE[i % len(PALETTE)], width=2),
                                     hovertemplate="%{y:.4g}"))
    if not fig.data:
        return _empty(i18n.t("plot.no_runs", lang), 320)
    fig.update_xaxes(title_text=i18n.t(f"plot.{x}", lang))
    fig.update_yaxes(title_text=metric)
    return _layout(fig, 360)


def probability_figure(answers: list[dict], lang: str = "en") -> go.Figure:
    """Class probabilities of several models for one input, as grouped horizontal bars (one colour per model).
    answers: [{model, detail: {probs: {label: p}}}]."""
    fig = go.Figure()
    labels: list[str] = []
    for a in answers:
        for k in ((a.get("detail") or {}).get("probs") or {}):
            if k not in labels:
                labels.append(k)
    for i, a in enumerate(answers):
        probs = (a.get("detail") or {}).get("probs") or {}
        if probs:
            fig.add_trace(go.Bar(y=labels, x=[probs.get(k, 0.0) for k in labels], name=a["model"], orientation="h",
                                 marker_color=PALETTE[i % len(PALETTE)], hovertemplate="%{x:.3f}",
                                 text=[f"{probs.get(k, 0.0):.2f}" for k in labels], textposition="outside"))
    if not fig.data:
        return _empty(i18n.t("plot.no_probs", lang), 200)
    fig.update_xaxes(range=[0, 1.08], title_text=i18n.t("plot.probability", lang))
    fig.update_yaxes(autorange="reversed")
    _layout(fig, 80 + 22 * len(labels) * len(fig.data))
    fig.update_layout(barmode="group", hovermode="closest")
    return fig


def counts_figure(counts: dict, lang: str = "en") -> go.Figure:
    """Label counts of a dataset as horizontal bars, most frequent first."""
    if not counts:
        return _empty(i18n.t("data.no_counts", lang), 160)
    fig = go.Figure(go.Bar(x=list(counts.values()), y=list(counts), orientation="h", marker_color=PALETTE[0],
                           text=list(counts.values()), textposition="auto", hovertemplate="%{x}"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig = _layout(fig, 70 + 24 * len(counts), i18n.t("data.label_counts", lang))
    fig.update_layout(hovermode="closest")
    return fig
