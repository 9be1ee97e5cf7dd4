"""The window fits a projector: at 1280×720 and at the default size every
control in the docks can be seen or scrolled to, with any number of hidden
layers; + and − stay put; docks hide, come back and keep their places;
presentation mode scales up and back."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QTabBar,
    QToolBar,
)

from backprop_gui.gui import MainWindow
from backprop_gui.gui.panels import ExampleView, LiveEquations, NetworkDiagram, StepThrough
from backprop_gui.gui.panels.health import TITLE_POINTS, HealthPanel
from backprop_gui.session import LIMITS

CONTROLS = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox)


def window_rect(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def size_window(qtbot, window, width, height) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() <= width and window.height() <= height, timeout=3000)
    QApplication.processEvents()


def dock_controls(window):
    for dock in window.docks.values():
        for kind in CONTROLS:
            for control in dock.widget().findChildren(kind):
                if not isinstance(control, QScrollBar) and control.isVisibleTo(window):
                    yield dock, control


def reachable(window, dock, control) -> bool:
    """Raise ``control``'s dock, scroll to it: is it then wholly on screen?"""
    dock.raise_()
    scroll = dock.widget()
    assert isinstance(scroll, QScrollArea)
    scroll.ensureWidgetVisible(control, 0, 0)
    QApplication.processEvents()
    inside = window.rect().contains(window_rect(control, window))
    in_view = QRect(QPoint(0, 0), scroll.viewport().size()).contains(
        QRect(control.mapTo(scroll.viewport(), QPoint(0, 0)), control.size())
    )
    return inside and in_view and not control.visibleRegion().isEmpty()


@pytest.mark.parametrize("size", [(1280, 720), (1440, 860)])
def test_every_control_can_be_seen_or_scrolled_to_with_eight_layers(qtbot, window, size):
    window.network_panel.set_hidden([8] * LIMITS.hidden_layers)
    size_window(qtbot, window, *size)
    checked = [c.objectName() for _, c in dock_controls(window)]
    assert {"addLayer", "removeLayer", "layerSize8", "layerActivation8", "testRatio"} <= set(
        checked
    )
    missing = [c.objectName() for d, c in dock_controls(window) if not reachable(window, d, c)]
    assert missing == []


def test_plus_and_minus_stay_put_and_eight_layers_are_reached_with_the_mouse(qtbot, window):
    size_window(qtbot, window, 1280, 720)
    panel = window.network_panel
    window.dock(panel).raise_()
    add, remove = panel.add_layer, panel.remove_layer
    start = (window_rect(add, window), window_rect(remove, window))
    while len(panel.hidden()) < LIMITS.hidden_layers:
        qtbot.mouseClick(add, Qt.LeftButton)
        QApplication.processEvents()
        assert (window_rect(add, window), window_rect(remove, window)) == start
    assert len(panel.hidden()) == LIMITS.hidden_layers and not add.isEnabled()
    qtbot.mouseClick(remove, Qt.LeftButton)
    QApplication.processEvents()
    assert len(panel.hidden()) == LIMITS.hidden_layers - 1
    assert (window_rect(add, window), window_rect(remove, window)) == start


def test_the_epoch_never_runs_into_cost_j(qtbot, window):
    size_window(qtbot, window, 1280, 720)
    epoch = window.metric_labels["epoch"]
    epoch.setText(f"{1_234_567:,}")
    QApplication.processEvents()
    cost_j = next(label for label in window.findChildren(QLabel) if label.text() == "Cost J")
    assert not window_rect(epoch, window).intersects(window_rect(cost_j, window))
    assert epoch.visibleRegion().boundingRect().width() >= epoch.fontMetrics().horizontalAdvance(
        "1,234,567"
    )


def test_at_1280_by_720_the_whole_network_diagram_is_in_view(qtbot, window):
    # The student sees the data, the network and the numbers at once: the
    # diagram's units shrink to its dock rather than scroll out of it.
    size_window(qtbot, window, 1280, 720)
    diagram = window.panel(NetworkDiagram)
    window.dock(diagram).raise_()
    qtbot.waitUntil(lambda: bool(diagram.rects), timeout=5000)
    QApplication.processEvents()
    scroll = window.dock(diagram).widget()
    assert scroll.verticalScrollBar().maximum() == 0
    units = [rect.toAlignedRect() for rect in diagram.rects.values()]
    assert len(units) == sum(diagram.net.layer_sizes)
    assert all(diagram.canvas.rect().contains(unit) for unit in units)


def test_each_panel_is_a_dock_listed_in_the_view_menu(window):
    view = window.view_menu.actions()
    names = {a.objectName() for a in view}
    for dock in window.docks.values():
        assert dock.objectName().startswith("dock_") and f"view_{dock.objectName()}" in names
    assert {"resetLayoutAction", "presentationAction"} <= names
    assert window.findChild(QDockWidget, "dock_NetworkPanel") is window.dock(window.network_panel)


def test_a_hidden_dock_stays_hidden_after_a_restart_and_reset_brings_it_back(
    qtbot, settings, session_dir
):
    first = MainWindow(settings, session_dir)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.docks["dock_CostPanel"].toggleViewAction().trigger()
    first.removeDockWidget(first.docks["dock_MathsPanel"])
    first.addDockWidget(Qt.LeftDockWidgetArea, first.docks["dock_MathsPanel"])
    first.docks["dock_MathsPanel"].show()
    first.close()
    second = MainWindow(QSettings(settings.fileName(), QSettings.IniFormat), session_dir)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    cost, maths = second.docks["dock_CostPanel"], second.docks["dock_MathsPanel"]
    assert cost.isHidden()
    assert second.dockWidgetArea(maths) == Qt.LeftDockWidgetArea
    second.reset_layout_action.trigger()
    QApplication.processEvents()
    assert not cost.isHidden() and cost.isVisible()
    assert second.dockWidgetArea(maths) == Qt.RightDockWidgetArea
    second.close()


def test_presentation_mode_scales_up_and_f11_puts_everything_back(qtbot, window):
    app = QApplication.instance()
    font = app.font().pointSizeF()
    pen = window.canvas.boundary.opts["pen"].widthF()
    point = window.canvas.train_items[0].size
    curve = window.cost_plot.train_curve.opts["pen"].widthF()
    epoch = window.metric_labels["epoch"].font().pointSizeF()
    cost = window.metric_labels["cost_train"].font().pointSizeF()
    train = window.train_button.font().pointSizeF()
    axes = [plot.getPlotItem().getAxis("left") for plot in (window.canvas, window.cost_plot)]
    widths = [axis.width() for axis in axes]
    readouts = [window.metric_labels[key].size() for key in ("epoch", "cost_train")]
    window.presentation_action.trigger()
    assert window.presentation.on and window.isFullScreen()
    # Train, bold, grows with the other buttons (a style sheet's font kept it small).
    qtbot.waitUntil(lambda: window.step_button.font().pointSizeF() >= 1.4 * train, timeout=3000)
    assert window.train_button.font().pointSizeF() >= 1.4 * train
    assert window.train_button.font().bold()
    # The plots' tick labels, which have a font of their own, grow too.
    ticks = window.cost_plot.getPlotItem().getAxis("left").style["tickFont"]
    assert ticks is not None and ticks.pointSizeF() >= 1.4 * font
    # The step-through's row never scrolls sideways at the larger font.
    scroll = window.dock(window.panel(StepThrough)).widget()
    qtbot.waitUntil(lambda: scroll.widget().width() <= scroll.viewport().width(), timeout=3000)
    # The panels set a point larger than the application grow with it.
    for kind in (LiveEquations, ExampleView):
        panel = window.panel(kind)
        assert panel.font().pointSizeF() == app.font().pointSizeF() + 1, kind
    # The tools as icons: with their names the class colours went behind "»".
    tools = window.findChild(QToolBar, "toolsBar")
    assert tools.toolButtonStyle() == Qt.ToolButtonIconOnly
    # The big read-outs, whose sizes their own style sets, grow too; and the
    # gradient health's plot titles, which hold its keys.
    assert window.metric_labels["epoch"].font().pointSizeF() >= 1.4 * epoch
    health = window.panel(HealthPanel).norm_plot.titleLabel
    assert float(health.opts["size"].removesuffix("pt")) >= 1.4 * TITLE_POINTS
    assert window.metric_labels["cost_train"].font().pointSizeF() >= 1.4 * cost
    assert app.font().pointSizeF() >= 1.4 * font
    assert window.canvas.boundary.opts["pen"].widthF() >= 1.5 * pen
    assert window.canvas.train_items[0].size > point
    assert window.cost_plot.train_curve.opts["pen"].widthF() > curve
    qtbot.keyClick(window, Qt.Key_Escape)
    assert not window.presentation.on and not window.isFullScreen()
    assert not window.presentation_action.isChecked()
    assert app.font().pointSizeF() == font
    assert tools.toolButtonStyle() == Qt.ToolButtonTextBesideIcon
    # Undo and redo stay arrows (with their text, the class colours went behind "»").
    for action in (window.undo_action, window.redo_action):
        assert tools.widgetForAction(action).toolButtonStyle() == Qt.ToolButtonIconOnly
    assert window.cost_plot.getPlotItem().getAxis("left").style["tickFont"] is None
    assert window.metric_labels["epoch"].font().pointSizeF() == epoch
    assert health.opts["size"] == f"{TITLE_POINTS:.1f}pt"
    assert window.canvas.boundary.opts["pen"].widthF() == pen
    assert window.canvas.train_items[0].size == point
    assert window.cost_plot.train_curve.opts["pen"].widthF() == curve
    assert window.presentation_action.shortcut().toString() == "F11"
    # The axes and the read-outs give back the room the larger font took.
    QApplication.processEvents()
    assert [axis.width() for axis in axes] == widths
    assert [window.metric_labels[key].size() for key in ("epoch", "cost_train")] == readouts


def test_presentation_mode_widens_the_left_column_to_its_larger_controls(qtbot, window):
    # At 1.5× the font the data panel's Regenerate button, noise and test
    # share were cut off at the column's right edge (a scroll bar reached them).
    left = [d for d in window.docks.values() if window.dockWidgetArea(d) == Qt.LeftDockWidgetArea]
    before = window.docks["dock_DataPanel"].width()
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: window.docks["dock_DataPanel"].width() > before, timeout=3000)
    for dock in left:  # each tab of the column in turn
        dock.raise_()
        QApplication.processEvents()
        scroll = dock.widget()
        assert not scroll.horizontalScrollBar().isVisible(), dock.objectName()
        assert scroll.viewport().width() >= scroll.widget().sizeHint().width()
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    window.docks["dock_DataPanel"].raise_()
    qtbot.waitUntil(lambda: window.docks["dock_DataPanel"].width() == before, timeout=3000)


@pytest.mark.parametrize("size", [(1280, 720), (1440, 860)])
def test_in_presentation_mode_the_read_outs_are_whole_and_get_their_height_back(
    qtbot, window, size
):
    # At the larger font the read-outs kept their dock's height: the accuracy
    # row was scrolled out of view, on a projector of any size.
    size_window(qtbot, window, *size)
    dock = window.dock(window.metrics_panel)
    before = dock.height()
    minimums = [
        window.dock(p).widget().minimumHeight() for p in (window.metrics_panel, window.cost_panel)
    ]
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=3000)
    qtbot.waitUntil(lambda: read_outs_whole(window), timeout=3000)
    accuracy = window.metric_labels["accuracy_train"]
    QTest.qWait(200)  # the full screen's height shared out: still whole
    assert read_outs_whole(window) and not accuracy.visibleRegion().isEmpty()
    # The docks' title bars made room (the tabs still name a group's docks).
    for each in window.docks.values():
        bar = each.titleBarWidget()
        assert bar is not None and bar.objectName() == "presentationTitleBar"
        assert not each.isVisible() or each.widget().y() <= 1, each.objectName()
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    qtbot.waitUntil(lambda: abs(dock.height() - before) <= 2, timeout=3000)
    assert all(each.titleBarWidget() is None for each in window.docks.values())
    held = [
        window.dock(p).widget().minimumHeight() for p in (window.metrics_panel, window.cost_panel)
    ]
    assert held == minimums


def test_a_normal_window_comes_back_from_presentation_mode_at_its_size(qtbot, window):
    # The read-outs and the cost plot were still held at the larger font's
    # heights when the geometry came back: the window came back 35 px taller.
    window.showNormal()
    window.resize(1020, 650)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1020, 650), timeout=3000)
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: window.isFullScreen() and read_outs_whole(window), timeout=3000)
    QTest.qWait(200)
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    QTest.qWait(300)  # the normal font through every layout
    assert window.size().toTuple() == (1020, 650)


def read_outs_whole(window) -> bool:
    scroll = window.dock(window.metrics_panel).widget()
    return scroll.viewport().height() >= scroll.widget().sizeHint().height()


def test_in_presentation_mode_a_walk_or_reset_layout_leaves_the_read_outs_whole(qtbot, window):
    # The step-through's dock grows for a walk, taking height from the column;
    # the read-outs gave theirs up and the accuracy row went out of view.
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: read_outs_whole(window), timeout=3000)
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.snapshot.gradients is not None, timeout=10000)
    stepper = window.panel(StepThrough)
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    assert stepper.active
    QTest.qWait(300)  # the walk's dock has grown
    assert read_outs_whole(window)
    QTest.keyClick(stepper, Qt.Key_Escape)
    window.reset_layout_action.trigger()
    QTest.qWait(300)
    assert read_outs_whole(window)
    window.presentation_action.trigger()


def test_quitting_in_presentation_mode_keeps_the_layout_from_before_it(
    qtbot, settings, session_dir
):
    # The window saved its layout straight after leaving the mode, before the
    # docks had their normal sizes back: the read-outs came back taller.
    first = MainWindow(settings, session_dir)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    before = first.dock(first.metrics_panel).height()
    first.presentation_action.trigger()
    qtbot.waitUntil(lambda: read_outs_whole(first) and first.isFullScreen(), timeout=3000)
    QTest.qWait(100)
    first.close()
    second = MainWindow(QSettings(settings.fileName(), QSettings.IniFormat), session_dir)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.waitUntil(lambda: second.dock(second.metrics_panel).height() == before, timeout=3000)
    second.close()


def test_a_control_autosaved_in_presentation_mode_keeps_the_normal_window(
    qtbot, settings, session_dir
):
    # The autosave in the mode saved the full-screen geometry: after a crash
    # the app opened full screen, without the mode's font or a way back by F11.
    first = MainWindow(settings, session_dir)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    normal = first.saveGeometry()
    first.presentation_action.trigger()
    qtbot.waitUntil(first.isFullScreen, timeout=3000)
    first.training_panel.learning_rate.setValue(first.training_panel.learning_rate.value() + 1)
    first.settings_autosave._check()  # what its timer does a second after the edit
    assert settings.value("geometry") == normal
    first.hide()  # as a crash leaves it: no closeEvent
    second = MainWindow(QSettings(settings.fileName(), QSettings.IniFormat), session_dir)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert not second.isFullScreen() and not second.presentation.on
    second.close()
    first.close()


def test_a_floating_dock_keeps_its_title_bar_in_presentation_mode(qtbot, window):
    # Without it a floating dock could be neither moved nor closed.
    floating = window.docks["dock_CostPanel"]
    floating.setFloating(True)
    qtbot.waitUntil(floating.isFloating, timeout=3000)
    window.presentation_action.trigger()
    assert floating.titleBarWidget() is None
    data = window.docks["dock_DataPanel"]
    assert data.titleBarWidget() is not None
    # Floated in the mode, a dock gets its bar back; docked again, loses it.
    data.setFloating(True)
    qtbot.waitUntil(lambda: data.titleBarWidget() is None, timeout=3000)
    data.setFloating(False)
    qtbot.waitUntil(lambda: data.titleBarWidget() is not None, timeout=3000)
    window.presentation_action.trigger()
    assert all(dock.titleBarWidget() is None for dock in window.docks.values())


def shown_tab_bars(window) -> list[QTabBar]:
    return [b for b in window.findChildren(QTabBar) if b.parent() is window and b.isVisible()]


def tab_docks(window, bar: QTabBar) -> set[QDockWidget]:
    docks = {shiboken6.getCppPointer(d)[0]: d for d in window.docks.values()}
    return {docks.get(bar.tabData(i)) for i in range(bar.count())}


def assert_every_shown_tab_bar_is_a_group(window) -> None:
    """Each tab bar on screen holds one tab group as it is now, and no dock
    has two bars (Qt leaves old bars behind, see ``hide_stale_tab_bars``)."""
    seen: set[QDockWidget] = set()
    for bar in shown_tab_bars(window):
        docks = tab_docks(window, bar)
        first = next(iter(docks))
        assert docks == {first, *window.tabifiedDockWidgets(first)}, [
            bar.tabText(i) for i in range(bar.count())
        ]
        assert not docks & seen
        seen |= docks


def test_only_the_tab_bars_of_the_tab_groups_are_shown(qtbot, settings, session_dir):
    # A second bar of the right column's group showed through beside the
    # canvas as a sliver of a tab. (Qt deletes such bars itself at some later
    # relayouts, as the first frames come: look before those.)
    window = MainWindow(settings, session_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    assert len(shown_tab_bars(window)) == 2
    assert_every_shown_tab_bar_is_a_group(window)
    window.close()


def test_after_reset_layout_the_tabs_shown_are_the_ones_that_work(qtbot, window):
    readouts, cost = window.docks["dock_MetricsPanel"], window.docks["dock_CostPanel"]
    window.tabifyDockWidget(readouts, cost)
    qtbot.waitUntil(lambda: len(shown_tab_bars(window)) == 3, timeout=3000)
    window.reset_layout()
    QApplication.processEvents()
    # The bar of the read-outs and cost, a group reset dissolves, stayed on screen.
    assert len(shown_tab_bars(window)) == 2
    assert_every_shown_tab_bar_is_a_group(window)
    assert not window.tabifiedDockWidgets(readouts)
    health = window.docks["dock_healthPanel"]
    bar = next(b for b in shown_tab_bars(window) if health in tab_docks(window, b))
    index = next(i for i in range(bar.count()) if bar.tabText(i) == health.windowTitle())
    assert window.childAt(bar.mapTo(window, bar.tabRect(index).center())) is bar
    QTest.mouseClick(bar, Qt.LeftButton, Qt.NoModifier, bar.tabRect(index).center())
    qtbot.waitUntil(lambda: not health.visibleRegion().isEmpty(), timeout=3000)


def assert_every_shown_tab_bar_shows_whole_titles(window) -> None:
    for bar in shown_tab_bars(window):
        assert bar.elideMode() == Qt.ElideNone and bar.usesScrollButtons()
        buttons = bar.findChildren(QAbstractButton)
        assert buttons and all(b.toolTip().startswith("Show the tabs further") for b in buttons)


def test_tab_bars_made_after_the_window_was_built_show_whole_titles(qtbot, window):
    # Qt makes new bars in restoreState (Reset layout, a saved layout) and when
    # docks are tabbed together, with its own defaults: elided titles.
    window.reset_layout()
    qtbot.waitUntil(lambda: len(shown_tab_bars(window)) == 2, timeout=3000)
    QApplication.processEvents()
    assert_every_shown_tab_bar_shows_whole_titles(window)
    readouts, cost = window.docks["dock_MetricsPanel"], window.docks["dock_CostPanel"]
    window.tabifyDockWidget(readouts, cost)
    qtbot.waitUntil(lambda: len(shown_tab_bars(window)) == 3, timeout=3000)
    qtbot.waitUntil(
        lambda: all(b.elideMode() == Qt.ElideNone for b in shown_tab_bars(window)), timeout=3000
    )
    assert_every_shown_tab_bar_shows_whole_titles(window)


def test_every_dock_has_a_name_of_its_own_in_the_view_menu(window):
    # Two "Network" entries: the settings and the diagram.
    titles = [dock.windowTitle() for dock in window.docks.values()]
    assert len(set(titles)) == len(titles), titles
    assert window.dock(window.panel(NetworkDiagram)).windowTitle() == "Diagram"


def test_the_keyboard_focus_brings_a_dock_behind_a_tab_to_the_front(qtbot, window):
    # Tab went on into the Network tab behind Data: Space then unticked x₁
    # (and re-initialised the network) where nobody could see it.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    data, network = window.dock(window.data_panel), window.dock(window.network_panel)
    data.raise_()
    qtbot.waitUntil(lambda: network.visibleRegion().isEmpty())
    window.network_panel.features["x1"].setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(lambda: not network.visibleRegion().isEmpty())
    assert data.visibleRegion().isEmpty()


def focus_in_data_then_network_in_front(qtbot, window):
    """Focus in Data's point count, then the Network tab brought to the front
    (what a click on its tab does); returns (Data's dock, Network's, the field)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    data, network = window.dock(window.data_panel), window.dock(window.network_panel)
    field = window.data_panel.count
    data.raise_()
    field.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(field.hasFocus)
    network.raise_()
    qtbot.waitUntil(lambda: data.visibleRegion().isEmpty())
    return data, network, field


def test_focus_coming_back_with_the_window_leaves_the_tab_in_front(qtbot, window):
    # Switching to another window and back raised Data again.
    data, network, field = focus_in_data_then_network_in_front(qtbot, window)
    # What QApplication reports as the window is activated again.
    QApplication.instance().focusChanged.emit(None, field)
    qtbot.wait(50)
    assert data.visibleRegion().isEmpty() and not network.visibleRegion().isEmpty()


def test_view_brings_a_panel_behind_a_tab_to_the_front_and_hides_one_in_front(qtbot, window):
    # A ticked View entry whose panel sat behind another tab hid it: only a
    # second click showed it.
    from PySide6.QtGui import QAction

    equations = window.dock(window.panel(LiveEquations))
    diagram = window.dock(window.panel(NetworkDiagram))
    entry = window.findChild(QAction, "view_dock_liveEquations")
    diagram.raise_()
    qtbot.waitUntil(lambda: equations.visibleRegion().isEmpty())
    assert entry.isChecked() and entry.text() == equations.windowTitle()
    entry.trigger()  # behind a tab: to the front
    qtbot.waitUntil(lambda: not equations.visibleRegion().isEmpty())
    assert not equations.isHidden() and entry.isChecked()
    entry.trigger()  # in front: hidden
    assert equations.isHidden() and not entry.isChecked()
    entry.trigger()  # hidden: shown, in front
    qtbot.waitUntil(lambda: not equations.visibleRegion().isEmpty())
    assert entry.isChecked()
    equations.close()  # its own close button: the entry follows
    assert not entry.isChecked()


def test_a_right_click_on_a_dock_title_offers_the_view_menus_entries(window):
    # Qt's own menu held each dock's toggleViewAction, which hid a panel
    # behind another tab instead of showing it.
    from PySide6.QtGui import QAction

    menu = window.createPopupMenu()
    entries = [a for a in menu.actions() if not a.isSeparator()]
    names = {a.objectName() for a in entries}
    assert {f"view_{name}" for name in window.docks} <= names
    assert not any(dock.toggleViewAction() in entries for dock in window.docks.values())
    toolbars = {bar.toggleViewAction() for bar in window.findChildren(QToolBar)}
    assert toolbars and toolbars <= set(entries)
    assert all(isinstance(a, QAction) for a in entries)


def test_a_tab_chosen_over_the_focused_field_takes_the_keys_from_it(qtbot, window):
    # ↑ went on changing the hidden count, and the focus coming back from a
    # menu raised Data again.
    before = window.data_panel.count.value()
    data, network, field = focus_in_data_then_network_in_front(qtbot, window)
    qtbot.waitUntil(lambda: not field.hasFocus())
    assert window.canvas.hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key_Up)
    assert field.value() == before
    assert data.visibleRegion().isEmpty() and not network.visibleRegion().isEmpty()


def test_presentation_mode_enlarges_captions_and_axis_titles_and_gives_them_back(qtbot, window):
    # Their own style sheet and text items kept them at the normal size,
    # smaller than the 1.5× text around them.
    import pyqtgraph as pg

    def sizes():
        captions = [
            label
            for label in window.metrics_panel.findChildren(QLabel)
            if label.text() in ("Epoch", "train", "test")
        ]
        for label in captions:
            label.ensurePolished()
        axes = [window.canvas.getPlotItem().getAxis(side) for side in ("bottom", "left")]
        assert len(captions) == 3 and all(isinstance(a, pg.AxisItem) for a in axes)
        return [c.font().pointSizeF() for c in captions] + [
            a.label.font().pointSizeF() for a in axes
        ]

    normal = sizes()
    assert all(size > 0 for size in normal)  # point sizes (a pixel-sized font is -1)
    window.set_presentation(True)
    qtbot.wait(50)
    larger = sizes()
    assert all(big >= 1.2 * small for big, small in zip(larger, normal, strict=True))
    window.set_presentation(False)
    qtbot.wait(50)
    assert sizes() == normal
