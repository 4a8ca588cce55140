// Two components in one file (see __init__.py): a plotly chart updated in place with Plotly.react
// ("live_plotly_chart"), and a player that applies films of compact frames to such charts and draws
// the metrics row ("live_player", data.kind === 'player'). Only public APIs: the component's
// arguments (data, parentElement, setTriggerValue, a cleanup function), Streamlit's documented
// --st-* theme properties and keyed containers' st-key-* classes, and plotly.js from the app's
// static folder.

// plotly.js once per page (an already loaded copy is used); a failed load is forgotten, so the next
// update tries again
function plotlyLoaded(url) {
  if (!window.__livePlotly) {
    window.__livePlotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__livePlotly = null;
        script.remove();
        reject(new Error('the chart library (plotly.js) could not be loaded'));
      };
      document.head.appendChild(script);
    });
  }
  return window.__livePlotly;
}

// plotly.js for a drawing: charts that waited for it to load draw one per animation frame once it
// has come, so that the first is on screen without waiting for the others' drawing.
function plotlyTurn(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  const turn = (window.__liveTurn || plotlyLoaded(url))
    .then((Plotly) => new Promise((resolve) => { requestAnimationFrame(() => resolve(Plotly)); }));
  window.__liveTurn = turn.catch(() => plotlyLoaded(url));
  return turn;
}

// The page's live plots by chart key, for the player (one browser tab: one user's page)
function plots() {
  if (!window.__livePlots) window.__livePlots = {};
  return window.__livePlots;
}

// "light" or "dark", from the background colour Streamlit's theme gives the component
function activeTheme(element) {
  const probe = document.createElement('span');
  probe.style.color = getComputedStyle(element).getPropertyValue('--st-background-color').trim() || '#fff';
  element.appendChild(probe);
  const rgb = (getComputedStyle(probe).color.match(/[\d.]+/g) || [255, 255, 255]).map(Number);
  probe.remove();
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] < 128 ? 'dark' : 'light';
}

// The chart was drawn for another theme than the page shows (the settings menu or the system
// changed it): ask once for a rerun, which draws it in the page's theme.
function checkTheme(plot) {
  const live = plot.live;
  if (!live.reportTheme || !plot.layout || !plot.layout.meta) return;
  const theme = activeTheme(plot.parentNode);
  if (theme !== plot.layout.meta.theme && theme !== live.reported) {
    live.reported = theme;
    live.setTrigger('theme', theme);
  }
}

const LEGEND_SAMPLE_PX = 50;  // a legend entry's line sample and gaps before its name

// How wide `text` is drawn in a plotly font ({family, size}), in px (the canvas's measure; entities as written)
function textWidth(text, font) {
  const canvas = textWidth.canvas || (textWidth.canvas = document.createElement('canvas'));
  const context = canvas.getContext('2d');
  context.font = `${(font && font.size) || 12}px ${(font && font.family) || 'sans-serif'}`;
  return context.measureText(text).width * 1.05;  // and a little room: the page's font may differ from the canvas's
}

// `text` (plotly's escaped plain text) cut short with an ellipsis to fit `px` in `font`, never inside an entity
function fitted(text, px, font) {
  if (textWidth(text, font) <= px) return text;
  let n = text.length;
  while (n > 1 && textWidth(`${text.slice(0, n)}…`, font) > px) n -= 1;
  let cut = text.slice(0, n);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = cut.slice(0, amp);
  return `${cut.trimEnd()}…`;
}

// A figure's panels (layout.meta.panels, from ui.compare.figures.panel_row), or undefined for any other figure
const panelsOf = (layout) => (layout.meta || {}).panels;

// A figure of panels laid out for a plot `width` px wide:
// as many panels side by side as get `min` px each, in rows that wrap, the legend's rows below them, the figure
// as tall as both. Any other layout is left as it is.
function arrange(layout, width) {
  const p = panelsOf(layout);
  if (!p || !width) return layout;
  const m = layout.margin, inner = width - m.l - m.r;
  const fit = Math.max(1, Math.min(p.count, Math.floor((inner + p.gapx) / (p.min + p.gapx))));
  const rows = Math.ceil(p.count / fit), cols = Math.ceil(p.count / rows);  // rows as full as each other
  const tall = rows * p.height + (rows - 1) * p.gapy;
  const w = (inner - (cols - 1) * p.gapx) / cols;
  for (let k = 0; k < p.count; k++) {
    const ax = k ? String(k + 1) : '', x0 = (k % cols) * (w + p.gapx) / inner;
    const top = Math.floor(k / cols) * (p.height + p.gapy) / tall;
    layout['xaxis' + ax] = { ...layout['xaxis' + ax], domain: [x0, x0 + w / inner] };
    layout['yaxis' + ax] = { ...layout['yaxis' + ax], domain: [1 - top - p.height / tall, 1 - top] };
  }
  const longest = Math.max(0, ...p.legend.names.map((name) => textWidth(name, layout.legend.font)));
  const perRow = Math.max(1, Math.min(cols * p.legend.per_row, Math.floor(inner / (longest + LEGEND_SAMPLE_PX))));
  const legendRows = Math.ceil(p.legend.entries / perRow);
  // a new array of titles (the one given may be the plot's own, from its last drawing): centred over its panel, a
  // title may reach into the margins, as far as the figure's narrower one
  layout.annotations = layout.annotations.map((note, k) => {
    const title = p.titles[k];
    const fit = fitted(title, w + 2 * Math.min(m.l, m.r) - 4, note.font ? { ...layout.font, ...note.font } : layout.font);
    return { ...note, text: fit, hovertext: fit === title ? undefined : title };
  });
  const legend = legendRows ? legendRows * p.legend.row + p.legend.pad : 0;
  layout.legend = { ...layout.legend, entrywidth: 1 / perRow };
  layout.margin = { ...m, b: p.below + legend };
  layout.width = width;  // the figure's size is set here, not by plotly's autosize (see configFor)
  layout.height = m.t + p.below + legend + tall;
  return layout;
}

// A figure's plotly config: a figure of panels without plotly's own window-resize handler (`responsive`), which
// would size it to its place, whose height is the figure's own (so: none); followSize lays its panels out instead.
function configFor(live, layout) {
  return panelsOf(layout) ? { ...live.config, responsive: false } : live.config;
}

// Draw one figure (its JSON text) with Plotly.react; a new revision (a rebuilt run) afresh. Plotly
// event handlers of the plot (plot.on('plotly_click', ...)) belong after the first newPlot here.
function draw(plot, text) {
  const live = plot.live;
  const figure = JSON.parse(text);
  return plotlyTurn(live.plotlyUrl)
    .then((Plotly) => {
      if (!plot.data) plot.textContent = '';  // a message left by a failed first draw
      // react can leave a legend behind that the new figure no longer has (the 1-D curve's, under a 2-D plane)
      const fresh = plot.layout && plot.layout.uirevision !== figure.layout.uirevision;
      return (fresh ? Plotly.newPlot : Plotly.react)(plot, figure.data, arrange(figure.layout, plot.clientWidth),
                                                     configFor(live, figure.layout));
    })
    .then(() => {
      uncover(plot);  // a step's painting gives way to the figure drawn (in the same task: never both on screen)
      const meta = figure.layout.meta || {};
      if (meta.label) plot.setAttribute('aria-label', meta.label);
      if (!meta.play) plot.querySelectorAll('.live-paint').forEach((layer) => layer.remove());  // Play's paintings
      checkTheme(plot);
    })
    .catch((error) => {
      console.error('live chart:', error);
      if (!plot.data) {
        plot.textContent = `This chart could not be drawn: ${error.message}. ` +
          'It tries again with the next update (a step, or reloading the page).';
      }
    });
}

// Draw the latest figure received, one drawing at a time; a chart scrolled out of view keeps it
// for when it comes into view.
function pump(plot) {
  const live = plot.live;
  if (live.busy || live.pending === null || live.gone) return;
  if (!live.visible && plot.data) return;
  const text = live.pending;
  live.pending = null;
  live.busy = true;
  draw(plot, text).finally(() => requestAnimationFrame(() => { live.busy = false; pump(plot); }));
}

// Whether the chart is in view; one that comes into view draws the figure it skipped.
function followVisibility(plot) {
  const observer = new IntersectionObserver((entries) => {
    plot.live.visible = entries[entries.length - 1].isIntersecting;
    pump(plot);
  });
  observer.observe(plot.parentNode);
  return observer;
}

// Follow the container's width (sidebar opened or closed, window resized) without a rerun.
function followSize(plot) {
  let pending = false;
  const observer = new ResizeObserver(() => {
    if (pending || !window.Plotly || !plot.data) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      // a plot hidden or taken off the page meanwhile (a rerun under way) is not resized: plotly refuses it;
      // nor is one as wide as its place (its first drawing: the observer reports every new element's size once)
      if (plot.live.gone || plot.offsetParent === null || Math.abs(plot.clientWidth - plot._fullLayout.width) < 1) {
        return;
      }
      if (panelsOf(plot.layout)) {  // its panels laid out anew for the new width
        window.Plotly.react(plot, plot.data, arrange({ ...plot.layout }, plot.clientWidth), configFor(plot.live, plot.layout));
      } else {
        window.Plotly.Plots.resize(plot);
      }
    });
  });
  observer.observe(plot.parentNode);
  return observer;
}

function chart(component) {
  const { data, parentElement, setTriggerValue } = component;
  let plot = parentElement.querySelector('.live-plot');
  const left = data.adopt && plots()[data.adopt];
  if (!plot && left && !left.isConnected) {  // the plot of that name left the page: it moves here
    plot = left;
    parentElement.appendChild(plot);
    if (plot.live.observer) {  // they watched its old place
      plot.live.observer.disconnect();
      plot.live.seen.disconnect();
      plot.live.observer = null;
    }
  }
  if (!plot) {
    plot = document.createElement('div');
    plot.className = 'live-plot';
    plot.setAttribute('role', 'img');
    plot.live = { busy: false, pending: null, received: null, gone: false, visible: true };
    parentElement.appendChild(plot);
  }
  const live = plot.live;
  if (!live.observer) {
    Object.assign(live, { gone: false, observer: followSize(plot), seen: followVisibility(plot) });
  }
  Object.assign(live, {
    plotlyUrl: data.plotly_url, config: data.config, reportTheme: data.report_theme, setTrigger: setTriggerValue,
  });
  plots()[data.key] = plot;
  if (data.adopt) plots()[data.adopt] = plot;
  if (live.reportTheme && !live.themeTimer) live.themeTimer = setInterval(() => checkTheme(plot), 1000);
  const received = data.frames[data.frames.length - 1];
  if (received !== live.received) {  // an unchanged figure (as while playing) leaves the plot alone
    live.received = received;
    live.pending = received;
    pump(plot);
  } else if (live.covered && live.pending === null && !live.busy) {  // a step painted on the figure it shows
    uncover(plot);
  }
  return () => {
    if (plot.parentNode !== parentElement) return;  // a chart that replaced this one took the plot over
    live.gone = true;
    live.observer.disconnect();
    live.seen.disconnect();
    live.observer = null;
    clearInterval(live.themeTimer);
    live.themeTimer = null;
  };
}

// --- the player -----------------------------------------------------------------------------------

function bytes(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let k = 0; k < raw.length; k++) out[k] = raw.charCodeAt(k);
  return out;
}
const floats = (text) => new Float32Array(bytes(text).buffer);
// A curve's coordinates on [lo, hi] from uint16 levels, 65535 a break (ui.playground.frames.line_packed)
function line(text, lo, hi) {
  const q = new Uint16Array(bytes(text).buffer), out = new Float64Array(q.length), step = (hi - lo) / 65534;
  for (let k = 0; k < q.length; k++) out[k] = q[k] === 65535 ? NaN : lo + q[k] * step;
  return out;
}
const num = (v) => String(Number(v.toPrecision(4)));  // about Python's .4g
const only = (n, at, value) => { const a = new Array(n).fill(undefined); a[at] = value; return a; };

// The diagram: edges moved between the fixed bucket traces, their hover, the units' colours and
// texts, and the epoch note, in one Plotly.update.
function applyNetwork(Plotly, plot, spec, f) {
  const xy = spec.xyArray || (spec.xyArray = floats(spec.xy));
  if (spec.paint && spec.paint.units) return paintNetwork(Plotly, plot, spec, f, xy);
  const codes = bytes(f.c), w = floats(f.w), g = floats(f.g);
  const xs = spec.buckets.map(() => []), ys = spec.buckets.map(() => []);
  const hover = new Array(codes.length);
  for (let k = 0; k < codes.length; k++) {
    xs[codes[k]].push(xy[4 * k], xy[4 * k + 2], null);
    ys[codes[k]].push(xy[4 * k + 1], xy[4 * k + 3], null);
    hover[k] = `${spec.names[k]} = ${num(w[k])}<br>∂L/∂w = ${num(g[k])}`;
  }
  const nb = spec.buckets.length, units = nb + 1, n = nb + (spec.labels >= 0 ? 3 : 2);
  const pad = (a) => [...a, ...new Array(n - a.length).fill(undefined)];
  const update = {
    x: pad(xs), y: pad(ys), hovertext: pad([...new Array(nb).fill(undefined), hover, f.h]),
    'marker.color': only(n, units, floats(f.v)), 'marker.cmin': only(n, units, f.lo),
    'marker.cmax': only(n, units, f.hi),
  };
  const traces = [...spec.buckets, spec.mid, spec.units];
  if (spec.labels >= 0) {  // the labels trace: the inputs' names, then each unit's "b = …"
    update.text = only(n, n - 1, [...spec.fixed, ...f.t.filter((t) => t)]);
    traces.push(spec.labels);
  }
  return Plotly.update(plot, update, { [`annotations[${spec.note}].text`]: `epoch ${f.e}`, 'meta.epoch': f.e },
    traces);
}

// The y* map: the heatmap's z from bytes (and its grid), with the y* = 0.5 line, in one Plotly.update;
// a view without a plane gets its whole figure.
function applyOutput(Plotly, plot, spec, out, epoch) {
  if (out.fig) {
    const figure = JSON.parse(out.fig);
    return Plotly.react(plot, figure.data, figure.layout, plot.live.config);
  }
  const gx = spec.xArray || (spec.xArray = floats(spec.x)), gy = spec.yArray || (spec.yArray = floats(spec.y));
  if (spec.paint) return paintMap(plot, spec, out, epoch, gx, gy);
  const q = bytes(out.z), step = (out.hi - out.lo) / 255, z = [];
  for (let r = 0; r < gy.length; r++) {
    const row = new Float32Array(gx.length);
    for (let c = 0; c < gx.length; c++) row[c] = out.lo + q[r * gx.length + c] * step;
    z.push(row);
  }
  const update = { z: [z], x: [gx], y: [gy], zmin: [out.lo], zmax: [out.hi] }, traces = [0];
  if (spec.line >= 0 && out.bx !== undefined) {
    update.x.push(line(out.bx, gx[0], gx[gx.length - 1]));
    update.y.push(line(out.by, gy[0], gy[gy.length - 1]));
    traces.push(spec.line);
  }
  return Plotly.update(plot, update, { 'meta.epoch': epoch }, traces);
}

// --- painting: what moves while playing, drawn under the plot's SVG -----------------------------
// Plotly lays out and redraws a whole plot for any data or layout change (40–75 ms a plot here); a
// canvas of our own costs only its drawing. Play's base figures have a transparent background, and
// the axes, the inputs, the data points and the colour bars stay plotly's, on top.

// A cleared canvas under the plot's SVG over its plot area, at the screen's pixel density (at most 2),
// kept on the plot under `name`; its context draws in CSS pixels of the plot area.
function paintLayer(plot, name) {
  const live = plot.live, host = plot.querySelector('.svg-container'), box = plot._fullLayout._size;
  let canvas = live[name];
  if (!canvas || canvas.parentNode !== host) {  // a new plot (Plotly.newPlot) leaves the old one behind
    canvas = live[name] = document.createElement('canvas');
    canvas.className = 'live-paint';
    host.insertBefore(canvas, host.firstChild);
  }
  const ratio = Math.min(window.devicePixelRatio || 1, 2), w = Math.max(1, box.w), h = Math.max(1, box.h);
  const width = Math.round(w * ratio), height = Math.round(h * ratio);
  if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
  const place = `left:${box.l}px;top:${box.t}px;width:${w}px;height:${h}px`;
  if (canvas.dataset.place !== place) { canvas.style.cssText = place; canvas.dataset.place = place; }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

// Pixel places on the plot area (w × h) for an axis pair's current ranges (the user's zoom included).
function scales(plot, w, h, yaxis = 'yaxis') {
  const xr = plot.layout.xaxis.range, ya = plot.layout[yaxis], yr = ya.range, log = ya.type === 'log';
  const sx = w / (xr[1] - xr[0]), sy = h / (yr[1] - yr[0]);
  return {
    px: (x) => (x - xr[0]) * sx,
    py: log ? (y) => (yr[1] - Math.log10(y)) * sy : (y) => (yr[1] - y) * sy,
  };
}

// The diagram painted (see ui.playground.frames.paint_network): the edges in their buckets' styles, the
// units' circles in their values' colours on the colour bar's range, their labels on a halo and the
// epoch note. A film's first frame moves the colour bar to its range if that has drifted by a tenth of it.
function paintNetwork(Plotly, plot, spec, f, xy) {
  const paint = spec.paint;
  const lut = paint.lutArray || (paint.lutArray = bytes(paint.lut));
  const units = paint.unitsArray || (paint.unitsArray = floats(paint.units));
  const spots = paint.spotsArray || (paint.spotsArray = floats(paint.labels));
  const trace = plot.data[spec.units], bar = trace.marker;
  if (f.first && Math.abs(f.lo - bar.cmin) + Math.abs(f.hi - bar.cmax) > 0.1 * (bar.cmax - bar.cmin)) {
    Plotly.restyle(plot, { 'marker.cmin': f.lo, 'marker.cmax': f.hi }, [spec.units]);
  }
  const { ctx, w, h } = paintLayer(plot, 'netLayer'), { px, py } = scales(plot, w, h);
  ctx.lineCap = 'round';
  const codes = bytes(f.c);
  paint.buckets.forEach(([colour, width, opacity], b) => {  // thin first, as plotly orders the traces
    ctx.beginPath();
    for (let k = 0; k < codes.length; k++) {
      if (codes[k] !== b) continue;
      ctx.moveTo(px(xy[4 * k]), py(xy[4 * k + 1]));
      ctx.lineTo(px(xy[4 * k + 2]), py(xy[4 * k + 3]));
    }
    Object.assign(ctx, { strokeStyle: colour, lineWidth: width, globalAlpha: opacity });
    ctx.stroke();
  });
  ctx.globalAlpha = 1;
  const values = floats(f.v), lo = bar.cmin, span = Math.max(bar.cmax - bar.cmin, 1e-12);
  Object.assign(ctx, { strokeStyle: paint.ink, lineWidth: paint.outline });
  for (let k = 0; k < values.length && 2 * k + 1 < units.length; k++) {
    const level = 4 * Math.round(255 * Math.min(1, Math.max(0, (values[k] - lo) / span)));
    ctx.fillStyle = `rgb(${lut[level]},${lut[level + 1]},${lut[level + 2]})`;
    ctx.beginPath();
    ctx.arc(px(units[2 * k]), py(units[2 * k + 1]), paint.size / 2, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  Object.assign(ctx, { font: `${paint.label_size}px ${paint.family}`, textAlign: 'center', textBaseline: 'top',
    lineJoin: 'round', lineWidth: 3, strokeStyle: paint.halo, fillStyle: paint.muted });
  f.t.filter((t) => t).forEach((text, k) => {  // "b = …" below each unit, where the diagram has room
    if (2 * k + 1 >= spots.length) return;
    ctx.strokeText(text, px(spots[2 * k]), py(spots[2 * k + 1]));
    ctx.fillText(text, px(spots[2 * k]), py(spots[2 * k + 1]));
  });
  if (f.note !== false) {  // a step changes the figure's own note instead
    Object.assign(ctx, { font: `${paint.note_size}px ${paint.family}`, textAlign: 'left', fillStyle: paint.ink });
    ctx.fillText(`epoch ${f.e}`, 4, 4);
  }
  if (plot.layout.meta) plot.layout.meta.epoch = f.e;  // not drawn: no relayout for it
}

// The y* map painted (see ui.playground.figures.output_figure's `painted`): each grid cell in its level's
// colour at the heatmap's opacity, the y* = 0.5 line on top.
function paintMap(plot, spec, out, epoch, gx, gy) {
  const n = gx.length, m = gy.length, q = bytes(out.z);
  const lut = spec.lutArray || (spec.lutArray = bytes(spec.paint.lut));
  const live = plot.live;
  if (!live.cells) live.cells = document.createElement('canvas');
  const cells = live.cells;
  cells.width = n;
  cells.height = m;
  const small = cells.getContext('2d'), pixels = small.createImageData(n, m);
  for (let r = 0; r < m; r++) {  // image rows run from the top: the largest x2 first
    for (let c = 0; c < n; c++) pixels.data.set(lut.subarray(4 * q[r * n + c], 4 * q[r * n + c] + 4), 4 * ((m - 1 - r) * n + c));
  }
  small.putImageData(pixels, 0, 0);
  const { ctx, w, h } = paintLayer(plot, 'mapLayer'), { px, py } = scales(plot, w, h);
  const dx = (gx[n - 1] - gx[0]) / (n - 1), dy = (gy[m - 1] - gy[0]) / (m - 1);
  const left = px(gx[0] - dx / 2), top = py(gy[m - 1] + dy / 2);  // each cell centred on its grid point
  Object.assign(ctx, { imageSmoothingEnabled: false, globalAlpha: spec.paint.opacity });  // cells as the heatmap draws them
  ctx.drawImage(cells, left, top, px(gx[n - 1] + dx / 2) - left, py(gy[0] - dy / 2) - top);
  ctx.globalAlpha = 1;
  if (out.bx !== undefined) {
    const bx = line(out.bx, gx[0], gx[n - 1]), by = line(out.by, gy[0], gy[m - 1]);
    Object.assign(ctx, { strokeStyle: spec.paint.ink, lineWidth: 2.5 });
    ctx.beginPath();
    let pen = false;
    for (let k = 0; k < bx.length; k++) {
      if (Number.isNaN(bx[k])) { pen = false; continue; }
      if (pen) ctx.lineTo(px(bx[k]), py(by[k])); else ctx.moveTo(px(bx[k]), py(by[k]));
      pen = true;
    }
    ctx.stroke();
  }
  if (plot.layout.meta) plot.layout.meta.epoch = epoch;
}

// The loss chart painted (see ui.playground.frames.paint_loss): the curves, kept in the player from
// the base figure's history and each frame's rows, drawn under plotly's axes, legend and marks.
function paintLoss(Plotly, plot, spec, rows, epoch) {
  const live = plot.live;
  if (live.curvesFor !== live.received) {  // a new base figure: its history, and the axes plotly ranged
    const { x, y } = plot.layout.meta.curves;
    const upTo = x.filter((e) => e <= epoch).length;  // a figure built after training ahead: the rest comes in frames
    live.curves = { x: x.slice(0, upTo), y: y.map((s) => s.slice(0, upTo).map((v) => (v === null ? NaN : v))) };
    live.curvesFor = live.received;
    live.grown = { ...plot.layout.meta.grow };  // the axes ranged for the painting (one the user zoomed drops out)
  }
  const c = live.curves, last = c.x.length ? c.x[c.x.length - 1] : -Infinity, from = c.x.length;
  rows.x.forEach((e, k) => {
    if (e <= last) return;
    c.x.push(e);
    rows.y.forEach((s, i) => c.y[i].push(s[k] === null ? NaN : s[k]));
  });
  growAxes(Plotly, plot, spec.paint, c, from);
  paintCurves(plot, spec.paint, (s) => [c.x, c.y[s.series]]);
  if (c.x.length && plot.layout.meta) plot.layout.meta.epoch = c.x[c.x.length - 1];
}

// Curves in their styles (ui.playground.frames.loss_styles) under the loss plot; `curve(style)` gives
// its points, [epochs, values].
function paintCurves(plot, styles, curve) {
  const { ctx, w, h } = paintLayer(plot, 'lossLayer');
  styles.forEach((s) => {
    const { px, py } = scales(plot, w, h, s.axis), dash = Math.max(s.width, 3);  // plotly's dashes
    ctx.setLineDash(s.dash === 'dot' ? [dash, dash] : s.dash === 'dash' ? [3 * dash, 3 * dash] : []);
    Object.assign(ctx, { strokeStyle: s.colour, lineWidth: s.width, globalAlpha: s.opacity, lineJoin: 'round' });
    const [xs, ys] = curve(s);
    strokeCurve(ctx, xs, ys, px, py);
  });
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}

// A curve's polyline, one vertical stroke per pixel column where points crowd (thousands of epochs).
function strokeCurve(ctx, xs, ys, px, py) {
  ctx.beginPath();
  let column = null, low = 0, high = 0, end = 0;
  const close = () => { if (column !== null && high > low) { ctx.lineTo(column, low); ctx.lineTo(column, high); ctx.lineTo(column, end); } };
  for (let k = 0; k < xs.length; k++) {
    const Y = py(ys[k]);
    if (!Number.isFinite(Y)) { close(); column = null; continue; }  // a gap (NaN, or ≤ 0 on a log axis)
    const X = px(xs[k]), at = Math.round(X);
    if (at === column) { low = Math.min(low, Y); high = Math.max(high, Y); end = Y; continue; }
    close();
    if (column === null) ctx.moveTo(X, Y); else ctx.lineTo(X, Y);
    column = at;
    low = high = end = Y;
  }
  close();
  ctx.stroke();
}

// An axis ranged for the painting (ui.playground.frames.paint_loss) grows when a new point leaves it (the
// epochs' axis to twice its span, a loss axis to 0 or by its span, a log axis by a decade), so that
// plotly lays it out again a few times over a long run; an axis the user zoomed is left to the user.
function growAxes(Plotly, plot, series, c, from) {
  const update = {};
  Object.entries(plot.live.grown).forEach(([axis, set]) => {
    const layout = plot.layout[axis], [r0, r1] = layout.range, log = layout.type === 'log';
    if (set[0] !== r0 || set[1] !== r1) { delete plot.live.grown[axis]; return; }  // the user's zoom
    const values = axis === 'xaxis' ? [c.x.slice(from)]
      : series.filter((s) => s.axis === axis).map((s) => c.y[s.series].slice(from));
    let lo = Infinity, hi = -Infinity;
    values.flat().forEach((v) => {
      const at = log ? Math.log10(v) : v;
      if (Number.isFinite(at)) { lo = Math.min(lo, at); hi = Math.max(hi, at); }
    });
    if (!(lo < r0 || hi > r1)) return;
    const span = r1 - r0 || 1;
    const range = axis === 'xaxis' ? [r0, Math.max(hi, r0 + 2 * span)]
      : log ? [lo < r0 ? Math.floor(lo) - 0.1 : r0, hi > r1 ? Math.ceil(hi) + 0.1 : r1]
        : [lo < r0 ? (lo >= 0 ? 0 : r0 - Math.max(r0 - lo, span)) : r0, hi > r1 ? r1 + Math.max(hi - r1, span) : r1];
    update[axis] = { ...layout, range, autorange: false };
    plot.live.grown[axis] = range;
  });
  // Plotly.react, not relayout: plotly keeps a relayout's ranges over the next figure's (uirevision), so
  // that after Pause the chart would not range itself again
  if (Object.keys(update).length) Plotly.react(plot, plot.data, { ...plot.layout, ...update }, plot.live.config);
}

// --- a step painted at once (ui.playground.step) ------------------------------------------------
// On full figures (not Play's base figures): what the step changed is painted under the plot, the
// SVG it replaces hidden and the plot's own background moved under the painting; the next figure
// the chart receives brings them back (uncover).

// The SVG group of a plot's scatter trace k (plotly classes each "trace" + its uid).
function traceGroup(plot, k) {
  const trace = plot._fullData && plot._fullData[k];
  return trace ? plot.querySelector(`.trace${CSS.escape(trace.uid)}`) : null;
}

// Hide `parts` of the plot's SVG and its plot area's background, and show the paper's background
// under the painting instead (kept until `uncover`).
function cover(plot, parts) {
  const host = plot.querySelector('.svg-container'), paper = host.querySelector('.main-svg');
  if (!plot.live.covered) {
    plot.live.covered = { paper, background: paper.style.background };
    host.style.background = paper.style.background;
    paper.style.background = 'transparent';
  }
  [...plot.querySelectorAll('.bglayer .bg'), ...parts].forEach((el) => { if (el) el.classList.add('live-hidden'); });
}

function uncover(plot) {
  const covered = plot.live.covered;
  if (!covered) return;
  covered.paper.style.background = covered.background;
  plot.querySelector('.svg-container').style.background = '';
  plot.querySelectorAll('.live-hidden').forEach((el) => el.classList.remove('live-hidden'));
  plot.querySelectorAll('.live-paint').forEach((layer) => layer.remove());
  plot.live.covered = null;
}

// The diagram: edges, units and their bias labels painted (the inputs' names stay), the note's text set.
function stepNetwork(Plotly, plot, spec, f) {
  const labels = spec.labels >= 0 && traceGroup(plot, spec.labels);
  const biases = labels ? [...labels.querySelectorAll('.textpoint')].slice(spec.keep) : [];
  cover(plot, [...spec.hide.map((k) => traceGroup(plot, k)), ...biases]);
  paintNetwork(Plotly, plot, spec, { ...f.net, e: f.e, first: false, note: false }, floats(spec.xy));
  const note = plot.querySelector(`.annotation[data-index="${spec.note}"] .annotation-text`);
  if (note) note.textContent = `epoch ${f.e}`;
}

// The y* map (with its boundary) painted in place of the heatmap, which hides the grid.
function stepMap(plot, spec, out, epoch) {
  cover(plot, [...plot.querySelectorAll('.heatmaplayer, .gridlayer, .zerolinelayer'),
    ...spec.hide.map((k) => traceGroup(plot, k))]);
  paintMap(plot, spec, out, epoch, floats(spec.x), floats(spec.y));
}

// The loss curves painted: the figure's points and the step's rows after them.
function stepLoss(plot, spec, rows, epoch) {
  cover(plot, spec.paint.map((s) => traceGroup(plot, s.trace)));
  const last = (s) => { const x = plot._fullData[s.trace].x; return x.length ? x[x.length - 1] : -Infinity; };
  paintCurves(plot, spec.paint, (s) => {
    const trace = plot._fullData[s.trace], after = rows.x.map((e, k) => [e, k]).filter(([e]) => e > last(s));
    return [[...trace.x, ...after.map(([e]) => e)],
      [...Array.from(trace.y, Number), ...after.map(([, k]) => (rows.y[s.series][k] === null ? NaN : rows.y[s.series][k]))]];
  });
  if (plot.layout.meta) plot.layout.meta.epoch = epoch;
}

// A step's film (one frame): painted on each chart that is drawn, in view and holds the figure the
// spec describes (the others wait for the full figures); then the main area's rerun brings those.
function paintStep(root, film) {
  const p = root.live;
  if (p.seen.has(film.id)) return;
  p.seen.add(film.id);
  const Plotly = window.Plotly, all = plots(), f = film.frames[0], spec = film.spec;
  const fits = (plot, part) => Boolean(Plotly && part && plot && plot.data && plot.live.visible &&
    !plot.live.busy && plot.live.pending === null && plot.data.length === part.traces);
  const net = all[p.charts.net], out = all[p.charts.out], loss = all[p.charts.loss];
  if (fits(net, spec.net)) guarded(() => stepNetwork(Plotly, net, spec.net, f));
  if (fits(out, spec.out) && f.out) guarded(() => stepMap(out, spec.out, f.out, f.e));
  if (fits(loss, spec.loss)) guarded(() => stepLoss(loss, spec.loss, f.loss, f.e));
  const row = film.metrics && document.querySelector(`.st-key-${film.metrics} .live-player`);
  if (row) showMetrics(row, f.m);  // the metrics row (the Play player's) with the charts
}

// The metrics row: label, value and change per box, as the server's st.metric row shows them.
function showMetrics(root, rows) {
  const row = root.querySelector('.live-metrics');
  if (row.children.length !== rows.length) {
    row.textContent = '';
    for (let k = 0; k < rows.length; k++) {
      const box = document.createElement('div');
      box.className = 'live-metric';
      for (const part of ['label', 'value', 'delta']) {
        const el = document.createElement('div');
        el.className = `live-metric-${part}`;
        box.appendChild(el);
      }
      row.appendChild(box);
    }
  }
  rows.forEach(([label, value, delta], k) => {
    const [l, v, d] = row.children[k].children;
    if (l.textContent !== label) l.textContent = label;
    v.textContent = value;
    d.textContent = delta || '';
    d.dataset.sign = delta ? (delta.startsWith('-') ? 'down' : 'up') : '';
  });
}

// Whether a chart can take a frame: in view, not drawing, holding Play's base figure (else it skips
// the frame; the loss keeps its rows for the next batch).
function ready(plot) {
  return Boolean(window.Plotly && plot && plot.data && plot.live.visible && !plot.live.busy &&
    plot.live.pending === null && plot.layout.meta && plot.layout.meta.play);
}

// A drawing of the player's that fails leaves the others to be drawn.
function guarded(apply) {
  try { apply(); } catch (error) { console.error('live player:', error); }
}

// One frame on every chart and the metrics row, in the same task (so they are painted together); a
// film's first frame also hands its detail charts (whole figures) to their live charts.
function showFrame(root, item) {
  const p = root.live, Plotly = window.Plotly, all = plots(), f = item.frame;
  const net = all[p.charts.net], out = all[p.charts.out], loss = all[p.charts.loss];
  const pending = p.lossPending;  // rows wait here while the loss chart cannot take them
  pending.x.push(...f.loss.x);
  f.loss.y.forEach((values, s) => pending.y[s].push(...values));
  if (ready(net)) guarded(() => applyNetwork(Plotly, net, item.spec.net, { ...f.net, e: f.e, first: item.first }));
  if (ready(out) && f.out) guarded(() => applyOutput(Plotly, out, item.spec.out, f.out, f.e));
  if (ready(loss)) {
    guarded(() => paintLoss(Plotly, loss, item.spec.loss, pending, f.e));
    p.lossPending = { x: [], y: pending.y.map(() => []) };
  }
  Object.entries(item.charts || {}).forEach(([key, text]) => {  // a detail view, built anew about once a second
    const plot = all[key];
    if (plot && plot.live && !plot.live.gone) Object.assign(plot.live, { received: text, pending: text });
    if (plot && plot.live) pump(plot);
  });
  showMetrics(root, f.m);
  p.epoch = f.e;
  p.film = item.film;
}

// Show the queued frames, one per animation frame at most and at least frameMs apart; starting on a
// film asks for the next (unless a later film is already queued). A hidden tab neither draws nor asks.
function tick(root) {
  const p = root.live;
  p.raf = null;
  if (!root.isConnected || p.stopped || document.visibilityState === 'hidden') return;
  const now = performance.now();
  if (p.queue.length && now - p.shownAt >= p.frameMs - 1) {
    const item = p.queue.shift();
    if (item.first && !item.last && p.askedFor !== item.film && !p.queue.some((q) => q.film !== item.film)) {
      Object.assign(p, { askedFor: item.film, askedAt: now });
      p.setTrigger('shown', { film: item.film, fps: Math.round(p.fps), wait: Math.round(p.wait) });
    }
    if (p.waited === false) p.fps = 0.8 * p.fps + 0.2 * (1000 / Math.max(now - p.shownAt, 1));
    p.shownAt = now;
    showFrame(root, item);
    if (item.end && item.last) {  // the run stopped (limit, divergence): the final figures follow
      Object.assign(p, { stopped: true, playing: false });
      p.setTrigger('ended', item.film);
      return;
    }
  }
  if (!p.queue.length && p.askedAt !== null && now - p.askedAt > ASK_AGAIN_MS) {  // an ask that got lost
    p.askedAt = now;
    p.setTrigger('shown', { film: p.askedFor, fps: Math.round(p.fps), wait: Math.round(p.wait) });
  }
  p.waited = !p.queue.length;  // the next interval measures the browser only if a frame is waiting
  p.raf = requestAnimationFrame(() => tick(root));
}

// With nothing left to show this long after asking for the next film, the player asks again (a
// rerun that carried the ask can be superseded by another).
const ASK_AGAIN_MS = 3000;

function schedule(root) {
  const p = root.live;
  if (!p.raf && !p.stopped) p.raf = requestAnimationFrame(() => tick(root));
}

// Stop a playing player at once (the frame on screen is final): that frame's epoch and film, or null
// if it was not playing.
function stopPlayer(root) {
  const p = root.live;
  if (!root.isConnected || !p.playing) return null;
  Object.assign(p, { stopped: true, playing: false, paused: true, queue: [] });
  const all = plots(), net = all[p.charts.net], loss = all[p.charts.loss];
  const epoch = p.epoch !== null ? p.epoch : (net && net.layout && net.layout.meta ? net.layout.meta.epoch : null);
  if (ready(loss) && p.spec) {
    guarded(() => paintLoss(window.Plotly, loss, p.spec.loss, p.lossPending, epoch === null ? Infinity : epoch));
  }
  return { epoch, film: p.film };
}

// Pause (ui.live_chart.pause_catcher, in the main area): a click on the page's Pause button while a
// film plays stops the player at once and goes to the server as this component's trigger, with the
// epoch on screen, instead of the button's own click: one rerun of the main area rolls the run back
// to that epoch and shows it paused. With no film playing, the click is the button's.
function pauseCatcher(component) {
  const state = window.__livePause || (window.__livePause = {});
  Object.assign(state, { send: component.setTriggerValue, key: component.data.pause_key });
  if (!state.listening) {
    state.listening = true;
    document.addEventListener('click', (event) => {
      const target = event.target && event.target.closest ? event.target : null;
      if (!target || !target.closest(`.st-key-${state.key} button`)) return;
      const root = [...document.querySelectorAll('.live-player')].find((r) => r.live && r.live.playing);
      const paused = root ? stopPlayer(root) : null;
      if (!paused) return;
      event.stopPropagation();  // before Streamlit's own listeners see it
      event.preventDefault();
      state.send('paused', paused);
    }, true);
  }
  return () => {};
}

// A step worked out ahead (ui.live_chart.step_ahead): painted in the click on its button, before the
// server has taken the step, if the main charts show the epoch it starts from. Any other press (a
// pointer, a key, a drop, a paste, or an input or change with none, as autofill or dictation make:
// it may change what the step does) drops it, and so does a click
// on the button itself once used. So that no step worked out before the server took such a press in
// is painted after it, the main area's runs are numbered (the hidden step player at their start, this
// component at their end): after a press, only a run the browser has not yet seen start counts, and
// after two presses with no run seen between, only one after the next run seen.
function aheadState() {
  if (!window.__liveAhead) {
    window.__liveAhead = {
      live: { seen: new Set(), charts: {} }, film: null, button: null,
      started: 0, validFrom: 0, requested: false, waiting: false,
    };
  }
  return window.__liveAhead;
}

// A run of the main area started (the step player's data says which).
function aheadRunStarted(run) {
  const a = aheadState();
  if (!run || run <= a.started) return;
  a.started = run;
  a.requested = false;
  if (a.waiting) {
    a.waiting = false;
    a.validFrom = Math.max(a.validFrom, run + 1);
  }
}

function aheadPressed() {
  const a = aheadState();
  a.film = null;
  if (a.requested) a.waiting = true;  // a run this browser may have asked for is still to be seen
  else a.validFrom = Math.max(a.validFrom, a.started + 1);
  a.requested = true;
}

function stepAhead(component) {
  const { data } = component;
  const a = aheadState();
  a.live.charts = data.charts;
  a.button = data.button;
  a.film = data.film && data.run >= a.validFrom ? data.film : null;
  if (a.listening) return () => {};
  a.listening = true;
  const onButton = (event) => Boolean(a.button && event.target && event.target.closest &&
    event.target.closest(`.st-key-${a.button} button`));
  const shows = (epoch) => ['net', 'out', 'loss'].every((name) => {
    const plot = plots()[a.live.charts[name]];
    return !plot || !plot.data || (plot.layout.meta && plot.layout.meta.epoch === epoch);
  });
  for (const type of ['pointerdown', 'keydown', 'drop', 'paste', 'input', 'change']) {
    document.addEventListener(type, (event) => { if (!onButton(event)) aheadPressed(); }, true);
  }
  document.addEventListener('click', (event) => {
    if (!onButton(event)) return;
    const film = a.film;
    aheadPressed();
    // before the next frame: Streamlit sends the click to the server first
    if (film && shows(film.ahead.from)) requestAnimationFrame(() => guarded(() => paintStep(a, film)));
  }, true);
  return () => {};
}

function player(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector('.live-player');
  if (!root) {
    root = document.createElement('div');
    root.className = 'live-player';
    const row = document.createElement('div');
    row.className = 'live-metrics';
    root.appendChild(row);
    root.live = {
      queue: [], seen: new Set(), askedFor: null, askedAt: null, stopped: true, playing: false, paused: false, epoch: null,
      film: null,
      shownAt: 0, fps: 20, wait: 0, waited: true, lossPending: { x: [], y: [[], [], [], []] }, raf: null,
    };
    parentElement.appendChild(root);
  }
  const p = root.live;
  Object.assign(p, {
    charts: data.charts, frameMs: data.frame_ms, setTrigger: setTriggerValue,
  });
  const film = data.film;
  aheadRunStarted(data.run);
  // not for the hidden step player waiting on a page that opens: plotly.js's evaluation would then
  // take the page's main thread from its first rendering
  if (film) plotlyLoaded(data.plotly_url).catch(() => {});
  if (film && film.step) {
    paintStep(root, film);
    return () => {};
  }
  if (!film) {  // still: the server's numbers; the next film is a new Play
    Object.assign(p, { playing: false, stopped: true, paused: false, queue: [], epoch: null });
    showMetrics(root, data.metrics);
  } else if (!p.seen.has(film.id) && !p.paused) {  // films that arrive after a Pause were not asked for
    p.seen.add(film.id);
    if (p.askedAt !== null && film.id > p.askedFor) {  // the wait for an asked film, smoothed
      p.wait = 0.6 * p.wait + 0.4 * (performance.now() - p.askedAt);
    }
    if (!p.playing) {  // a new Play: the numbers of its first frame, which shows next
      Object.assign(p, { playing: true, stopped: false, epoch: null, shownAt: 0, askedAt: null });
      showMetrics(root, film.frames[0].m);
    }
    p.spec = film.spec;
    film.frames.forEach((frame, k) => {
      p.queue.push({ film: film.id, frame, spec: film.spec, first: k === 0, end: k === film.frames.length - 1,
        last: film.last, charts: k === 0 ? film.charts : null });
    });
    // a film that arrived unasked (a toggle's rerun) joins the queue; at most three films wait
    const films = [...new Set(p.queue.map((q) => q.film))];
    if (films.length > 3) p.queue = p.queue.filter((q) => q.film !== films[0]);
  }
  // the page's listeners, once per player element; they do nothing once it has left the page (the
  // component's cleanup may run after its next render, so it removes nothing here)
  if (!p.listening) {
    p.listening = true;
    document.addEventListener('visibilitychange', () => schedule(root));
  }
  schedule(root);
  return () => {};
}

// Ask once for a rerun (a token the page has not seen), when the page's live charts have drawn the figures they
// received, or after DRAWN_WAIT_MS: the rerun's redrawing of the page then comes after theirs, not in between.
// Timers, not animation frames: a hidden tab asks too.
const DRAWN_WAIT_MS = 2000;
function rerunWhenDrawn(token, setTriggerValue) {
  if (!token) return;
  const asked = window.__liveReruns || (window.__liveReruns = new Set());
  if (asked.has(token)) return;
  asked.add(token);
  const until = performance.now() + DRAWN_WAIT_MS;
  const drawing = () => Object.values(plots()).some((plot) => plot.isConnected && !plot.live.gone
    && (plot.live.busy || (plot.live.pending !== null && plot.live.visible)));
  let idle = 0;  // idle twice in a row, 10 ms apart: a chart whose element mounts later than this one counts too
  const wait = () => {
    idle = drawing() ? 0 : idle + 1;
    if (idle < 2 && performance.now() < until) setTimeout(wait, 10);
    else setTriggerValue('drawn', token);
  };
  setTimeout(wait, 0);
}

// plotly.js draws its first figure in a page at several times the cost of the next (its code is not compiled yet,
// its text measurer not made): a small figure of the same kinds of parts, drawn once off screen while the page is
// idle, takes that cost before a click rather than after it, while the server trains.
function warmUp(Plotly) {
  if (window.__liveWarm) return;
  window.__liveWarm = 'waiting';
  (window.requestIdleCallback || setTimeout)(() => {
    const div = document.createElement('div');
    div.style.cssText = 'position: fixed; left: -10000px; top: 0; width: 600px; height: 300px; visibility: hidden;';
    document.body.appendChild(div);
    window.__liveWarm = 'drawing';
    const x = [0, 1, 2, 3];
    const figure = (k) => [
      [{ x, y: [1, 2, 1, k], mode: 'lines', name: 'a' },
        { x, y: [1, k, 2, 4], mode: 'lines', name: 'b', xaxis: 'x2', yaxis: 'y2' }],
      { width: 600, height: 300, showlegend: true, xaxis: { domain: [0, 0.45], title: { text: 'epoch' } },
        xaxis2: { domain: [0.55, 1], anchor: 'y2', title: { text: 'epoch' } }, yaxis2: { anchor: 'x2', type: 'log' },
        annotations: [{ text: 'a', xref: 'paper', yref: 'paper', x: 0, y: 1, showarrow: false }] },
      { staticPlot: true }];
    Plotly.newPlot(div, ...figure(3)).then(() => Plotly.react(div, ...figure(5)))
      .catch(() => {}).finally(() => { Plotly.purge(div); div.remove(); window.__liveWarm = 'done'; });
  });
}

export default function (component) {
  const kind = component.data.kind;
  if (kind === 'preload') {  // nothing to draw: plotly.js loads now, for the page's first chart
    plotlyLoaded(component.data.plotly_url).then(warmUp).catch(() => {});
    rerunWhenDrawn(component.data.rerun, component.setTriggerValue);
    return () => {};
  }
  if (kind === 'pause') return pauseCatcher(component);
  if (kind === 'ahead') return stepAhead(component);
  return kind === 'player' ? player(component) : chart(component);
}
