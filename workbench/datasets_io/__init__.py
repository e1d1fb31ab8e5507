"""Data bigger than memory, through Hugging Face `datasets`: files read into Arrow (memory-mapped, cached by the
file's content), rows encoded once with a batched `.map` into the datasets cache (fingerprinted by the data, the
tokenizer and the task's options) so that a second run on the same file skips tokenization."""
