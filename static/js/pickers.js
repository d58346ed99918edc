// The workspace's type-ahead pickers for category, area and departments. The choices of a kind are loaded once
// from /pickers/<kind>/ (cached by the browser, revalidated by ETag) and matched here as the operator types, so a
// key costs no request: Chinese as written, pinyin or initials (wy → 物业管理). The ranking is the one of
// workorders/pickers.py `matches`; tests/browser/test_workspace_keyboard.py checks the two agree.
//
// Keys in a picker: ↓ / ↑ move (↓ on an unopened picker opens it, the AI's candidates first), Enter takes the
// highlighted choice (and leaves a single picker, so the next key is a shortcut), Esc closes the list (a second Esc leaves the field), Backspace in an empty multiple picker
// removes its last choice. A single picker left with text that was not taken goes back to its value.
(function () {
  "use strict";

  var MAX_SHOWN = 12;
  var loaded = {};

  function load(kind) {
    if (!loaded[kind]) {
      loaded[kind] = fetch("/pickers/" + encodeURIComponent(kind) + "/", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { entries: [] }; })
        .then(function (data) { return data.entries || []; })
        .catch(function () { delete loaded[kind]; return []; });
    }
    return loaded[kind];
  }

  function startsWithAny(list, text) {
    return list.some(function (item) { return item.indexOf(text) === 0; });
  }

  // Lower is better; -1 when the entry does not match (the order of workorders/pickers.py `matches`).
  function rank(entry, typed) {
    var text = typed.trim().toLowerCase().replace(/\s+/g, "");
    if (!text) return 0;
    var py = entry.py, ini = entry.ini, last = py.length - 1;
    var checks = [
      entry.name.indexOf(text) === 0,
      entry.name.indexOf(text) >= 0,
      ini[last].indexOf(text) === 0,
      py[last].indexOf(text) === 0,
      ini[last].indexOf(text) >= 0,
      py[last].indexOf(text) >= 0,
      entry.label.indexOf(text) >= 0,
      startsWithAny(ini.slice(0, last), text),
      startsWithAny(py.slice(0, last), text),
      ini.join("").indexOf(text) >= 0,
      py.join("").indexOf(text) >= 0,
    ];
    for (var i = 0; i < checks.length; i++) if (checks[i]) return i;
    return -1;
  }

  // The entries matching `typed`, best first: by rank, then the shorter name (more of it typed), then the tree
  // order of the list (a parent before its children); workorders/pickers.py `search` sorts the same way.
  function search(entries, typed, limit) {
    var found = [];
    entries.forEach(function (entry, position) {
      var r = rank(entry, typed);
      if (r >= 0) found.push([r, entry.name.length, position, entry]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return found.slice(0, limit || MAX_SHOWN).map(function (item) { return item[3]; });
  }

  window.hotlinePickers = { rank: rank, search: search, load: load };

  function aiCandidates(picker) {
    var script = document.getElementById("ws-ai-" + picker.getAttribute("data-name"));
    if (!script) return [];
    try {
      return JSON.parse(script.textContent).map(function (c) {
        return { id: c.value, label: c.label, confidence: c.confidence, ai: true };
      });
    } catch (e) {
      return [];
    }
  }

  function setup(picker) {
    var kind = picker.getAttribute("data-kind");
    var name = picker.getAttribute("data-name");
    var multiple = picker.hasAttribute("data-multiple");
    var input = picker.querySelector(".picker-input");
    var list = picker.querySelector(".picker-list");
    var hidden = multiple ? null : picker.querySelector('input[type="hidden"][name="' + name + '"]');
    var chips = picker.querySelector(".chips");
    var shown = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function render(items) {
      shown = items;
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "ws-" + name + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-id", item.id);
        li.textContent = item.label;
        if (item.ai) {
          var tag = document.createElement("span");
          tag.className = "ai-badge";
          tag.textContent = "AI " + Math.round((item.confidence || 0) * 100) + "%";
          li.appendChild(document.createTextNode(" "));
          li.appendChild(tag);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(item);
        });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      highlight(items.length ? 0 : -1);
    }

    function highlight(i) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      }
    }

    function chosenIds() {
      return Array.from(picker.querySelectorAll('input[type="hidden"][name="' + name + '"]')).map(function (h) { return String(h.value); });
    }

    function choose(item) {
      picker.setAttribute("data-touched", "1");
      if (multiple) {
        if (chosenIds().indexOf(String(item.id)) < 0) addChip(item.id, item.label);
        input.value = "";
      } else {
        hidden.value = item.id;
        input.value = item.label;
        input.setAttribute("data-label", item.label);
      }
      close();
      picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true, detail: { name: name, id: item.id } }));
    }

    function addChip(id, label) {
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.setAttribute("data-id", id);
      chip.appendChild(document.createTextNode(label));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", "×");
      remove.textContent = "×";
      chip.appendChild(remove);
      var value = document.createElement("input");
      value.type = "hidden";
      value.name = name;
      value.value = id;
      chip.appendChild(value);
      chips.appendChild(chip);
    }

    function set(items) { // replace the value(s) from outside (the catalogue following a corrected category)
      if (multiple) {
        chips.innerHTML = "";
        items.forEach(function (item) { addChip(item.id, item.label); });
      } else {
        var item = items[0];
        hidden.value = item ? item.id : "";
        input.value = item ? item.label : "";
        input.setAttribute("data-label", input.value);
      }
    }
    picker.pickerSet = set;

    if (chips) {
      chips.addEventListener("click", function (event) {
        var button = event.target.closest(".chip-remove");
        if (!button) return;
        picker.setAttribute("data-touched", "1");
        button.parentNode.remove();
        input.focus();
      });
    }

    function update() {
      var typed = input.value;
      if (!multiple && typed === input.getAttribute("data-label")) typed = "";
      if (!typed.trim()) {
        render(aiCandidates(picker));
        return;
      }
      load(kind).then(function (entries) {
        if (input.value !== typed) return; // a later key has asked again
        render(search(entries, typed));
      });
    }

    input.addEventListener("focus", function () {
      load(kind); // fetch early: the first key finds the list loaded
      if (!multiple) input.select();
    });
    input.addEventListener("input", update);
    input.addEventListener("blur", function () {
      close();
      if (!multiple && input.value !== input.getAttribute("data-label")) input.value = input.getAttribute("data-label") || "";
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) update();
        else highlight(Math.min(shown.length - 1, active + 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) highlight(Math.max(0, active - 1));
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault(); // Enter in a picker never submits the form
        if (open && active >= 0 && shown[active]) {
          choose(shown[active]);
          // a single choice is made: leave the field so the next key is a shortcut again (a multiple picker stays
          // open for the next department)
          if (!multiple) input.blur();
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.stopPropagation(); // the first Esc closes the list; the next one leaves the field
          close();
        }
      } else if (event.key === "Backspace" && multiple && !input.value) {
        var last = chips.lastElementChild;
        if (last) {
          picker.setAttribute("data-touched", "1");
          last.remove();
        }
      }
    });
  }

  document.querySelectorAll(".picker").forEach(setup);
})();
