"""Backprop, step by step: the lecture's derivation with the live network's numbers filled in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine import MLP
from ui import derivation as der
from ui import state, theme

MODE = "deriv_mode"  # "playground" or "example"
EXAMPLE = "deriv_example"  # the loaded worked example (its own network, not the Playground's)
SAMPLE = {"playground": "deriv_sample", "example": "deriv_example_sample"}
SCATTER = "deriv_scatter"
MESSAGE = "deriv_message"
WEIGHT = ("deriv_w_layer", "deriv_w_j", "deriv_w_i")
BATCH_LAYER = "deriv_batch_layer"
TAB = "deriv_tab"
TABS = ("One weight's chain", "Gradient check", "Batch view")
MODES = {"playground": "The Playground's network", "example": "Worked example"}
HIGHLIGHT_CSS = f"background-color: {theme.HIGHLIGHT_BG}; font-weight: 600"


@dataclass(frozen=True)
class Source:
    """What the page derives from: a network, its samples (X, encoded Y), points to plot, ξ."""

    net: MLP
    X: np.ndarray
    Y: np.ndarray
    points: np.ndarray  # (N, 2) for the sample chooser
    colour: np.ndarray
    axis_titles: tuple[str, str]
    lr: float
    label: str


def _source() -> Source:
    session = st.session_state
    if session.get(MODE) == "example" and session.get(EXAMPLE) is not None:
        ex = session[EXAMPLE]
        return Source(ex.net, ex.X, ex.Y, ex.X[:, :2], ex.labels, ("x₁", "x₂"), ex.lr, ex.title)
    run = state.sync(session)
    data = run.data
    P = data.P_train
    titles = ("x₁", "x₂")
    if P.shape[1] < 2:  # 1-D inputs: plot x against the target
        P, titles = np.c_[P[:, 0], data.y_train], ("x₁", "y")
    label = f"the Playground's network {run.net.sizes} on {data.name}, epoch {run.trainer.epoch}"
    return Source(run.net, data.X_train, run.trainer.Y_train, P, data.y_train, titles, run.trainer.lr, label)


# --- callbacks (run before the script, so the page never shows one click behind) ---------------------
def _load_example(key: str) -> None:
    st.session_state[EXAMPLE] = der.make_example(key)
    st.session_state[MODE] = "example"
    st.session_state[SAMPLE["example"]] = 0
    st.session_state[MESSAGE] = ("success", f"Worked example loaded: {st.session_state[EXAMPLE].title}.")


def _apply_step(mode: str, index: int) -> None:
    session = st.session_state
    try:
        if mode == "example":
            s = der.apply_example_step(session[EXAMPLE], index)
            before, after = s.loss_before, s.loss_after
        else:
            before, after = state.apply_sample_step(session, index)
    except (ValueError, KeyError) as err:
        session[MESSAGE] = ("error", f"The step was not applied: {err}")
        return
    session[MESSAGE] = ("success", f"Applied the update for sample {index}: its loss went from "
                                   f"{before:.6g} to {after:.6g}. The page now shows the new weights.")


def _on_select() -> None:
    event = st.session_state.get(SCATTER)
    try:
        points = event["selection"]["points"]
        index = int(points[0]["customdata"][0] if isinstance(points[0]["customdata"], list)
                    else points[0]["customdata"])
    except (KeyError, IndexError, TypeError, ValueError):
        return
    st.session_state[SAMPLE[st.session_state.get(MODE, "playground")]] = index


# --- widgets ------------------------------------------------------------------------------------------
def _clamp(key: str, low: int, high: int, default: int = 0) -> None:
    """Keep a widget's stored value inside its current range (the network or data may have changed)."""
    value = st.session_state.get(key, default)
    if key not in st.session_state or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        st.session_state[key] = min(max(int(value) if isinstance(value, (int, float)) else default, low), high)


def _scatter(src: Source, index: int) -> go.Figure:
    P, c = src.points, np.asarray(src.colour)
    if np.issubdtype(c.dtype, np.integer):  # class labels: the class colours
        marker = {"color": theme.class_colours(c)}
    else:  # values: the diverging scale
        marker = {"color": theme.f32(c), "colorscale": theme.DIVERGING}
    samples = dict(type="scatter", x=theme.f32(P[:, 0]), y=theme.f32(P[:, 1]), mode="markers",
                   customdata=np.arange(len(P)), marker={**marker, "size": 7, "opacity": 0.75, "line": {"width": 0}},
                   hovertemplate="sample %{customdata}<extra></extra>", name="samples", showlegend=False)
    chosen = dict(type="scatter", x=[float(P[index, 0])], y=[float(P[index, 1])], mode="markers", customdata=[index],
                  marker={"size": 16, "color": theme.TRANSPARENT, "line": {"width": 3, "color": theme.HIGHLIGHT}},
                  hovertemplate="chosen: sample %{customdata}<extra></extra>", name="chosen", showlegend=False)
    lo, hi = np.nanmin(P, axis=0), np.nanmax(P, axis=0)
    pad = np.maximum(0.08 * (hi - lo), 0.25)  # one or a few samples still get a readable frame
    return theme.figure(
        [samples, chosen], 260, margin={"l": 50, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": src.axis_titles[0]}, "range": [float(lo[0] - pad[0]), float(hi[0] + pad[0])]},
        yaxis={"title": {"text": src.axis_titles[1]}, "range": [float(lo[1] - pad[1]), float(hi[1] + pad[1])]})


def _escape(text: str) -> str:
    """Plain text for st.markdown: y*, y_j and the like must not turn into emphasis."""
    return text.replace("*", r"\*").replace("_", r"\_")


def _short(v: np.ndarray) -> str:
    """A vector for a caption: its entries, or its size when it is long."""
    if v.size > der.MAX_FULL:
        return f"({v.size} values)"
    return "(" + ", ".join(f"{x:.4g}" for x in v) + ")"


def _latex(lines: list[str]) -> None:
    for line in lines:
        st.latex(line)


def _styled_updates(rows: list[dict]) -> pd.io.formats.style.Styler:
    frame = pd.DataFrame(rows)
    top = der.largest_changes(rows)
    return frame.style.apply(
        lambda r: [HIGHLIGHT_CSS if r.name in top else "" for _ in r], axis=1
    ).format({k: "{:.6g}" for k in ("before", "gradient", "after", "change")})


# --- sections -----------------------------------------------------------------------------------------
def _forward(s: der.Step) -> None:
    st.subheader("1 · Forward pass")
    L = s.L
    acts = ", ".join(f"layer {l}: {der.activation_name(s.net, l)}" for l in range(1, L + 1))
    st.markdown(f"The sample enters as u⁽¹⁾; each layer first mixes its inputs with its weights (stage I), "
                f"then squashes the result with its activation (stage O), and that output is the next "
                f"layer's input. Activations: {acts}.")
    _latex(der.forward_latex(s))
    st.markdown(f"**Loss** ({s.net.lossfn.label.lower()}), comparing the prediction y* with the target y:")
    _latex(der.loss_latex(s))


def _backward(s: der.Step) -> None:
    st.subheader("2 · Backward pass")
    text, eqs = der.output_delta_latex(s)
    st.markdown(f"**δ at the output** — δ⁽ˡ⁾ is how much the loss changes when the first stage I⁽ˡ⁾ "
                f"moves. {_escape(text)}")
    _latex(eqs)
    for l in range(s.L - 1, 0, -1):
        act = der.ACTIVATIONS[s.net.hidden]
        st.markdown(f"**δ of hidden layer {l}** — each unit collects the δ of the layer above through the "
                    f"weights it feeds, then multiplies by its own slope: A′ = {act.derivative_text} for "
                    f"{act.label}, with O = A(I) the unit's output (the lecture's z). The lecture writes the "
                    "same product with δ as a row, δ⁽ˡ⁺¹⁾(w⁽ˡ⁺¹⁾)ᵀ.")
        _latex(der.hidden_delta_latex(s, l))
    st.markdown("**Gradients** — the gradient of a weight is its input times the δ of the unit it feeds, "
                "so the whole matrix is an outer product: a column u times a row δᵀ.")
    for l in range(s.L, 0, -1):
        _latex(der.gradient_latex(s, l))


def _update(s: der.Step, mode: str, index: int) -> None:
    st.subheader("3 · Update")
    st.latex(der.update_latex(s))
    c1, c2, c3 = st.columns([1, 1, 2])
    c1.metric("Loss of this sample before", f"{s.loss_before:.6g}")
    c2.metric("… after this step", f"{s.loss_after:.6g}", delta=f"{s.loss_after - s.loss_before:.3g}",
              delta_color="inverse")
    with c3:
        st.button("Apply this step", key="deriv_apply", type="primary", on_click=_apply_step,
                  args=(mode, index), disabled=not s.finite,
                  help="Do exactly this update on the network (SGD by hand, one sample at a time).")
        target = "the worked example's network" if mode == "example" else (
            "the Playground's network (its charts follow; the history gets a row at the current epoch)")
        st.caption(f"Applies to {target}.")
    if not s.finite:
        st.warning("This step would make a weight or the loss infinite; lower the learning rate ξ.")
    rows = der.update_rows(s)
    shown, cut = der.table_rows(rows)
    if cut:
        st.caption(f"{len(rows)} parameters: the table lists the {len(shown)} that move most.")
    st.caption(f"Every parameter before → after; the {der.HIGHLIGHT} largest changes are highlighted.")
    st.dataframe(_styled_updates(shown), hide_index=True, key="deriv_updates",
                 height=min(38 + 35 * len(shown), 640))


def _chain(s: der.Step) -> None:
    sizes = s.net.sizes
    L = s.L
    _clamp(WEIGHT[0], 1, L, default=1)
    c1, c2, c3 = st.columns(3)
    l = c1.number_input("Layer l", 1, L, step=1, key=WEIGHT[0], persist_state="session")
    _clamp(WEIGHT[1], 1, sizes[l - 1], default=1)
    _clamp(WEIGHT[2], 1, sizes[l], default=1)
    j = c2.number_input("From unit j of u⁽ˡ⁾", 1, sizes[l - 1], step=1, key=WEIGHT[1], persist_state="session")
    i = c3.number_input("To unit i of layer l", 1, sizes[l], step=1, key=WEIGHT[2], persist_state="session")
    st.markdown(f"Follow $w_{{{der.sub(j, i)}}}^{{({l})}}$ backwards: its input times its unit's δ; that δ "
                "comes from the layer above, and so on up to the loss.")
    lines, _ = der.chain_latex(s, int(l), int(j), int(i))
    _latex(lines)


def _gradcheck(src: Source, index: int) -> None:
    check = der.check_gradients(src.net, src.X[index], src.Y[index])
    st.markdown("Backprop's gradient against a central difference, (L(θ + ε) − L(θ − ε)) / 2ε with "
                f"ε = {der.CHECK_EPS:g}, for one parameter at a time. A row passes when the relative error is "
                f"below {der.CHECK_REL_TOL:g} (or the two differ by less than {der.CHECK_ABS_TOL:g}, "
                "where rounding noise dominates).")
    if check.sampled:
        st.caption(f"The network has {check.n_params} trained parameters; {len(check.rows)} of them, "
                   "picked at random (seeded), are checked.")
    if check.passed:
        st.success(f"All {len(check.rows)} checked gradients agree.")
    else:
        bad = sum(not r["pass"] for r in check.rows)
        st.warning(f"{bad} of {len(check.rows)} checked gradients disagree.")
    if check.near_kink:
        st.info(f"{check.near_kink} hidden input(s) I sit at or next to 0, the kink of the ReLU: there the "
                "slope jumps, the finite difference straddles the jump, and a disagreement is expected.")
    st.dataframe(pd.DataFrame(check.rows), hide_index=True, key="deriv_gradcheck",
                 height=min(38 + 35 * len(check.rows), 420),
                 column_config={"backprop": st.column_config.NumberColumn(format="%.8e"),
                                "finite difference": st.column_config.NumberColumn(format="%.8e"),
                                "relative error": st.column_config.NumberColumn(format="%.2e")})


def _batch(src: Source, index: int) -> None:
    indices = der.batch_indices(index, len(src.X))
    L = len(src.net.W)
    _clamp(BATCH_LAYER, 1, L, default=L)
    l = st.number_input("Layer l", 1, L, step=1, key=BATCH_LAYER, persist_state="session")
    st.markdown(f"A mini-batch of {len(indices)} samples (the chosen one and the next ones) gives one "
                "update: every sample contributes its own outer product u δᵀ, and the gradient is their "
                "average. With one sample this is just section 2's gradient.")
    _latex(der.batch_latex(src.net, src.X, src.Y, indices, int(l)))


def _examples() -> None:
    ex = st.session_state.get(EXAMPLE)
    if ex is None or st.session_state.get(MODE) != "example":
        return
    st.info(f"**{ex.title}** — {ex.note} Steps applied so far: {ex.steps}.")
    if ex.published:
        st.markdown("**Published numbers beside ours** (ours from the example's starting weights; the tiny "
                    "differences come from his rounding of intermediate values):")
        rows = der.comparison_rows(ex)
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="deriv_compare", height=38 + 35 * len(rows),
                     column_config={"published": st.column_config.NumberColumn(format="%.9f"),
                                    "ours": st.column_config.NumberColumn(format="%.9f"),
                                    "difference": st.column_config.NumberColumn(format="%.1e")})


# --- the page ----------------------------------------------------------------------------------------
def main() -> None:
    session = st.session_state
    st.title("Backprop, step by step")
    st.markdown("Pick one sample and watch the lecture's equations run with this network's numbers: forward "
                "through the stages I and O, back through the δs, then one gradient-descent step.")
    session.setdefault(MODE, "playground")
    if session[MODE] == "example" and session.get(EXAMPLE) is None:
        session[EXAMPLE] = der.make_example("lecture")
    top = st.columns([2, 1, 1])
    top[0].radio("Network", list(MODES), format_func=MODES.get, key=MODE, horizontal=True,
                persist_state="session")
    top[1].button("Load the lecture's 2-2-1", key="deriv_load_lecture", on_click=_load_example,
                  args=("lecture",), width="stretch", help="Loads (or resets) the worked example (a).")
    top[2].button("Load Mazur's 2-2-2", key="deriv_load_mazur", on_click=_load_example, args=("mazur",),
                  width="stretch", help="Loads (or resets) the worked example (b).")
    kind, text = session.pop(MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(text)
    try:
        _derivation(session[MODE])
    except (ValueError, ArithmeticError) as err:  # a last guard: a message, never a traceback
        st.error(f"This network or sample cannot be derived here: {err}")


def _derivation(mode: str) -> None:
    src = _source()
    _examples()
    n = len(src.X)
    key = SAMPLE[mode]
    _clamp(key, 0, n - 1)
    left, right = st.columns([1, 2])
    with left:
        where = "training set" if mode == "playground" else "the example's samples"
        index = int(st.number_input(f"Sample ({where}, 0 … {n - 1})", 0, n - 1, step=1, key=key,
                                    persist_state="session"))
        st.caption(f"From {src.label}. x = {_short(src.X[index])}, target y = {_short(src.Y[index])}, "
                   f"ξ = {src.lr:g}. Or click a point in the plot.")
    with right:
        st.plotly_chart(_scatter(src, index), key=SCATTER, on_select=_on_select, selection_mode="points",
                        config={"displayModeBar": False})
    s = der.compute_step(src.net, src.X[index], src.Y[index], src.lr)
    if src.net.reg != "none" and src.net.lam > 0:
        st.caption(f"Regularization is on ({src.net.reg}, λ = {src.net.lam:g}): the gradients below get "
                   "its term added, as the trainer does. The loss values are the data loss alone.")
    if max(src.net.sizes) > der.MAX_FULL:
        st.caption(f"Vectors and matrices with more than {der.MAX_FULL} rows or columns are summarised by "
                   "their shape and largest entries.")
    _forward(s)
    _backward(s)
    _update(s, mode, index)
    st.subheader("4 · 5 · 6 · A closer look")
    # lazy tabs: only the open one runs and is sent (fewer formulas and tables for the browser)
    tabs = st.tabs(list(TABS), key=TAB, on_change="rerun")
    for tab, show in zip(tabs, (lambda: _chain(s), lambda: _gradcheck(src, index), lambda: _batch(src, index))):
        if tab.open:
            with tab:
                show()


main()
