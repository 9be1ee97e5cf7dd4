"""What every bridge needs to know about a network besides its weights."""

from __future__ import annotations

from ..core import DEFAULT_FEATURES, MLP


def input_features(net: MLP) -> tuple[str, ...]:
    """The names of the network's inputs (see ``core.features``), which every
    bridge computes from the raw coordinates x1, x2.

    Raises ValueError for a network with more than two inputs and no feature
    names: nothing says how to compute its inputs from a point.
    """
    if net.features is not None:
        return net.features
    if net.layer_sizes[0] == len(DEFAULT_FEATURES):
        return DEFAULT_FEATURES
    raise ValueError(
        f"the network has {net.layer_sizes[0]} inputs but no input feature names, "
        "so its inputs cannot be computed from x1, x2"
    )


def describe(net: MLP) -> str:
    """One line such as "x1, x2, x1^2 → 8 tanh → 8 relu → 1 sigmoid"."""
    hidden = [
        f"{n} {name}" for n, name in zip(net.layer_sizes[1:-1], net.activation_names, strict=True)
    ]
    try:
        first = ", ".join(input_features(net))
    except ValueError:
        first = f"{net.layer_sizes[0]} inputs"
    return " → ".join([first, *hidden, f"{net.layer_sizes[-1]} {net.output_kind.name}"])
