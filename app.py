"""Launch backprop-gui from a source checkout: ``python app.py`` (same as ``backprop-gui``)."""

from backprop_gui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
