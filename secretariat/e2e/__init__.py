"""Browser tests: journeys through the real pages in headless Chromium (Playwright), each page
checked with axe-core. Run with `make e2e` (see docs/testing.md)."""
