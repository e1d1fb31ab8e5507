"""Evaluating finished runs: comparison, retention, measurements, model references."""
