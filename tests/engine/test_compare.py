"""engine/compare.py: runs as changes from a base, shared data and weights, the lecture's claims."""

from __future__ import annotations

import numpy as np
import pytest

from engine import MLP, make_dataset
from engine.compare import (
    Comparison,
    Variant,
    epochs_to_target,
    log_grid,
    lr_sweep_variants,
    unit_health,
)
from engine.run_config import RunConfig


@pytest.fixture(scope="module")
def xor():
    return make_dataset("xor", n=200, seed=0)


def _same_weights(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a[0] + a[1], b[0] + b[1]))


def test_runs_share_data_shuffling_and_initial_weights(xor):
    variants = [Variant("bce", {}), Variant("squared", {"loss": "squared"}),
                Variant("tanh", {"hidden": "tanh"}), Variant("small ξ", {"lr": 0.01}),
                Variant("full batch", {"batch_size": None}), Variant("L2", {"reg": "l2", "lam": 0.01})]
    comp = Comparison(RunConfig(), xor, variants)
    first = comp.runs[0]
    for run in comp.runs:
        assert run.trainer.data is xor
        assert run.trainer.seed == first.trainer.seed
        assert _same_weights(run.trainer.initial, first.trainer.initial)
        assert run.fully_shared and run.shared_from == ["base", "base"]
        assert run.note == "same as base"
    # the base network is the one MLP draws from the seed
    ref = MLP([2, 4, 1], seed=0)
    assert _same_weights(first.trainer.initial, (ref.W, ref.b))
    # and each run got exactly its change
    assert [r.config.changes_from(comp.base) for r in comp.runs] == [
        {}, {"loss": "squared"}, {"hidden": "tanh"}, {"lr": 0.01}, {"batch_size": None},
        {"reg": "l2", "lam": 0.01}]


def test_playground_weights_are_the_start(xor):
    other = MLP([2, 4, 1], seed=123)
    comp = Comparison(RunConfig(), xor, [Variant("a", {}), Variant("b", {"hidden": "relu"})],
                      initial=other.get_params())
    for run in comp.runs:
        assert _same_weights(run.trainer.initial, other.get_params())


def test_layers_that_cannot_be_shared_are_named(xor):
    comp = Comparison(RunConfig(), xor, [
        Variant("ce", {"loss": "ce"}),                  # J = 2: output layer differs
        Variant("wide", {"hidden_sizes": (8,)}),        # every layer differs from the base
        Variant("wide too", {"hidden_sizes": (8,), "hidden": "tanh"}),
        Variant("two layers", {"hidden_sizes": (4, 4)}),
        Variant("he", {"init": "he"}),
    ])
    ce, wide, wide2, deep, he = comp.runs
    assert ce.config.output == "softmax" and ce.net.sizes == [2, 4, 2]
    assert ce.shared_from == ["base", None] and "J = 2 outputs" in ce.note
    base_w1 = comp.runs[0].trainer.initial[0][0]
    assert np.array_equal(ce.trainer.initial[0][0], base_w1)
    assert wide.shared_from == [None, None] and "other hidden sizes" in wide.note
    # runs with the same new shapes share with the first of them
    assert wide2.shared_from == ["wide", "wide"] and _same_weights(wide2.trainer.initial, wide.trainer.initial)
    assert deep.shared_from == ["base", None, None] and "w^(2), w^(3) drawn fresh" in deep.note
    assert he.shared_from == [None, None] and "he" in he.note


def test_identical_configs_train_identically_and_in_step(xor):
    comp = Comparison(RunConfig(), xor, [Variant("a", {}), Variant("b", {}), Variant("c", {"lr": 0.1})])
    comp.train(7)
    comp.train(5)
    a, b, c = comp.runs
    assert comp.epoch == 12 and [r.epoch for r in comp.runs] == [12, 12, 12]
    np.testing.assert_array_equal(a.history.column("train_loss"), b.history.column("train_loss"))
    assert a.history.column("train_loss")[0] == c.history.column("train_loss")[0]  # same start
    assert a.history.column("train_loss")[-1] != c.history.column("train_loss")[-1]


def test_changes_are_checked():
    base = RunConfig()
    assert base.with_changes({"loss": "ce"}).output == "softmax"
    assert base.with_changes({"loss": "squared"}).output == "sigmoid"  # still fits: kept
    assert RunConfig(loss="squared", output="linear").with_changes({"loss": "bce"}).output == "sigmoid"
    for changes, words in [({"colour": "red"}, "unknown setting"), ({"hidden": "swish"}, "hidden activation"),
                           ({"lr": -1.0}, "learning rate"), ({"hidden_sizes": (0,)}, "units H"),
                           ({"batch_size": 0}, "batch size"), ({"loss": "bce", "output": "linear"}, "sigmoid")]:
        with pytest.raises(ValueError, match=words):
            Comparison(base, make_dataset("xor", n=40), [Variant("x", changes)])


def test_loss_must_suit_the_task():
    with pytest.raises(ValueError, match="does not suit a regression data set; use squared"):
        Comparison(RunConfig(), make_dataset("plane", n=40), [Variant("r", {})])
    comp = Comparison(RunConfig(loss="squared", output="linear"), make_dataset("plane", n=40),
                      [Variant("r", {})])
    assert comp.runs[0].trainer.metric_name == "R²"
    three = make_dataset("blobs3", n=60)
    with pytest.raises(ValueError, match="cross-entropy or squared"):
        Comparison(RunConfig(), three, [Variant("b", {})])
    assert Comparison(RunConfig(loss="ce", output="softmax"), three, [Variant("c", {})]).runs[0].net.sizes[-1] == 3


def test_bad_run_counts():
    with pytest.raises(ValueError, match="1 to 12 runs"):
        Comparison(RunConfig(), make_dataset("xor", n=40), [])


def test_epochs_to_target_and_summaries(xor):
    comp = Comparison(RunConfig(lr=1.0), xor, [Variant("a", {})])
    comp.train(60)
    h = comp.runs[0].history
    acc = h.column("train_metric")
    target = acc[30]
    reached = epochs_to_target(h, target)
    assert reached is not None and acc[reached] >= target and np.all(acc[:reached] < target)
    assert epochs_to_target(h, 1.01) is None
    (s,) = comp.summaries(target)
    assert s.epochs_to_target == reached and s.epoch == 60 and s.diverged_at is None
    assert s.train_loss == h.column("train_loss")[-1]


def test_divergence_is_recorded_and_training_stops(xor):
    base = RunConfig(loss="squared", output="linear", hidden="relu", hidden_sizes=(16, 16))
    comp = Comparison(base, xor, lr_sweep_variants([0.01, 1e4]))
    comp.train(20)
    ok, wild = comp.summaries(0.9)
    assert ok.diverged_at is None and ok.epoch == 20
    assert wild.diverged_at is not None and comp.runs[1].diverged
    assert comp.epoch == 20 and not comp.all_diverged
    assert all(np.all(np.isfinite(w)) for w in comp.runs[1].net.W)  # last finite weights kept


def test_log_grid():
    grid = log_grid(0.001, 10.0, 5)
    assert grid == [0.001, 0.01, 0.1, 1.0, 10.0]
    assert np.allclose(np.diff(np.log10(log_grid(0.003, 30.0, 7))), 4 / 6, atol=0.01)
    for args, words in [((1.0, 0.1, 4), "above"), ((0.0, 1.0, 4), "lowest"), ((0.1, 1.0, 1), "K")]:
        with pytest.raises(ValueError, match=words):
            log_grid(*args)


def test_sweep_starts_every_xi_from_one_initialisation(xor):
    comp = Comparison(RunConfig(), xor, lr_sweep_variants(log_grid(0.01, 10.0, 4)))
    assert [r.config.lr for r in comp.runs] == [0.01, 0.1, 1.0, 10.0]
    assert all(_same_weights(r.trainer.initial, comp.runs[0].trainer.initial) for r in comp.runs)


def test_unit_health_against_hand_counts():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    net = MLP([2, 3, 1], hidden="sigmoid", seed=0)
    W, b = net.get_params()
    W[0] = np.array([[10.0, 0.1, 0.0], [10.0, 0.1, 0.0]])  # unit 1: |I| = 10 or 20 -> A' < 0.01
    net.set_params(W, b)
    (layer,) = unit_health(net, X)
    assert layer.saturated == pytest.approx(3 / 9) and layer.dead is None
    relu = MLP([2, 3, 1], hidden="relu", seed=0)
    W, b = relu.get_params()
    W[0] = np.array([[-1.0, 1.0, 0.5], [-1.0, 1.0, -0.5]])
    b[0] = np.array([-5.0, 0.0, 0.0])                # unit 1 never active: dead
    relu.set_params(W, b)
    (layer,) = unit_health(relu, X)
    # I: unit1 < 0 everywhere; unit2 = 1, 1, -2; unit3 = 0.5, -0.5, 0  -> A' = 0 on 3 + 1 + 2 points
    assert layer.saturated == pytest.approx(6 / 9)
    assert layer.dead == pytest.approx(1 / 3)


def test_deep_sigmoid_gradients_vanish_towards_the_input(xor):
    deep = (8, 8, 8, 8, 8)
    comp = Comparison(RunConfig(), xor, [Variant("sigmoid", {"hidden_sizes": deep}),
                                         Variant("tanh", {"hidden_sizes": deep, "hidden": "tanh"})])
    comp.train(3)
    sig, tanh = (r.history.grad_norms[1:].mean(axis=0) for r in comp.runs)
    assert sig[0] < sig[-1] / 100            # ‖∂L/∂w^(1)‖ two orders below ‖∂L/∂w^(L)‖
    assert tanh[0] > sig[0] * 100            # tanh keeps δ alive through the same weights
    assert comp.runs[1].shared_from == ["sigmoid"] * 6


def test_cross_entropy_beats_squared_loss_behind_a_sigmoid():
    """The lecture's claim on XOR, 2-4-1 sigmoid network, ξ = 1, batch 10, seeds 0–4 (data and
    weights): epochs until 95 % training accuracy, capped at 300 (None = not reached).

    Measured (with a cap of 1000): bce 23, 31, —, 36, 42 vs squared 769, 106, 272, 134, 159. Seed 2's
    bce run sits in XOR's well-known local minimum (about 90 %), so the claim is "in 4 of 5 seeds, and
    the median". The cap is above both medians (36 and 159), so it decides neither comparison; a
    higher one only trains seeds 0 and 2 longer.
    """
    cap, target = 300, 0.95
    results = []
    for seed in range(5):
        data = make_dataset("xor", seed=seed)
        comp = Comparison(RunConfig(lr=1.0, seed=seed), data,
                          [Variant("bce", {}), Variant("squared", {"loss": "squared", "output": "sigmoid"})])
        reached = [None, None]
        while comp.epoch < cap and None in reached:
            comp.train(25)
            reached = [s.epochs_to_target for s in comp.summaries(target)]
        results.append([cap + 1 if e is None else e for e in reached])
    bce, squared = np.array(results).T
    assert (bce < squared).sum() >= 4, results
    assert np.median(bce) * 3 < np.median(squared), results
