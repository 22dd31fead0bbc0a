(function () {
  "use strict";
  var source = document.getElementById("search-index");
  var box = document.getElementById("search");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var none = document.getElementById("no-match");
  if (!source || !box || !input || !status || !none) { return; }
  var sessions = JSON.parse(source.textContent).sessions;
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var entries = sessions.map(function (s) {
    return {
      row: document.getElementById(s.row),
      text: fold([s.id, s.date, s.topic].concat(s.questions, s.words).join("\n"))
    };
  });
  function terms(query) {
    return fold(query).split(/\s+/).map(function (t) { return t.replace(/^#+/, ""); })
      .filter(function (t) { return t.length > 0; });
  }
  function show(query) {
    var wanted = terms(query);
    var shown = 0;
    entries.forEach(function (e) {
      var hit = wanted.every(function (t) { return e.text.indexOf(t) !== -1; });
      if (e.row) { e.row.hidden = !hit; }
      if (hit) { shown += 1; }
    });
    var all = entries.length + (entries.length === 1 ? " session" : " sessions");
    status.textContent = wanted.length ? shown + " of " + all + " match" : all;
    none.hidden = shown !== 0;
  }
  function initial() {
    var found = /(?:^#|&)q=([^&]*)/.exec(location.hash) || /(?:^\?|&)q=([^&]*)/.exec(location.search);
    if (!found) { return ""; }
    try { return decodeURIComponent(found[1].replace(/\+/g, " ")); } catch (err) { return ""; }
  }
  box.hidden = false;
  input.value = initial();
  show(input.value);
  input.addEventListener("input", function () {
    show(input.value);
    try {
      history.replaceState(null, "", input.value ? "#q=" + encodeURIComponent(input.value)
        : location.pathname + location.search);
    } catch (err) { /* a page opened from a file may not change its address: the search still works */ }
  });
}());
