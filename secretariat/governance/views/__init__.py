"""Governance pages, one module per part; the URL list is in governance/urls.py."""
