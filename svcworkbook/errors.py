"""The errors the workbook raises on purpose, each with a message a learner can act on."""


class DataError(ValueError):
    """A dataset failed validation; the message names the file, columns, rows and the fix."""


class ContentError(ValueError):
    """A unit content file is malformed; the message names the file and the field."""


class ParameterError(ValueError):
    """A notebook or command parameter is unknown or out of range; the message says what is allowed."""
