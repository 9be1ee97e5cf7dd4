"""The training panel hands the worker settings the trainer accepts, checked
where they are chosen."""

import pytest

from backprop_gui.core import TrainConfig
from backprop_gui.gui.panels import training
from backprop_gui.gui.panels.training import TrainingPanel


@pytest.fixture
def panel(qtbot):
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    return widget


def test_every_setting_the_controls_offer_is_a_valid_train_config(panel):
    for index in range(panel.learning_rate.maximum() + 1):
        panel.learning_rate.setValue(index)
        for optimizer in range(panel.optimizer.count()):
            panel.optimizer.setCurrentIndex(optimizer)
            config = TrainConfig(**panel.config())
            assert config.learning_rate == training.LEARNING_RATES[index]


def test_a_change_is_sent_as_train_config_fields(qtbot, panel):
    with qtbot.waitSignal(panel.config_changed) as sent:
        panel.learning_rate.setValue(training.LEARNING_RATES.index(0.1))
    assert sent.args[0] == panel.config()
    assert sent.args[0]["learning_rate"] == 0.1


def test_a_rate_the_trainer_would_refuse_fails_in_the_window(panel, monkeypatch):
    # The slider's table is the only source of rates: a bad entry in it is
    # caught here, in the GUI thread, before anything is posted to the worker.
    monkeypatch.setattr(training, "LEARNING_RATES", (0.0, *training.LEARNING_RATES[1:]))
    panel.learning_rate.blockSignals(True)
    panel.learning_rate.setValue(0)
    with pytest.raises(ValueError, match="learning_rate"):
        panel.config()
