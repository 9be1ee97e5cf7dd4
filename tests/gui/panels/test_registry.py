"""Panels subscribe: the window gives every frame to every panel of PANELS,
and adding a panel is one class plus one entry in that list."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from backprop_gui.gui import panels
from backprop_gui.gui.inspector import reveal
from backprop_gui.gui.main_window import MainWindow
from backprop_gui.gui.panels import PANELS, Panel

from ..driving import load_dataset, wait_for


def test_every_registered_panel_is_in_the_window_once(window):
    assert [type(panel) for panel in window.panels] == list(PANELS)
    for panel in window.panels:
        assert window.isAncestorOf(panel) and panel.area in panels.AREAS
        # Laid out and shown; the banner waits for trouble. Panels that share
        # a place as tabs (the inspector's) are shown when brought forward.
        reveal(panel)
        assert panel.isVisibleTo(window) != isinstance(panel, panels.BannerPanel)


def test_every_panel_is_shown_every_frame_in_order(qtbot, window, tmp_path, monkeypatch):
    shown_by_window, shown_by_panel = [], {kind: [] for kind in PANELS}
    window_show = MainWindow._show_snapshot

    def recording_window(self, frame):
        shown_by_window.append(frame)
        window_show(self, frame)

    def recording(kind):
        original = kind.show

        def show(self, frame=None):
            if frame is not None:
                shown_by_panel[kind].append(frame)
            original(self, frame)

        return show

    monkeypatch.setattr(MainWindow, "_show_snapshot", recording_window)
    for kind in PANELS:
        monkeypatch.setattr(kind, "show", recording(kind))
    load_dataset(window, tmp_path)
    window.train_button.click()
    qtbot.waitUntil(lambda: len(shown_by_window) >= 10, timeout=10_000)
    window.train_button.click()
    wait_for(qtbot, window, lambda s: not s.training and s.request == window.last_request)
    assert len(shown_by_window) >= 10
    for kind, frames in shown_by_panel.items():
        # The same Frame objects, each once, in the order the window got them.
        assert [id(f) for f in frames] == [id(f) for f in shown_by_window], kind.__name__


class FrameCounter(Panel, QWidget):
    """A panel a newcomer might add: it shows how many frames it has seen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("frameCounter")
        self.frames = []
        self.label = QLabel("no frame yet")
        QVBoxLayout(self).addWidget(self.label)

    def show_frame(self, frame) -> None:
        self.frames.append(frame)
        self.label.setText(f"{len(self.frames)} frames, epoch {frame.epoch}")


@pytest.mark.parametrize("area", [panels.SIDE, panels.RIGHT, panels.BOTTOM])
def test_a_panel_added_to_the_list_gets_every_frame(
    qtbot, settings, session_dir, tmp_path, monkeypatch, area
):
    monkeypatch.setattr(FrameCounter, "area", area)
    monkeypatch.setattr(panels, "PANELS", (*PANELS, FrameCounter))  # the one line
    window = MainWindow(settings, session_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    counter = window.findChild(QWidget, "frameCounter")
    assert isinstance(counter, FrameCounter) and counter.isVisible()
    # Its own dock, from its declaration alone, listed in the View menu.
    dock = window.findChild(QDockWidget, "dock_frameCounter")
    assert dock.isAncestorOf(counter) and dock.windowTitle() == "FrameCounter"
    assert f"view_{dock.objectName()}" in {a.objectName() for a in window.view_menu.actions()}
    load_dataset(window, tmp_path)
    window.train_button.click()
    last = wait_for(qtbot, window, lambda s: s.training and s.epoch > 0)
    assert counter.frames[-1] is last
    assert counter.label.text().startswith(f"{len(counter.frames)} frames")
    window.close()


def test_show_without_a_frame_is_still_qts_show(qtbot):
    panel = FrameCounter()
    qtbot.addWidget(panel)
    panel.show()
    assert panel.isVisible() and panel.frames == []
