"""Workbench: a fine-tuning workbench for language models.

The engine (everything in this package except `workbench.ui`) never imports gradio.
"""

__version__ = "0.1.0"
