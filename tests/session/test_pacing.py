"""The pacer's schedule, on a clock the test turns by hand."""

from backprop_gui.session.pacing import Due, Pacer, speed_text


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_speeds_read_as_the_control_lists_them():
    assert [speed_text(r) for r in (1.0, 30.0, None)] == ["1 epoch/s", "30 epochs/s", "max"]


def test_ten_epochs_per_second_are_due_one_every_tenth_of_a_second():
    clock = Clock()
    pacer = Pacer(10.0, clock)
    assert pacer.due(0, 0, 1) == Due("epoch", 1)  # the first at once
    wait = pacer.due(1, 1, 1)
    assert wait.count == 0 and abs(wait.wait - 0.1) < 1e-9
    clock.now += 0.35  # a slow frame: three epochs are due by now...
    # ...and are made up one a frame, each drawn, not in one burst.
    assert [pacer.due(e, e, 1) for e in (1, 2, 3)] == [Due("epoch", 1)] * 3
    wait = pacer.due(4, 4, 1)  # caught up: the schedule holds from the start
    assert wait.count == 0 and abs(wait.wait - 0.05) < 1e-9
    clock.now += 10.0  # far behind: only 1.5 s (15 epochs) is made up, one a frame
    assert [pacer.due(e, e, 1).count for e in range(4, 20)] == [1] * 15 + [0]


def test_frames_slower_than_the_rate_still_keep_it_on_average():
    # 30 epochs a second, but frames come only 25 times a second: one epoch a
    # frame falls behind, so once a second the backlog is trained at once.
    clock = Clock()
    pacer = Pacer(30.0, clock)
    epoch, counts = 0, []
    for _ in range(25 * 4):  # four seconds of frames
        due = pacer.due(epoch, epoch, 1)
        counts.append(due.count)
        epoch += due.count
        clock.now += 1 / 25
    assert 30 * 4 - 3 <= epoch <= 30 * 4 + 1
    assert counts.count(1) >= 0.9 * len(counts)  # still almost every epoch drawn


def test_frames_much_slower_than_the_rate_still_keep_it_on_average():
    for fps in (10, 5):
        clock = Clock()
        pacer = Pacer(30.0, clock)
        epoch = 0
        for _ in range(fps * 10):  # ten seconds of frames
            epoch += pacer.due(epoch, epoch, 1).count
            clock.now += 1 / fps
        assert epoch >= 0.9 * 30 * 10, fps


def test_a_hiccup_at_the_default_speed_is_made_up_one_epoch_a_frame():
    # 30 epochs a second, frames at 34 a second: they gain 4 epochs a second
    # on a half-second hiccup's 15, so it takes a few seconds, every one drawn.
    clock = Clock()
    pacer = Pacer(30.0, clock)
    epoch, counts = 0, []
    for k in range(34 * 8):
        clock.now += 0.5 if k == 34 else 1 / 34
        due = pacer.due(epoch, epoch, 1)
        counts.append(due.count)
        epoch += due.count
    assert max(counts) == 1
    assert 30 * 8.5 - 2 <= epoch <= 30 * 8.5 + 1  # and then back on the clock


def test_another_batch_size_mid_run_starts_the_schedule_again():
    clock = Clock()
    pacer = Pacer(1.0, clock)  # 20 steps an epoch: 20 steps a second
    steps = 0
    for _ in range(200):  # ten seconds
        steps += pacer.due(0, steps, 20).count
        clock.now += 0.05
    assert pacer.due(0, steps, 4) == Due("step", 1)  # 4 a second now, the first at once
    clock.now += 0.25
    assert pacer.due(0, steps + 1, 4) == Due("step", 1)


def test_fast_speeds_make_up_a_late_frame_at_once():
    clock = Clock()
    pacer = Pacer(100.0, clock)  # 100 steps a second: not every one is drawn
    assert pacer.due(0, 0, 1) == Due("epoch", 1)
    clock.now += 0.035
    assert pacer.due(1, 1, 1) == Due("epoch", 3)
    clock.now += 10.0
    assert pacer.due(4, 4, 1) == Due("epoch", 50)  # half a second's worth


def test_an_epoch_of_many_steps_at_a_low_rate_is_made_up_a_step_a_frame():
    clock = Clock()
    pacer = Pacer(3.0, clock)  # 4 steps an epoch: 12 steps a second
    assert pacer.due(0, 0, 4) == Due("step", 1)
    clock.now += 0.5  # six steps are due
    assert [pacer.due(0, s, 4) for s in range(1, 7)] == [Due("step", 1)] * 6
    assert pacer.due(1, 7, 4).count == 0


def test_an_epoch_of_many_steps_at_a_low_rate_goes_a_step_at_a_time():
    clock = Clock()
    pacer = Pacer(1.0, clock)
    assert pacer.due(0, 0, 8) == Due("step", 1)  # 8 steps per second
    clock.now += 0.125
    assert pacer.due(0, 1, 8) == Due("step", 1)
    fast = Pacer(100.0, clock)
    assert fast.due(0, 0, 8).unit == "epoch"


def test_counters_going_back_start_the_schedule_again():
    clock = Clock()
    pacer = Pacer(1.0, clock)
    pacer.due(50, 50, 1)
    assert pacer.due(0, 0, 1) == Due("epoch", 1)  # a new network: due at once
