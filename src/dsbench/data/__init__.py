"""Loading datasets: file formats, encodings and manifests."""

from dsbench.data.sources import Dataset, LoadOptions, Table, load_dataset

__all__ = ["Dataset", "LoadOptions", "Table", "load_dataset"]
