/* Draws the report's charts. Each chart container (.vega-chart) is followed by its Vega-Lite
 * spec as JSON (script.vega-spec[data-for=id]), written by analysis.charts.render_mimebundle.
 * Loaded with `defer`, only on pages that hold a chart. The Vega bundle (about 0.9 MiB, 0.3 MiB
 * compressed; it defines window.vegaEmbed) is not in the page's head: this script adds it, from
 * its own `data-vega-bundle` attribute, once the page has loaded and the browser is idle, in
 * two steps. When a chart comes within one and a half screens of the viewport the bundle is
 * downloaded (the slow part on a phone's network); when it comes within half a screen the
 * bundle is run and the chart drawn (about half a second of a slow phone's processor), one
 * chart per task. So neither the download nor the running of Vega delays the first paint or
 * the first taps on a page, and a reader who stays at the top of a page never pays for it.
 * Before printing, every chart not yet drawn is drawn (a chart still drawing prints its
 * description instead).
 *
 * Every chart must fit its container, down to a 360 px phone:
 * - a single or layered view is sized by Vega-Lite itself (width "container", autosize fit-x;
 *   vega-embed redraws it when the window is resized);
 * - Vega-Lite cannot fit a concatenation or a facet to its container, so here their views are
 *   drawn, the overflow is measured, and they are drawn again narrower (never wider than the
 *   width they were designed at); a row of facets wraps onto as many rows as it needs;
 * - a legend laid out in one row that is wider than the container is given columns;
 * - long category labels that would leave the plot less than half the width are cut to 40%
 *   of it (their tooltips keep them whole).
 */
(function () {
  "use strict";
  var OPTIONS = { actions: false, renderer: "svg" };
  var CONCAT = ["vconcat", "hconcat", "concat"];
  var MAX_TRIES = 6;

  function concatKey(spec) {
    for (var i = 0; i < CONCAT.length; i++) {
      if (Array.isArray(spec[CONCAT[i]])) { return CONCAT[i]; }
    }
    return null;
  }

  function isColumnFacet(spec) {
    return spec.facet && spec.facet.column && !spec.facet.row && spec.spec;
  }

  function defaultWidth(spec) {
    var view = (spec.config || {}).view || {};
    return view.continuousWidth || 400;
  }

  function dropLayerWidths(view) {
    (view.layer || []).forEach(function (layer) {
      delete layer.width;
      dropLayerWidths(layer);
    });
  }

  function eachView(spec, fn) {
    fn(spec);
    ["layer", "vconcat", "hconcat", "concat"].forEach(function (key) {
      (spec[key] || []).forEach(function (child) { eachView(child, fn); });
    });
    if (spec.spec) { eachView(spec.spec, fn); }
  }

  /* The spec to draw: `fit` holds the view width, facet columns and legend columns to use. */
  function prepare(spec, fit) {
    var copy = JSON.parse(JSON.stringify(spec));
    var key = concatKey(copy);
    if (key && fit.width) {
      copy[key].forEach(function (view) { view.width = fit.width; dropLayerWidths(view); });
    }
    if (isColumnFacet(copy) && fit.width) {
      copy.facet = copy.facet.column;
      copy.columns = fit.columns;
      copy.spec.width = fit.width;
    }
    if (fit.labelLimit) {
      copy.config = copy.config || {};
      copy.config.axisY = Object.assign({}, copy.config.axisY, { labelLimit: fit.labelLimit });
      eachView(copy, function (view) {  // an axis's own limit wins over the config
        var y = (view.encoding || {}).y;
        if (y && y.axis && typeof y.axis.labelLimit === "number") {
          y.axis.labelLimit = Math.min(y.axis.labelLimit, fit.labelLimit);
        }
      });
    }
    if (fit.legendColumns) {
      copy.config = copy.config || {};
      copy.config.legend = Object.assign({}, copy.config.legend, { columns: fit.legendColumns },
                                         fit.legendLabelLimit ? { labelLimit: fit.legendLabelLimit } : {});
      // A legend's own columns (set by its chart) win over the config: narrow those too.
      eachView(copy, function (view) {
        Object.keys(view.encoding || {}).forEach(function (channel) {
          var legend = view.encoding[channel] && view.encoding[channel].legend;
          if (!legend) { return; }
          if (typeof legend.columns === "number" && legend.columns > fit.legendColumns) {
            legend.columns = fit.legendColumns;
          }
          if (fit.legendLabelLimit) { legend.labelLimit = fit.legendLabelLimit; }
        });
      });
    }
    return copy;
  }

  /* The first guess at a fit for a container `avail` px wide. */
  function firstFit(spec, avail) {
    var key = concatKey(spec);
    if (key) {
      var widths = spec[key].map(function (v) {
        return typeof v.width === "number" ? v.width : defaultWidth(spec);
      });
      var perRow = key === "hconcat" ? spec[key].length : 1;
      var designed = Math.min.apply(null, widths);
      return { designed: designed, perRow: perRow,
               width: Math.max(60, Math.min(designed, Math.floor(avail / perRow) - 80)) };
    }
    if (isColumnFacet(spec)) {
      var cell = typeof spec.spec.width === "number" ? spec.spec.width : defaultWidth(spec);
      var columns = Math.max(1, Math.floor(avail / (cell + 60)));
      return { designed: cell, perRow: columns, columns: columns,
               width: Math.max(60, Math.min(cell, Math.floor(avail / columns) - 60)) };
    }
    return {};
  }

  /* How far the drawing runs past the container's right edge (a legend can run past the
     edge of the SVG itself, where it is cut off). */
  function overflow(el) {
    var svg = el.querySelector("svg");
    if (!svg) { return 0; }
    var right = svg.getBoundingClientRect().right;
    var legend = svg.querySelector(".role-legend");
    if (legend) { right = Math.max(right, legend.getBoundingClientRect().right); }
    return right - el.getBoundingClientRect().right;
  }

  /* The width of the widest vertical axis's labels, in px. */
  function verticalAxisWidth(el) {
    var widest = 0;
    Array.prototype.forEach.call(el.querySelectorAll("svg .role-axis-label"), function (labels) {
      var r = labels.getBoundingClientRect();
      if (r.height > r.width) { widest = Math.max(widest, r.width); }
    });
    return widest;
  }

  /* True if long category labels leave the plot less than half the container. */
  function squeezed(el, fit) {
    return !fit.labelLimit && verticalAxisWidth(el) > 0.5 * el.clientWidth;
  }

  /* Adjust `fit` after a draw that overflowed by `over` px or left too little room for the
     plot; false if nothing is left to try. */
  function refine(el, fit, over) {
    if (squeezed(el, fit)) {
      // On a narrow screen long category labels are cut to 40% of the width (the tooltip
      // and the table or CSV download keep them whole), so the plot keeps the rest.
      fit.labelLimit = Math.floor(0.4 * el.clientWidth);
      return true;
    }
    var legend = el.querySelector("svg .role-legend");
    var box = el.getBoundingClientRect();
    var spill = legend ? legend.getBoundingClientRect() : null;
    // A legend that reaches the right edge (with the view's padding) is the overflow: give it
    // as many columns as fit.
    if (spill && spill.right + 8 > box.right) {
      var entries = legend.querySelectorAll(".role-legend-symbol path").length || 2;
      var room = Math.max(40, box.right - spill.left - 12);
      var fitting = Math.floor(entries * room / spill.width);
      var columns = Math.max(1, Math.min(fitting, (fit.legendColumns || entries) - 1));
      if (columns !== fit.legendColumns) {
        fit.legendColumns = columns;
        return true;
      }
      if (columns === 1 && !fit.legendLabelLimit) {
        // One column and still too wide: its labels are cut to the room there is.
        fit.legendLabelLimit = Math.max(60, Math.floor(room - 30));
        return true;
      }
    }
    if (fit.width && fit.width > 60) {
      fit.width = Math.max(60, Math.floor(fit.width - over / (fit.perRow || 1)) - 2);
      return true;
    }
    return false;
  }

  function draw(el, spec) {
    var fit = firstFit(spec, el.clientWidth);
    var tries = 0;
    function attempt() {
      return vegaEmbed(el, prepare(spec, fit), OPTIONS).then(function (result) {
        var over = overflow(el);
        tries += 1;
        if ((over <= 0 && !squeezed(el, fit)) || tries >= MAX_TRIES || !refine(el, fit, over)) {
          return { result: result, tuned: !!(fit.width || fit.legendColumns || fit.labelLimit) };
        }
        result.finalize();
        return attempt();
      });
    }
    return attempt();
  }

  function watchWidth(el, redraw) {
    if (!window.ResizeObserver) { return; }
    var last = el.clientWidth;
    var timer = null;
    new ResizeObserver(function () {
      if (Math.abs(el.clientWidth - last) < 2) { return; }
      last = el.clientWidth;
      clearTimeout(timer);
      timer = setTimeout(redraw, 150);
    }).observe(el);
  }

  /* A page script (the explorer's) can find the drawn view: on the element and by an event. */
  function announce(el, result) {
    el.vegaView = result.view;
    el.dispatchEvent(new CustomEvent("vega-ready", { bubbles: true, detail: result.view }));
  }

  /* Draw one chart; the promise settles when it is drawn and fitted. */
  function drawOne(script) {
    var el = document.getElementById(script.getAttribute("data-for"));
    if (!el) { return Promise.resolve(); }
    var spec = JSON.parse(script.textContent);
    var current = draw(el, spec);
    return current.then(function (done) {
      announce(el, done.result);
      el.setAttribute("data-drawn", "true");  // drawn and fitted (the site tests wait for it)
      if (!done.tuned) { return; }
      // The fit depends on the width: draw again when the container changes size.
      watchWidth(el, function () {
        current.then(function (d) { d.result.finalize(); }).catch(function () {});
        el.removeAttribute("data-drawn");
        current = draw(el, spec);
        current.then(function (d) { announce(el, d.result); el.setAttribute("data-drawn", "true"); })
          .catch(function (e) { console.error(e); });
      });
    }).catch(function (e) { console.error(e); });
  }

  var BUNDLE = document.currentScript && document.currentScript.getAttribute("data-vega-bundle");
  // Distances from the viewport, in viewport heights: download the bundle, then draw.
  var FETCH_NEAR = "150% 0px";
  var DRAW_NEAR = "50% 0px";
  var download = null;
  var bundle = null;
  var queue = [];
  var busy = false;

  /* Start downloading the bundle without running it (the script element below then finds it
     in the browser's cache). Where fetch cannot read the file (a page opened from disk), the
     script element loads it. */
  function prefetch() {
    if (!download && BUNDLE && typeof window.vegaEmbed !== "function" && window.fetch) {
      download = fetch(BUNDLE).then(function (r) { return r.blob(); }).catch(function () {});
    }
  }

  /* Run the Vega bundle once; resolves when window.vegaEmbed is defined. */
  function loadBundle() {
    if (!bundle) {
      bundle = Promise.resolve(download).then(function () {
        return new Promise(function (resolve, reject) {
          if (typeof window.vegaEmbed === "function") { resolve(); return; }
          if (!BUNDLE) { reject(new Error("report-charts.js: no data-vega-bundle attribute")); return; }
          var tag = document.createElement("script");
          tag.src = BUNDLE;
          tag.onload = function () {
            if (typeof window.vegaEmbed === "function") { resolve(); } else {
              reject(new Error("report-charts.js: the Vega bundle did not define vegaEmbed"));
            }
          };
          tag.onerror = function () { reject(new Error("report-charts.js: the Vega bundle did not load")); };
          document.head.appendChild(tag);
        });
      });
    }
    return bundle;
  }

  /* Draw the queued charts one per task, so the page stays responsive between them. */
  function pump() {
    if (busy || !queue.length) { return; }
    busy = true;
    var script = queue.shift();
    var done = function () { busy = false; setTimeout(pump, 0); };
    try {
      drawOne(script).then(done, done);
    } catch (e) {
      console.error(e);
      done();
    }
  }

  function request(script) {
    if (script.hasAttribute("data-requested")) { return; }
    script.setAttribute("data-requested", "true");
    loadBundle().then(function () {
      queue.push(script);
      pump();
    }).catch(function (e) { console.error(e.message); });
  }

  function start() {
    var specs = Array.prototype.slice.call(document.querySelectorAll("script.vega-spec"));
    if (!specs.length) { return; }
    window.addEventListener("beforeprint", function () { specs.forEach(request); });
    if (!("IntersectionObserver" in window)) {
      specs.forEach(request);
      return;
    }
    var byId = {};
    var soon = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        prefetch();
        soon.disconnect();
      }
    }, { rootMargin: FETCH_NEAR });
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) { return; }
        near.unobserve(entry.target);
        request(byId[entry.target.id]);
      });
    }, { rootMargin: DRAW_NEAR });
    specs.forEach(function (script) {
      var el = document.getElementById(script.getAttribute("data-for"));
      if (!el) { return; }
      byId[el.id] = script;
      soon.observe(el);
      near.observe(el);
    });
  }

  // After the load event, once the browser is idle (so after the first paint): the page's own
  // files and its text come first.
  function later() {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(start, { timeout: 2000 });
    } else {
      setTimeout(start, 200);
    }
  }
  if (document.readyState === "complete") {
    later();
  } else {
    window.addEventListener("load", later);
  }
}());
