"""The network's own content (``network.toml``, ``countries.csv``) and its loader."""
