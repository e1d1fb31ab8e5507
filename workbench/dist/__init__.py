"""Several processes training one run: `ranks` (who am I, reductions; used inside the loop), `launch` (start a
torchrun process group and supervise it: stream its events, stop it, say why it failed) and `worker` (what each
rank runs: the one loop, on its shard of every batch); `sharding` (what train.sharding: fsdp takes, checked
with the config) and `fsdp` (torch FSDP2 full shard of the model, whole-tensor state for checkpoints)."""
