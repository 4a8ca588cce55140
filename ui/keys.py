"""Every `st.session_state` key the app uses, by page, besides the controls' own keys.

A control of the control table (`ui.controls.CONTROLS`) is keyed by its `key`, which is also its
URL parameter; everything else a page keeps in the session is named here, so the pages and the
tests refer to one constant instead of spelling the string.
"""

# --- the session's run (ui/session_run.py), shared by every page -------------------------------------
RUN = "run"  # the current Run: data, network, trainer
CONFIG = "config"  # the last validated value of every control (kept across page switches)
CSV_TEXT = "csv_text"  # the uploaded CSV's text
CSV_CHECKED = "csv_checked"  # (upload id, message or None): the last upload's verdict
PROBLEMS = "problems"  # messages about rejected control values or link parameters
STEP_NOTE = "step_note"  # how far the last click got within its time budget
LINK_FLAGS = "link_flags"  # the opening link's classroom flags: hidden controls, presenter layout

# --- Playground ----------------------------------------------------------------------------------------
STEP_1, STEP_N, PLAY, PAUSE, RESET, RESTART = "step1", "stepn", "play", "pause", "reset", "restart"
LR_PICK_SUFFIX = "_pick"  # the quick picks of a control of kind "lr" are keyed control key + this
CSV_UPLOAD = "csv_upload"
COLOUR_BY_SAMPLE, SHOW_TEST, LOG_LOSS = "colour_by_sample", "show_test", "log_loss"
RUN_BUTTONS, MAIN_VIEWS = "run_buttons", "main_views"  # the containers of the run buttons and the main views
DETAIL_VIEW = "detail_view"
DETAIL_LAYER_SUFFIX = "_layer"  # the layer slider of a detail view is keyed view name + this
DETAIL_CACHE = "detail_cache"
DETAIL_ROW = "detail_row"  # the container of a detail view drawn as several charts (the weights, one per layer)
PAGE_SYNCED = "page_synced"
DOWNLOAD_WEIGHTS, DOWNLOAD_HISTORY = "download_weights", "download_history"
# the run's tools (ui/playground/run_tools.py): load a save, the timeline, edit a weight, new data
SAVE_UPLOAD, RUN_LOADED, TOOLS_MESSAGE = "save_upload", "run_loaded", "tools_message"
TIMELINE, TO_LATEST, CONTINUE_HERE, RUN_TOOLS = "timeline", "to_latest", "continue_here", "run_tools"
EDIT_LAYER, EDIT_KIND, EDIT_J, EDIT_I, EDIT_VALUE, EDIT_APPLY = (
    "edit_layer", "edit_kind", "edit_j", "edit_i", "edit_value", "edit_apply")
NEW_DATA = "new_data"
# the loss surface detail view (ui/playground/surface_view.py)
SURFACE_PLANE, SURFACE_LOG = "surface_plane", "surface_log"  # which plane; log colour scale
SURFACE_WEIGHTS = ("surface_w1", "surface_w2")  # the slice's two parameters (indices into MLP.params)
SURFACE_CACHE = "surface_cache"  # (what it was computed for, the Surface, the data it used)
SURFACE_PRESET = "surface_preset"  # the preset applied last; its buttons are keyed this + "_" + preset key
SURFACE_RERUN = "surface_rerun"  # set by a preset: the whole page reruns so the sidebar and URL follow
LECTURE_RULE = "lecture_rule"  # the button that switches to per-sample SGD
SHARE = "share"  # the sidebar's Share expander (its open state)
SHARE_SHOWN, SHARE_PRESENTER = "share_shown", "share_presenter"  # the Share panel's classroom-link choices
SHARE_LINK, SHARE_CLASSROOM_LINK = "share_link", "share_classroom_link"  # the Share panel's links to copy
PRESENTER_KEYS = "presenter_keys"  # the keyboard component: Space plays or pauses, → steps
PLAYER = "player"  # the component that plays compact films on the main charts (and shows the metrics row)
PAUSE_CATCHER = "pause_catcher"  # the component that turns a click on Pause into a Pause on the frame shown
PLAY_SNAPSHOTS = "play_snapshots"  # (run, [trainers kept every few frames]): Pause rolls back to one
PLAY_BASE = "play_base"  # the main charts' figures while playing, what they were built for, the films' spec
PLAY_FILM = "play_film"  # the number of the last film sent
PLAY_SENT = "play_sent"  # (run, the last film sent) since Play was pressed
PLAY_PACE = "play_pace"  # what the browser reports while playing: frames per second drawn
PLAY_WAIT = "play_wait"  # and its wait in seconds from asking for a film to receiving it
PLAY_LOAD = "play_load"  # (films' wall time over CPU time, smoothed; whether the server counts as busy)
MAIN_AREA = "main_area"  # the Playground's main area: a fragment (a step reruns it, not the sidebar)
PLAY_AREA = "play_area"  # the metrics row or player inside it: a fragment of its own (a film reruns only that)
MAIN_AREA_RUNNING = "main_area_running"  # set while the main area runs: the play area knows it is not alone
STEP_FROM = "step_from"  # the epoch a step's click started from, until its painting is sent
STEP_SPEC = "step_spec"  # where a step's painted frame goes on the main charts' full figures, and what they show
STEP_PLAYER = "step_player"  # the hidden player that paints a step's frame
STEP_AHEAD = "step_ahead"  # the hidden player holding the next epoch, painted when Step 1 is clicked
STEP_AHEAD_FILM = "step_ahead_film"  # the number of the last step worked out ahead
MAIN_RUNS = "main_runs"  # how many runs of the main area this session has had (they number its step films)
STEP_AHEAD_COST = "step_ahead_cost"  # what the last step worked out ahead was for, and the seconds it took

# --- Backprop, step by step -----------------------------------------------------------------------------
DERIV_MODE = "deriv_mode"  # "playground" or "example"
DERIV_EXAMPLE = "deriv_example"  # the loaded worked example (its own network, not the Playground's)
DERIV_SAMPLE = {"playground": "deriv_sample", "example": "deriv_example_sample"}
DERIV_SCATTER = "deriv_scatter"
DERIV_MESSAGE = "deriv_message"
DERIV_WEIGHT = ("deriv_w_layer", "deriv_w_j", "deriv_w_i")
DERIV_BATCH_LAYER = "deriv_batch_layer"
DERIV_TAB = "deriv_tab"
DERIV_APPLY = "deriv_apply"
DERIV_LOAD = {"lecture": "deriv_load_lecture", "mazur": "deriv_load_mazur"}
DERIV_UPDATES, DERIV_GRADCHECK, DERIV_COMPARE = "deriv_updates", "deriv_gradcheck", "deriv_compare"
# Your turn (ui/derivation/exercises.py)
EX_STATE = "ex_state"  # the exercise in progress: setup code, seed, sample, question, the structure it follows
EX_TALLY = "ex_tally"  # this session's answers: {"right": n, "wrong": n}
EX_FEEDBACK = "ex_feedback"  # the verdict on the last answer, shown under the question
EX_LINK = "ex_link"  # the exercise link already taken from the URL (so it is applied once)
EX_ANSWER, EX_FORM, EX_CHECK, EX_SHOW = "ex_answer", "ex_form", "ex_check", "ex_show"
EX_SEED, EX_NEW_SAMPLE, EX_NEW_NET = "ex_seed", "ex_new_sample", "ex_new_net"
PASS_STEP = "pass_step"  # the two passes on the diagram: the step shown (1-based)
PASS_PLAYING, PASS_HOLD = "pass_playing", "pass_hold"  # playing the steps; the run right after Play stays put
PASS_FIRST, PASS_PREVIOUS, PASS_NEXT, PASS_LAST, PASS_PLAY, PASS_PAUSE = (
    "pass_first", "pass_previous", "pass_next", "pass_last", "pass_play", "pass_pause")
PASS_CHART, PASS_BUTTONS = "pass_chart", "pass_buttons"
PASS_ROW, PASS_DIAGRAM, PASS_LINE = "pass_row", "pass_diagram", "pass_line"  # ui/derivation/passes.css styles them

# --- Lessons -------------------------------------------------------------------------------------------------
LESSON_LINKS = "lesson_links_"  # + a lesson's key: the row of its links

# --- Compare --------------------------------------------------------------------------------------------
CMP_RUNS, CMP_SWEEP = "cmp_runs", "cmp_sweep"  # the two comparisons (runs side by side, ξ sweep)
CMP_JOB, CMP_ERROR, CMP_LOCK = "cmp_job", "cmp_error", "cmp_lock"
CMP_NOTE = "cmp_note"  # a sentence for the next run of the page (a job stopped by a switch of view), shown once
CMP_EDITOR = "cmp_editor"  # the run editor's expander: open or folded (its widgets are drawn only when open)
CMP_PER_RUN = "cmp_w_per_run"  # the tabs of each run's own views (only the open one is drawn)
CMP_PER_RUN_SHOWN = "cmp_per_run_shown"  # that tab's label, kept while the tabs are not drawn (a job, another page)
CMP_PER_RUN_PRESET = "cmp_per_run_preset"  # the preset last trained, whose tab was opened then
CMP_EDITOR_TASK = "cmp_editor_task"  # the data's task the run editor's columns were last fitted to
CMP_PRESET, CMP_N_RUNS, CMP_EPOCHS, CMP_TARGET, CMP_VIEW = (
    "cmp_w_preset", "cmp_w_n_runs", "cmp_w_epochs", "cmp_w_target", "cmp_w_view")
CMP_SWEEP_LO, CMP_SWEEP_HI, CMP_SWEEP_K, CMP_SWEEP_EPOCHS = (
    "cmp_w_sweep_lo", "cmp_w_sweep_hi", "cmp_w_sweep_k", "cmp_w_sweep_epochs")


def cmp_field(run: int, name: str) -> str:
    """The run editor's widget for field `name` of run `run` (0-based)."""
    return f"cmp_w_run{run}_{name}"


def cmp_button(action: str, comparison: str) -> str:
    """Compare's 'train', 'more' or 'stop' button of a comparison (CMP_RUNS or CMP_SWEEP)."""
    return f"cmp_{action}_{comparison}"
