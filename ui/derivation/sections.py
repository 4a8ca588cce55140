"""The Step-by-step page's sections: forward, backward, update, and a closer look in three tabs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from engine import examples
from engine.step import Step, compute_step
from ui import keys, latex
from ui.derivation import callbacks, figures, passes, tables
from ui.derivation import equations as der
from ui.derivation.source import Source, current_source

TABS = ("One weight's chain", "Gradient check", "Batch view")
MODES = {"playground": "The Playground's network", "example": "Worked example"}
# the sections' heading anchors: a link to derivation#forward-pass opens the page at section 1
ANCHORS = {"passes": passes.ANCHOR, "forward": "forward-pass", "backward": "backward-pass", "update": "update",
           "closer": "closer-look"}


def _escape(text: str) -> str:
    """Plain text for st.markdown: y*, y_j and the like must not turn into emphasis."""
    return text.replace("*", r"\*").replace("_", r"\_")


def _short(v: np.ndarray) -> str:
    """A vector for a caption: its entries, or its size when it is long."""
    if v.size > latex.MAX_FULL:
        return f"({v.size} values)"
    return "(" + ", ".join(f"{x:.4g}" for x in v) + ")"


def _latex(lines: list[str]) -> None:
    for line in lines:
        st.latex(line)


def _forward(s: Step) -> None:
    st.subheader("1 · Forward pass", anchor=ANCHORS["forward"])
    L = s.L
    acts = ", ".join(f"layer {l}: {der.activation_name(s.net, l)}" for l in range(1, L + 1))
    st.markdown(f"The sample enters as u⁽¹⁾; each layer first mixes its inputs with its weights (stage I), "
                f"then squashes the result with its activation (stage O), and that output is the next "
                f"layer's input. Activations: {acts}.")
    _latex(der.forward_latex(s))
    st.markdown(f"**Loss** ({s.net.lossfn.label.lower()}), comparing the prediction y* with the target y:")
    _latex(der.loss_latex(s))


def _backward(s: Step) -> None:
    st.subheader("2 · Backward pass", anchor=ANCHORS["backward"])
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


def _update(s: Step, mode: str, index: int) -> None:
    st.subheader("3 · Update", anchor=ANCHORS["update"])
    st.latex(der.update_latex(s))
    c1, c2, c3 = st.columns([1, 1, 2])
    c1.metric("Loss of this sample before", f"{s.loss_before:.6g}")
    c2.metric("… after this step", f"{s.loss_after:.6g}", delta=f"{s.loss_after - s.loss_before:.3g}",
              delta_color="inverse")
    with c3:
        st.button("Apply this step", key=keys.DERIV_APPLY, type="primary", on_click=callbacks.apply_step,
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
    st.dataframe(tables.styled_updates(shown), hide_index=True, key=keys.DERIV_UPDATES,
                 height=min(38 + 35 * len(shown), 640))


def _chain(s: Step) -> None:
    sizes = s.net.sizes
    L = s.L
    callbacks.clamp(keys.DERIV_WEIGHT[0], 1, L, default=1)
    c1, c2, c3 = st.columns(3)
    l = c1.number_input("Layer l", 1, L, step=1, key=keys.DERIV_WEIGHT[0], persist_state="session")
    callbacks.clamp(keys.DERIV_WEIGHT[1], 1, sizes[l - 1], default=1)
    callbacks.clamp(keys.DERIV_WEIGHT[2], 1, sizes[l], default=1)
    j = c2.number_input("From unit j of u⁽ˡ⁾", 1, sizes[l - 1], step=1, key=keys.DERIV_WEIGHT[1],
                        persist_state="session")
    i = c3.number_input("To unit i of layer l", 1, sizes[l], step=1, key=keys.DERIV_WEIGHT[2],
                        persist_state="session")
    st.markdown(f"Follow $w_{{{latex.sub(j, i)}}}^{{({l})}}$ backwards: its input times its unit's δ; that δ "
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
    st.dataframe(pd.DataFrame(check.rows), hide_index=True, key=keys.DERIV_GRADCHECK,
                 height=min(38 + 35 * len(check.rows), 420),
                 column_config={"backprop": st.column_config.NumberColumn(format="%.8e"),
                                "finite difference": st.column_config.NumberColumn(format="%.8e"),
                                "relative error": st.column_config.NumberColumn(format="%.2e")})


def _batch(src: Source, index: int) -> None:
    indices = der.batch_indices(index, len(src.X))
    L = len(src.net.W)
    callbacks.clamp(keys.DERIV_BATCH_LAYER, 1, L, default=L)
    l = st.number_input("Layer l", 1, L, step=1, key=keys.DERIV_BATCH_LAYER, persist_state="session")
    st.markdown(f"A mini-batch of {len(indices)} samples (the chosen one and the next ones) gives one "
                "update: every sample contributes its own outer product u δᵀ, and the gradient is their "
                "average. With one sample this is just section 2's gradient.")
    _latex(der.batch_latex(src.net, src.X, src.Y, indices, int(l)))


def _examples() -> None:
    ex = st.session_state.get(keys.DERIV_EXAMPLE)
    if ex is None or st.session_state.get(keys.DERIV_MODE) != "example":
        return
    st.info(f"**{ex.title}** — {ex.note} Steps applied so far: {ex.steps}.")
    if ex.published:
        st.markdown("**Published numbers beside ours** (ours from the example's starting weights; the tiny "
                    "differences come from his rounding of intermediate values):")
        rows = examples.comparison_rows(ex)
        st.dataframe(pd.DataFrame(rows), hide_index=True, key=keys.DERIV_COMPARE, height=38 + 35 * len(rows),
                     column_config={"published": st.column_config.NumberColumn(format="%.9f"),
                                    "ours": st.column_config.NumberColumn(format="%.9f"),
                                    "difference": st.column_config.NumberColumn(format="%.1e")})


def render() -> None:
    """The page below its title: the network and sample choice, then every section."""
    session = st.session_state
    session.setdefault(keys.DERIV_MODE, "playground")
    if session[keys.DERIV_MODE] == "example" and session.get(keys.DERIV_EXAMPLE) is None:
        session[keys.DERIV_EXAMPLE] = examples.make_example("lecture")
    top = st.columns(2)
    top[0].radio("Network", list(MODES), format_func=MODES.get, key=keys.DERIV_MODE, horizontal=True,
                persist_state="session")
    loads = top[1].container(horizontal=True, horizontal_alignment="right")  # buttons as wide as their labels, wrapping
    loads.button("Load the lecture's 2-2-1", key=keys.DERIV_LOAD["lecture"], on_click=callbacks.load_example,
                 args=("lecture",), help="Loads (or resets) the worked example (a).")
    loads.button("Load Mazur's 2-2-2", key=keys.DERIV_LOAD["mazur"], on_click=callbacks.load_example, args=("mazur",),
                 help="Loads (or resets) the worked example (b).")
    kind, text = session.pop(keys.DERIV_MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(text)
    try:
        _derivation(session[keys.DERIV_MODE])
    except (ValueError, ArithmeticError) as err:  # a last guard: a message, never a traceback
        st.error(f"This network or sample cannot be derived here: {err}")


def _derivation(mode: str) -> None:
    src = current_source()
    _examples()
    n = len(src.X)
    key = keys.DERIV_SAMPLE[mode]
    callbacks.clamp(key, 0, n - 1)
    left, right = st.columns([1, 2])
    with left:
        where = "training set" if mode == "playground" else "the example's samples"
        index = int(st.number_input(f"Sample ({where}, 0 … {n - 1})", 0, n - 1, step=1, key=key,
                                    persist_state="session"))
        st.caption(f"From {src.label}. x = {_short(src.X[index])}, target y = {_short(src.Y[index])}, "
                   f"ξ = {src.lr:g}. Or click a point in the plot.")
    with right:
        st.plotly_chart(figures.sample_chooser(src, index), key=keys.DERIV_SCATTER, on_select=callbacks.on_select,
                        selection_mode="points",
                        config={"displayModeBar": False})
    s = compute_step(src.net, src.X[index], src.Y[index], src.lr)
    if src.net.reg != "none" and src.net.lam > 0:
        st.caption(f"Regularization is on ({src.net.reg}, λ = {src.net.lam:g}): the gradients below get "
                   "its term added, as the trainer does. The loss values are the data loss alone.")
    if max(src.net.sizes) > latex.MAX_FULL:
        st.caption(f"Vectors and matrices with more than {latex.MAX_FULL} rows or columns are summarised by "
                   "their shape and largest entries.")
    passes.render(s, src.input_names, src.epoch)
    _forward(s)
    _backward(s)
    _update(s, mode, index)
    st.subheader("4 · 5 · 6 · A closer look", anchor=ANCHORS["closer"])
    # lazy tabs: only the open one runs and is sent (fewer formulas and tables for the browser)
    tabs = st.tabs(list(TABS), key=keys.DERIV_TAB, on_change="rerun")
    for tab, show in zip(tabs, (lambda: _chain(s), lambda: _gradcheck(src, index), lambda: _batch(src, index))):
        if tab.open:
            with tab:
                show()
