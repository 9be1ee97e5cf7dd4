"""The maths panel typesets what it runs: each layer's own g, hats that show,
plain words for the stable cost, and what m is."""

from __future__ import annotations

from backprop_gui.gui.panels.equations import HAT_FONTS
from backprop_gui.gui.panels.maths import equations_html
from backprop_gui.session import NetworkSpec


def test_each_hidden_layer_shows_its_own_activation():
    html = equations_html(NetworkSpec((4, 4, 4), ("relu", "tanh", "sigmoid")))
    assert "A<sup>[1]</sup> = relu(Z<sup>[1]</sup>)" in html
    assert "A<sup>[2]</sup> = tanh(Z<sup>[2]</sup>)" in html
    assert "A<sup>[3]</sup> = σ(Z<sup>[3]</sup>)" in html
    # Backward, each layer's derivative by name.
    assert "dZ<sup>[1]</sup> = W<sup>[2]</sup>ᵀ·dZ<sup>[2]</sup> ∗ relu′(Z<sup>[1]</sup>)" in html
    assert "dZ<sup>[2]</sup> = W<sup>[3]</sup>ᵀ·dZ<sup>[3]</sup> ∗ tanh′(Z<sup>[2]</sup>)" in html


def test_adams_hats_are_set_in_a_font_that_draws_them():
    html = equations_html(NetworkSpec(), {"optimizer": "adam"})
    assert f'font-family: {HAT_FONTS}">m\u0302</span>' in html
    assert f'font-family: {HAT_FONTS}">v\u0302</span>' in html


def test_the_cost_says_plainly_how_it_is_computed_and_what_m_is():
    spec = NetworkSpec((3,))
    full = equations_html(spec, {"batch_size": None})
    assert "stably" not in full
    assert "computed from Z<sup>[2]</sup> directly, so log never overflows" in full
    assert "m = the number of training points (full batch)" in full
    batched = equations_html(spec, {"batch_size": 32})
    assert "m = 32 (the mini-batch size" in batched


def test_each_optimizers_rule_names_its_constants_as_the_optimizer_has_them():
    from backprop_gui.core.optimizers import Adam, Momentum
    from backprop_gui.gui.panels.equations import constant
    from backprop_gui.gui.panels.step_through import UPDATE_RULES

    assert (constant(0.9), constant(0.999), constant(1e-8), constant(0.5)) == (
        "0.9",
        "0.999",
        "10⁻⁸",
        "0.5",
    )
    momentum = equations_html(NetworkSpec(), {"optimizer": "momentum"})
    assert "v&nbsp;:=&nbsp;β·v − α·dθ" in momentum and "0.9·v" not in momentum
    adam = equations_html(NetworkSpec(), {"optimizer": "adam"})
    for rules in (momentum + adam, UPDATE_RULES["momentum"] + UPDATE_RULES["adam"]):
        assert f"β = {Momentum.beta:g}" in rules
        assert f"β₁ = {Adam.beta1:g}, β₂ = {Adam.beta2:g}, ε = 10⁻⁸" in rules
