// Keeps deadline countdowns current while a page stays open. Pages work without this script: the server
// renders every countdown as of the request; this only refreshes the wording once a minute.
(function () {
  "use strict";

  var formatsElement = document.getElementById("countdown-formats");
  if (!formatsElement) return;
  var formats = JSON.parse(formatsElement.textContent);
  var DUE_SOON_MS = 24 * 3600 * 1000;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function span(ms) {
    var minutes = Math.max(1, Math.floor(ms / 60000));
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var rest = minutes % 60;
    // The same wording as the countdown filter in workorders_tags.py.
    if (days) return fill(hours ? formats.days_hours : formats.days, { days: days, hours: hours });
    if (hours) return fill(rest ? formats.hours_minutes : formats.hours, { hours: hours, minutes: rest });
    return fill(formats.minutes, { minutes: rest });
  }

  function refresh(root) {
    var now = Date.now();
    (root || document).querySelectorAll(".countdown[data-due]").forEach(function (element) {
      var due = Date.parse(element.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = due - now;
      element.textContent = left >= 0 ? fill(formats.left, { span: span(left) }) : fill(formats.overdue, { span: span(-left) });
      element.classList.toggle("overdue", left < 0);
      element.classList.toggle("due-soon", left >= 0 && left < DUE_SOON_MS);
    });
  }

  setInterval(refresh, 60000);

  // Filter forms send every field; leave the empty ones out so the pushed URL reads like a hand-written one.
  document.addEventListener("htmx:configRequest", function (event) {
    var data = event.detail.formData;
    if (event.detail.verb !== "get" || !data) return;
    Array.from(data.keys()).forEach(function (key) {
      if (data.getAll(key).every(function (value) { return value === ""; })) data.delete(key);
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    refresh(event.target);
  });
})();
