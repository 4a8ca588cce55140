// Presenter keys on the Playground: Space plays or pauses, ArrowRight steps one epoch (what a
// presentation clicker sends). Space while playing clicks the Pause button, so that a Pause from the
// keyboard lands on the frame on screen as a click does. A components v2 script runs in the app's own
// page, not in an iframe, so it listens on the page's document. A key is left alone when it is aimed at something it already
// operates (a text or number field, a select, editable text, a focused button, slider or other
// control), when a modifier is held, or when it repeats.

const OPERATED = [
  'input', 'textarea', 'select', 'button', 'a[href]', 'summary', '[contenteditable]:not([contenteditable="false"])',
  '[role="button"]', '[role="slider"]', '[role="combobox"]', '[role="listbox"]', '[role="option"]',
  '[role="radio"]', '[role="checkbox"]', '[role="switch"]', '[role="tab"]', '[role="menuitem"]',
  '[role="textbox"]', '[role="spinbutton"]',
].join(', ');
const ACTIONS = { ' ': 'play', ArrowRight: 'step' };

function leftAlone(event) {
  if (event.defaultPrevented || event.repeat || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
    return true;
  }
  const target = event.composedPath()[0];
  return target instanceof Element && target.closest(OPERATED) !== null;
}

export default function (component) {
  const { data, setTriggerValue } = component;
  const state = window.__presenterKeys || (window.__presenterKeys = { count: 0, listener: null });
  if (state.listener) document.removeEventListener('keydown', state.listener);
  const listener = (event) => {
    const action = ACTIONS[event.key];
    if (!action || leftAlone(event)) return;
    event.preventDefault();  // Space would scroll the page
    const pause = action === 'play' && document.querySelector(`.st-key-${data.pause_key} button`);
    if (pause) {  // playing: Pause as its button does, on the frame on screen
      pause.click();
      return;
    }
    state.count += 1;
    setTriggerValue(action, state.count);
  };
  state.listener = listener;
  document.addEventListener('keydown', listener);
  return () => {
    document.removeEventListener('keydown', listener);
    if (state.listener === listener) state.listener = null;
  };
}
