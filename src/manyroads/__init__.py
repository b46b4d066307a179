"""manyroads: recovery meetings from every fellowship, joined with medication treatment."""

__version__ = "0.1.0"
