"""Errors a user can fix. Each message names the problem and the fix; the CLI prints it without a traceback
(exit status 2) and the UI shows it in the page."""


class WorkbenchError(Exception):
    """Base for every user-facing problem (bad config, bad data, unknown model)."""


class ConfigError(WorkbenchError):
    """A config field is missing, unknown, of the wrong type or out of range. `field` is its dotted path."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class DataError(WorkbenchError):
    """A dataset cannot be read or does not fit the task (missing column, one class only, empty rows...)."""


class UnseenLabel(DataError):
    """A training row has a label the task did not learn from the training data (a stream learns its labels from
    its first rows)."""


class ModelError(WorkbenchError):
    """A model cannot be found or loaded, or does not fit the task."""
