// The live call on the order page (templates/calls/_live_call.html): asks the server every data-poll-ms what changed
// since the revision it last saw, so a screen that loses its connection catches up on everything when it is back.
// The transcript grows, partial hypotheses are replaced by the final words, the fields fill in (a field the operator
// has set is marked and never changed by the analysis), and the risk alert shows at once. The page's own inputs for
// those fields follow the analysis until the operator types in them, and its forms are kept on the order's current
// version, so a correction or the dispatch is not refused because the analysis moved the order on. When the call
// has ended and the intake has analysed the whole transcript, the page is shown again as the order now is.
(function () {
  "use strict";

  var panel = document.getElementById("live-call");
  if (!panel) return;
  var stateUrl = panel.getAttribute("data-state-url");
  var knowledgeUrl = panel.getAttribute("data-knowledge-url");
  var pollMs = parseInt(panel.getAttribute("data-poll-ms"), 10) || 500;
  var revision = parseInt(panel.getAttribute("data-revision"), 10) || 0;
  var version = panel.getAttribute("data-version") || "";
  var transcript = document.getElementById("live-transcript");
  var note = document.getElementById("live-call-note");
  var failures = 0;
  var knowledgeKey = null;
  var knowledgeTimer = null;
  var done = false;

  function text(name) {
    return panel.getAttribute("data-text-" + name) || "";
  }

  function outsidePanel(element) {
    return !panel.contains(element);
  }

  // --- the page's inputs: follow the analysis until the operator types in them ---------------------------
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target || !outsidePanel(target)) return;
    var picker = target.closest(".picker");
    if (picker) picker.setAttribute("data-live-typed", "1");
    else if (target.name) target.setAttribute("data-live-typed", "1");
  }, true);

  function syncPicker(picker, field) {
    // a single type-ahead picker (static/js/pickers.js): a hidden input holds the id, a text box shows its name
    var hidden = picker.querySelector('input[type="hidden"][name="' + field.name + '"]');
    var box = picker.querySelector("input.picker-input");
    if (!hidden || !box || picker.getAttribute("data-live-typed") || box === document.activeElement) return;
    hidden.value = field.value === null || field.value === undefined ? "" : String(field.value);
    box.value = field.shown || "";
    box.setAttribute("data-label", field.shown || "");
  }

  function syncPageInputs(fields) {
    fields.forEach(function (field) {
      if (field.by_operator) return;
      document.querySelectorAll('.picker[data-name="' + field.name + '"]:not([data-multiple])').forEach(function (picker) {
        if (outsidePanel(picker)) syncPicker(picker, field);
      });
      document.querySelectorAll('form [name="' + field.name + '"]').forEach(function (input) {
        if (!outsidePanel(input) || input.closest(".picker")) return;
        if (input.getAttribute("data-live-typed") || input === document.activeElement) return;
        var value = field.value === null || field.value === undefined ? "" : String(field.value);
        if (input.tagName === "SELECT") {
          if (Array.prototype.some.call(input.options, function (o) { return o.value === value; })) input.value = value;
        } else if (input.tagName === "TEXTAREA" || (input.type || "text") === "text") {
          input.value = value;
          input.defaultValue = value;
        } else if (input.type === "radio") {
          input.checked = input.value === value;
        }
      });
    });
  }

  function rebaseForms(orderVersion) {
    if (!orderVersion) return;
    document.querySelectorAll('form input[name="version"]').forEach(function (input) {
      if (outsidePanel(input)) input.value = String(orderVersion);
    });
  }

  // --- the transcript -----------------------------------------------------------------------------------
  function turnItem(turn) {
    var item = document.createElement("li");
    item.className = "turn turn-" + turn.speaker + (turn.final ? "" : " partial");
    item.setAttribute("data-seq", String(turn.seq));
    item.setAttribute("data-start", turn.start === null ? "" : String(turn.start));
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = turn.label;
    var said = document.createElement("span");
    said.className = "said";
    said.textContent = turn.text;
    item.appendChild(who);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(said);
    return item;
  }

  function position(item) {
    var start = item.getAttribute("data-start");
    return [start === "" ? Infinity : parseFloat(start), parseInt(item.getAttribute("data-seq"), 10)];
  }

  function before(a, b) {
    var x = position(a), y = position(b);
    return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
  }

  function applyTurns(turns, complete) {
    if (complete) transcript.textContent = "";
    var waiting = transcript.querySelector(".waiting");
    if (waiting && turns.length) waiting.remove();
    var atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    turns.forEach(function (turn) {
      var old = transcript.querySelector('li[data-seq="' + turn.seq + '"]');
      var item = turnItem(turn);
      if (old) old.remove();
      if (!turn.text) return;
      var next = Array.prototype.find.call(transcript.children, function (other) { return before(item, other); });
      transcript.insertBefore(item, next || null);
    });
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  }

  // --- the fields, the risk -------------------------------------------------------------------------------
  function clock(iso) {
    if (!iso) return "";
    var moment = new Date(iso);
    return [moment.getHours(), moment.getMinutes(), moment.getSeconds()].map(function (n) {
      return (n < 10 ? "0" : "") + n;
    }).join(":");
  }

  function applyFields(fields) {
    fields.forEach(function (field) {
      var row = panel.querySelector('.live-field[data-field="' + field.name + '"]');
      if (!row) return;
      var value = row.querySelector(".value");
      var shown = field.shown || "—";
      if (value.textContent !== shown) {
        value.textContent = shown;
        row.classList.remove("just-changed");
        void row.offsetWidth; // restart the highlight
        row.classList.add("just-changed");
      }
      row.classList.toggle("by-operator", !!field.by_operator);
      row.querySelector(".changed").textContent = field.by_operator ? text("operator") : clock(field.changed_at);
      var input = row.querySelector('[name="value"]');
      if (input && input !== document.activeElement && !row.querySelector("details[open]")) {
        input.value = input.tagName === "SELECT" ? String(field.value) : field.shown;
      }
    });
  }

  function applyRisk(risk) {
    var box = document.getElementById("live-risk");
    box.hidden = !risk.at_risk;
    if (!risk.at_risk) return;
    box.classList.toggle("risk-self-harm", !!risk.self_harm);
    document.getElementById("live-risk-self-harm").hidden = !risk.self_harm;
    document.getElementById("live-risk-other").hidden = !!risk.self_harm;
    document.getElementById("live-risk-kind").textContent = risk.kind_label || "";
    document.getElementById("live-risk-words").textContent = risk.triggers.length
      ? text("raised") + ": " + risk.triggers.join(" ")
      : "";
    var advice = document.getElementById("live-risk-advice");
    advice.textContent = advice.getAttribute(risk.self_harm ? "data-self-harm" : "data-other");
  }

  // --- knowledge passages that follow the conversation -----------------------------------------------------
  function followKnowledge(fields) {
    if (!knowledgeUrl) return;
    var key = fields.filter(function (f) { return f.name === "title" || f.name === "category"; })
      .map(function (f) { return String(f.value); }).join("|");
    if (key === knowledgeKey) return;
    var first = knowledgeKey === null;
    knowledgeKey = key;
    if (knowledgeTimer) return; // at most one request every three seconds
    knowledgeTimer = window.setTimeout(function () {
      knowledgeTimer = null;
      fetch(knowledgeUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          // the page's own knowledge panel follows the call when it has one, else the panel's box
          var pageBox = document.getElementById("knowledge");
          var box = pageBox && outsidePanel(pageBox) ? pageBox : document.getElementById("live-knowledge");
          if (html && box) box.innerHTML = html;
        })
        .catch(function () {});
    }, first ? 0 : 3000);
  }

  // --- the loop -------------------------------------------------------------------------------------------
  function typing() {
    // something the operator typed on the page and has not saved yet: a reload would lose it
    return !!document.querySelector("[data-live-typed]");
  }

  function finished(state) {
    done = true;
    panel.classList.remove("is-open");
    if (!typing()) {
      window.location.reload();
      return;
    }
    note.textContent = text("ready") + " ";
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = text("reload");
    note.appendChild(link);
  }

  function apply(state) {
    if (state.unchanged) return;
    applyTurns(state.turns, state.complete);
    applyRisk(state.risk);
    if (state.fields) { // null: the order has not changed since the last answer
      applyFields(state.fields);
      followKnowledge(state.fields);
      syncPageInputs(state.fields);
    }
    if (state.order_version && String(state.order_version) !== version) rebaseForms(state.order_version);
    revision = state.revision;
    version = state.order_version ? String(state.order_version) : "";
    panel.setAttribute("data-revision", String(revision));
    panel.setAttribute("data-version", version);
    panel.setAttribute("data-status", state.status);
    if (state.status !== "open") document.getElementById("live-call-status").textContent = text("ended");
    if (state.status !== "open" && state.analysed) finished(state);
  }

  function fetchState() {
    return fetch(stateUrl + "?since=" + revision + "&version=" + encodeURIComponent(version), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  // A form of the page sent while the call goes on (a correction saved, the dispatch): first brought up to what
  // the analysis has just written, so it is not refused as based on an older version of the order and carries no
  // value the analysis has replaced since the last poll.
  var refreshedForm = null;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !outsidePanel(form) || done || !form.querySelector('input[name="version"]')) return;
    if (refreshedForm === form) {
      refreshedForm = null;
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    fetchState()
      .then(apply)
      .catch(function () {})
      .then(function () {
        refreshedForm = form;
        if (submitter) form.requestSubmit(submitter);
        else form.requestSubmit();
      });
  }, true);

  function poll() {
    if (done) return;
    fetchState()
      .then(function (state) {
        failures = 0;
        if (note.textContent === text("offline")) note.textContent = "";
        apply(state);
        window.setTimeout(poll, pollMs);
      })
      .catch(function () {
        failures += 1;
        note.textContent = text("offline");
        window.setTimeout(poll, Math.min(10000, pollMs * Math.pow(2, failures)));
      });
  }

  // --- a field corrected in the panel -----------------------------------------------------------------------
  panel.addEventListener("submit", function (event) {
    var form = event.target.closest("form");
    if (!form || !panel.contains(form)) return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new FormData(form),
    })
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (result) {
        if (!result[0]) {
          note.textContent = Object.values(result[1]).join(" ");
          return;
        }
        var details = form.closest("details");
        if (details) details.open = false;
        revision = 0; // the answer is the whole state
        apply(result[1]);
      })
      .catch(function () { note.textContent = text("offline"); });
  });

  // the page's own knowledge panel loads by itself; without one, the panel's box is filled now
  var ownKnowledge = document.getElementById("knowledge");
  if (ownKnowledge && outsidePanel(ownKnowledge)) knowledgeKey = "";
  else followKnowledge([]);
  if (panel.getAttribute("data-status") !== "open" && panel.getAttribute("data-analysed")) return;
  window.setTimeout(poll, pollMs);
})();
