"""Figures for the insight pages, each computed with a fixed number of aggregate queries."""
