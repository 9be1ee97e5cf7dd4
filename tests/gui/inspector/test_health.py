"""The health panel keeps recent steps in place; the warning names the problem."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from backprop_gui.gui.panels.health import FLOOR, HealthPanel, headline, health_warning
from backprop_gui.session import NetworkSpec

from ..driving import shown
from .reference import InspectFrame, LayerHealth, blobs, frame_for


def healthy(**changes) -> LayerHealth:
    values = dict(
        dW_norm=0.05, db_norm=0.01, dZ_rms=0.2, update_ratio=1e-3, saturated=0.0, dead=0.0
    )
    values.update(changes)
    return LayerHealth(**values)


def test_dead_relus_are_named_with_counts_and_a_remedy():
    health = (healthy(), healthy(dead=7 / 8), healthy())
    text = health_warning(health, ("relu", "relu"), (2, 8, 8, 1))
    assert text == (
        "Layer 2: 7 of 8 ReLUs are dead (output 0 on every point); lower α or use leaky_relu."
    )
    assert "Layer 2: 88 % of the ReLUs are dead" in health_warning(health, ("relu", "relu"))


def test_saturated_units_and_vanishing_gradients():
    saturated = (healthy(saturated=0.75), healthy())
    assert health_warning(saturated, ("tanh",), (2, 4, 1)).startswith(
        "Layer 1: on average 3 of 4 tanh units are saturated on a point"
    )
    vanishing = (healthy(dW_norm=1e-7), healthy(), healthy(dW_norm=0.1))
    text = health_warning(vanishing, ("sigmoid", "sigmoid"))
    assert text.startswith("Gradients vanish: ‖dW[1]‖ is 1e-06 of ‖dW[3]‖")


def test_too_large_steps_and_divergence():
    assert "changes W[2] by 30% of its size" in health_warning(
        (healthy(), healthy(update_ratio=0.3)), ("tanh",)
    )
    assert "diverged" in health_warning((healthy(dW_norm=np.nan), healthy()), ("tanh",))
    # Before the first step the update ratio is not known (NaN): nothing wrong.
    assert health_warning((healthy(update_ratio=np.nan), healthy()), ("tanh",)) == ""


def test_counts_come_from_the_layers_units_when_sizes_are_not_given():
    @dataclasses.dataclass(frozen=True)
    class WithUnits(LayerHealth):
        units: int = 0

    health = (WithUnits(**{**vars(healthy(dead=0.5)), "units": 8}), healthy())
    assert health_warning(health, ("relu",)).startswith("Layer 1: 4 of 8 ReLUs are dead")


def test_healthy_layers_give_no_message():
    assert health_warning((healthy(), healthy(), healthy()), ("relu", "tanh")) == ""
    assert health_warning((), ()) == ""
    # The output layer is never "dead" by these rules: it has no activation of its own.
    assert health_warning((healthy(), healthy(dead=1.0)), ("relu",)) == ""


def test_a_real_dead_network_is_reported():
    # Biases far below zero: every ReLU of layer 1 is off on every point.
    spec = NetworkSpec(hidden=(8, 8), activation="relu", seed=0)
    net = spec.build()
    net.params["b1"][:] = -100.0
    frame = frame_for(spec, net, *blobs())
    assert frame.health[0].dead == 1.0
    text = health_warning(frame.health, net.activation_names, net.layer_sizes)
    assert text.startswith("Layer 1: 8 of 8 ReLUs are dead")


def shown_panel(qtbot, width: int, height: int) -> HealthPanel:
    return shown(qtbot, HealthPanel(capacity=5), width, height)


@pytest.fixture
def panel(qtbot):
    return shown_panel(qtbot, 300, 400)


def frame(step: int, generation: int = 0, layers: int = 2) -> InspectFrame:
    health = tuple(
        healthy(dW_norm=10.0 ** -(l + step), update_ratio=1e-3 * (step + 1), saturated=0.1 * l)
        for l in range(layers)
    )
    return InspectFrame(steps=step, generation=generation, health=health)


def test_curves_follow_the_steps_in_place(panel):
    panel.show(frame(1))
    curve = panel.norm_curves[0]
    for step in (2, 2, 3):  # a repeated frame adds nothing
        panel.show(frame(step))
    assert panel.norm_curves[0] is curve
    x, y = curve.getData()  # pyqtgraph gives log10 of y on a log axis
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_allclose(y, [-1, -2, -3])
    x, y = panel.ratio_curves[1].getData()
    np.testing.assert_allclose(10**y, [2e-3, 3e-3, 4e-3])
    assert panel.guide.value() == pytest.approx(-3)
    heights = panel.saturated_bars.opts["height"]
    assert list(heights) == [0.0, 0.1]


@pytest.mark.parametrize("size", [0.05, 1e-6])
def test_the_dashed_guide_stays_in_view_with_big_and_tiny_updates(panel, size):
    # Updates of 5 % a step drew a view of 0.01–0.5, without the 1e-3 line.
    for step in (1, 2, 3):
        ratios = (size * step, 2 * size * step)
        health = tuple(healthy(update_ratio=r) for r in ratios)
        panel.show(InspectFrame(steps=step, health=health))
    (_, _), (low, high) = panel.ratio_plot.getViewBox().viewRange()
    assert panel.guide.value() == pytest.approx(-3) and low <= -3 <= high
    assert low <= np.log10(size) and np.log10(6 * size) <= high


def test_the_buffer_keeps_the_last_steps_only(panel):
    for step in range(1, 9):
        panel.show(frame(step))
    x, _ = panel.norm_curves[0].getData()
    np.testing.assert_array_equal(x, [4, 5, 6, 7, 8])
    assert panel.norms.shape == (2, 5)


def test_new_weights_or_a_new_network_start_afresh(panel):
    for step in (1, 2, 3):
        panel.show(frame(step))
    panel.show(frame(1, generation=1))
    assert list(panel.norm_curves[0].getData()[0]) == [1]
    panel.show(frame(2, generation=1, layers=3))
    assert len(panel.norm_curves) == 3 and list(panel.norm_curves[2].getData()[0]) == [2]


def test_off_screen_the_steps_are_recorded_and_drawn_when_it_comes_back(panel):
    panel.show(frame(1))
    panel.set_on_screen(False)  # its tab is behind another
    for step in (2, 3):
        panel.show(frame(step))
    x, _ = panel.norm_curves[0].getData()
    np.testing.assert_array_equal(x, [1])  # nothing drawn meanwhile...
    panel.set_on_screen(True)
    x, y = panel.norm_curves[0].getData()
    np.testing.assert_array_equal(x, [1, 2, 3])  # ...and nothing lost
    np.testing.assert_allclose(y, [-1, -2, -3])


def test_zero_gradients_are_drawn_at_the_floor_and_nan_leaves_a_gap(panel):
    panel.show(frame(1))
    zero = frame(2)
    zero = dataclasses.replace(zero, health=(healthy(dW_norm=0.0), zero.health[1]))
    panel.show(zero)
    nan = frame(3)
    nan = dataclasses.replace(nan, health=(healthy(dW_norm=np.nan), nan.health[1]))
    panel.show(nan)
    panel.show(frame(4))
    _, y = panel.norm_curves[0].getData()
    assert y[1] == pytest.approx(np.log10(FLOOR)) and np.isnan(y[2])
    assert np.isfinite(y[[0, 3]]).all()


def test_the_floor_reads_as_zero(panel):
    axis = panel.norm_plot.getAxis("left")
    assert axis.tickStrings([np.log10(FLOOR) - 1, np.log10(FLOOR), -3.0], 1.0, 1.0) == [
        "",
        "0",
        "0.001",
    ]


def test_in_a_short_dock_the_plots_keep_room_for_their_data(qtbot):
    # Three plots stacked in a dock 250 px tall left each about 20 px of data
    # and their axis labels overlapped: the units bars now stand beside the
    # two per-step plots, which share one step axis.
    widget = shown_panel(qtbot, 400, 250)
    QApplication.processEvents()
    plots = (widget.norm_plot, widget.ratio_plot, widget.units_plot)
    norm, ratio, units = (p.vb.sceneBoundingRect() for p in plots)
    assert norm.height() >= 50 and ratio.height() >= 50
    assert units.left() > max(norm.right(), ratio.right())
    assert widget.ratio_plot.getViewBox().linkedView(0) is widget.norm_plot.getViewBox()
    # Everything fits the width it is given: nothing is cut at the right.
    assert widget.view.ci.geometry().width() <= widget.view.width()


def test_until_there_are_steps_the_plot_says_how_to_get_them(panel):
    panel.show(frame(0))
    assert panel.empty_hint.isVisible()
    assert "Train or Step" in panel.empty_hint.toPlainText()
    panel.show(frame(1))
    panel.show(frame(2))
    assert not panel.empty_hint.isVisible()
    panel.show(frame(0, generation=1))  # a new run: empty again
    assert panel.empty_hint.isVisible()


@pytest.mark.parametrize(
    ("warning", "first_words"),
    [
        (
            "Layer 2: 7 of 8 ReLUs are dead (output 0 on every point); lower α or use leaky_relu.",
            "Layer 2: 7 of 8 ReLUs are dead",
        ),
        (
            "Gradients vanish: ‖dW[1]‖ is 1e-06 of ‖dW[3]‖, so the first layer barely learns; "
            "try relu or tanh, or fewer layers.",
            "Gradients vanish: ‖dW[1]‖ is 1e-06 of ‖dW[3]‖",
        ),
        (
            "Layer 1: the gradients are not finite numbers; training diverged. Lower α and reset.",
            "Layer 1: the gradients are not finite numbers",
        ),
    ],
)
def test_a_headline_is_the_problem_and_where_the_rest_is(warning, first_words):
    assert headline(warning) == first_words + " (see Gradient health)."


def test_the_status_bar_says_the_whole_warning_where_it_fits(qtbot):
    from PySide6.QtWidgets import QLabel, QStatusBar

    from backprop_gui.gui.inspector import MESSAGE_MARGIN, fitted

    bar = QStatusBar()
    readouts = QLabel("Epoch 492   Steps 492   Cost 0.6637 / 0.6572")
    bar.addPermanentWidget(readouts)
    warning = (
        "Layer 2: on average 5 of 8 tanh units are saturated on a point (flat g′), so little "
        "gradient passes through; lower α or reset."
    )
    needed = bar.fontMetrics().horizontalAdvance(warning) + MESSAGE_MARGIN
    # Room for half of it beside the read-outs (once the bar has laid them out).
    shown(qtbot, bar, readouts.sizeHint().width() + needed // 2, 24)
    qtbot.waitUntil(lambda: readouts.x() > needed // 3)
    assert fitted(bar, warning) == (
        "Layer 2: on average 5 of 8 tanh units are saturated on a point (see Gradient health)."
    )
    bar.resize(readouts.sizeHint().width() + needed + 60, 24)
    qtbot.waitUntil(lambda: fitted(bar, warning) == warning)


def test_the_panel_says_the_whole_warning_above_its_plots(panel):
    spec = NetworkSpec(hidden=(8, 8), activation="relu", seed=0)
    net = spec.build()
    net.params["b1"][:] = -100.0  # every ReLU of layer 1 off on every point
    panel.show(frame_for(spec, net, *blobs()))
    assert panel.warning.isVisible()
    assert panel.warning.text().startswith("Layer 1: 8 of 8 ReLUs are dead (output 0")
    assert panel.warning.geometry().bottom() <= panel.view.geometry().top()
    panel.show(frame_for(spec, spec.build(), *blobs(), steps=2))
    assert not panel.warning.isVisible()
    panel.show(frame_for(spec, net, *blobs(), steps=3))
    assert panel.warning.isVisible()
    panel.show(InspectFrame(steps=4, spec=spec))  # no training points: no health
    assert not panel.warning.isVisible()


def test_keys_are_in_the_titles_and_presentation_enlarges_them(panel):
    panel.show(frame(1, layers=3))
    title = panel.norm_plot.titleLabel.text
    assert title.startswith("gradient size") and all(f"■</span>{l}" in title for l in (1, 2, 3))
    assert panel.norm_plot.legend is None
    assert "saturated" in panel.units_plot.titleLabel.text
    assert panel.norm_plot.titleLabel.opts["size"] == "8.0pt"
    panel.set_scale(1.5)
    assert panel.norm_plot.titleLabel.opts["size"] == "12.0pt"
    assert panel.units_plot.titleLabel.opts["size"] == "12.0pt"
