"""Hidden-layer activations g(Z), each backward written beside its forward.

Every activation is a pair of small functions working on (n_l, m) arrays:

- ``forward(Z, out)`` writes A = g(Z) into ``out`` and returns it;
- ``backward(dA, Z, A)`` turns dA = W[l+1]ᵀ·dZ[l+1] into dZ[l] = dA ∗ g′(Z[l])
  in place (element-wise, as in the seeds) and returns it.

``backward`` receives both Z and A because g′ is cheapest from whichever the
function is defined by: tanh′ = 1 − A², σ′ = A(1 − A), relu′ = [Z > 0].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation: its maths, and how the window and the equations name it.

    Adding an activation is one entry in ``ACTIVATIONS`` below: the window's
    menus, tooltips and equations read ``symbol`` and ``tooltip`` from here.
    """

    name: str
    formula: str  # g(z) in plain text, e.g. "max(0, z)"
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    # He initialisation suits the rectifiers, Xavier the symmetric ones.
    init_gain: float
    symbol: str  # g in the equations: "tanh", "σ", …
    tooltip: str  # one line for a menu: what it is and when to use it
    # A closed form the training kernel computes inline instead of calling
    # forward/backward ("tanh"), declared with the functions it replaces.
    closed_form: str | None = None

    @property
    def kernel_form(self) -> str | None:
        """The declared ``closed_form`` while ``forward`` and ``backward`` are
        still the functions declared with it, else None: a copy with another
        backward (``dataclasses.replace``, as a test of a broken g′ makes) is
        trained through its own functions, never silently as the closed form."""
        if self.closed_form is None:
            return None
        declared = _CLOSED_FORMS.get(self.closed_form)
        return self.closed_form if declared == (self.forward, self.backward) else None

    def derivative(self, Z: np.ndarray) -> np.ndarray:
        """g′(Z) as a new array, for teaching and tests (not used when training)."""
        A = self.forward(Z, np.empty_like(Z))
        return self.backward(np.ones_like(Z), Z, A)


def sigmoid(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(Z) = 1 / (1 + e^−Z). For Z < −709, e^−Z overflows to +inf and σ is
    exactly 0 (the overflow is expected and not reported); tiny probabilities
    are kept: σ(−40) ≈ 4e−18, where 1 − tanh-based forms round to 0."""
    out = np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.divide(1.0, out, out=out)


def _sigmoid_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    dA *= A
    dA *= 1.0 - A
    return dA


def _tanh_forward(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    # tanh(z) = 2 / (1 + e^(−2z)) − 1: one exp and four cheap passes, within
    # 4e−16 of np.tanh, cost less than it unless NumPy runs its AVX-512 tanh
    # (see core._packed.fastest_tanh). Clipping −2z at 709 keeps e^(−2z)
    # finite and changes nothing: tanh(z) is −1 in float64 well before z = −354.
    np.multiply(Z, -2.0, out=out)
    np.minimum(out, 709.0, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(2.0, out, out=out)
    out -= 1.0
    return out


def _tanh_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    g = np.multiply(A, A)
    np.subtract(1.0, g, out=g)
    dA *= g
    return dA


def _relu_forward(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(Z, 0.0, out=out)


def _relu_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    dA *= Z > 0.0
    return dA


def _leaky_relu_forward(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    # max(Z, 0.01·Z) equals Z for Z > 0 and 0.01·Z otherwise.
    np.multiply(Z, LEAKY_SLOPE, out=out)
    return np.maximum(Z, out, out=out)


def _leaky_relu_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    dA *= np.where(Z > 0.0, 1.0, LEAKY_SLOPE)
    return dA


def _linear_forward(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.copyto(out, Z)
    return out


def _linear_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    return dA


# The functions each closed form stands for (see ``Activation.kernel_form``).
_CLOSED_FORMS = {"tanh": (_tanh_forward, _tanh_backward)}

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "tanh",
            "tanh(z)",
            _tanh_forward,
            _tanh_backward,
            1.0,
            "tanh",
            "tanh(z): smooth, zero-centred, the classic choice",
            closed_form="tanh",
        ),
        Activation(
            "sigmoid",
            "1 / (1 + e^-z)",
            sigmoid,
            _sigmoid_backward,
            1.0,
            "σ",
            "σ(z) = 1/(1+e^−z): smooth but saturates; learns slowly when deep",
        ),
        Activation(
            "relu",
            "max(0, z)",
            _relu_forward,
            _relu_backward,
            2.0,
            "relu",
            "max(0, z): fast, piecewise-linear boundaries",
        ),
        Activation(
            "leaky_relu",
            "max(0.01 z, z)",
            _leaky_relu_forward,
            _leaky_relu_backward,
            2.0,
            "lrelu",
            "max(0.01z, z): like relu but never fully dead",
        ),
        Activation(
            "linear",
            "z",
            _linear_forward,
            _linear_backward,
            1.0,
            "id",
            "z: no non-linearity, so the whole network is linear",
        ),
    )
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}") from None
