/* lendwatch static site: search the titles and outlets of search-index.js, newest first.
   Every value is set as text (textContent), never as HTML. */
"use strict";
(function () {
  var LIMIT = 200;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var status = document.getElementById("status");
  var total = document.getElementById("total");
  var hits = document.getElementById("hits");
  document.getElementById("q").value = query;
  var terms = (query.match(/"[^"]*"|\S+/g) || []).map(function (t) {
    return t.replace(/"/g, "").toLowerCase();
  }).filter(Boolean);
  if (!terms.length) {
    status.textContent = "输入标题或发布方中的词语。";
    return;
  }
  status.textContent = "正在载入索引……";
  var script = document.createElement("script");
  script.src = "search-index.js";
  script.onerror = function () { status.textContent = "索引 search-index.js 载入失败。"; };
  script.onload = function () {
    var found = (window.LENDWATCH_INDEX || []).filter(function (row) {
      var text = (row[2] + "\n" + row[3]).toLowerCase();
      return terms.every(function (t) { return text.indexOf(t) >= 0; });
    });
    total.textContent = String(found.length);
    status.textContent = "篇的标题或发布方含「" + terms.join(" ") + "」" +
      (found.length > LIMIT ? "，下面是最新的 " + LIMIT + " 篇。" : "。");
    found.slice(0, LIMIT).forEach(function (row) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "title";
      link.href = "article/" + row[0] + ".html";
      link.textContent = row[2] || "（无标题）";
      var meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = (row[1] || "（无日期）") + " · " + row[3];
      item.appendChild(link);
      item.appendChild(meta);
      hits.appendChild(item);
    });
  };
  document.head.appendChild(script);
})();
