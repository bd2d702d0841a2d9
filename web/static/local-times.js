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
    var offset = new Intl.DateTimeFormat(lang, { timeZoneName: "shortOffset" }).formatToParts(new Date())
      .filter(function (part) { return part.type === "timeZoneName"; }).map(function (part) { return part.value; })[0];
    var city = zone.split("/").pop().replace(/_/g, " ");
    note.textContent = note.dataset.localTemplate.replace("{zone}", offset ? city + ", " + offset : city);
  }
})();
