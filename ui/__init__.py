"""Backprop Playground's user interface: shared modules (control table, session run, keys, theme,
LaTeX, live chart) and one package per page (playground, derivation, compare)."""
