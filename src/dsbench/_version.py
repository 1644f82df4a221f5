"""The version of dsbench, in a leaf module: nothing imports the package root for it."""

__version__ = "0.1.0"
