"""The in-memory search index: meetings as columns, answering place + time + feature queries."""
