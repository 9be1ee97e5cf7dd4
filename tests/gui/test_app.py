"""Starting the app: the window opens, and start-up objects leave the collector's view."""

import gc

from PySide6.QtWidgets import QApplication

from backprop_gui.gui import app as gui_app
from backprop_gui.gui import main_window


def test_the_app_opens_its_window_then_freezes_what_start_up_made(
    qtbot, monkeypatch, settings, session_dir
):
    opened, seen = [], {}
    real = main_window.MainWindow

    def window():
        win = real(settings, session_dir)
        qtbot.addWidget(win)
        opened.append(win)
        seen["frozen before"] = gc.get_freeze_count()
        return win

    def event_loop(_app):
        seen["visible"] = opened[0].isVisible()
        seen["frozen"] = gc.get_freeze_count()
        return 0

    monkeypatch.setattr(main_window, "MainWindow", window)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    gc.unfreeze()
    try:
        assert gui_app.run([]) == 0
    finally:
        gc.unfreeze()
        for win in opened:
            win.close()
    assert seen["visible"]
    # Frozen after the window was made, so the window is out of the collector's
    # view too: a full collection then scans only what came later.
    assert seen["frozen before"] == 0 and seen["frozen"] > 1000
