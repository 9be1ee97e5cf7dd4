"""How θ is laid out while the training kernel runs on it (``Packed``), and
how that kernel computes tanh on this machine (``fastest_tanh``).

Private to ``core``, like ``_kernel``, whose loop reads these buffers.
"""

from __future__ import annotations

import functools
import importlib
import math

import numpy as np

from .network import MLP
from .outputs import SIGMOID, SOFTMAX

# Hidden tanh layers in the exp form compute e^(−2z) as 2^(TANH_SCALE·z): exp2
# is about a fifth faster than exp where NumPy has no SIMD loop for either.
TANH_SCALE = -2.0 / math.log(2.0)


@functools.cache
def fastest_tanh() -> str:
    """How the training loop computes tanh on this machine: "numpy" (np.tanh)
    where NumPy runs its AVX-512 tanh, else "exp", tanh(z) = 2 / (1 + e^(−2z)) − 1
    as four passes over a Z that already holds −2·log2(e)·Z (see ``Packed``),
    with e^(−2z) computed as a power of 2.

    Timed on (8, 200) arrays, np.tanh took 0.57 of the exp form's time with
    AVX-512, 1.2 times it with AVX2 only and 2.3 times it without SIMD; 3.2
    times it on a first-generation EPYC with AVX2 (2026-11-27). The two
    differ by rounding (4e−16), which training can amplify, so the choice
    depends on the CPU and NumPy build alone, never on a timing: every process
    on a machine, the app's trainer process included, trains alike. Scaling θ
    by ``TANH_SCALE`` rounds too (by −2 it did not): the argument tanh sees is
    a few units in the last place from −2·log2(e)·Z (about 2e−15 at most with
    weights of order 1), within the kernel tests' 1e−9 after 25 steps."""
    return "numpy" if _numpy_cpu_features().get("AVX512_SKX") else "exp"


def _numpy_cpu_features() -> dict:
    """NumPy's table of the CPU features its SIMD loops use (empty if unknown)."""
    for module in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            return dict(importlib.import_module(module).__cpu_features__)
        except (ImportError, AttributeError):
            continue
    return {}


class Packed:
    """The trainer's working copy of θ, laid out so that each layer costs one
    matrix product forward and one for its gradient.

    Layer l's parameters sit side by side as one (n_l, n_{l−1} + 1) block
    [W[l] | b[l]], and every A[l−1] that feeds a layer carries an extra row of
    ones, so that

        Z[l] = [W[l] b[l]]·[A[l−1]; 1]            = W[l]·A[l−1] + b[l]
        [dW[l] db[l]] = dZ[l]·[A[l−1]; 1]ᵀ        = [dZ[l]·A[l−1]ᵀ, Σ_columns dZ[l]]

    and the whole update is one array operation. ``load`` copies ``net.theta``
    in when a run starts; ``store`` copies it back when the run ends, and
    before anything reads it (records, divergence).

    A sigmoid output layer is kept negated, [−W[L] −b[L]], so that its
    product is −Z[L], the exponent of σ(z) = 1 / (1 + e^(−z)); the loop then
    works with its gradient negated too. A sign flip is exact, and the update,
    L1, L2, momentum and Adam all commute with it.

    Hidden layers whose activation declares the closed form "tanh"
    (``Activation.kernel_form``) are computed inline. Where tanh is computed in
    its exp form (``fastest_tanh``), forward products read ``theta_forward`` =
    c ∗ θ, refreshed once per step, with c = −2·log2(e) (``TANH_SCALE``) on
    those layers: their Z buffers then hold −2·log2(e)·Z, the power of 2 in
    tanh(z) = 2 / (1 + e^(−2z)) − 1 = 2 / (1 + 2^(−2·log2(e)·z)) − 1,
    one pass over θ instead of one per layer. Otherwise they read θ itself.
    """

    def __init__(self, net: MLP) -> None:
        if net.output_kind not in (SIGMOID, SOFTMAX):
            raise ValueError(f"no training kernel for the output {net.output_kind.name!r}")
        self.net = net
        self.activations = net.activations
        sizes = net.layer_sizes
        size = net.theta.size
        # order[i] is the index in net.theta of packed element i.
        index = net.layers(np.arange(size))
        self.order = np.concatenate([np.hstack([W, b]).ravel() for W, b in index])
        self.inverse = np.argsort(self.order)
        self.theta = np.empty(size)
        self.unpacked = np.empty(size)
        self.grad = np.empty(size)
        self.previous = np.empty(size)
        self.scratch = np.empty(size)
        # Σ dθ² as a row times a column (see ``Batch.terms_row``).
        self.grad_row, self.grad_column = self.grad[None, :], self.grad[:, None]
        self.square = np.empty((1, 1))
        self.theta_forward = np.empty(size)
        self.forward_scale = np.ones(size)
        self.weight_mask = np.ones(size)
        # Hidden layers whose tanh the loop inlines: those that declare it.
        self.tanh = [act.kernel_form == "tanh" for act in net.activations]
        self.tanh_by_numpy = fastest_tanh() == "numpy"
        self.sigmoid_output = net.output_kind is SIGMOID
        self.blocks: list[np.ndarray] = []
        self.forward_blocks: list[np.ndarray] = []
        self.grad_blocks: list[np.ndarray] = []
        start = 0
        for l in range(1, net.L + 1):
            rows, cols = sizes[l], sizes[l - 1] + 1
            end = start + rows * cols
            self.blocks.append(self.theta[start:end].reshape(rows, cols))
            self.forward_blocks.append(self.theta_forward[start:end].reshape(rows, cols))
            self.grad_blocks.append(self.grad[start:end].reshape(rows, cols))
            self.weight_mask[start:end].reshape(rows, cols)[:, -1] = 0.0
            if l < net.L and self.tanh[l - 1] and not self.tanh_by_numpy:
                self.forward_scale[start:end] = TANH_SCALE
            start = end
        # The packed elements kept negated: a sigmoid output layer's, else none.
        first = start - self.blocks[-1].size if self.sigmoid_output else start
        self.negated = slice(first, start)
        self.scaled = bool((self.forward_scale != 1.0).any())
        if not self.scaled:
            self.forward_blocks = self.blocks
        # W[l]ᵀ for dZ[l−1] = W[l]ᵀ·dZ[l]: strided views that BLAS reads directly.
        self.WT = [block[:, :-1].T for block in self.blocks]
        # The packed θ of the lowest cost seen (see ``Watch``), and whether it is set.
        self.best = np.empty(size)
        self.has_best = False

    def load(self) -> bool:
        """Copy ``net.theta`` in; True if it differs from what ``store`` wrote."""
        self.pack(self.net.theta, self.scratch)
        changed = not np.array_equal(self.scratch, self.theta)
        np.copyto(self.theta, self.scratch)  # the blocks are views of theta
        return changed

    def store(self) -> None:
        np.copyto(self.unpacked, self.theta)
        # 0 − x, not −x: a packed ±0.0 comes back as +0.0, never "-0.0".
        np.subtract(0.0, self.theta[self.negated], out=self.unpacked[self.negated])
        np.take(self.unpacked, self.inverse, out=self.net.theta)

    def pack(self, flat: np.ndarray, out: np.ndarray, signed: bool = True) -> None:
        """``flat`` (θ's layout) into ``out``, packed; ``signed``: negated where θ is."""
        np.take(flat, self.order, out=out)
        if signed:
            np.negative(out[self.negated], out=out[self.negated])

    def unpack(self, packed: np.ndarray, signed: bool = True) -> np.ndarray:
        """``pack``'s inverse, as a new array (e.g. of ``best``)."""
        flat = packed.copy()
        if signed:
            np.subtract(0.0, packed[self.negated], out=flat[self.negated])
        return flat[self.inverse]
