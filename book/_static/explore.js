// "Explore the assumptions": keep the view in the address bar and announce the headline.
// The chart itself (controls, filter, text, curves) is all Vega-Lite; this file only syncs
// the chosen settings with location.hash and writes them to an aria-live status line.
(function () {
  "use strict";
  var DATA = "sweep";

  function hashValues() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length === 2 && /^[a-z0-9_]+$/.test(kv[0])) {
        var v = Number(decodeURIComponent(kv[1]));
        if (isFinite(v)) { out[kv[0]] = v; }
      }
    });
    return out;
  }

  function fmt(n) { return Math.round(n).toLocaleString("en-US"); }

  function setUp(view, names) {
    var rows = view.data(DATA) || [];
    var wanted = hashValues();
    names.forEach(function (name) {
      if (name in wanted && rows.some(function (r) { return r[name] === wanted[name]; })) {
        view.signal(name, wanted[name]);
      }
    });
    var status = document.getElementById("explore-status");
    function update() {
      var state = {};
      names.forEach(function (n) { state[n] = view.signal(n); });
      history.replaceState(null, "", "#" + names.map(function (n) {
        return n + "=" + encodeURIComponent(state[n]);
      }).join("&"));
      // Sync the select elements too: a view restored from the link shows its settings.
      names.forEach(function (n) {
        var el = document.querySelector('.vega-bindings select[name="' + n + '"]');
        if (el && Number(el.value) !== state[n]) {
          Array.prototype.forEach.call(el.options, function (o, i) {
            if (Number(o.value) === state[n]) { el.selectedIndex = i; }
          });
        }
      });
      if (!status) { return; }
      var match = rows.filter(function (r) {
        return names.every(function (n) { return r[n] === state[n]; });
      });
      status.textContent = "";
      match.forEach(function (r) {
        var line = document.createElement("span");
        line.setAttribute("data-reading", r.r);
        line.textContent = (r.r === "2026" ? "Before 1 Jan 2027" : "By 31 Dec 2027") +
          ": median " + fmt(r.m) + " roles; " + r.lv + "% interval " + fmt(r.lo) + " to " +
          fmt(r.hi) + "; chance inside the claimed range " + (100 * r.pi).toFixed(1) + "%.";
        status.appendChild(line);
      });
      status.setAttribute("data-point", match.length ? String(match[0].i) : "");
    }
    names.forEach(function (n) { view.addSignalListener(n, update); });
    view.runAsync().then(update);
  }

  var done = [];
  function attach(el, view) {
    var spec = el.getAttribute("data-params");
    if (!view || !spec || done.indexOf(view) >= 0) { return; }
    try { view.data(DATA); } catch (e) { return; }  // not the explorer chart
    done.push(view);  // a redraw (new width) brings a new view, set up from the address
    setUp(view, spec.split(",").filter(function (n) { return n; }));
  }
  // The chart may be drawn before or after this deferred script runs: handle both.
  document.addEventListener("vega-ready", function (event) {
    attach(event.target, event.detail);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".vega-chart[data-params]"),
    function (el) { attach(el, el.vegaView); });
})();
