"""Running a training job: the loop, the job manager, checkpoints, batches, events."""
