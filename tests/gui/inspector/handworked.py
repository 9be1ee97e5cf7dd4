"""A network small enough to work by hand: 1-1-1 with a sigmoid hidden unit,
one example x = 2 with y = 1, every value written out with ``math``."""

from __future__ import annotations

import math

from backprop_gui.core import MLP


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# A 1-1-1 network with a sigmoid hidden unit, one example x = 2, y = 1.
W1, B1, W2, B2, X, Y, ALPHA = 0.5, 0.1, -0.3, 0.2, 2.0, 1.0, 0.5


def tiny() -> MLP:
    net = MLP([1, 1, 1], "sigmoid", features=("x1",))
    net.params["W1"][:] = W1
    net.params["b1"][:] = B1
    net.params["W2"][:] = W2
    net.params["b2"][:] = B2
    return net


def by_hand() -> dict[str, float]:
    z1 = W1 * X + B1  # 1.1
    a1 = sigma(z1)
    z2 = W2 * a1 + B2
    a2 = sigma(z2)
    J = -(Y * math.log(a2) + (1 - Y) * math.log(1 - a2))
    dz2 = a2 - Y
    dw2, db2 = dz2 * a1, dz2
    dz1 = W2 * dz2 * a1 * (1 - a1)
    dw1, db1 = dz1 * X, dz1
    return dict(
        Z1=z1, A1=a1, Z2=z2, A2=a2, J=J, dZ2=dz2, dW2=dw2, db2=db2, dZ1=dz1, dW1=dw1, db1=db1
    )
