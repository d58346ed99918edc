// The order workspace's keys (listed on the page with ?) and its small helpers. Keys act when no field has the
// cursor (Esc leaves a field); Ctrl+Enter and Ctrl+S work everywhere. N (next order) is in desk.js.
//
//   D / Ctrl+Enter dispatch · A accept the AI's suggestions · 1–9, 0 go to field N · Alt+1…3 the field's other
//   AI candidate · Ctrl+S save · M merge with the first order about the same event · P the order opened before ·
//   Q return to the queue · ? the list of keys
//
// A corrected category or area asks the dispatch catalogue again for the departments, unless the operator has
// chosen them already.
(function () {
  "use strict";

  var form = document.getElementById("workspace-form");
  if (!form) return;
  var shortcuts = document.getElementById("shortcuts");

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function click(id) {
    var element = document.getElementById(id);
    if (element) element.click();
    return Boolean(element);
  }

  function submit(intent) {
    var button = document.getElementById(intent === "dispatch" ? "ws-dispatch" : "ws-save");
    if (button) form.requestSubmit(button);
  }

  function focusField(key) {
    var field = form.querySelector('.ws-field[data-key="' + key + '"]');
    var input = field && field.querySelector(".picker-input, input:not([type=hidden]), select, textarea");
    if (input) {
      input.focus();
      if (input.select && input.tagName !== "SELECT") input.select();
    }
    return Boolean(input);
  }

  function takeAlternative(target, n) { // Alt+N in a field: the AI's N-th other candidate
    var field = target.closest(".ws-field");
    var alt = field && field.querySelectorAll("button.alt")[n - 1];
    if (alt) alt.click();
    return Boolean(alt);
  }

  // the order opened before this one (P), kept for the browser tab
  var trail = [];
  try { trail = JSON.parse(sessionStorage.getItem("workspace-trail") || "[]"); } catch (e) { trail = []; }
  var here = location.pathname;
  if (trail[trail.length - 1] !== here) {
    trail.push(here);
    sessionStorage.setItem("workspace-trail", JSON.stringify(trail.slice(-20)));
  }

  form.addEventListener("click", function (event) {
    var alt = event.target.closest("button.alt");
    if (!alt) return;
    var select = document.getElementById(alt.getAttribute("data-set"));
    if (select) {
      select.value = alt.getAttribute("data-value");
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && key === "Enter") {
      event.preventDefault();
      submit("dispatch");
      return;
    }
    if ((event.ctrlKey || event.metaKey) && (key === "s" || key === "S")) {
      event.preventDefault();
      submit("save");
      return;
    }
    if (event.altKey && /^[1-3]$/.test(key) && typing(event.target)) {
      if (takeAlternative(event.target, Number(key))) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (key === "?") {
      event.preventDefault();
      if (shortcuts.open) shortcuts.close();
      else shortcuts.showModal();
      return;
    }
    if (shortcuts && shortcuts.open) return;
    if (/^[0-9]$/.test(key)) {
      if (focusField(key)) event.preventDefault();
    } else if (key === "d" || key === "D") {
      event.preventDefault();
      submit("dispatch");
    } else if (key === "a" || key === "A") {
      if (click("llm-take-all")) event.preventDefault();
    } else if (key === "m" || key === "M") {
      var merge = document.querySelector("#related .related-orders a.btn");
      if (merge) {
        event.preventDefault();
        merge.click();
      }
    } else if (key === "p" || key === "P") {
      var before = trail.length > 1 ? trail[trail.length - 2] : null;
      if (before) {
        event.preventDefault();
        trail.pop();
        sessionStorage.setItem("workspace-trail", JSON.stringify(trail));
        location.href = before;
      }
    } else if (key === "q" || key === "Q") {
      event.preventDefault();
      if (!click("release-order")) location.href = "/desk/";
    }
  });

  var showButton = document.getElementById("show-shortcuts");
  if (showButton && shortcuts) showButton.addEventListener("click", function () { shortcuts.showModal(); });

  // the catalogue follows a corrected category or area, unless the operator chose the departments
  var suggestionUrl = form.getAttribute("action").replace(/workspace\/$/, "dispatch-suggestion/");
  form.addEventListener("picker:change", function (event) {
    var name = event.detail.name;
    if (name !== "category" && name !== "area") return;
    var lead = form.querySelector('.picker[data-role="lead"]');
    var assisting = form.querySelector('.picker[data-role="assisting"]');
    if (!lead || lead.hasAttribute("data-touched")) return;
    var params = new URLSearchParams();
    ["category", "area"].forEach(function (field) {
      var input = form.querySelector('input[type="hidden"][name="' + field + '"]');
      if (input && input.value) params.set(field, input.value);
    });
    fetch(suggestionUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || lead.hasAttribute("data-touched")) return;
        lead.pickerSet(data.lead ? [data.lead] : []);
        if (assisting && !assisting.hasAttribute("data-touched")) assisting.pickerSet(data.assisting);
      });
  });
})();
