"""The Step-by-step page's diagram section: one sample's two passes, step by step on the network diagram.

Forward layer by layer, the loss, backward layer by layer, the update (`engine.passes`), paced with
first / previous / next / last / play; beside the diagram, the lecture's line that the step computes,
written by `ui.derivation.equations` with this network's numbers. The pacing is buttons only: a slider
whose value the page moves on while playing sent its own value back on a later tick (measured in
Chromium), which stepped back and stopped playing.

Play is a fragment that reruns itself every PLAY_SECONDS and moves one step on each time. Its timer is
set when the page script calls it, so a Play or Pause inside it reruns the page once to start or stop
the timer.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from engine.passes import PassStep, pass_steps
from engine.step import Step
from ui import keys
from ui.derivation import callbacks
from ui.derivation import equations as der
from ui.derivation.pass_figure import pass_figure

ANCHOR = "two-passes"  # the section's heading anchor: links reach it as derivation#two-passes
PLAY_SECONDS = 1.5
CSS = Path(__file__).with_name("passes.css").read_text()


def step_lines(s: Step, p: PassStep) -> list[str]:
    """The lecture's equations that step `p` computes, with the sample's numbers."""
    l = p.layer
    if p.kind == "input":
        return [der.input_latex(s)]
    if p.kind == "stage_I":
        return der.stage_i_latex(s, l)
    if p.kind == "stage_O":
        return [der.stage_o_latex(s, l)]
    if p.kind == "loss":
        return der.loss_latex(s)
    if p.kind == "delta" and l == s.L:
        eqs = der.output_delta_latex(s)[1]
        return [eqs[0], eqs[-1]]
    if p.kind == "delta":
        return der.hidden_delta_latex(s, l)
    if p.kind == "gradient":
        return der.gradient_latex(s, l)
    return [der.update_latex(s)] + [line for k in range(1, s.L + 1) for line in der.layer_update_latex(s, k)]


def step_title(p: PassStep, L: int) -> str:
    """Where the step is: phase and layer."""
    if p.kind == "input":
        return "Forward pass · the input"
    if p.kind in ("stage_I", "stage_O"):
        return f"Forward pass · layer {p.layer} of {L}, stage {p.kind[-1]}"
    if p.kind == "loss":
        return "Forward pass · the loss"
    if p.kind == "update":
        return "The update"
    return f"Backward pass · layer {p.layer}, {'δ' if p.kind == 'delta' else 'the gradients'}"


def step_text(s: Step, p: PassStep) -> str:
    """What the step does, in a sentence (markdown with inline LaTeX)."""
    l, L = p.layer, s.L
    if p.kind == "input":
        return "The sample $\\mathbf{x}$ enters as $\\mathbf{u}^{(1)}$, the input of the first layer."
    if p.kind == "stage_I":
        bias = " and adds its bias" if s.net.bias else ""
        return (f"Each unit of layer {l} multiplies every input $u_j^{{({l})}}$ by the weight $w_{{ji}}^{{({l})}}$ "
                f"of its edge, sums them{bias}: the first stage $\\mathbf{{I}}^{{({l})}}$.")
    if p.kind == "stage_O":
        out = ("the prediction $\\mathbf{y}^{*}$" if l == L
               else f"the input $\\mathbf{{u}}^{{({l + 1})}}$ of layer {l + 1}")
        return (f"Each unit applies the activation $\\mathcal{{A}}$ ({der.activation_name(s.net, l)}) to its "
                f"$I$: the second stage $\\mathbf{{O}}^{{({l})}}$, which is {out}.")
    if p.kind == "loss":
        return (f"The loss ({s.net.lossfn.label.lower()}) compares the prediction $\\mathbf{{y}}^{{*}}$ with "
                "the target $\\mathbf{y}$.")
    if p.kind == "delta" and l == L:
        return (f"The backward pass starts at the output: $\\boldsymbol{{\\delta}}^{{({L})}} = \\partial L/\\partial "
                f"\\mathbf{{I}}^{{({L})}}$, how much the loss changes when the output's first stage moves.")
    if p.kind == "delta":
        return (f"Each unit of layer {l} collects $\\boldsymbol{{\\delta}}^{{({l + 1})}}$ back through the weights "
                f"$\\mathbf{{w}}^{{({l + 1})}}$ of the edges it feeds, then multiplies by its own slope "
                f"$\\mathcal{{A}}'(I^{{({l})}})$.")
    if p.kind == "gradient":
        return (f"Each edge of layer {l} gets its gradient: its input times the δ of the unit it feeds, "
                f"$\\partial L/\\partial w_{{ji}}^{{({l})}} = u_j^{{({l})}}\\,\\delta_i^{{({l})}}$.")
    return (f"Every weight moves against its gradient, $w \\leftarrow w - \\xi\\,\\partial L/\\partial w$ with "
            f"$\\xi = {s.lr:g}$: this sample's loss goes from {s.loss_before:.4g} to {s.loss_after:.4g}. "
            "“Apply this step” in section 3 makes the change for real.")


# --- pacing (callbacks: they run before the script) -----------------------------------------------
def go_to(step: int) -> None:
    """Show step `step` (1-based) and stop playing."""
    st.session_state[keys.PASS_STEP] = step
    st.session_state[keys.PASS_PLAYING] = False


def pause() -> None:
    st.session_state[keys.PASS_PLAYING] = False


def play(n: int) -> None:
    """Play from the step shown (from the first, when the last is shown); that step stays for one beat."""
    session = st.session_state
    if session.get(keys.PASS_STEP, 1) >= n:
        session[keys.PASS_STEP] = 1
    session[keys.PASS_PLAYING] = True
    session[keys.PASS_HOLD] = True


def advance(n: int) -> None:
    """While playing, one step on (except right after Play); playing ends at the last step."""
    session = st.session_state
    if not session.get(keys.PASS_PLAYING):
        return
    if not session.pop(keys.PASS_HOLD, False):
        session[keys.PASS_STEP] = min(session[keys.PASS_STEP] + 1, n)
    if session[keys.PASS_STEP] >= n:
        session[keys.PASS_PLAYING] = False


def _controls(index: int, n: int, playing: bool) -> None:
    row = st.container(horizontal=True, key=keys.PASS_BUTTONS)
    row.button("First", icon=":material/first_page:", key=keys.PASS_FIRST, on_click=go_to, args=(1,),
               disabled=index <= 1)
    row.button("Previous", icon=":material/chevron_left:", key=keys.PASS_PREVIOUS, on_click=go_to,
               args=(index - 1,), disabled=index <= 1)
    row.button("Next", icon=":material/chevron_right:", key=keys.PASS_NEXT, on_click=go_to, args=(index + 1,),
               disabled=index >= n)
    if playing:
        row.button("Pause", icon=":material/pause:", key=keys.PASS_PAUSE, on_click=pause, type="primary")
    else:
        row.button("Play", icon=":material/play_arrow:", key=keys.PASS_PLAY, on_click=play, args=(n,),
                   type="primary", help=f"One step every {PLAY_SECONDS:g} s, to the update.")
    row.button("Last", icon=":material/last_page:", key=keys.PASS_LAST, on_click=go_to, args=(n,),
               disabled=index >= n)
    st.progress(index / n, text=f"Step {index} of {n}")


def _player(s: Step, steps: list[PassStep], input_names: list[str] | None, epoch: int, timed: bool) -> None:
    session = st.session_state
    if bool(session.get(keys.PASS_PLAYING)) != timed:  # Play or Pause: the page sets the timer
        st.rerun(scope="app")
    n = len(steps)
    advance(n)
    index = session[keys.PASS_STEP]
    p = steps[index - 1]
    _controls(index, n, bool(session.get(keys.PASS_PLAYING)))
    row = st.container(horizontal=True, key=keys.PASS_ROW, gap="medium")
    meta = {"epoch": epoch, "step": index, "steps": n, "kind": p.kind, "layer": p.layer}
    row.container(key=keys.PASS_DIAGRAM).plotly_chart(
        pass_figure(p, s.net, input_names, meta), key=keys.PASS_CHART, config={"displayModeBar": False})
    with row.container(key=keys.PASS_LINE):
        st.markdown(f"**Step {index} of {n}** · {step_title(p, s.L)}")
        st.markdown(step_text(s, p))
        for line in step_lines(s, p):
            st.latex(line)


def render(s: Step, input_names: list[str] | None, epoch: int) -> None:
    """The section: heading, what to watch, the controls, the diagram and the step's line."""
    st.subheader("The two passes on the diagram", anchor=ANCHOR)
    st.markdown("The same sample through the network one step at a time: forward layer by layer to the loss, "
                "back layer by layer to every gradient, then the update. The shaded band is where the step "
                "works; each unit shows its latest value (hover it for all of them), and the edges show the "
                "values the step uses or finds when there is room (hover an edge's middle for w and ∂L/∂w).")
    st.html(f"<style>{CSS}</style>")
    steps = pass_steps(s)
    callbacks.clamp(keys.PASS_STEP, 1, len(steps), default=1)
    timed = bool(st.session_state.get(keys.PASS_PLAYING))
    st.fragment(_player, run_every=PLAY_SECONDS if timed else None)(s, steps, input_names, epoch, timed)
