// The dispatch desk's keys and the claim on an open order. The pages work without this script: the queue is a
// table of links with pages, "next order" a button, and the claim is taken when an order is opened.
//
// - On the queue: N takes the next order nobody holds, J/K (or the arrow keys) move the selection, Enter opens the
//   selected order, / goes to the filter. The queue is replaced every 10 s by htmx; the selection is kept by the
//   order's id, and the filter box is outside what is replaced, so what the operator is typing stays.
// - On an order: while the operator types or clicks, the claim line (asked again every minute) says so, and
//   the claim is kept; after 10 minutes without activity others may take the order.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // --- the queue ---------------------------------------------------------------------------------------
  var queue = document.getElementById("queue");
  var selected = null; // the selected order's id, kept across refreshes

  function rows() {
    return queue ? Array.from(queue.querySelectorAll("tr.queue-row")) : [];
  }

  function select(row, scroll) {
    rows().forEach(function (other) {
      other.classList.remove("selected");
      other.removeAttribute("aria-selected");
    });
    if (!row) {
      selected = null;
      return;
    }
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    selected = row.getAttribute("data-order");
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.findIndex(function (row) { return row.getAttribute("data-order") === selected; });
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    select(all[next], true);
  }

  if (queue) {
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target !== queue) return;
      var again = selected && queue.querySelector('tr.queue-row[data-order="' + selected + '"]');
      if (again) select(again, false);
    });
    queue.addEventListener("click", function (event) {
      var row = event.target.closest("tr.queue-row");
      if (row) select(row, false);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key;
    if (key === "n" || key === "N") {
      var next = document.getElementById("next-order");
      if (next) {
        event.preventDefault();
        next.click();
      }
      return;
    }
    if (!queue) return;
    if (key === "j" || key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (key === "k" || key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (key === "Enter" && selected) {
      var link = queue.querySelector('tr.queue-row[data-order="' + selected + '"] a.queue-link');
      if (link) {
        event.preventDefault();
        link.click();
      }
    } else if (key === "/") {
      var filter = document.getElementById("queue-q");
      if (filter) {
        event.preventDefault();
        filter.focus();
      }
    }
  });

  // --- the claim on an open order ---------------------------------------------------------------------
  function noteActivity() {
    var active = document.getElementById("claim-active");
    if (active) active.value = "1";
  }
  if (document.getElementById("claim-state")) {
    ["keydown", "input", "click"].forEach(function (name) {
      document.addEventListener(name, noteActivity, { passive: true });
    });
  }
})();
