"""The read-outs and the status bar show the network's true cost and accuracy,
on the training and the test points, to four significant digits."""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_gui.core import transform
from backprop_gui.gui.panels import metrics

from ..driving import load_dataset, train_then_pause


def significant_digits(text: str) -> int:
    mantissa = text.split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


def test_the_read_outs_are_the_cost_and_accuracy_of_the_weights_shown(qtbot, window, tmp_path):
    load_dataset(window, tmp_path, "circle", n=200)
    frame = train_then_pause(qtbot, window, 30)
    qtbot.waitUntil(lambda: window.metric_labels["epoch"].text() == f"{frame.epoch:,}")
    # The textbook's numbers at those weights, from MLP.forward alone.
    net = window.current_network()
    model = window.model
    test = model.test_mask(window.canvas.test_ratio)
    expected = {}
    for name, mask in (("train", ~test), ("test", test)):
        X, y = transform(model.points[:, mask], frame.spec.features), model.labels[mask]
        A = net.forward(X).A[-1][0]
        expected[f"cost_{name}"] = -np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))
        expected[f"accuracy_{name}"] = 100 * np.mean((A >= 0.5) == (y == 1))
    labels = window.metric_labels
    for key in ("cost_train", "cost_test"):
        text = labels[key].text()
        assert significant_digits(text) == 4, text  # trailing zeros kept
        assert float(text) == pytest.approx(expected[key], rel=5e-4)
    for key in ("accuracy_train", "accuracy_test"):
        text = labels[key].text()
        assert re.fullmatch(r"\d+\.\d %", text), text
        assert float(text[:-2]) == pytest.approx(expected[key], abs=0.05)
    status = window.status_labels
    train, test = labels["cost_train"].text(), labels["cost_test"].text()
    assert status["cost"].text() == f"Cost {train} / {test}"
    train, test = labels["accuracy_train"].text(), labels["accuracy_test"].text()
    assert status["accuracy"].text() == f"Accuracy {train} / {test}"


@pytest.mark.parametrize(
    ("cost", "text"),
    [
        (0.716, "0.7160"),
        (0.70664, "0.7066"),
        (5.7654e-5, "5.765e-05"),
        (12.0, "12.00"),
        (1234.4, "1234"),
    ],
)
def test_costs_read_to_four_significant_digits_trailing_zeros_and_all(cost, text):
    # 0.716 beside 0.7066 read as less precise; a whole 1234 keeps no point.
    assert metrics._number(cost, metrics.COST_FORMAT) == text
    assert metrics._number(float("nan"), metrics.COST_FORMAT) == "–"


def test_the_speed_says_working_while_the_worker_is_in_one_long_computation(qtbot):
    # A step of 8×256 on 100,000 points took 20 s, with nothing on screen to
    # say the app was not stuck.
    import time

    panel = metrics.MetricsPanel()
    qtbot.addWidget(panel)
    speed = panel.status_labels["speed"]
    stamp = [time.perf_counter() - 4.2]
    panel.watch(lambda: stamp[0])
    panel.check_busy()
    assert speed.text() == "Working… 4 s" and speed.toolTip() == metrics.BUSY_TIP
    stamp[0] = time.perf_counter()  # the worker came round
    panel.check_busy()
    assert speed.text() == "0 steps/s" and speed.toolTip() == metrics.SPEED_TIP
    stamp[0] = time.perf_counter() - 1.2  # shorter than a second and a half is not said
    panel.check_busy()
    assert speed.text() == "0 steps/s"


def test_a_slow_step_in_the_real_window_is_said_then_its_result_shown(
    qtbot, settings, session_dir, tmp_path, monkeypatch
):
    import time

    from backprop_gui.gui import MainWindow
    from backprop_gui.gui.worker import TRAINER_ENV

    monkeypatch.setenv(TRAINER_ENV, "thread")  # its engine is here, to slow down
    window = MainWindow(settings, session_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
    load_dataset(window, tmp_path, "circle", n=40)
    engine = window.worker._trainer
    quick = engine.run

    def slow(steps):
        time.sleep(2.6)
        return quick(steps)

    monkeypatch.setattr(engine, "run", slow)
    speed = window.status_labels["speed"]
    window.step_button.click()
    qtbot.waitUntil(lambda: speed.text() == "Working… 2 s", timeout=5000)
    qtbot.waitUntil(lambda: window.snapshot.steps == 1, timeout=5000)
    qtbot.waitUntil(lambda: speed.text().endswith("steps/s"), timeout=2000)
    window.close()
