"""What the inspector widgets are fed, computed here from MLP.forward and
MLP.backward only.

TEMPORARY stand-in for ``core/inspect.py`` (written by another helper at the
same time): once it lands, the frames built here should come from it, and
these functions stay as the independent reference the tests compare with.
The widgets rely only on the attribute names used here (duck typing).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from backprop_gui.core import MLP, TrainConfig, transform
from backprop_gui.core.surface import grid_points
from backprop_gui.session import Frame, NetworkSpec


@dataclass(frozen=True)
class LayerHealth:
    """One layer's health, as core.inspect's (same attribute names)."""

    dW_norm: float
    db_norm: float
    dZ_rms: float
    update_ratio: float
    saturated: float  # fraction of the layer's units
    dead: float


@dataclass(frozen=True)
class InspectFrame(Frame):
    """A Frame with the optional fields the inspector reads."""

    gradients: dict | None = None
    health: tuple | None = None
    unit_maps: tuple | None = None
    example: object | None = None


def gradients(net: MLP, X: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """{"dW1": (n1, n0), "db1": (n1, 1), …} of J at the network's θ, as copies."""
    grads = net.backward(net.forward(X), labels)
    return {name: value.copy() for name, value in grads.items()}


def unit_maps(net: MLP, resolution: int = 32) -> tuple[np.ndarray, ...]:
    """One float32 (n_l, R, R) array per layer l = 0..L, row 0 at the bottom."""
    X = transform(grid_points(resolution), net.features or ("x1", "x2"))
    cache = net.forward(X)
    R = resolution
    return tuple(A.reshape(-1, R, R).astype(np.float32) for A in cache.A)


def health(net: MLP, X: np.ndarray, labels: np.ndarray, lr: float) -> tuple[LayerHealth, ...]:
    cache = net.forward(X)
    grads = net.backward(cache, labels)
    layers = []
    for l in range(1, net.L + 1):
        W, Z = net.params[f"W{l}"], cache.Z[l]
        dW_norm = float(np.linalg.norm(grads[f"dW{l}"]))
        saturated = dead = 0.0
        if l < net.L:
            name = net.activation_names[l - 1]
            if name in ("relu", "leaky_relu"):
                dead = float(np.mean(np.all(Z <= 0, axis=1)))
            elif name in ("tanh", "sigmoid"):
                slope = net.activations[l - 1].derivative(Z.copy())
                saturated = float(np.mean(slope.mean(axis=1) < 0.05))
        layers.append(
            LayerHealth(
                dW_norm=dW_norm,
                db_norm=float(np.linalg.norm(grads[f"db{l}"])),
                dZ_rms=float(np.sqrt(np.mean((cache.dZ[l] * cache.m) ** 2))),
                update_ratio=lr * dW_norm / max(float(np.linalg.norm(W)), 1e-300),
                saturated=saturated,
                dead=dead,
            )
        )
    return tuple(layers)


def frame_for(
    spec: NetworkSpec,
    net: MLP,
    points: np.ndarray,
    labels: np.ndarray,
    steps: int = 1,
    lr: float = 0.03,
    **changes,
) -> InspectFrame:
    """A frame of ``net`` (built from ``spec``) on the training points (2, m)."""
    X = transform(points, spec.features)
    frame = InspectFrame(
        steps=steps,
        epoch=steps,
        n_train=labels.size,
        theta=net.theta.copy(),
        spec=spec,
        config=TrainConfig(learning_rate=lr),
        gradients=gradients(net, X, labels),
        health=health(net, X, labels, lr),
        unit_maps=unit_maps(net),
    )
    return dataclasses.replace(frame, **changes) if changes else frame


def blobs(m: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two classes of points, (2, m) and (m,)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % 2
    points = rng.normal(0.0, 1.2, (2, m)) + np.where(labels == 1, 2.0, -2.0)
    return points, labels


def example_pass(net: MLP, x: np.ndarray, label: int, m: int = 1):
    """One example (n_x,) through ``net``: an ExamplePassView from
    MLP.forward/backward of this example alone, its gradients divided by m
    (its contributions to a step over m examples)."""
    from backprop_gui.gui.panels.example import ExamplePassView

    X = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    cache = net.forward(X)
    grads = net.backward(cache, np.array([label]))
    L = net.L
    return ExamplePassView(
        x=X[:, 0].copy(),
        y=label,
        Z=[None] + [z[:, 0].copy() for z in cache.Z[1:]],
        A=[a[:, 0].copy() for a in cache.A],
        dZ=[None] + [d[:, 0].copy() for d in cache.dZ[1:]],
        dW=[None] + [grads[f"dW{l}"] / m for l in range(1, L + 1)],
        db=[None] + [grads[f"db{l}"][:, 0] / m for l in range(1, L + 1)],
        loss=float(net.losses(X, np.array([label]))[0]),
        m=m,
    )
