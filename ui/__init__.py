"""Backprop Playground's user interface: the control table, session state and plotly figures."""
