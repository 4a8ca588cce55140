"""The loss surface figure: nothing non-finite reaches the browser, its epoch is in layout.meta, labels are HTML."""

from __future__ import annotations

import base64
import json

import numpy as np

from engine import make_dataset, surface
from engine.run_config import RunConfig
from ui.playground import surface as surface_figure_module


def _surface_with_overflow() -> surface.Surface:
    data = make_dataset("xor", n=100, seed=0)
    trainer = RunConfig(lr=1.0).build(data)
    trainer.run(3)
    net, h = trainer.net, trainer.history
    surf = surface.loss_surface(net, data.X_train, trainer.Y_train, surface.weight_slice(net.params, 0, 1), h.snapshots,
                          h.snapshot_epochs, resolution=20)
    losses = surf.losses.copy()
    losses[0, :3] = [np.inf, np.nan, 1e300]  # what a far corner of a diverging run can give
    return surface.Surface(**{**surf.__dict__, "losses": losses})


def _arrays(fig) -> list[np.ndarray]:
    spec = json.loads(fig.to_json())
    out = []
    for trace in spec["data"]:
        for name in ("x", "y", "z", "customdata"):
            if name in trace:
                value = trace[name]
                if isinstance(value, dict):
                    value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
                out.append(np.asarray(value, dtype=float))
    return out


def test_overflowed_losses_become_the_largest_finite_one_and_every_array_is_finite():
    surf = _surface_with_overflow()
    for log_scale in (False, True):
        fig = surface_figure_module.surface_figure(surf, ("w1", "w2"), epoch=3, log_scale=log_scale)
        for values in _arrays(fig):
            shown = values[~np.isnan(values)] if values.size and np.isnan(values).any() else values
            assert np.isfinite(shown).all()
        heat = fig.data[0]
        assert np.isfinite(np.asarray(heat.z, dtype=float)).all()  # no gaps in the heatmap
        assert np.isfinite([heat.zmin, heat.zmax]).all() and heat.zmin < heat.zmax
        assert fig.layout.meta["epoch"] == 3
    z = surface_figure_module.finite_losses(surf.losses)
    assert z[0, 0] == z[0, 1] == np.max(surf.losses[np.isfinite(surf.losses)])


def test_the_linear_scale_saturates_at_the_95th_percentile_and_the_log_scale_spans_all():
    losses = np.arange(1.0, 101.0).reshape(10, 10)
    _, lo, hi = surface_figure_module.colour_values(losses, log_scale=False)
    assert (lo, hi) == (1.0, np.quantile(losses, 0.95))
    z, lo, hi = surface_figure_module.colour_values(losses, log_scale=True)
    assert (lo, hi) == (0.0, 2.0) and z[0, 0] == 0.0
    z, lo, hi = surface_figure_module.colour_values(np.zeros((3, 3)), log_scale=True)  # a loss of 0: the floor
    assert lo == -12 and hi > lo


def test_parameter_names_become_plotly_html():
    assert surface_figure_module.html_label("w_21^(1)") == "w<sub>21</sub><sup>(1)</sup>"
    assert surface_figure_module.html_label("b_3^(2)") == "b<sub>3</sub><sup>(2)</sup>"
