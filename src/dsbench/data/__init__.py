"""What a dataset is, engine-free: its files (files, encoding), the publisher's manifest (model,
manifest, croissant) and what every backend shares: tables, reading options, the Dataset base (dataset)."""
