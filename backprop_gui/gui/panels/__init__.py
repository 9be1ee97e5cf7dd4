"""Panels of the window: one widget in one file, each with ``show(frame)``."""
