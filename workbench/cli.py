"""Command line: python -m workbench train | resume | runs | strategies | tasks | models ...

Bad input ends with exit status 2 and one message naming the problem and the fix (`--debug` shows the
traceback). Ctrl-C during training stops at the next step and saves; a second Ctrl-C aborts.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _steps(text: str) -> int:
    """--progress-every: a whole number of steps, at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of steps, 1 or more")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m workbench", description="Fine-tuning workbench for language models.")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train a run from a YAML config")
    t.add_argument("--config", "-c", help="YAML config (presets in assets/presets/); omitted: the defaults")
    t.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a field, e.g. --set train.lr=3e-5 --set data.max_length=64")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--progress-every", type=_steps, default=None, metavar="N",
                   help="not on a terminal: a plain progress line every N steps (default: about 20 per run)")
    t.add_argument("--processes", type=int, metavar="N", help="train with N processes (a torchrun group: one per "
                   "GPU, or CPU processes); the same as --set train.processes=N")

    r = sub.add_parser("resume", help="continue a run from its last checkpoint (or for more epochs)")
    r.add_argument("run", help="run id or run folder")
    r.add_argument("--runs-dir", default="runs")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="e.g. --set train.epochs=6 to continue a finished run for more epochs")
    r.add_argument("--quiet", action="store_true")
    r.add_argument("--progress-every", type=_steps, default=None, metavar="N")

    ls = sub.add_parser("runs", help="list runs from the registry")
    ls.add_argument("--runs-dir", default="runs")
    ls.add_argument("--status", help="only runs with this status")
    ls.add_argument("--filter", help="only runs whose id, task, model or strategy contains this text")
    ls.add_argument("--json", action="store_true", help="print JSON instead of a table")

    d = sub.add_parser("delete", help="delete a run folder and its registry row")
    d.add_argument("run")
    d.add_argument("--runs-dir", default="runs")

    st = sub.add_parser("strategies", help="list the strategies with their knobs")
    st.add_argument("--markdown", action="store_true", help="print README.md's strategy table")
    st.add_argument("--readme", metavar="PATH", help="rewrite the strategy and task tables in this README")
    tk = sub.add_parser("tasks", help="list the tasks")
    tk.add_argument("--markdown", action="store_true", help="print README.md's task table")
    tk.add_argument("--readme", metavar="PATH", help="rewrite the strategy and task tables in this README")
    sub.add_parser("models", help="list the model catalogue")
    c = sub.add_parser("config", help="print the resolved YAML of a config (defaults filled in)")
    c.add_argument("--config", "-c")
    c.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    cmp = sub.add_parser("compare", help="evaluate runs, the base model and exports side by side")
    cmp.add_argument("models", nargs="+", metavar="RUN_OR_MODEL",
                     help="run ids, run folders, base, base:NAME, model folders or export folders")
    cmp.add_argument("--data", help="data source to evaluate on (default: the first run's own data)")
    cmp.add_argument("--split", default="test", choices=("train", "validation", "test"),
                     help="split of the data (default test; validation when there is no test split)")
    cmp.add_argument("--runs-dir", default="runs")
    cmp.add_argument("--max-examples", type=int, help="evaluate a seeded subset of this many examples")
    cmp.add_argument("--no-retention", action="store_true", help="skip the retention meter")
    cmp.add_argument("--retention-source", default="builtin:general", help="held-out general text for retention")
    cmp.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurement (a process each)")
    cmp.add_argument("--seed", type=int, default=0)
    cmp.add_argument("--json", metavar="FILE", help="also write the full result as JSON")
    ex = sub.add_parser("export", help="export a run: merged, int8, bnb8, bnb4, onnx, pruned, gguf-f16 or gguf-q8_0")
    ex.add_argument("run", help="run id or run folder")
    ex.add_argument("--format", "-f", required=True, dest="fmt", help="merged, int8, bnb8, bnb4, onnx, pruned, gguf-f16 or gguf-q8_0")
    ex.add_argument("--runs-dir", default="runs")
    ex.add_argument("--out", help="output folder (default: RUN/exports/FORMAT)")
    ex.add_argument("--data", help="data to check the export on (default: the run's own)")
    ex.add_argument("--split", help="split to check on (default: test, else validation)")
    ex.add_argument("--max-examples", type=int)
    ex.add_argument("--no-memory", action="store_true")
    ex.add_argument("--retention-source", default="builtin:general")
    pu = sub.add_parser("push", help="publish a run or an export to the Hugging Face Hub")
    pu.add_argument("run", metavar="RUN_OR_EXPORT", help="run id, run folder or export folder")
    pu.add_argument("--repo", required=True, help="USER/NAME of the model repo (created when missing)")
    pu.add_argument("--private", action="store_true", help="create the repo private")
    pu.add_argument("--token", help="Hugging Face write token (default: HF_TOKEN)")
    pu.add_argument("--license", help="license in the model card (default: the base model's, else other)")
    pu.add_argument("--runs-dir", default="runs")
    from .study.cli import add_parser as add_study   # lazy: --help stays instant (python -m workbench study)
    add_study(sub)
    for add in _EXTRA_COMMANDS:
        add(sub)
    return p


# Commands contributed by other modules (compare, export): each adds its parser and sets `func`.
_EXTRA_COMMANDS: list = []


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from .errors import WorkbenchError   # lazy: --help stays instant
    try:
        handler = getattr(args, "func", None) or globals()[f"cmd_{args.command}"]
        return handler(args) or 0
    except WorkbenchError as e:
        if args.debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aborted", file=sys.stderr)
        return 130
    except Exception as e:   # out of memory in compare / export: advice, not a traceback
        if not (isinstance(e, MemoryError) or type(e).__name__ == "OutOfMemoryError"):
            raise
        from .safety import OOM_ADVICE   # lazy: --help stays instant
        print(f"error: {args.command} {OOM_ADVICE}", file=sys.stderr)
        return 1


def _load_config(args):
    from .config import RunConfig   # lazy: --help stays instant
    if args.config:
        return RunConfig.load(args.config, args.overrides)
    return RunConfig.from_yaml("{}", args.overrides)


def cmd_config(args):
    print(_load_config(args).to_yaml(), end="")


def cmd_train(args):
    from . import store   # lazy: --help stays instant
    from .run import loop as trainer   # lazy: --help stays instant
    if args.processes is not None:
        args.overrides = [*args.overrides, f"train.processes={args.processes}"]
    cfg = _load_config(args)
    trainer.preflight(cfg)
    paths = store.create_run(cfg)
    print(f"run {paths.run_id}  ({paths.root})", file=sys.stderr)
    return _run_in_foreground(cfg, paths, resume=False, quiet=args.quiet, debug=args.debug,
                              every=args.progress_every)


def cmd_resume(args):
    from . import store   # lazy: --help stays instant
    from .config import RunConfig   # lazy: --help stays instant
    from .errors import WorkbenchError   # lazy: --help stays instant
    paths = store.find_run(args.run, args.runs_dir)
    summary = store.read_json(paths.summary, {}) or {}
    if store.live_status(paths, summary) in store.ACTIVE:
        raise WorkbenchError(f"run {paths.run_id} is still {summary.get('status')} in another process")
    cfg = RunConfig.load(paths.config, args.overrides)
    if args.overrides:
        paths.config.write_text(cfg.to_yaml())
    return _run_in_foreground(cfg, paths, resume=True, quiet=args.quiet, debug=args.debug,
                              every=args.progress_every)


def _run_in_foreground(cfg, paths, resume, quiet, debug, every=None) -> int:
    from .run import loop as trainer   # lazy: --help stays instant
    from .run.jobs import StopSignal   # lazy: --help stays instant
    from .run.progress import Progress   # lazy: --help stays instant
    stop = StopSignal()
    progress = Progress(quiet, debug, every=every)

    def on_sigint(signum, frame):
        if stop.requested:
            raise KeyboardInterrupt
        progress.write("stopping after this step and saving (Ctrl-C again to abort)")
        stop.request("save")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        summary = trainer.run(cfg, paths, listener=progress, stop=stop, resume=resume)
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
    status = summary["status"]
    if status == "failed":
        print(f"error: {summary.get('error')}", file=sys.stderr)
        print(f"run folder: {paths.root} (status failed)", file=sys.stderr)
        return 2 if summary.get("error_kind") == "user" else 1
    m = summary.get("metrics", {})
    shown = {k: v for k, v in m.items() if k.startswith("eval_") and isinstance(v, (int, float))}
    print("  ".join(f"{k}={v:.4f}" for k, v in shown.items()), file=sys.stderr)
    print(f"{status}: {paths.root}")
    return 0 if status in ("completed", "stopped") else 130


def cmd_runs(args):
    from .store import Registry   # lazy: --help stays instant
    rows = Registry(args.runs_dir).list(status=args.status, text=args.filter)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        print(f"no runs in {args.runs_dir}/")
        return
    table = [("RUN", "TASK", "MODEL", "STRATEGY", "STATUS", "METRIC")]
    for r in rows:
        key, value = r.get("key_metric"), r.get("key_value")
        metric = f"{key}={value:.4f}" if key and isinstance(value, (int, float)) else "-"
        table.append((r["id"], r["task"] or "", r["model"] or "", r["strategy"] or "", r["status"], metric))
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


def cmd_delete(args):
    from .store import Registry, find_run   # lazy: --help stays instant
    paths = find_run(args.run, args.runs_dir)
    Registry(paths.root.parent).delete(paths.run_id)
    print(f"deleted {paths.run_id}")


def _knobs_line(options_cls) -> str:
    from .options import describe   # lazy: --help stays instant
    parts = []
    for f in describe(options_cls):
        rng = f" [{f.min}..{f.max}]" if f.min is not None or f.max is not None else ""
        ch = f" {{{'|'.join(map(str, f.choices))}}}" if f.choices else ""
        parts.append(f"{f.name}={f.default!r}{rng}{ch}")
    return ", ".join(parts) or "-"


def _readme_tables(args, table: str) -> bool:
    """--markdown prints README.md's `table` ("strategies" or "tasks"); --readme rewrites both tables in a README.
    False when neither was asked for."""
    if not (args.markdown or args.readme):
        return False
    from . import listing   # lazy: --help stays instant
    if args.readme:
        print(f"{args.readme}: {'updated' if listing.write_readme(args.readme) else 'already up to date'}")
    else:
        print(listing.strategies_markdown() if table == "strategies" else listing.tasks_markdown())
    return True


def cmd_strategies(args):
    from .strategies import STRATEGIES   # lazy: --help stays instant
    if _readme_tables(args, "strategies"):
        return
    for name, cls in STRATEGIES.items():
        print(f"{name:<13} {cls.summary}")
        print(f"{'':<13} knobs: {_knobs_line(cls.Options)}")


def cmd_tasks(args):
    from .tasks import TASKS   # lazy: --help stays instant
    if _readme_tables(args, "tasks"):
        return
    for name, cls in TASKS.items():
        print(f"{name:<21} {cls.summary}")
        print(f"{'':<21} models: {', '.join(cls.families)}; options: {_knobs_line(cls.Options)}")


def cmd_models(args):
    from .model.catalogue import CATALOGUE   # lazy: --help stays instant
    for p in CATALOGUE:
        print(f"{p.key:<10} {p.family:<8} {p.description}")
    print("Also: any local model folder, a run id (its saved model), or a hub id when online.")


def cmd_compare(args):
    from .evaluate.compare import compare, format_table   # lazy: --help stays instant
    result = compare(args.models, data=args.data, split=args.split, runs_dir=args.runs_dir,
                     max_examples=args.max_examples, retention=not args.no_retention, seed=args.seed,
                     memory=not args.no_memory, retention_source=args.retention_source,
                     progress=lambda fraction, message: print(f"[{100 * fraction:3.0f}%] {message}", file=sys.stderr))
    print(format_table(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, default=str, ensure_ascii=False)
        print(f"wrote {args.json}", file=sys.stderr)


def cmd_export(args):
    from .export.formats import export   # lazy: --help stays instant
    out = export(args.run, args.fmt, runs_dir=args.runs_dir, out_dir=args.out, data=args.data, split=args.split,
                 max_examples=args.max_examples, memory=not args.no_memory, retention_source=args.retention_source,
                 progress=lambda fraction, message: print(f"[{100 * fraction:3.0f}%] {message}", file=sys.stderr))
    r = json.loads((out / "report.json").read_text())
    main = r["main_metric"]
    size = f"{r['size_bytes'] / 2**20:.1f} MB vs {r['reference_size_bytes'] / 2**20:.1f} MB" \
        if r.get("size_bytes") and r.get("reference_size_bytes") else "-"
    print(f"{r['format']}: {main} {r['metrics'].get(main)} (run {r['reference_metrics'].get(main)}), size {size}, "
          f"{r['latency_ms_per_example']} ms/example (run {r['reference_latency_ms_per_example']})"
          + (f", max |diff| {r['max_abs_diff']:.2e}" if r.get("max_abs_diff") is not None else ""), file=sys.stderr)
    print(out)


def cmd_push(args):
    from .export.publish import push   # lazy: --help stays instant
    done = push(args.run, args.repo, runs_dir=args.runs_dir, private=args.private, token=args.token,
                license=args.license, progress=lambda f, m: print(f"[{100 * f:3.0f}%] {m}", file=sys.stderr))
    print(f"pushed {len(done['files'])} files: {', '.join(done['files'])}", file=sys.stderr)
    print(done["url"])
