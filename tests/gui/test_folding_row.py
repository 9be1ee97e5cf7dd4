"""A legend and its boxes on one row while they fit, on two when they do not."""

from PySide6.QtWidgets import QCheckBox, QLabel, QScrollArea

from backprop_gui.gui.folding_row import FoldingRow, _gap


def make_row(qtbot) -> tuple[FoldingRow, QScrollArea]:
    lead = QLabel("━━ train   ╍╍ test   ── every step")
    row = FoldingRow(lead, (QCheckBox("Log cost"), QCheckBox("Log epochs")))
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(row)
    qtbot.addWidget(scroll)
    scroll.resize(row.one_row_width() + 60, 120)
    scroll.show()
    qtbot.waitExposed(scroll)
    return row, scroll


def on_lead_row(row: FoldingRow) -> bool:
    lead = row.lead.geometry()
    return all(w.geometry().top() < lead.bottom() for w in row.trailing)


def test_the_boxes_share_the_legend_row_while_it_fits(qtbot):
    row, _ = make_row(qtbot)
    qtbot.waitUntil(lambda: row.one_row and on_lead_row(row))
    lead, (first, second) = row.lead.geometry(), row.trailing
    assert lead.right() < first.geometry().left() < second.geometry().left()


def test_a_narrower_column_puts_the_boxes_under_the_legend_without_a_sideways_scroll(qtbot):
    row, scroll = make_row(qtbot)
    wide = row.one_row_width()
    scroll.resize(wide - 40, 120)
    qtbot.waitUntil(lambda: not row.one_row and not on_lead_row(row))
    assert all(w.geometry().top() >= row.lead.geometry().bottom() for w in row.trailing)
    assert not scroll.horizontalScrollBar().isVisible()
    assert row.minimumSizeHint().width() < wide
    # Wide again: one row again.
    scroll.resize(wide + 60, 120)
    qtbot.waitUntil(lambda: row.one_row and on_lead_row(row))


def test_a_larger_font_at_the_same_width_folds_the_row(qtbot):
    row, scroll = make_row(qtbot)
    qtbot.waitUntil(lambda: row.one_row)
    font = row.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    scroll.setFont(font)
    qtbot.waitUntil(lambda: not row.one_row)
    assert not scroll.horizontalScrollBar().isVisible()


class KindSpacedRow:
    """A row as a style that spaces widgets by their kinds lays it out
    (macOS's): its spacing is −1, and its style gives ``default`` between
    two widgets of no particular kind."""

    def __init__(self, default: int) -> None:
        self.default = default

    def spacing(self) -> int:
        return -1

    def parentWidget(self):
        return self

    def style(self):
        return self

    def layoutSpacing(self, first, second, orientation) -> int:
        return self.default


def test_a_style_that_spaces_widgets_by_kind_still_counts_a_gap():
    # A spacing of −1 counted as −1 px made one row look narrower than its widgets.
    assert _gap(KindSpacedRow(8)) == 8  # the style's, between two such widgets
    assert _gap(KindSpacedRow(-1)) == 6  # none either: Qt's usual
