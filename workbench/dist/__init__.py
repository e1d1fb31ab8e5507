"""Several processes training one run: `ranks` (who am I, reductions; used inside the loop), `launch` (start a
torchrun process group and supervise it: stream its events, stop it, say why it failed) and `worker` (what each
rank runs: the one loop, on its shard of every batch)."""
