// Offline search over the index that search-index.js defines (no request leaves the page).
(function () {
  "use strict";
  var index = window.ZCTASKS_INDEX || [];
  var names = { done: "已完成", green: "序时推进", yellow: "滞后", red: "严重滞后", grey: "未报送" };
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var count = document.getElementById("count");
  function snippet(text, word) {
    var at = text.indexOf(word);
    if (at < 0) return "";
    var start = Math.max(0, at - 24);
    return (start > 0 ? "…" : "") + text.slice(start, at + word.length + 40) + "…";
  }
  function run() {
    var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { count.textContent = ""; return; }
    var shown = 0, found = 0;
    index.forEach(function (item) {
      var all = (item.t + " " + item.x + " " + item.n).toLowerCase();
      if (!words.every(function (w) { return all.indexOf(w) >= 0; })) return;
      found += 1;
      if (shown >= 200) return;
      shown += 1;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.h;
      a.textContent = item.t;
      li.appendChild(a);
      if (item.l) {
        var light = document.createElement("span");
        light.className = "light l-" + item.l;
        light.textContent = names[item.l];
        li.appendChild(document.createTextNode(" "));
        li.appendChild(light);
      }
      var text = snippet(item.x + " " + item.n, words[0]) || snippet(item.x.toLowerCase() + " " + item.n.toLowerCase(), words[0]);
      if (text) {
        var p = document.createElement("div");
        p.className = "snippet";
        p.textContent = text;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    count.textContent = "找到" + found + "项" + (found > shown ? "，显示前" + shown + "项" : "");
  }
  input.addEventListener("input", run);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  run();
})();
