"""The loss surface view in a real browser: each preset opens it, on a desktop, a projector and a phone,
with nothing covering anything (the layout test's geometry check)."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, wait_idle
from tests.browser.test_playground_layout import SCREENS, _check, _in_view_each, _open
from ui.playground.surface_view import PRESETS

SURFACE_SHOWN = """(epoch) => [...document.querySelectorAll('.js-plotly-plot')].some(
  (p) => p._fullLayout && p.layout.meta && p.layout.meta.epoch === epoch && p.data.some((t) => t.name === 'now'))"""


SURFACE_BOX = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find((p) => p.data.some((t) => t.name === 'now'));
  const r = plot.getBoundingClientRect();
  return {x: 0, y: r.top + scrollY - 220, width: innerWidth, height: r.height + 300};
}"""


# each preset once and each screen at least once (a fresh page per screen: a page's charts redraw on resize only
# when in view, which is not what is tested here); all twelve pairs were looked at once, by hand
PLAN = {"desktop": ("small", "large"), "projector": ("right",), "phone": ("sgd",)}


def test_each_preset_shows_its_surface_on_every_screen(page, app_url):
    for screen, presets in PLAN.items():
        _open(page, app_url, SCREENS[screen])
        page.get_by_role("radio", name="Loss surface", exact=True).click()
        wait_idle(page)
        page.wait_for_function(SURFACE_SHOWN, arg=0)
        for key in presets:
            preset = PRESETS[key]
            button = page.get_by_role("button", name=preset.label, exact=True)
            button.scroll_into_view_if_needed()
            button.click()
            wait_idle(page)
            # the detail view's chart in view: one out of view does not draw (on a phone it is far down the page)
            page.locator(".js-plotly-plot").last.scroll_into_view_if_needed()
            page.wait_for_function(SURFACE_SHOWN, arg=preset.epochs, timeout=60_000)
            _in_view_each(page, "p._fullLayout")  # a chart out of view draws when it comes into view
            _check(page, f"surface {key} {screen}")
            page.screenshot(path=str(ARTIFACTS / f"surface-{key}-{screen}.png"), full_page=True,
                            clip=page.evaluate(SURFACE_BOX))
    assert sorted(k for keys in PLAN.values() for k in keys) == sorted(PRESETS)
    assert page.locator("[data-testid='stException']").count() == 0
