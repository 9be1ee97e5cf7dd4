"""``backprop-gui export``: the bridges of ``backprop_gui.interop``, registered here."""

from __future__ import annotations

from ..interop import command
from .base import Command

COMMAND = Command(
    command.NAME,
    command.SUMMARY,
    command.DESCRIPTION,
    command.EPILOG,
    command.add_arguments,
    command.run,
)
