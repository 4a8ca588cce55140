// A plotly chart updated in place with Plotly.react, that plays films of frames while training.
// Only public APIs: the component's arguments (data, parentElement, setTriggerValue, a cleanup
// function), Streamlit's documented --st-* theme properties, and plotly.js from the app's static
// folder (see __init__.py).

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

// Draw one figure (a frame's JSON text) with Plotly.react; a new revision (a rebuilt run) afresh.
function draw(plot, text) {
  const live = plot.live;
  const figure = JSON.parse(text);
  return plotlyLoaded(live.plotlyUrl)
    .then((Plotly) => {
      if (!plot.data) plot.textContent = '';  // a message left by a failed first draw
      // react can leave a legend behind that the new figure no longer has (the 1-D curve's, under a 2-D plane)
      const fresh = plot.layout && plot.layout.uirevision !== figure.layout.uirevision;
      return (fresh ? Plotly.newPlot : Plotly.react)(plot, figure.data, figure.layout, live.config);
    })
    .then(() => {
      const meta = figure.layout.meta || {};
      if (meta.label) plot.setAttribute('aria-label', meta.label);
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

// Show queued frames one by one, each painted at least once and at most one per frameMs;
// starting on a new film asks for the next. A chart scrolled out of view keeps pace without
// drawing, and draws its latest frame when it comes into view.
function pump(plot) {
  const live = plot.live;
  if (live.busy || !live.queue.length || live.gone) return;
  const wait = live.lastDrawn + live.frameMs - performance.now();
  if (wait > 0) { live.busy = true; setTimeout(() => { live.busy = false; pump(plot); }, wait); return; }
  const [film, text] = live.queue.shift();
  // ask once per film, and only when no later film is queued: a film that arrived unasked (say,
  // after a toggle) is then absorbed instead of keeping an extra film in flight for good
  const later = live.queue.length && live.queue[live.queue.length - 1][0] !== film;
  if (live.ask && film !== null && film !== live.askedFor && !later) {
    live.askedFor = film;
    live.setTrigger('shown', film);
  }
  live.busy = true;
  live.lastDrawn = performance.now();
  const next = () => requestAnimationFrame(() => setTimeout(() => { live.busy = false; pump(plot); }));
  if (live.visible || !plot.data) {
    live.pending = null;
    draw(plot, text).finally(next);
  } else {
    live.pending = text;
    setTimeout(() => { live.busy = false; pump(plot); });
  }
}

// Whether the chart is in view; one that comes into view draws the frame it skipped.
function followVisibility(plot) {
  const observer = new IntersectionObserver((entries) => {
    const live = plot.live;
    live.visible = entries[entries.length - 1].isIntersecting;
    if (live.visible && live.pending && !live.busy) {
      const text = live.pending;
      live.pending = null;
      live.busy = true;
      draw(plot, text).finally(() => { live.busy = false; pump(plot); });
    }
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
    requestAnimationFrame(() => { pending = false; if (!plot.live.gone) window.Plotly.Plots.resize(plot); });
  });
  observer.observe(plot.parentNode);
  return observer;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let plot = parentElement.querySelector('.live-plot');
  if (!plot) {
    plot = document.createElement('div');
    plot.className = 'live-plot';
    plot.setAttribute('role', 'img');
    plot.live = { queue: [], busy: false, lastDrawn: 0, films: 0, askedFor: null, received: null, gone: false };
    parentElement.appendChild(plot);
  }
  const live = plot.live;
  if (!live.observer) {
    Object.assign(live, { gone: false, visible: true, observer: followSize(plot), seen: followVisibility(plot) });
  }
  Object.assign(live, {
    plotlyUrl: data.plotly_url, config: data.config, frameMs: data.frame_ms, ask: data.play && data.ask,
    reportTheme: data.report_theme, setTrigger: setTriggerValue,
  });
  if (live.reportTheme && !live.themeTimer) live.themeTimer = setInterval(() => checkTheme(plot), 1000);
  const received = data.frames.join('\n');
  if (received !== live.received) {
    live.received = received;
    const film = data.play ? ++live.films : null;  // numbered here, so every film is asked on from once
    const frames = data.frames.map((text) => [film, text]);
    // a still figure replaces whatever was queued; a film joins the queue, which keeps at most three films
    live.queue = data.play ? live.queue.concat(frames).slice(-3 * frames.length) : frames;
    pump(plot);
  }
  return () => {
    live.gone = true;
    live.observer.disconnect();
    live.seen.disconnect();
    live.observer = null;
    clearInterval(live.themeTimer);
    live.themeTimer = null;
  };
}
