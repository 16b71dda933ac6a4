"""Governance services: every write, one module per part of the sessions capability."""
