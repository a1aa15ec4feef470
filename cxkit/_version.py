"""The package version, read by ``cxkit.__init__`` and the run manifest."""

__version__ = "0.1.0"
