"""The decision regions' training points as one SVG image (ui.compare.points): where, what colour, which theme."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import plotly.io as pio
from plotly.colors import sample_colorscale, unlabel_rgb

from engine import make_dataset
from engine.compare import Comparison, Variant
from engine.run_config import RunConfig
from ui import theme
from ui.compare import figures
from ui.compare.points import points_image

SVG = "{http://www.w3.org/2000/svg}"


def circles(image: dict) -> list[dict]:
    """The circles of a points image, in drawing order, as their attributes."""
    head, svg = image["source"].split(",", 1)
    assert head == "data:image/svg+xml;utf8" and "#" not in svg  # a data URI's # would end it
    root = ET.fromstring(svg.replace("%23", "#"))
    ink = root.find(f"{SVG}g").get("stroke")
    return [{"ink": ink, **c.attrib} for c in root.iter(f"{SVG}circle")]


def _centres(image: dict, points: np.ndarray) -> np.ndarray:
    """The points' places in the image's units, from their data coordinates and the image's box."""
    _, _, width, height = map(float, ET.fromstring(image["source"].split(",", 1)[1].replace("%23", "#"))
                              .get("viewBox").split())
    x = (points[:, 0] - image["x"]) / image["sizex"] * width
    y = (image["y"] - points[:, 1]) / image["sizey"] * height
    return np.c_[x, y]


def _hex(rgb: str) -> np.ndarray:
    return np.array(unlabel_rgb(rgb), dtype=float)


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _comparison(name: str, **config) -> Comparison:
    comp = Comparison(RunConfig(**config), make_dataset(name, n=90, seed=2), [Variant("a", {}), Variant("b", {})])
    comp.train(2)
    return comp


def test_each_training_point_is_one_circle_in_its_class_colour_over_the_heatmap():
    comp = _comparison("spiral3", output="softmax", loss="ce")
    fig = figures.boundary_figure(comp, 1)
    assert [t.type for t in fig.data] == ["heatmap"]  # no SVG marker per point
    (image,) = fig.layout.images
    image = image.to_plotly_json()
    heat = fig.data[0]
    assert (image["xref"], image["yref"], image["layer"], image["sizing"]) == ("x", "y", "above", "stretch")
    assert image["x"] == heat.x[0] and image["x"] + image["sizex"] == heat.x[-1]      # the grid's box:
    assert image["y"] == heat.y[-1] and image["y"] - image["sizey"] == heat.y[0]      # it follows a zoom
    drawn = circles(image)
    data = comp.data
    assert len(drawn) == len(data.P_train)
    assert [c["fill"] for c in drawn] == theme.class_colours(data.y_train)
    assert {c["ink"] for c in drawn} == {theme.INK}
    places = np.array([[float(c["cx"]), float(c["cy"])] for c in drawn])
    assert np.allclose(places, _centres(image, data.P_train), atol=0.06)


def test_a_value_between_two_stops_mixes_them_as_plotly_would():
    scale = theme.DIVERGING
    values = np.array([0.0, 0.1, 0.5, 0.8, 1.0])
    image = points_image(np.c_[values, values], values, scale, (0.0, 1.0, 0.0, 1.0), 0.0, 1.0)
    drawn = circles(image)
    shown = []
    for c in drawn:  # a circle with an opacity lies over the one before it
        colour = _rgb(c["fill"])
        if "fill-opacity" in c:
            a = float(c["fill-opacity"])
            shown[-1] = a * colour + (1 - a) * shown[-1]
            assert float(c["r"]) < float(drawn[0]["r"])  # inside the outline
        else:
            shown.append(colour)
    expected = [_hex(c) for c in sample_colorscale(scale, list(values))]
    assert len(shown) == len(values) and np.allclose(shown, expected, atol=1.0)
    assert len(drawn) == len(values) + 2  # two circles for 0.1 and 0.8, one for each value on a stop


def test_the_dark_theme_recolours_the_points_outline_and_stops():
    comp = _comparison("plane", output="linear", loss="squared")  # regression: points between the stops
    light = pio.to_json(figures.boundary_figure(comp, 0), validate=False)
    dark = json.loads(theme.recolour(light, "dark"))
    drawn = circles(dark["layout"]["images"][0])
    assert {c["ink"] for c in drawn} == {theme.DARK[theme.INK]}
    fills = {c["fill"].lower() for c in drawn}
    assert theme.DARK[theme.NEUTRAL] in fills and theme.NEUTRAL not in fills
    assert fills <= {theme.NEGATIVE.lower(), theme.POSITIVE.lower(), theme.DARK[theme.NEUTRAL]}
