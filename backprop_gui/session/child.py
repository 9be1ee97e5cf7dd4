"""The trainer process's entry point (run isolated by ``transport.start_child``).

A module of its own, imported by nothing, so that running it as ``__main__``
finds no copy of it already loaded."""

from .transport import main

if __name__ == "__main__":
    main()
