"""The lecture's formulas, worked by hand in plain Python, and Matt Mazur's published example.

Notation: y* is the prediction, y the target, ξ the learning rate, w_ji^(l) joins input j to
unit i of layer l; in the engine that is W[l-1][j-1, i-1].
"""

import math

import numpy as np
import pytest

from engine import MLP, train_epoch


def sigma(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# --- the lecture's 2-2-1 sigmoid network, no biases, one sample, binary cross-entropy -------------
W1 = [[0.15, -0.30],   # w_11^(1), w_12^(1)
      [0.40, 0.25]]    # w_21^(1), w_22^(1)
W2 = [0.35, -0.45]     # w_11^(2), w_21^(2)
XI = 0.5


def lecture_by_hand(x, y):
    """Every quantity of the lecture's derivation, from its formulas, with Python floats."""
    v1 = [sum(W1[j][i] * x[j] for j in range(2)) for i in range(2)]      # I^(1) = (w^(1))ᵀ u^(1)
    z = [sigma(v) for v in v1]                                            # O^(1) = A(I^(1)) = u^(2)
    v2 = sum(W2[j] * z[j] for j in range(2))                              # I^(2)
    y_star = sigma(v2)                                                    # O^(2) = y*
    loss = -y * math.log(y_star) - (1 - y) * math.log(1 - y_star)
    delta2 = y_star - y                                                   # δ^(2) = y* − y
    delta1 = [delta2 * W2[i] * z[i] * (1 - z[i]) for i in range(2)]       # δ^(1) = (δ^(2) w^(2)ᵀ) ⊙ z(1 − z)
    grad1 = [[delta1[i] * x[j] for i in range(2)] for j in range(2)]      # ∂L/∂w_ji^(1) = δ_i^(1) x_j
    grad2 = [delta2 * z[j] for j in range(2)]                             # ∂L/∂w_j1^(2) = δ^(2) z_j
    # the long form before simplification: (y* − y)/(y*(1 − y*)) · A′(v^(2)) · w_i1^(2) · A′(v_i^(1)) · x_j
    long1 = [[(y_star - y) / (y_star * (1 - y_star)) * y_star * (1 - y_star) * W2[i] * z[i] * (1 - z[i]) * x[j]
              for i in range(2)] for j in range(2)]
    new1 = [[W1[j][i] - XI * grad1[j][i] for i in range(2)] for j in range(2)]
    new2 = [W2[j] - XI * grad2[j] for j in range(2)]
    return dict(v1=v1, z=z, v2=v2, y_star=y_star, loss=loss, delta2=delta2, delta1=delta1,
                grad1=grad1, grad2=grad2, long1=long1, new1=new1, new2=new2)


def lecture_net() -> MLP:
    net = MLP([2, 2, 1], hidden="sigmoid", output="sigmoid", loss="bce", bias=False)
    net.set_params([np.array(W1), np.array(W2).reshape(2, 1)])
    return net


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_lecture_two_layer_network_by_hand(y):
    x = [0.6, -0.8]
    ref = lecture_by_hand(x, y)
    net = lecture_net()
    X, Y = np.array([x]), np.array([[y]])

    fwd = net.forward(X)
    np.testing.assert_allclose(fwd.I[0][0], ref["v1"], rtol=1e-14)
    np.testing.assert_allclose(fwd.O[0][0], ref["z"], rtol=1e-14)
    np.testing.assert_allclose(fwd.I[1][0, 0], ref["v2"], rtol=1e-14)
    np.testing.assert_allclose(fwd.prediction[0, 0], ref["y_star"], rtol=1e-14)
    assert net.loss(X, Y) == pytest.approx(ref["loss"], rel=1e-14)

    back = net.backward(fwd, Y)
    np.testing.assert_allclose(back.delta[1][0, 0], ref["delta2"], rtol=1e-14)
    np.testing.assert_allclose(back.delta[0][0], ref["delta1"], rtol=1e-13)
    np.testing.assert_allclose(ref["long1"], ref["grad1"], rtol=1e-13)  # the lecture's simplification

    dW, db = net.gradients(X, Y)
    np.testing.assert_allclose(dW[0], ref["grad1"], rtol=1e-13)
    np.testing.assert_allclose(dW[1][:, 0], ref["grad2"], rtol=1e-13)
    assert all(np.all(g == 0) for g in db)  # no biases in the lecture

    result = train_epoch(net, X, Y, XI, batch_size=1)
    assert result.loss == pytest.approx(ref["loss"], rel=1e-14)  # the loss before the update
    assert result.n_updates == 1
    np.testing.assert_allclose(net.W[0], ref["new1"], rtol=1e-13)
    np.testing.assert_allclose(net.W[1][:, 0], ref["new2"], rtol=1e-13)


@pytest.mark.parametrize("y", [0.0, 1.0])
@pytest.mark.parametrize("D", [1, 3])
def test_single_layer_update_rule(D, y):
    """One sample, one epoch: w ← w − ξ (y* − y) x with y* = σ(wᵀx)."""
    rng = np.random.default_rng(D)
    net = MLP([D, 1], output="sigmoid", loss="bce", bias=False, seed=D)
    w = rng.normal(size=D)
    x = rng.normal(size=D)
    net.set_params([w.reshape(D, 1)])
    y_star = sigma(float(sum(wi * xi for wi, xi in zip(w, x))))
    train_epoch(net, x.reshape(1, D), [[y]], XI, batch_size=1)
    expected = [wi - XI * (y_star - y) * xi for wi, xi in zip(w, x)]
    np.testing.assert_allclose(net.W[0][:, 0], expected, rtol=1e-14, atol=1e-16)


# --- Matt Mazur, "A Step by Step Backpropagation Example" ----------------------------------------
# 2-2-2, sigmoid everywhere, squared error E_total = Σ ½(target − out)², ξ = 0.5, biases fixed.
def mazur_net() -> MLP:
    net = MLP([2, 2, 2], hidden="sigmoid", output="sigmoid", loss="squared", train_bias=False)
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    net.set_params([np.array([[w1, w3], [w2, w4]]), np.array([[w5, w7], [w6, w8]])],
                   [np.array([0.35, 0.35]), np.array([0.60, 0.60])])
    return net


MAZUR_X = np.array([[0.05, 0.10]])
MAZUR_Y = np.array([[0.01, 0.99]])


def test_mazur_forward_pass():
    fwd = mazur_net().forward(MAZUR_X)
    assert fwd.I[0][0, 0] == pytest.approx(0.3775, abs=5e-13)              # net_h1
    np.testing.assert_allclose(fwd.O[0][0], [0.593269992, 0.596884378], atol=5e-10)  # out_h1, out_h2
    np.testing.assert_allclose(fwd.O[1][0], [0.75136507, 0.772928465], atol=5e-9)    # out_o1, out_o2


def test_mazur_total_error_and_gradients():
    net = mazur_net()
    assert net.loss(MAZUR_X, MAZUR_Y) == pytest.approx(0.298371109, abs=5e-10)  # his E_total
    dW, _ = net.gradients(MAZUR_X, MAZUR_Y)
    assert dW[1][0, 0] == pytest.approx(0.082167041, abs=5e-10)  # ∂E_total/∂w5
    assert dW[0][0, 0] == pytest.approx(0.000438568, abs=5e-10)  # ∂E_total/∂w1


def test_mazur_one_update():
    net = mazur_net()
    result = train_epoch(net, MAZUR_X, MAZUR_Y, 0.5, batch_size=1)
    assert result.loss == pytest.approx(0.298371109, abs=5e-10)
    (w1, w3), (w2, w4) = net.W[0]
    (w5, w7), (w6, w8) = net.W[1]
    assert w5 == pytest.approx(0.35891648, abs=5e-9)
    assert w6 == pytest.approx(0.408666186, abs=5e-10)
    assert w7 == pytest.approx(0.511301270, abs=5e-10)
    assert w8 == pytest.approx(0.561370121, abs=5e-10)
    assert w1 == pytest.approx(0.149780716, abs=5e-10)
    assert w2 == pytest.approx(0.19956143, abs=5e-9)
    assert w3 == pytest.approx(0.24975114, abs=5e-9)
    assert w4 == pytest.approx(0.29950229, abs=5e-9)
    np.testing.assert_array_equal(net.b[0], [0.35, 0.35])  # train_bias=False leaves b alone
    np.testing.assert_array_equal(net.b[1], [0.60, 0.60])
