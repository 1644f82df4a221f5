"""What a dataset is, engine-free: its files (files, encoding), the publisher's manifest (manifest, croissant) and the tables and reading options every backend shares (dataset)."""
