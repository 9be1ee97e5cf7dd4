"""The data panel keeps to its column, whatever it counts."""

from backprop_gui.gui.panels.data import DataPanel


def test_six_classes_counts_wrap_instead_of_widening_the_panel(qtbot):
    # Six classes' counts in one line widened the Data dock past its column
    # at 1280 px: Regenerate was cut to "Rege".
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.show_counts((100, 100), 40)
    two = panel.minimumSizeHint().width()
    panel.show_counts((1000, 1000, 1000, 1000, 1000, 1000), 1200)
    assert panel.minimumSizeHint().width() == two
