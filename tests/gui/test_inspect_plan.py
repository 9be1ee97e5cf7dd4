"""What the inspector asks the engine for, and how often (gui/inspect_plan.py)."""

from __future__ import annotations

from types import SimpleNamespace

from backprop_gui.gui.inspect_plan import (
    FRAME_BUDGET,
    InspectSchedule,
    gradient_period,
    map_plan,
    weight_count,
)

DEFAULT = (2, 8, 8, 1)
BIG = (2, 256, 256, 1)


def test_weight_count_is_the_multiplications_of_one_forward_pass():
    assert weight_count(DEFAULT) == 2 * 8 + 8 * 8 + 8 * 1 == 88


def test_the_default_network_gets_every_map_at_32_every_frame_and_no_note():
    plan = map_plan(DEFAULT)
    assert (plan.resolution, plan.period, plan.note) == (32, 1, "")


def test_a_big_network_gets_coarser_maps_less_often_and_says_so():
    plan = map_plan(BIG)
    # 66,304 weights: 2·16²·66,304 ≈ 3.4e7 operations at the coarsest grid.
    assert plan.resolution == 16
    assert plan.period == -(-2 * 16 * 16 * weight_count(BIG) // int(FRAME_BUDGET))
    assert "16×16" in plan.note and f"every {plan.period} frames" in plan.note


def test_gradients_over_many_points_are_computed_less_often():
    assert gradient_period(DEFAULT, 200) == 1
    assert gradient_period(DEFAULT, 100_000) > 1
    assert gradient_period(BIG, 10**7) == 120  # capped: about 4 s at 30 frames/s


def frame(**fields):
    base = dict(gradients=None, health=None, unit_maps=None, unit_map=None, example=None)
    return SimpleNamespace(**{**base, **fields})


def test_while_training_a_costly_inspection_is_skipped_and_its_last_result_carried():
    schedule = InspectSchedule()
    schedule.set({"unit_maps": (16, 9), "health": True})
    first = schedule.request(True, BIG, 1)
    assert first == {"unit_maps": (16, 9), "health": True}  # nothing known yet
    maps = object()
    assert schedule.fill(frame(unit_maps=maps, health="h1")) == {}
    assert schedule.request(True, BIG, 1) is None  # frame 2: nothing due
    assert schedule.fill(frame()) == {"unit_maps": maps, "health": "h1"}
    # Frame 3: health (every LIVE_PERIOD frames), not the maps (every 9).
    assert schedule.request(True, BIG, 1) == {"health": True}
    assert schedule.fill(frame(health="h2")) == {"unit_maps": maps}
    # Paused, everything is fresh.
    assert schedule.request(False, BIG, 1) == {"unit_maps": (16, 9), "health": True}


def test_a_new_wish_or_new_weights_are_never_answered_from_the_past():
    schedule = InspectSchedule()
    schedule.set({"unit_map": (1, 2)})
    schedule.request(True, DEFAULT, 200)
    schedule.fill(frame(unit_map="map of (1, 2)"))
    schedule.set({"unit_map": (1, 3)})
    assert schedule.request(True, DEFAULT, 200) == {"unit_map": (1, 3)}
    assert schedule.fill(frame()) == {}  # not (1, 2)'s map
    schedule.fill(frame(unit_map="map of (1, 3)"))
    schedule.forget()
    assert schedule.fill(frame()) == {}
    schedule.set({})
    assert schedule.request(True, DEFAULT, 200) is None


def test_the_optimizer_state_is_asked_for_only_while_paused_and_never_carried_on():
    schedule = InspectSchedule()
    schedule.set({"optimizer": True, "health": True})
    # Training: θ-sized arrays every frame would cost, and nothing needs them.
    assert schedule.request(True, DEFAULT, 200) == {"health": True}
    schedule.fill(frame(health="h"))
    assert schedule.request(False, DEFAULT, 200) == {"optimizer": True, "health": True}
    state = {"velocity": "v at this θ"}
    assert schedule.fill(frame(optimizer=state, health="h")) == {}
    # The next frame (training again) does not get the state of an older θ.
    schedule.request(True, DEFAULT, 200)
    assert "optimizer" not in schedule.fill(frame())
