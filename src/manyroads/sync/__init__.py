"""Sync: fetch politely, validate, diff against the store, apply in one transaction."""

from manyroads.sync.engine import PARSER_VERSION, Syncer, SyncReport
from manyroads.sync.fetch import HttpFetcher

__all__ = ["PARSER_VERSION", "HttpFetcher", "SyncReport", "Syncer"]
