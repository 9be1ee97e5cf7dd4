"""Read-outs that change every frame without re-laying out the window."""

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from backprop_gui.gui.steady_label import SteadyLabel

from .driving import EventCounter, load_dataset, wait_for


def labelled_row(qtbot, label: QLabel) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.addWidget(label)
    layout.addStretch()
    qtbot.addWidget(row)
    row.show()
    qtbot.waitExposed(row)
    qtbot.wait(20)  # the layout requests of showing it are over
    return row


def count_relayouts(qtbot, label: QLabel, texts) -> int:
    """Relayouts of the label's parent while it shows ``texts`` a second time
    (the first time round it may grow, in a font whose digits differ in width)."""
    row = labelled_row(qtbot, label)
    for text in texts:
        label.setText(text)
    qtbot.wait(20)
    requests = EventCounter(row, QEvent.LayoutRequest)
    for text in texts:
        label.setText(text)
        qtbot.wait(1)  # let posted layout requests arrive
    return requests.count


def test_values_it_has_shown_before_do_not_relayout_the_parent(qtbot):
    values = [f"Epoch {n:,}" for n in range(1000, 1040)]
    assert count_relayouts(qtbot, SteadyLabel("Epoch 1,000"), values) == 0
    # Which a plain QLabel does, for every new value.
    assert count_relayouts(qtbot, QLabel("Epoch 1,000"), values) >= len(values) // 2


def test_it_grows_to_fit_a_longer_value_and_does_not_shrink(qtbot):
    label = SteadyLabel("1", min_width=10)
    row = labelled_row(qtbot, label)  # noqa: F841 (it owns the label)
    label.setText("Epoch 12,345,678")
    wide = label.width()
    assert wide >= label.sizeHint().width() > 10  # never clipped
    label.setText("2")
    assert label.width() == wide


def test_a_bigger_font_is_measured_afresh(qtbot):
    label = SteadyLabel("1,589")
    row = labelled_row(qtbot, label)  # noqa: F841 (it owns the label)
    small = label.size()
    label.setStyleSheet("font-size: 28pt; font-weight: 600;")
    assert label.width() >= label.sizeHint().width() > small.width()
    assert label.height() >= label.sizeHint().height() > small.height()


def test_a_smaller_font_after_a_bigger_one_shrinks_it_back(qtbot):
    # Presentation mode and back: the read-outs stayed as wide as the larger
    # font had made them (QLabel's sizeHint kept that font's width).
    label = SteadyLabel("0.6739")
    row = labelled_row(qtbot, label)  # noqa: F841 (it owns the label)
    label.setStyleSheet("font-size: 14pt; font-weight: 600;")
    size = label.size()
    label.setStyleSheet("font-size: 28pt; font-weight: 600;")
    assert label.width() > size.width()
    label.setStyleSheet("font-size: 14pt; font-weight: 600;")
    assert label.size() == size
    fresh = SteadyLabel("0.6739")  # the width a new label of that font has
    fresh.setStyleSheet("font-size: 14pt; font-weight: 600;")
    assert fresh.size() == size


def test_it_is_never_narrower_than_its_minimum_width(qtbot):
    label = SteadyLabel("1", min_width=90)
    row = labelled_row(qtbot, label)  # noqa: F841 (it owns the label)
    assert label.width() == 90
    label.setNum(123456789)
    assert label.text() == "123456789" and label.width() >= label.sizeHint().width()


def test_training_does_not_relayout_the_window_every_frame(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.train_button.click()
    wait_for(qtbot, window, lambda s: s.training and s.epoch > 20_000, 30_000)
    requests = EventCounter(window, QEvent.LayoutRequest)
    frames = []
    window.worker.snapshot.connect(frames.append)
    qtbot.waitUntil(lambda: len(frames) >= 20, timeout=30_000)
    window.train_button.click()
    # The read-outs grow now and then (another digit), not in every frame.
    assert requests.count <= len(frames) // 4


def test_the_metric_columns_keep_their_numbers_right_aligned(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    wait_for(qtbot, window, lambda s: s.evaluation is not None and s.n_train > 0)
    labels = window.metric_labels
    columns = [(labels[f"cost_{w}"], labels[f"accuracy_{w}"]) for w in ("train", "test")]
    for cost, accuracy in columns:
        assert cost.text() != "–"
        assert cost.geometry().right() == accuracy.geometry().right()
    # Numbers of different widths somewhere, or right edges would line up anyway.
    assert any(cost.width() != accuracy.width() for cost, accuracy in columns)
