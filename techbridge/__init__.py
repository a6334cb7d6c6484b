"""techbridge — regional technology transfer platform."""
