"""Surfaces: the API, the open feeds and the finder. They read the index and the store only."""
