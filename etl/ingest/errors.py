"""The two ways a landing file fails to become text: for good, or for now."""


class RejectedFile(ValueError):
    """A file that holds no usable text; the message says why."""


class FileInFlight(RuntimeError):
    """A file still being written: left for a later run."""
