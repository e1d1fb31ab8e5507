"""Exporting a finished run: the formats and the model card."""
