"""backprop-gui's benchmarks and development tools, run from a clone of the
repository (they are not part of the installed package, which never imports
them):

    python -m benchmarks [--quick] [--json]   the engine and the live app, against targets
    python -m benchmarks.scale [SECONDS]      big data in the live app
    python -m benchmarks.screenshot [OUT]     the README's screenshot

Each takes ``--help``. They use the package's public API only.
"""
