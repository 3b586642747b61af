"""svcworkbook: a Jupyter workbook for revising a UK work-based customer service qualification.

The notebooks in ``notebooks/`` import only this package's public API.
"""

from svcworkbook.errors import ContentError, DataError, ParameterError

__version__ = "0.1.0"

__all__ = ["ContentError", "DataError", "ParameterError", "__version__"]
