"""Models: the catalogue, loading, tokenizers, anatomy and every saved form."""
