"""The one training loop. (run/jobs.py's JobManager runs it in background threads; the app or a test makes one:
JobManager(run).)

`run(cfg, paths)` reads top to bottom:
    1 data and task      2 tokenizer and model      3 encode      4 strategies      5 optimizer and schedule
    6 resume             7 loop                      8 finalize, final evaluation, save
Every task and strategy plugs in through its hooks; the loop names none of them.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
import traceback
from pathlib import Path

import torch

from . import checkpoint, tracking
from .. import data, store, tasks
from ..model import catalogue as models
from ..model import saved
from ..model.anatomy import clean_name, count_params
from .batches import Batches
from ..datasets_io import encoded
from ..datasets_io.stream import Stream
from ..dist import fsdp
from ..dist.ranks import World, launched
from ..dist.sharding import like
from ..errors import WorkbenchError
from .events import Eval, Finished, Preparing, Recorder, Started, Step
from .jobs import StopSignal
from .optim import make_optimizer, make_scheduler
from .packing import packer_for
from .speedups import LossMeter, keep_freed_memory, prepare as prepare_speedups, to_device
from .runtime import (RunContext, cpu_bf16_supported, peak_memory_mb, pick_device, pick_precision,  # noqa: F401
                      seed_everything, weight_distance)
from ..safety import OOM_ADVICE, nonfinite_message, release_memory, scrub
from ..strategies import build as build_strategies
from safetensors.torch import save_file
from safetensors.torch import load_file


# ---------------------------------------------------------------------------------------------------------------
def run(cfg, paths: store.RunPaths, listener=None, stop: StopSignal | None = None, resume: bool = False) -> dict:
    """Train one run into its folder. Never raises for a failed run: the summary says failed, with the message."""
    if cfg.train.processes > 1 and not launched():   # several processes: a supervised torchrun group runs the loop
        from .processes import run_processes   # lazy: only multi-process runs need the launcher
        return run_processes(cfg, paths, listener, stop, resume)
    rec = Recorder(paths, listener)
    rec.listener = tracking.listener_for(cfg, paths, listener, rec.log)   # train.report_to: TensorBoard, trackio
    stop = stop or StopSignal()
    paths.lock.write_text(f"{os.getpid()}\n")
    store.update_summary(paths, status="running", started=time.time(), error=None)
    try:
        status, metrics, extra = _train(cfg, paths, rec, stop, resume)
        error = None
    except (torch.OutOfMemoryError, MemoryError) as e:   # the process lives on: free what the run held
        status, metrics, extra, error = "failed", {}, {"error_kind": "resources"}, f"the run {OOM_ADVICE} ({e})"
        rec.log(traceback.format_exc(), "debug")
    except WorkbenchError as e:   # bad input: the message says what to fix
        status, metrics, extra, error = "failed", {}, {"error_kind": "user"}, str(e)
        rec.log(traceback.format_exc(), "debug")
    except Exception as e:   # a bug or an environment problem: keep the traceback in the run's log
        status, metrics, extra, error = "failed", {}, {"error_kind": "internal"}, f"{type(e).__name__}: {e}"
        rec.log(traceback.format_exc(), "debug")
    finally:
        paths.lock.unlink(missing_ok=True)
    if extra.get("error_kind") == "resources":
        release_memory()   # after the except block: its traceback no longer holds the run's tensors
    error = scrub(error) if error else error
    old = store.read_json(paths.summary, {}) or {}
    summary = store.update_summary(paths, status=status, error=error, finished=time.time(),
                                   metrics={**(old.get("metrics") or {}), **metrics}, **extra)
    rec(Finished(status=status, metrics=metrics, error=error))
    return summary


def preflight(cfg) -> None:
    """Cheap checks before a run folder is made: the model and the data sources can be found."""
    cfg.validate()
    source = models.resolve(cfg.model.name, cfg.output.runs_dir)
    if source.kind in ("hub", "local"):
        models.load_config(source, cfg.model)
    for split in ("train", "validation", "test"):
        value = getattr(cfg.data, split)
        if value:
            data.resolve_source(value, split)


def _train(cfg, paths, rec, stop, resume):
    tc = cfg.train
    world = World.from_env()   # rank 0 of 1 unless launched by torchrun / accelerate (workbench.dist)
    sharded = tc.sharding == "fsdp" and world.size > 1   # FSDP: each rank holds a shard of the model
    seed_everything(tc.seed)
    device = pick_device(tc.device)
    precision = pick_precision(tc.precision, device)
    if tc.keep_freed_memory and device.type == "cpu":   # fewer page faults per step (run/speedups.py)
        keep_freed_memory()

    clock = _Clock()   # where the time before the first step goes: in the Started event (prepare_s)

    # 1 data and task -------------------------------------------------------------------------------------------
    rec(Preparing(what="data"))
    task = tasks.build(cfg)
    stream = Stream(cfg, task, world.rank, world.size) if cfg.data.streaming else None   # data.streaming
    raw = stream.raw if stream else data.load(cfg.data, task, tc.seed)   # a stream: its head sample as "train"
    clock.lap("data")

    # 2 tokenizer and model (the head's size comes from the data's labels) --------------------------------------
    rec(Preparing(what="model"))
    source = models.resolve(cfg.model.name, cfg.output.runs_dir)
    tokenizer = models.load_tokenizer(source, cfg.model, texts=task.tokenizer_texts(raw),
                                      cache_dir=paths.tokenizer if source.kind == "scratch" else None)
    task.setup(tokenizer)
    clock.lap("tokenizer")
    strategies = build_strategies(cfg)
    load_kwargs = {k: v for s in strategies for k, v in s.load_kwargs(cfg, task).items()}   # qlora: 4-bit base
    seed_everything(tc.seed)                       # head / scratch initialisation is seeded
    loaded = models.load(source, task, cfg.model, cfg.data.max_length, tokenizer, load_kwargs)
    model = loaded.model if sharded else loaded.model.to(device)   # FSDP moves only this rank's shards there
    clock.lap("model")

    # 3 encode: the training split now; the evaluation splits once the first loss point is out (_encode below) --
    rec(Preparing(what="tokenize", rows=len(raw["train"])))
    rows, logged = {}, set()
    _encode(task, raw, ["train"], rows, rec, logged)
    if not rows["train"]:
        raise WorkbenchError("no training example is left after encoding; check the text column and max_length")
    clock.lap("encode")

    # 4 strategies ------------------------------------------------------------------------------------------------
    pre_state = {clean_name(n): p.detach().to("cpu", copy=True) for n, p in model.named_parameters()
                 if clean_name(n) not in loaded.new_names}
    ctx = RunContext(cfg, task, tokenizer, device, precision, loaded.family, loaded.new_names, pre_state, paths,
                     rec.log, raw, rank=world.rank, world_size=world.size)
    for s in strategies:
        model = s.prepare(model, ctx) or model
    model = model if sharded else model.to(device)   # FSDP places the shards itself (below)
    ctx.model = model
    extra_modules = [m.to(device) for s in strategies for m in s.modules()]
    # Strategies that read hidden states (adversarial features, hidden-state distillation) get them from the
    # same forward pass as the task loss.
    forward_kwargs = {"output_hidden_states": True} if any(s.needs_hidden_states for s in strategies) else {}
    packer = packer_for(cfg, task, model, rec.log)     # train.packing: several examples per row (or None)
    prepare_speedups(model, tc, packer, rec.log)       # gradient checkpointing, torch.compile
    if sharded:   # train.sharding: fsdp, before the optimizer is built on the shards
        model, ddp = fsdp.shard(model, device, rec.log), None
    else:         # several ranks: torch DDP where it applies
        ddp = world.wrap(model, task, strategies, packer, tc, rec.log, probe=lambda: _probe(
            task, model, rows["train"], device, ctx, forward_kwargs))

    # 5 optimizer and schedule ------------------------------------------------------------------------------------
    batches = (stream.batches(tc.batch_size, tc.max_steps * tc.grad_accum) if stream else
               Batches(rows["train"], tc.batch_size, tc.seed, tc.group_by_length))
    steps_per_epoch = math.ceil(batches.per_epoch / tc.grad_accum)
    total_steps = tc.max_steps or max(1, math.ceil(tc.epochs * steps_per_epoch))
    ctx.total_steps = total_steps
    optimizer = make_optimizer(model, strategies, extra_modules, ctx, tc)
    scheduler = make_scheduler(optimizer, total_steps, tc)
    scaler = torch.amp.GradScaler("cuda", enabled=precision == "fp16")
    trainable, total = count_params(model)
    for m in extra_modules:   # a strategy's own modules (discriminator, projection, LM head) count on both sides
        trainable += sum(p.numel() for p in m.parameters() if p.requires_grad)
        total += sum(p.numel() for p in m.parameters())

    # 6 resume ----------------------------------------------------------------------------------------------------
    start_step, best = 0, {"value": None, "step": None, "bad_evals": 0}
    if resume:
        ck = checkpoint.latest(paths.checkpoints)
        if ck is None:
            rec.log("no checkpoint to resume from: starting from step 0", "warning")
        else:
            state = checkpoint.load(ck, model, optimizer, scheduler, scaler, strategies, extra_modules, device)
            start_step, best = state["step"], state.get("best", best)
            batches.resume(state, world)   # a stream continues after the last row it trained on
            rec.log(f"resumed from {ck.name}")
    clock.lap("setup")
    rec(Started(total_steps=total_steps, start_step=start_step, steps_per_epoch=steps_per_epoch,
                examples={k: len(rows[k]) if k in rows else len(v) for k, v in raw.items()},
                trainable_params=trainable, total_params=total, device=str(device), precision=precision,
                prepare_s=clock.laps))

    # 7 loop ------------------------------------------------------------------------------------------------------
    metric = task.main_metric if tc.early_stopping_metric == "auto" else tc.early_stopping_metric
    eval_bs = tc.eval_batch_size or 2 * tc.batch_size
    train_time, samples, done, status, nonfinite_run = 0.0, 0, start_step, "completed", 0
    model.train()
    meter = LossMeter()   # loss terms stay on the device until a line is logged
    for step in range(start_step, total_steps):
        if stop.requested:
            break
        ctx.step = step
        t0 = time.perf_counter()
        for micro in range(tc.grad_accum):
            # this rank's rows (all of them with one process) and the weight of their mean loss
            n_rows, mine, share = batches.take(step * tc.grad_accum + micro, world)
            samples += n_rows
            batch = to_device((packer or task).collate(mine), device)
            world.grad_sync(model if sharded else ddp, micro == tc.grad_accum - 1)   # sync the last micro-batch only
            with ctx.autocast():
                out = (packer or task).forward(model if ddp is None else ddp, {**batch, **forward_kwargs})
                # A task may split its loss into named terms (multitask: one per sub-task); else one "task" term.
                weight = math.prod(s.task_weight() for s in strategies)
                terms = {k: v * weight for k, v in (getattr(out, "loss_terms", None) or {"task": out.loss}).items()}
                for s in strategies:
                    terms.update(s.loss_terms(batch, out, ctx))
                loss = sum(terms.values()) * share
            scaler.scale(loss / tc.grad_accum).backward()
            meter.add(terms, share / tc.grad_accum)
        world.average_gradients(optimizer, ddp)   # what DDP did not average already
        # one scalar read per step, agreed by every rank: the non-finite guard (train.on_nonfinite)
        step_loss = world.mean({"loss": meter.end_step()})["loss"]
        if not math.isfinite(step_loss):
            if tc.on_nonfinite == "stop" or nonfinite_run >= 9:
                raise WorkbenchError(nonfinite_message(step_loss, step + 1, "run stopped"))
            nonfinite_run += 1
            rec.log(nonfinite_message(step_loss, step + 1, "update skipped"), "warning")
            meter.discard()
            optimizer.zero_grad(set_to_none=True)
            continue
        nonfinite_run = 0
        meter.commit()
        if tc.max_grad_norm > 0:
            scaler.unscale_(optimizer)
            params = [p for g in optimizer.param_groups for p in g["params"]]
            torch.nn.utils.clip_grad_norm_(params, tc.max_grad_norm)
        scaler.step(optimizer)
        scaler.update()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        for s in strategies:
            s.after_step(model, ctx)
        train_time += time.perf_counter() - t0
        done = step + 1
        epoch = done * tc.grad_accum / batches.per_epoch

        if done % tc.log_every == 0 or done == total_steps or done == start_step + 1:   # the first point at once
            terms_sum = world.mean(meter.read())   # means over the steps since the last line, over every rank
            rate = samples / max(train_time, 1e-9)
            rec(Step(step=done, total_steps=total_steps, epoch=round(epoch, 4), loss=sum(terms_sum.values()),
                     terms=terms_sum, lr=tc.lr * scheduler.lr_lambdas[0](scheduler.last_epoch - 1),
                     samples_per_s=round(rate, 2), elapsed_s=round(train_time, 2),
                     eta_s=round((total_steps - done) * train_time / max(done - start_step, 1), 1)))

        epoch_end = (done * tc.grad_accum) // batches.per_epoch > (step * tc.grad_accum) // batches.per_epoch
        eval_due = done == total_steps or (done % tc.eval_every == 0 if tc.eval_every else epoch_end)
        _encode(task, raw, [k for k in raw if k not in rows], rows, rec, logged)   # after the first step: no-op later
        world.sync_stop(stop)   # every rank leaves at the same step
        stopping = False
        if eval_due:
            metrics = _evaluate(task, model, strategies, rows["validation"], eval_bs, ctx, "validation")
            rec(Eval(step=done, epoch=round(epoch, 4), split="validation", metrics=metrics))
            stopping = _track_best(best, metrics, metric, task, tc, done, model, paths, rec, world.main)
        ck_due = (done % tc.checkpoint_every == 0) if tc.checkpoint_every else eval_due
        if ck_due or stopping or (stop.requested and stop.mode == "save"):
            meta = {"best": best, **batches.checkpoint_state(world)}   # a stream's position on every rank
            checkpoint.save(paths.checkpoints, done, model, optimizer, scheduler, scaler, strategies,
                            extra_modules, meta, tc.keep_checkpoints, write=world.main)   # rank 0 writes
        if stopping:
            rec.log(f"early stopping at step {done}: {metric} did not improve for {tc.early_stopping_patience} "
                    "evaluations")
            break
        if stop.requested:
            break
    steps_done = done

    if stop.requested:
        if stop.mode != "save":
            rec.log(f"cancelled at step {steps_done}")
            return "cancelled", {"steps": steps_done}, {}
        status = "stopped"
        rec.log(f"stopped and saved at step {steps_done}")

    # 8 finalize, final evaluation, save -----------------------------------------------------------------------------
    _encode(task, raw, [k for k in raw if k not in rows], rows, rec, logged)   # a run stopped before its first step
    if tc.early_stopping_patience and best["step"] is not None and (paths.checkpoints / "best").is_dir():
        _load_trainable(model, paths.checkpoints / "best")
        rec.log(f"restored the best weights (step {best['step']}, {metric} = {best['value']:.4f})")
    for s in sorted(strategies, key=lambda s: s.finalize_order):   # stable: list order among equals
        model = s.finalize(model, ctx) or model
    split = "test" if "test" in rows else "validation"
    final = _evaluate(task, model, [], rows[split], eval_bs, ctx, split, with_predictions=True)
    final_metrics, predictions = final
    rec(Eval(step=steps_done, epoch=round(steps_done * tc.grad_accum / batches.per_epoch, 4), split=split,
             metrics=final_metrics))
    samples_out = _samples(task, model, raw[split], ctx, tc.seed)
    if cfg.output.save_model:   # rank 0 saves (a sharded model's whole tensors gathered from every rank first)
        whole = fsdp.gathered_state(model.state_dict().items(), keep=world.main) if sharded else None
        if world.main:
            saved.save(model, tokenizer, task, paths, cfg, state_dict=whole)
    metrics = {f"eval_{k}": v for k, v in final_metrics.items()}
    metrics.update({
        "eval_split": split, "steps": steps_done, "epochs": round(steps_done * tc.grad_accum / batches.per_epoch, 4),
        "train_runtime_s": round(train_time, 2), "train_samples_per_s": round(samples / max(train_time, 1e-9), 2),
        "trainable_params": trainable, "total_params": total, "trainable_pct": round(100 * trainable / total, 4),
        "weight_distance": weight_distance(model, pre_state), "peak_memory_mb": peak_memory_mb(device),
    })
    for s in strategies:
        metrics.update(s.report())
    return status, metrics, {"key_metric": f"eval_{task.main_metric}", "samples": samples_out,
                             "precision": precision, "device": str(device), "world_size": world.size}


class _Clock:
    """Seconds spent in each part of the preparation, in order (the Started event's prepare_s)."""

    def __init__(self):
        self.laps, self._t = {}, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._t, 3)
        self._t = now


def _encode(task, raw, splits, rows, rec, logged: set) -> None:
    """Encode `splits` of raw into rows (training rows stay in Arrow, memory-mapped and encoded once into the
    datasets cache; evaluation takes lists) and log the task's new data warnings (truncated texts...)."""
    if not splits:
        return
    t0 = time.perf_counter()
    for split in splits:
        r = encoded.encode(task, raw[split], split)
        rows[split] = r.to_list() if split != "train" and hasattr(r, "to_list") else r
    for message in getattr(task, "warnings", ()):
        if message not in logged:
            logged.add(message)
            rec.log(message, "warning")
    rec.log(f"encoded the {' and '.join(splits)} data ({sum(len(raw[s]) for s in splits):,} rows) in "
            f"{time.perf_counter() - t0:.2f} s", "debug")


def _evaluate(task, model, strategies, rows, batch_size, ctx, split, with_predictions=False):
    was_training = model.training
    model.eval()
    with contextlib.ExitStack() as stack:
        for s in strategies:
            stack.enter_context(s.eval_weights(model))
        metrics, predictions = task.evaluate(model, rows, batch_size, ctx, split=split)
    model.train(was_training)
    return (metrics, predictions) if with_predictions else metrics


def _track_best(best, metrics, metric, task, tc, step, model, paths, rec, writes=True) -> bool:
    """Update the best-so-far record; save its weights when early stopping is on. True: stop now."""
    value = metrics.get(metric)
    if value is None:
        rec.log(f"early-stopping metric {metric!r} is not among the metrics ({', '.join(metrics)})", "warning")
        return False
    better = task.greater_is_better if tc.early_stopping_metric == "auto" else task.higher_is_better(metric)
    if best["value"] is None or (value > best["value"] if better else value < best["value"]):
        best.update(value=value, step=step, bad_evals=0)
        if tc.early_stopping_patience:
            _save_trainable(model, paths.checkpoints / "best", writes)
        return False
    best["bad_evals"] += 1
    return bool(tc.early_stopping_patience) and best["bad_evals"] >= tc.early_stopping_patience


def _save_trainable(model, folder: Path, write: bool = True):
    """Every rank calls it (a sharded model's weights are gathered); the one with `write` writes."""
    whole = fsdp.gathered_state(((n, p) for n, p in model.named_parameters() if p.requires_grad), keep=write)
    if not write:
        return
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / ".weights.tmp"
    save_file({n: t.detach().contiguous().clone() for n, t in whole.items()}, tmp)
    os.replace(tmp, folder / "weights.safetensors")


def _load_trainable(model, folder: Path):
    params = dict(model.named_parameters())
    model.load_state_dict({n: like(params[n], t) if n in params else t
                           for n, t in load_file(str(folder / "weights.safetensors")).items()}, strict=False)


def _probe(task, model, rows, device, ctx, forward_kwargs):
    """The training forward on the first two training rows (DDP's check for parameters that get no gradient)."""
    cols = rows[:2] if hasattr(rows, "column_names") else None   # Arrow rows: a dict of columns
    first = [dict(zip(cols, values)) for values in zip(*cols.values())] if cols else list(rows[:2])
    with ctx.autocast():
        return task.forward(model, {**to_device(task.collate(first), device), **forward_kwargs})


def _samples(task, model, split_ds, ctx, seed) -> list[dict]:
    """A few predictions on real inputs, kept in the summary for a first look."""
    model.eval()   # finalize may hand back a model in training mode: no dropout in the samples
    try:
        inputs = task.example_inputs(split_ds, 3)
        preds = task.predict(model, inputs, ctx=ctx, seed=seed) if inputs else []
    except Exception as e:   # samples are a courtesy: never fail a finished run over them
        ctx.log(f"could not produce samples: {e}", "warning")
        return []
    return [{"input": x if isinstance(x, str) else str(x), "output": p.display, "confidence": p.confidence}
            for x, p in zip(inputs, preds)]

