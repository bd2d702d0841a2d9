// Times arrive in the platform's zone; show them in the visitor's own, in the page's language, with a note saying
// which zone that is by its city as the server reads it («Київ», never the browser's legacy "Kiev"; plain "UTC").
// Should the server not know the browser's zone, times and note both stay in the platform's zone.
(function () {
  var lang = document.documentElement.lang || "uk";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var notes = document.querySelectorAll("[data-local-template]");
  var format = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  function show(label) {
    document.querySelectorAll("time[data-local]").forEach(function (node) {
      node.textContent = format.format(new Date(node.getAttribute("datetime")));
    });
    notes.forEach(function (note) { note.textContent = note.dataset.localTemplate.replace("{zone}", label); });
  }
  if (!notes.length) { show(""); return; }
  if (!zone) return;
  fetch("/zone?" + new URLSearchParams({ name: zone, lang: lang }), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (answer) { if (answer) show(answer.label); })
    .catch(function () {});
})();
