// Times arrive in the platform's zone; show them in the visitor's own, in the page's language.
(function () {
  var lang = document.documentElement.lang || "uk";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var format = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  document.querySelectorAll("time[data-local]").forEach(function (node) {
    node.textContent = format.format(new Date(node.getAttribute("datetime")));
  });
  var note = document.getElementById("zone-note");
  if (note && zone) {
    var minutes = -new Date().getTimezoneOffset();
    var whole = Math.floor(Math.abs(minutes) / 60), rest = Math.abs(minutes) % 60;
    var offset = minutes === 0 ? "UTC" : "UTC" + (minutes > 0 ? "+" : "\u2212") + whole + (rest ? ":" + String(rest).padStart(2, "0") : "");
    var city = zone.split("/").pop().replace(/_/g, " ");
    note.textContent = note.dataset.localTemplate.replace("{zone}", city + ", " + offset);
  }
})();
