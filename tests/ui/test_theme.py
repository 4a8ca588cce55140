"""The figure theme: colours that colour-blind readers can tell apart, and every figure drawn in them.

Colour-vision deficiencies are simulated with the matrices of Machado, Oliveira & Fernandes,
"A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009
(severity 1.0: protanopia, deuteranopia, tritanopia), applied to linear sRGB. Colour differences
are CIEDE2000 in CIELAB (D65), checked against the published test pairs of Sharma, Wu & Dalal,
"The CIEDE2000 color-difference formula", Color Res. Appl. 30(1), 2005.
"""

from __future__ import annotations

import inspect
import itertools
import json
import re

import numpy as np
import plotly.io as pio
import pytest

from engine import MLP, Dataset, Trainer, dataset_from_csv, make_dataset
from engine.compare import MAX_RUNS, Comparison, Variant, log_grid, lr_sweep_variants
from engine.run_config import RunConfig
from tests.conftest import ROOT
from tests.ui.test_compare_points import circles
from ui import theme
from ui.compare import figures as compare
from ui.compare.editor import MAX_UI_RUNS
from ui.compare.presets import PRESETS
from ui.playground import figures

MACHADO = {  # severity 1.0, rows map linear (R, G, B) to the simulated linear (R, G, B)
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *MACHADO)
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])

MIN_CLASSES = 20.0  # CIEDE2000 between any two of the first classes (or runs), in every vision
MIN_SIGNS = 40.0  # between positive and negative weights
THREE = 3  # spiral3, blobs3, iris and wine
RUNS = max(len(p.runs) for p in PRESETS.values())  # four

# the palettes before the theme: Playground and Compare (class 0 a different blue), both
# (blue, orange, green, purple, ...); orange/green and blue/purple merge under deuteranopia
OLD_PLAYGROUND = ("#1c7ed6", "#d9480f", "#2f9e44", "#ae3ec9")
OLD_COMPARE = ("#1971c2", "#d9480f", "#2b8a3e", "#862e9c")


def _linear(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(linear_rgb, 0, 1) / (SRGB_TO_XYZ @ np.ones(3))
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _seen(colour: str, vision: str) -> np.ndarray:
    """CIELAB of a colour as seen with normal vision or one simulated deficiency."""
    rgb = _linear(colour)
    return _lab(rgb if vision == "normal" else MACHADO[vision] @ rgb)


def de2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1)."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dH = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    L_mean, c_mean_p = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (L_mean - 50) ** 2 / np.sqrt(20 + (L_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean_p, 1 + 0.015 * c_mean_p * t
    r_t = (-2 * np.sqrt(c_mean_p**7 / (c_mean_p**7 + 25**7))
           * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))))
    dl, dc, dhh = (L2 - L1) / s_l, (c2 - c1) / s_c, dH / s_h
    return float(np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh))


def difference(a: str, b: str, vision: str) -> float:
    return de2000(_seen(a, vision), _seen(b, vision))


def closest(colours) -> tuple[float, str, str, str]:
    """The least different pair of colours in any vision: (ΔE00, vision, colour, colour)."""
    return min((difference(a, b, v), v, a, b) for a, b in itertools.combinations(colours, 2) for v in VISIONS)


# --- the measuring tools against published numbers --------------------------------------------------
@pytest.mark.parametrize(("lab1", "lab2", "expected"), [  # Sharma, Wu & Dalal (2005), table 1
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_the_published_pairs(lab1, lab2, expected):
    assert de2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_lab_and_the_simulations_are_sane():
    assert np.allclose(_seen("#FF0000", "normal"), [53.24, 80.09, 67.20], atol=0.01)  # sRGB red
    for vision in MACHADO:  # greys stay grey: white is white and black is black to every viewer
        assert np.allclose(_seen("#ffffff", vision), [100, 0, 0], atol=0.3)
        assert np.allclose(_seen("#777777", vision), _seen("#777777", "normal"), atol=0.3)
    # the classic red/green pair merges for a deuteranope, blue/bluish green for a tritanope
    assert difference("#d62728", "#2ca02c", "normal") > 50 > 10 > difference("#d62728", "#2ca02c", "deuteranopia")
    assert difference("#0072B2", "#009E73", "normal") > 30 > 15 > difference("#0072B2", "#009E73", "tritanopia")


# --- the palette -------------------------------------------------------------------------------------
def test_three_classes_and_four_runs_stay_apart_in_every_vision():
    assert closest(theme.PALETTE[:THREE])[0] >= MIN_CLASSES, closest(theme.PALETTE[:THREE])
    assert closest(theme.PALETTE[:RUNS])[0] >= MIN_CLASSES, closest(theme.PALETTE[:RUNS])
    assert len(set(theme.PALETTE)) == len(theme.PALETTE) >= MAX_RUNS


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours ("#rrggbb" or "rgb(r, g, b)")."""
    def luminance(c: str) -> float:
        hexed = c if c.startswith("#") else "#" + "".join(f"{int(float(v)):02x}" for v in c[4:-1].split(","))
        return float(_linear(hexed) @ [0.2126, 0.7152, 0.0722])
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_compare_runs_are_drawn_visibly_on_both_backgrounds_and_apart():
    assert _contrast(theme.WHITE, theme.BLACK) == pytest.approx(21.0)
    assert _contrast("#999999", theme.WHITE) < 3  # Okabe–Ito's grey, the third run's colour before, is too faint
    sweep = compare.ramp(12)
    assert len(set(sweep)) == 12
    for background, swap in ((theme.WHITE, {}), (theme.DARK_BACKGROUND, theme.DARK)):
        runs = [swap.get(c, c) for c in theme.RUN_COLOURS]
        for colour in runs + sweep:
            assert _contrast(colour, background) >= 3.0, (colour, background)
        assert closest(runs[:THREE])[0] >= MIN_CLASSES, closest(runs[:THREE])
        assert min(difference(a, b, "normal") for a, b in itertools.combinations(runs, 2)) >= 15
    assert len(set(theme.RUN_COLOURS)) == len(theme.RUN_COLOURS) >= MAX_UI_RUNS


def test_weight_signs_stay_apart_and_carry_the_diverging_scales():
    assert closest((theme.POSITIVE, theme.NEGATIVE))[0] >= MIN_SIGNS, closest((theme.POSITIVE, theme.NEGATIVE))
    # W, y* and the neuron maps: negative end, a near-white middle, positive end
    (lo, low), (mid, middle), (hi, high) = theme.DIVERGING
    assert (lo, mid, hi) == (0.0, 0.5, 1.0) and (low, high) == (theme.NEGATIVE, theme.POSITIVE)
    assert _seen(middle, "normal")[0] > 95
    # on a two-class set, class 0 is drawn like y* = 0 and class 1 like y* = 1
    assert theme.PALETTE[:2] == (theme.NEGATIVE, theme.POSITIVE)


def test_the_old_palettes_fail_the_same_check():
    """The thresholds are tight enough to catch the colours this theme replaced."""
    for old in (OLD_PLAYGROUND, OLD_COMPARE):
        blue, orange, green, purple = old
        assert difference(orange, green, "deuteranopia") < MIN_CLASSES
        assert difference(blue, purple, "deuteranopia") < MIN_CLASSES
        assert closest(old[:THREE])[0] < MIN_CLASSES
        assert difference(blue, orange, "deuteranopia") >= MIN_SIGNS  # the old signs were fine


# --- every figure in the theme's colours ---------------------------------------------------------------
def _strings(node) -> list[str]:
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, (list, tuple)):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _theme_colours() -> set[str]:
    """Every colour the theme names (in its constants, fonts, axes and scales) or derives, lower-case."""
    named = {s for s in _strings(list(vars(theme).values())) if s.startswith(("#", "rgb"))}
    layers = {theme.layer_colour(l, n) for n in range(1, 12) for l in range(n)}
    return {c.lower() for c in named | layers}


def _colours(node, key: str = "") -> list[str]:
    """Every colour string in a figure's JSON (colour keys, colour scales, the colour way)."""
    if isinstance(node, dict):
        return [c for k, v in node.items() for c in _colours(v, k)]
    if isinstance(node, list):
        if key == "colorscale":
            return [str(c) for _, c in node]
        return [c for v in node for c in _colours(v, key)]
    is_colour = isinstance(node, str) and (key in ("colorway", "colorscale") or key.endswith("color"))
    return [node] if is_colour else []


def _no_plane(task: str) -> Dataset:
    """Three inputs (drawn on their principal components), three classes or a real-valued target."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 3))
    y = np.arange(60) % 3 if task == "multiclass" else X.sum(axis=1)
    rows = "\n".join(",".join(f"{v:g}" for v in [*x, t]) for x, t in zip(X, y))
    return dataset_from_csv("x1,x2,x3,y\n" + rows)


def _trained(data: str | Dataset, sizes: list[int], **kw) -> Trainer:
    data = make_dataset(data, n=90, seed=2) if isinstance(data, str) else data
    trainer = Trainer(MLP(sizes, seed=1, **kw), data, lr=0.5)
    trainer.run(3)
    return trainer


def _comparison(name: str, variants: list[Variant], **config) -> Comparison:
    data = make_dataset(name, n=90, seed=2)
    comp = Comparison(RunConfig(**config), data, variants)
    comp.train(3)
    return comp


def _playground_figures() -> dict[str, object]:
    spiral = _trained("spiral3", [2, 4, 3], output="softmax", loss="ce")
    xor = _trained("xor", [2, 3, 3, 1])
    sine = _trained("sine", [1, 4, 1], output="linear", loss="squared")
    bumps = _trained("bumps", [2, 4, 1], output="linear", loss="squared")
    classes = _trained(_no_plane("multiclass"), [3, 4, 3], output="softmax", loss="ce")
    values = _trained(_no_plane("regression"), [3, 4, 1], output="linear", loss="squared")
    net = xor.net
    built = {
        "network_figure": [figures.network_figure(net), figures.network_figure(net, [np.ones(3), np.ones(3),
                                                                                    np.ones(1)])],
        "output_figure": [figures.output_figure(t.net, t.data) for t in (spiral, xor, sine, bumps, classes, values)],
        "neuron_maps_figure": [figures.neuron_maps_figure(net, xor.data, 1, resolution=10)],
        "loss_figure": [figures.loss_figure(xor.history, "accuracy", diverged_at=2)],
        "weights_figure": [figures.weights_figure(net, l) for l in (1, 2, 3)],
        "trajectory_figure": [figures.trajectory_figure(xor.history, net.sizes)],
        "delta_figure": [figures.delta_figure(xor.history, 1)],
        "grad_norm_figure": [figures.grad_norm_figure(xor.history)],
    }
    return built


def _compare_figures() -> dict[str, object]:
    acts = [Variant(a, {"hidden": a}) for a in ("sigmoid", "tanh", "relu", "leaky_relu")]
    spiral = _comparison("spiral3", acts, output="softmax", loss="ce")
    xor = _comparison("xor", acts[:2])
    plane = _comparison("plane", acts[:2], output="linear", loss="squared")
    sweep = _comparison("xor", lr_sweep_variants(log_grid(0.01, 100, 5)), output="linear", loss="squared")
    return {
        "curve_figure": [compare.curve_figure(c, curve) for c in (spiral, xor, plane) for curve in compare.CURVES],
        "boundary_figure": [compare.boundary_figure(c, k) for c in (spiral, xor, plane) for k in (0, 1)],
        "grad_norms_figure": [compare.grad_norms_figure(spiral, k) for k in range(len(spiral.runs))],
        "sweep_figure": [compare.sweep_figure(sweep)],
        "panel_row": [compare.panel_row(compare.curve_figures(xor)),
                      compare.panel_row(compare.per_run_figures(spiral, "Gradient norms"))],
    }


def _builders(module) -> set[str]:
    return {name for name, f in inspect.getmembers(module, inspect.isfunction)
            if f.__module__ == module.__name__ and name.endswith("_figure")
            and not name.startswith("_")}


def test_every_figure_builder_draws_in_the_theme_colours_only():
    built = {**_playground_figures(), **_compare_figures()}
    assert _builders(figures) | _builders(compare) <= set(built)  # a new builder needs a case here
    allowed = _theme_colours()
    for name, figs in built.items():
        for fig in figs:
            spec = json.loads(pio.to_json(fig, validate=False))
            used = {c.lower() for c in _colours(spec)}
            assert used and used <= allowed, (name, used - allowed)
            assert spec["layout"]["template"] == {}  # no renderer's template fills colours in


def test_three_classes_are_drawn_in_the_first_three_theme_colours():
    first = [c.lower() for c in theme.PALETTE[:THREE]]
    trainer = _trained("spiral3", [2, 4, 3], output="softmax", loss="ce")
    data = trainer.data
    fig = figures.output_figure(trainer.net, data)
    heat = fig.data[0]
    assert [c.lower() for _, c in heat.colorscale if c.lower() != theme.WHITE] == first
    points = [t for t in fig.data if t.type == "scatter" and t.name == "train"][0]
    assert list(points.marker.color) == theme.class_colours(data.y_train)
    assert {c.lower() for c in points.marker.color} == set(first)
    projected = _trained(_no_plane("multiclass"), [3, 4, 3], output="softmax", loss="ce")
    projected = figures.output_figure(projected.net, projected.data)
    points = [t for t in projected.data if t.showlegend is False]  # the legend's own entries follow them
    assert points and {c.lower() for t in points for c in t.marker.color} <= set(first)
    assert [t.marker.color.lower() for t in projected.data if t.name.isdigit()] == first

    comp = _comparison("spiral3", [Variant("a", {}), Variant("b", {"lr": 0.1})], output="softmax", loss="ce")
    for k in (0, 1):
        regions = compare.boundary_figure(comp, k)
        (heat,) = regions.data
        assert [c.lower() for _, c in heat.colorscale] == first
        dots = circles(regions.layout.images[0].to_plotly_json())
        assert [c["fill"] for c in dots] == theme.class_colours(comp.data.y_train)
    curves = compare.curve_figure(comp, "loss")
    assert [t.line.color for t in curves.data if t.showlegend] == list(theme.RUN_COLOURS[:2])


def test_the_dark_theme_recolours_every_figure_from_the_theme_only():
    """Each light colour a figure uses either keeps its hue on the dark background or has a dark counterpart."""
    built = {**_playground_figures(), **_compare_figures()}
    dark_allowed = {theme.DARK.get(c, c).lower() for c in _theme_colours()} | {c.lower() for c in _theme_colours()}
    for name, figs in built.items():
        for fig in figs:
            spec = json.loads(theme.recolour(pio.to_json(fig, validate=False), "dark"))
            used = {c.lower() for c in _colours(spec)}
            assert used <= dark_allowed, (name, used - dark_allowed)
            assert theme.WHITE not in used and theme.TEXT.lower() not in used, name  # no white box, no dark text
            assert spec["layout"]["paper_bgcolor"] == theme.DARK_BACKGROUND
    light = pio.to_json(built["loss_figure"][0], validate=False)
    assert theme.recolour(light, "light") == light


MIN_ON_BACKGROUND = 20.0  # CIEDE2000 between a class or weight colour and the background it is drawn on


def test_signs_and_classes_stay_apart_and_visible_in_both_themes():
    for background, swap in ((theme.WHITE, {}), (theme.DARK_BACKGROUND, theme.DARK)):
        signs = [swap.get(c, c) for c in (theme.POSITIVE, theme.NEGATIVE)]
        classes = [swap.get(c, c) for c in theme.PALETTE[:RUNS]]
        assert closest(classes)[0] >= MIN_CLASSES
        for vision in VISIONS:
            assert difference(*signs, vision) >= MIN_SIGNS
            for c in {*signs, *classes[:THREE]}:
                assert difference(c, background, vision) >= MIN_ON_BACKGROUND, (background, c, vision)


# --- only the theme spells colours out -----------------------------------------------------------------
COLOUR_LITERAL = re.compile(
    r"""["'](\#[0-9a-fA-F]{3,8}|rgba?\(.*?\))["']"""  # "#d9480f", 'rgb(1,2,3)'
    r"""|colorscale["']?\s*[=:]\s*["']\w+["']"""  # a named plotly scale: colorscale="Tealrose"
)


def _colour_literals(text: str) -> list[str]:
    return [m.group(0) for m in COLOUR_LITERAL.finditer(text)]


def test_only_the_theme_spells_out_colours():
    sources = sorted((ROOT / "ui").rglob("*.py")) + sorted((ROOT / "app_pages").rglob("*.py"))
    assert ROOT / "ui" / "theme.py" in sources
    offenders = {str(p.relative_to(ROOT)): _colour_literals(p.read_text()) for p in sources if p.name != "theme.py"}
    assert not {p: hits for p, hits in offenders.items() if hits}
    assert _colour_literals((ROOT / "ui" / "theme.py").read_text())  # the pattern does find colours


def test_one_float32_helper():
    sources = sorted((ROOT / "ui").rglob("*.py")) + sorted((ROOT / "app_pages").rglob("*.py"))
    defining = [p.name for p in sources if re.search(r"^def _?f32\(", p.read_text(), re.M)]
    assert defining == ["theme.py"]
    assert theme.f32(np.array([1e39, -1e39, np.nan])).dtype == np.float32
    assert np.isfinite(theme.f32(np.array([1e39, -1e39]))).all() and np.isnan(theme.f32(np.array([np.nan])))[0]

