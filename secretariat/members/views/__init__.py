"""Member registry pages, one module per part; the URL list is in members/urls.py."""
