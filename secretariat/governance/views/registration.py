"""Governance pages: registration (filled in by the sessions capability)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
