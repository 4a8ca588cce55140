"""The Step-by-step page's "Your turn": one quantity at a time, typed, checked, with a hint when wrong.

The exercise (engine/exercises.py) is a small network like the page's, drawn from a seed; a link
`derivation?exercise_seed=N&exercise_net=CODE[&exercise_sample=K]#your-turn` reproduces it.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np
import streamlit as st

from engine import exercises as exq
from engine.activations import ACTIVATIONS, OUTPUT_UNITS
from engine.losses import LOSSES
from engine.validation import quoted
from ui import keys, plain
from ui.derivation.source import current_source
from ui.latex import col, mat, num, sub, term

ANCHOR = "your-turn"
SECTION_KEY = "your_turn"
SEED_PARAM, SAMPLE_PARAM, NET_PARAM = "exercise_seed", "exercise_sample", "exercise_net"
LINK_PARAMS = (SEED_PARAM, SAMPLE_PARAM, NET_PARAM)  # an exercise link's own URL parameters


# --- the exercise in the session --------------------------------------------------------------------
def new_state(setup: exq.Setup, seed: int, sample: int, basis: str) -> dict:
    """An exercise at its first question; `basis` is the structure of the page's network it was set against."""
    return {"setup": setup.code(), "seed": int(seed), "sample": int(sample), "q": 0, "basis": basis}


def exercise_of(state: Mapping) -> exq.Exercise:
    return exq.draw(exq.parse_setup(state["setup"]), state["seed"], state["sample"])


def link(seed: int, setup: str | None = None, sample: int = 0, base: str = "derivation") -> str:
    """An exercise's link: the page's address with the seed, the sample (when not 0), the network's code
    (`Setup.code()`; without it the page's own network is used) and the section's anchor; `base` may carry
    the page's settings already (a lesson's network)."""
    query = [f"{SEED_PARAM}={int(seed)}"] + ([f"{SAMPLE_PARAM}={int(sample)}"] if sample else []) + (
        [f"{NET_PARAM}={setup}"] if setup else [])
    return f"{base}{'&' if '?' in base else '?'}{'&'.join(query)}#{ANCHOR}"


def _whole(params: Mapping, name: str, high: int, default: int | None = None) -> int:
    text = str(params.get(name, "" if default is None else default)).strip()[:20]
    if not text.isdigit() or int(text) > high:
        raise ValueError(f"the link's {name} must be a whole number from 0 to {high}, not {quoted(text)}")
    return int(text)


def state_from_link(params: Mapping, basis: exq.Setup) -> dict:
    """The exercise a link asks for (`basis`'s network when the link names none); ValueError saying what is wrong."""
    seed = _whole(params, SEED_PARAM, exq.MAX_SEED)
    sample = _whole(params, SAMPLE_PARAM, exq.MAX_SAMPLE, default=0)
    setup = exq.parse_setup(params[NET_PARAM]) if NET_PARAM in params else basis
    return new_state(setup, seed, sample, basis.code())


def _page_setup() -> exq.Setup:
    net = current_source().net
    return exq.setup_like(net.sizes, net.hidden, net.output, net.loss_name, net.bias)


def _sync(session: MutableMapping, params: Mapping) -> exq.Exercise:
    """The exercise to show: a new link's, else the one in progress (renewed when the page's network changed)."""
    basis = _page_setup()
    wanted = tuple((p, str(params[p])[:100]) for p in (SEED_PARAM, SAMPLE_PARAM, NET_PARAM) if p in params)
    if SEED_PARAM in params and session.get(keys.EX_LINK) != wanted:
        session[keys.EX_LINK] = wanted
        try:
            session[keys.EX_STATE] = state_from_link(params, basis)
        except ValueError as err:
            session[keys.EX_FEEDBACK] = {"kind": "warning", "text": f"The exercise link was not used: {err}. "
                                         "Here is an exercise for this page's network instead."}
    state = session.get(keys.EX_STATE)
    if state is None or state["basis"] != basis.code():
        seed = state["seed"] if state else 0
        state = session[keys.EX_STATE] = new_state(basis, seed, 0, basis.code())
    session[keys.EX_SEED] = state["seed"]
    return exercise_of(state)


# --- what the page writes -------------------------------------------------------------------------------
def _s(value: float) -> str:
    """A computed value as shown (four significant digits), in parentheses when negative."""
    return term(exq.rounded(value))


def quantity_latex(ex: exq.Exercise, name: str) -> str:
    """The symbol of a quantity by its key ('O2_1' is y*_1 at the output, z_1 in a hidden layer)."""
    L, J = ex.setup.layers, ex.setup.sizes[-1]
    if name == "L":
        return "L"
    if name in ("gw", "gb", "wnew"):
        w = rf"w_{{{sub(ex.j, ex.unit)}}}^{{(1)}}"
        return {"gw": rf"\partial L/\partial {w}", "gb": rf"\partial L/\partial b_{{{ex.unit}}}^{{(1)}}",
                "wnew": rf"{w}\ \text{{after the update}}"}[name]
    stage, rest = name[0], name[1:]
    l, i = (int(n) for n in rest.split("_"))
    if stage == "O" and l == L:
        return r"y^{*}" if J == 1 else rf"y^{{*}}_{{{i}}}"
    symbol = {"I": "I", "O": "O", "d": r"\delta"}[stage]
    return rf"{symbol}_{{{i}}}^{{({l})}}"


def question_prompt(ex: exq.Exercise, q: exq.Question) -> str:
    """What to compute, in words with inline LaTeX."""
    sym = quantity_latex(ex, q.name)
    L = ex.setup.layers
    return {
        "ystar": f"the prediction ${sym}$: run the sample forward, stage I then stage O, layer by layer.",
        "loss": "the loss $L$ of this sample, from $y$ and $y^*$.",
        "delta_out": f"${sym}$, the δ of the output (layer {L}): how much $L$ changes when $I^{{({L})}}$ moves.",
        "delta_hidden": f"${sym}$, the δ of hidden unit {ex.unit}: the δ above, back through its weight, "
                        "times the unit's slope.",
        "grad_w": f"the gradient ${sym}$ of the weight from input {ex.j} to unit {ex.unit} of layer 1.",
        "grad_b": f"the gradient ${sym}$ of unit {ex.unit}'s bias.",
        "w_new": rf"the new value of $w_{{{sub(ex.j, ex.unit)}}}^{{(1)}}$ after one gradient-descent step "
                 r"with $\xi$.",
    }[q.key]


def _vector(ex: exq.Exercise, prefix: str, n: int) -> list[float]:
    return [exq.rounded(ex.values[f"{prefix}_{m}"]) for m in range(1, n + 1)]


def givens_latex(ex: exq.Exercise) -> list[str]:
    """The numbers given: x, y, ξ and every weight and bias (shown exactly)."""
    s = ex.setup
    lines = [r"\mathbf{x}=\mathbf{u}^{(1)}=" + col(ex.x, "x") + r",\quad\mathbf{y}=" + _vec(ex.y)
             + rf",\quad\xi={num(ex.xi)}"]
    for l in range(1, s.layers + 1):
        line = rf"\mathbf{{w}}^{{({l})}}=" + mat(ex.W[l - 1], "w")
        if s.bias:
            line += rf",\quad\mathbf{{b}}^{{({l})}}=" + col(ex.b[l - 1], "b")
        lines.append(line)
    return lines


def _vec(values) -> str:
    """A column of shown values, or the value alone when there is one."""
    return num(values[0]) if len(values) == 1 else col(values)


def known_latex(ex: exq.Exercise, answered: int) -> list[str]:
    """What the answered questions revealed, rounded as shown, to work on from."""
    s, L = ex.setup, ex.setup.layers
    names = {n for q in ex.questions[:answered] for n in q.reveals}
    lines = []
    for l in range(1, L + 1):
        if f"I{l}_1" in names:
            out = r"\mathbf{y}^{*}" if l == L else r"\mathbf{z}"
            lines.append(rf"\mathbf{{I}}^{{({l})}}=" + _vec(_vector(ex, f"I{l}", s.sizes[l]))
                         + rf",\quad\mathbf{{O}}^{{({l})}}={out}=" + _vec(_vector(ex, f"O{l}", s.sizes[l])))
    if "L" in names:
        lines.append("L=" + num(exq.rounded(ex.values["L"])))
    for l in range(L, 0, -1):
        if f"d{l}_1" in names:
            lines.append(rf"\boldsymbol{{\delta}}^{{({l})}}=" + _vec(_vector(ex, f"d{l}", s.sizes[l])))
    for name in ("gw", "gb", "wnew"):
        if name in names:
            lines.append(quantity_latex(ex, name) + "=" + num(exq.rounded(ex.values[name])))
    return lines


def _forward_worked(ex: exq.Exercise) -> list[str]:
    s, v, lines = ex.setup, ex.values, []
    for l in range(1, s.layers + 1):
        u = ex.x if l == 1 else _vector(ex, f"O{l - 1}", s.sizes[l - 1])
        bias = "+" + _vec(ex.b[l - 1]) if s.bias else ""
        act = OUTPUT_UNITS[s.output].label if l == s.layers else ACTIVATIONS[s.hidden].label
        lines.append(rf"\mathbf{{I}}^{{({l})}}=(\mathbf{{w}}^{{({l})}})^{{\mathrm T}}\mathbf{{u}}^{{({l})}}"
                     + (rf"+\mathbf{{b}}^{{({l})}}" if s.bias else "") + "="
                     + mat(ex.W[l - 1], transposed=True) + col(u) + bias + "=" + _vec(_vector(ex, f"I{l}", s.sizes[l])))
        lines.append(rf"\mathbf{{O}}^{{({l})}}=\text{{{act}}}(\mathbf{{I}}^{{({l})}})="
                     + _vec(_vector(ex, f"O{l}", s.sizes[l])))
    ys = f"O{s.layers}_{ex.k}"
    if s.sizes[-1] > 1:
        lines.append(quantity_latex(ex, ys) + "=" + num(exq.rounded(v[ys])))
    return lines


def _loss_worked(ex: exq.Exercise) -> list[str]:
    s, v, L, J = ex.setup, ex.values, ex.setup.layers, ex.setup.sizes[-1]
    p = [_s(v[f"O{L}_{m}"]) for m in range(1, J + 1)]
    y = [term(ex.y[m]) for m in range(J)]
    if s.loss == "bce":  # 1 − y and 1 − y* worked out: exact in the shown digits
        q = [term(exq.rounded(1 - exq.rounded(v[f"O{L}_{m}"]))) for m in range(1, J + 1)]
        body = "".join(rf"-{y[m]}\cdot\log {p[m]}-{term(1 - ex.y[m])}\cdot\log {q[m]}" for m in range(J))
    elif s.loss == "ce":
        body = "".join(rf"-{y[m]}\cdot\log {p[m]}" for m in range(J))
    else:
        body = r"\tfrac12\big[" + "+".join(rf"({y[m]}-{p[m]})^2" for m in range(J)) + r"\big]"
    return [LOSSES[s.loss].latex, "L=" + body + "=" + num(exq.rounded(v["L"]))]


def _output_worked(ex: exq.Exercise) -> list[str]:
    s, v, L, k = ex.setup, ex.values, ex.setup.layers, ex.k
    sym, p, y = quantity_latex(ex, f"d{L}_{k}"), _s(v[f"O{L}_{k}"]), term(ex.y[k - 1])
    rule, d = exq.output_rule(s.output, s.loss), num(exq.rounded(v[f"d{L}_{k}"]))
    ys = "y^{*}" if s.sizes[-1] == 1 else f"y^{{*}}_{{{k}}}"
    yk = "y" if s.sizes[-1] == 1 else f"y_{{{k}}}"
    if rule == "matched":
        return [rf"{sym}={ys}-{yk}={p}-{y}={d}"]
    if rule == "sigmoid_squared":
        return [rf"{sym}=({ys}-{yk})\,{ys}(1-{ys})=({p}-{y})\cdot{p}\cdot(1-{p})={d}"]
    J = s.sizes[-1]
    total = sum(exq.rounded(v[f"O{L}_{m}"]) * (exq.rounded(v[f"O{L}_{m}"]) - ex.y[m - 1]) for m in range(1, J + 1))
    terms = "+".join(rf"({_s(v[f'O{L}_{m}'])}-{term(ex.y[m - 1])})\cdot{_s(v[f'O{L}_{m}'])}" for m in range(1, J + 1))
    return [rf"{sym}={ys}\Big(({ys}-{yk})-\sum_j(y^{{*}}_j-y_j)\,y^{{*}}_j\Big),\quad\sum_j(y^{{*}}_j-y_j)\,y^{{*}}_j"
            rf"={terms}={num(total)}",
            rf"{sym}={p}\cdot\big(({p}-{y})-{term(total)}\big)={d}"]


def _hidden_worked(ex: exq.Exercise) -> list[str]:
    s, v, i = ex.setup, ex.values, ex.unit
    z, I_ = _s(v[f"O1_{i}"]), _s(v[f"I1_{i}"])
    slope = {"sigmoid": rf"z_{{{i}}}(1-z_{{{i}}})={z}\cdot(1-{z})", "tanh": rf"1-z_{{{i}}}^2=1-{z}^2",
             "relu": rf"\mathbb{{1}}[I_{{{i}}}^{{(1)}}>0]\ \text{{with }}I_{{{i}}}^{{(1)}}={I_}",
             "leaky_relu": rf"\mathbb{{1}}[I_{{{i}}}^{{(1)}}>0]+0.01\,\mathbb{{1}}[I_{{{i}}}^{{(1)}}\le0]\ "
                           rf"\text{{with }}I_{{{i}}}^{{(1)}}={I_}",
             "linear": "1"}[s.hidden]
    slope_value = ACTIVATIONS[s.hidden].derivative(np.array([exq.rounded(v[f"I1_{i}"])]),
                                                   np.array([exq.rounded(v[f"O1_{i}"])]))
    J = s.sizes[-1]
    back = "+".join(rf"{term(ex.W[1][i - 1, m - 1])}\cdot{_s(v[f'd2_{m}'])}" for m in range(1, J + 1))
    return [rf"{quantity_latex(ex, f'd1_{i}')}=\mathcal{{A}}'(I_{{{i}}}^{{(1)}})\sum_k w_{{{i}k}}^{{(2)}}"
            rf"\delta_k^{{(2)}},\quad\mathcal{{A}}'(I_{{{i}}}^{{(1)}})={slope}={num(float(slope_value[0]))}",
            rf"{quantity_latex(ex, f'd1_{i}')}={num(float(slope_value[0]))}\cdot\big({back}\big)"
            rf"={num(exq.rounded(v[f'd1_{i}']))}"]


def worked_latex(ex: exq.Exercise, q: exq.Question) -> list[str]:
    """The question's worked line(s) with this exercise's numbers, as shown on the page."""
    v, j, i = ex.values, ex.j, ex.unit
    d = _s(v[f"d1_{i}"])
    x = term(ex.x[j - 1])
    w = rf"w_{{{sub(j, i)}}}^{{(1)}}"
    if q.key == "ystar":
        return _forward_worked(ex)
    if q.key == "loss":
        return _loss_worked(ex)
    if q.key == "delta_out":
        return _output_worked(ex)
    if q.key == "delta_hidden":
        return _hidden_worked(ex)
    if q.key == "grad_w":
        return [rf"\frac{{\partial L}}{{\partial {w}}}=x_{{{j}}}\,\delta_{{{i}}}^{{(1)}}={x}\cdot{d}"
                rf"={num(exq.rounded(v['gw']))}"]
    if q.key == "grad_b":
        return [rf"\frac{{\partial L}}{{\partial b_{{{i}}}^{{(1)}}}}=\delta_{{{i}}}^{{(1)}}"
                rf"={num(exq.rounded(v['gb']))}"]
    g, xi, w0 = _s(v["gw"]), num(ex.xi), term(ex.W[0][j - 1, i - 1])
    lines = [rf"{w}\leftarrow {w}-\xi\,\frac{{\partial L}}{{\partial {w}}}={w0}-{xi}\cdot{g}"
             rf"={num(exq.rounded(v['wnew']))}"]
    if ex.setup.layers == 1 and exq.output_rule(ex.setup.output, ex.setup.loss) == "matched":
        lines.insert(0, rf"{w}\leftarrow {w}-\xi\,(y^{{*}}-y)\,x_{{{j}}}"
                        r"\quad\text{(the lecture's single-layer rule)}")
    return lines


def describe(ex: exq.Exercise) -> str:
    """The exercise network in words."""
    s = ex.setup
    hidden = f", hidden activation {ACTIVATIONS[s.hidden].label}" if s.layers == 2 else " (no hidden layer)"
    return (f"Network {'-'.join(map(str, s.sizes))}{hidden}, {OUTPUT_UNITS[s.output].label.lower()} output, "
            f"{LOSSES[s.loss].label.lower()} loss, {'with' if s.bias else 'no'} biases; seed {ex.seed}, "
            f"sample {ex.sample}.")


# --- callbacks ------------------------------------------------------------------------------------------
def _tally(session: MutableMapping) -> dict:
    return session.setdefault(keys.EX_TALLY, {"right": 0, "wrong": 0})


def _current(session: MutableMapping) -> tuple[dict, exq.Exercise, exq.Question] | None:
    """The exercise in progress and its open question (None when there is none)."""
    state = session.get(keys.EX_STATE)
    if state is None:
        return None
    ex = exercise_of(state)
    return (state, ex, ex.questions[state["q"]]) if state["q"] < len(ex.questions) else None


def check_answer() -> None:
    """'Check': the typed answer against the open question; right or wrong, the page moves on."""
    session = st.session_state
    current = _current(session)
    if current is None:
        return
    state, ex, q = current
    try:
        answer = exq.parse_answer(session.get(keys.EX_ANSWER, ""))
    except ValueError as err:
        session[keys.EX_FEEDBACK] = {"kind": "warning", "text": str(err)}
        return
    verdict = exq.check(q, answer)
    name = quantity_latex(ex, q.name)
    _tally(session)["right" if verdict.right else "wrong"] += 1
    if verdict.right:
        text = f"Right: ${name} = {q.shown}$."
    else:
        text = (f"Not quite: you typed {plain.number(answer, '.6g')}, the answer is ${name} = {q.shown}$. "
                + plain.for_markdown(verdict.hint))
    session[keys.EX_FEEDBACK] = {"kind": "success" if verdict.right else "error", "text": text,
                                 "worked": worked_latex(ex, q),
                                 "mistake": verdict.mistake.key if verdict.mistake else None}
    state["q"] += 1
    session[keys.EX_ANSWER] = ""


def show_answer() -> None:
    """'Show the answer': the worked line, and on to the next question (not counted)."""
    current = _current(st.session_state)
    if current is None:
        return
    state, ex, q = current
    st.session_state[keys.EX_FEEDBACK] = {"kind": "info", "text": f"${quantity_latex(ex, q.name)} = {q.shown}$.",
                                          "worked": worked_latex(ex, q)}
    state["q"] += 1


def _restart(seed: int, sample: int) -> None:
    session = st.session_state
    state = session[keys.EX_STATE]
    session[keys.EX_STATE] = new_state(exq.parse_setup(state["setup"]), seed, sample, state["basis"])
    session.pop(keys.EX_FEEDBACK, None)


def new_sample() -> None:
    state = st.session_state[keys.EX_STATE]
    _restart(state["seed"], (state["sample"] + 1) % (exq.MAX_SAMPLE + 1))


def new_network() -> None:
    _restart((st.session_state[keys.EX_STATE]["seed"] + 1) % (exq.MAX_SEED + 1), 0)


def seed_typed() -> None:
    value = st.session_state.get(keys.EX_SEED)
    if isinstance(value, int) and 0 <= value <= exq.MAX_SEED:
        _restart(value, 0)


# --- the section ------------------------------------------------------------------------------------------
def _latex(lines: list[str]) -> None:
    for line in lines:
        st.latex(line)


def render() -> None:
    """The "Your turn" section, in a container keyed SECTION_KEY (its class is st-key-<key>)."""
    with st.container(key=SECTION_KEY):
        _section()


def _section() -> None:
    session = st.session_state
    st.subheader("Your turn", anchor=ANCHOR)
    try:
        ex = _sync(session, st.query_params)
    except ValueError as err:  # a last guard: a message, never a traceback
        st.error(f"No exercise can be drawn for this network: {err}")
        return
    state = session[keys.EX_STATE]
    st.markdown("Work one sample through a small network like this page's, by hand: type each quantity the "
                "lecture computes, in its order, to four significant digits, from the numbers shown. "
                "A seed draws the numbers, so everyone with the same seed (or link) gets the same exercise.")
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    c1.number_input("Exercise seed", 0, exq.MAX_SEED, step=1, key=keys.EX_SEED, on_change=seed_typed)
    c2.button("New sample", key=keys.EX_NEW_SAMPLE, on_click=new_sample, width="stretch",
              help="Another x and y for the same network.")
    c3.button("New network", key=keys.EX_NEW_NET, on_click=new_network, width="stretch",
              help="New weights (the next seed).")
    tally = _tally(session)
    sizes = current_source().net.sizes
    smaller = (f" The page's network ({'-'.join(map(str, sizes))}) is larger: the exercise keeps its activations, "
               f"loss and biases with at most {exq.MAX_INPUTS} inputs, one hidden layer of {exq.MAX_HIDDEN} units "
               f"and {exq.MAX_OUTPUTS} outputs, to be worked by hand."
               if state["basis"] == state["setup"] and tuple(sizes) != ex.setup.sizes else "")
    st.caption(f"{plain.for_markdown(describe(ex))}{smaller} Your tally this session: {tally['right']} right, "
               f"{tally['wrong']} wrong.")
    _latex(givens_latex(ex))
    q_index = state["q"]
    known = known_latex(ex, q_index)
    if known:
        st.markdown("**Known so far** (rounded as you would read them):")
        _latex(known)
    feedback = session.get(keys.EX_FEEDBACK)
    if feedback:
        getattr(st, feedback["kind"])(feedback["text"])
        _latex(feedback.get("worked", []))
    total = len(ex.questions)
    if q_index >= total:
        st.success(f"All {total} questions of this exercise done. Draw a new sample or a new network for more.")
    else:
        q = ex.questions[q_index]
        st.markdown(f"**Question {q_index + 1} of {total}.** Compute {question_prompt(ex, q)}")
        with st.form(keys.EX_FORM, border=False, enter_to_submit=True):
            a, b = st.columns([3, 1], vertical_alignment="bottom")
            a.text_input("Your answer", key=keys.EX_ANSWER, max_chars=exq.MAX_ANSWER_CHARS,
                         placeholder="e.g. −0.2689")
            b.form_submit_button("Check", key=keys.EX_CHECK, on_click=check_answer, type="primary", width="stretch")
        st.button("Show the answer", key=keys.EX_SHOW, on_click=show_answer,
                  help="See the worked line and go on to the next question (not counted in the tally).")
    base = st.context.url or "derivation"
    st.caption("Link to this exercise (the same numbers for everyone who opens it):")
    st.code(link(state["seed"], state["setup"], state["sample"], base), language=None, wrap_lines=True)
