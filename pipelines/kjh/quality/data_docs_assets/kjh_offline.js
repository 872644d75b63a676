/* kjh: behaviour for the GX Data Docs that open offline, without jQuery or
   Bootstrap: tabs, collapsible sections and the "failed only" filter. */
(function () {
  "use strict";
  document.documentElement.className += " kjh-js";

  function target(el) {
    var sel = el.getAttribute("data-target") || el.getAttribute("href") || "";
    return sel.charAt(0) === "#" ? document.getElementById(sel.slice(1)) : null;
  }

  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-toggle]") : null;
    if (!el) { return; }
    var kind = el.getAttribute("data-toggle"), t = target(el);
    if (kind === "tab" && t) {
      ev.preventDefault();
      var nav = el.closest(".nav") || document;
      nav.querySelectorAll("[data-toggle=tab]").forEach(function (a) {
        a.classList.remove("active");
        var pane = target(a);
        if (pane) { pane.classList.remove("active", "show"); }
      });
      el.classList.add("active");
      t.classList.add("active", "show");
    } else if (kind === "collapse" && t) {
      ev.preventDefault();
      t.classList.toggle("show");
    }
  });

  function show(el, visible) { if (el) { el.style.display = visible ? "" : "none"; } }

  /* Show every expectation, or only the failed ones (validation result pages). */
  window.kjhNurFehlgeschlagene = function (nurFehler) {
    document.querySelectorAll(".hide-succeeded-validation-target-child").forEach(function (el) {
      show(el.parentElement, !nurFehler);
    });
    document.querySelectorAll(".hide-succeeded-validation-target").forEach(function (el) { show(el, !nurFehler); });
    document.querySelectorAll(".hide-succeeded-validations-column-section-target-child").forEach(function (el) {
      var section = el.parentElement && el.parentElement.parentElement;
      show(section, !nurFehler);
      if (section && section.id) {
        document.querySelectorAll("a[href$='" + section.id + "']").forEach(function (a) { show(a, !nurFehler); });
      }
    });
  };

  /* Inline scripts of GX templates may still call jQuery: answer quietly. */
  if (!window.jQuery) {
    var stub = function () { return proxy; };
    var proxy = new Proxy(stub, {
      get: function (_, key) {
        if (key === "ready") {
          return function (f) { document.addEventListener("DOMContentLoaded", f); return proxy; };
        }
        return stub;
      }
    });
    window.$ = window.jQuery = proxy;
  }
})();
