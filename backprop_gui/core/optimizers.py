"""Update rules acting on the flat parameter buffer θ and gradient g in place.

sgd:       θ ← θ − α·g
momentum:  v ← β·v − α·g;  θ ← θ + v                      (β = 0.9)
adam:      m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
           θ ← θ − α·m̂ / (√v̂ + ε), with bias-corrected m̂, v̂

The Trainer's kernel (``core._kernel.train``) calls ``update`` for momentum
and Adam. For plain SGD it applies the same rule fused into the step: α is
folded into dZ[L], so the gradient it computes is already α·g and the update
is one subtraction (one pass fewer over θ). ``SGD.update`` is that rule for
everyone else: scripts that train with ``MLP.backward``, and the tests that
check the kernel against it (tests/core/test_training_kernel.py); the
optimizers themselves are checked against hand-worked steps
(tests/core/test_optimizers_by_hand.py).
"""

from __future__ import annotations

import numpy as np


class SGD:
    name = "sgd"
    state_names: tuple[str, ...] = ()  # the running state, attributes of an instance

    def __init__(self, size: int) -> None:
        self._step = np.empty(size)

    def update(self, theta: np.ndarray, g: np.ndarray, lr: float) -> None:
        np.multiply(g, lr, out=self._step)
        theta -= self._step


class Momentum:
    name = "momentum"
    beta = 0.9
    state_names = ("velocity",)

    def __init__(self, size: int) -> None:
        self.velocity = np.zeros(size)
        self._step = np.empty(size)

    def update(self, theta: np.ndarray, g: np.ndarray, lr: float) -> None:
        self.velocity *= self.beta
        np.multiply(g, lr, out=self._step)
        self.velocity -= self._step
        theta += self.velocity


class Adam:
    name = "adam"
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    state_names = ("m", "v", "t")  # t: the step count, an int

    def __init__(self, size: int) -> None:
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0
        self._tmp = np.empty(size)

    def update(self, theta: np.ndarray, g: np.ndarray, lr: float) -> None:
        self.t += 1
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * g
        self.v *= self.beta2
        np.multiply(g, g, out=self._tmp)
        self._tmp *= 1.0 - self.beta2
        self.v += self._tmp
        # Fold the bias corrections into the step size and ε.
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        np.sqrt(self.v, out=self._tmp)
        self._tmp += self.eps * np.sqrt(c2)
        np.divide(self.m, self._tmp, out=self._tmp)
        self._tmp *= lr * np.sqrt(c2) / c1
        theta -= self._tmp


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def make_optimizer(name: str, size: int) -> SGD | Momentum | Adam:
    try:
        return OPTIMIZERS[name](size)
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}"
        ) from None
