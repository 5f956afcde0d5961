/* Campaign report site: sorting, filters and totals of the campaign table; tabs and
   the portrait/landscape switch of a campaign page. No library, no request. */
(function () {
  "use strict";

  // Formatting, as orchestration/site/fmt.py does it.
  function fmtInt(n) { return Math.round(n).toLocaleString("en-US"); }
  function fmtRate(r) { return r === null ? "—" : (Math.floor(r * 1000 + 0.5) / 10).toFixed(1) + "%"; }
  function fmtCents(c, cur) {
    var whole = Math.floor(c / 100), frac = String(c % 100).padStart(2, "0");
    return whole.toLocaleString("en-US") + "." + frac + (cur ? " " + cur : "");
  }
  function num(cell) { var v = cell ? cell.getAttribute("data-v") : ""; return v === "" || v === null ? null : Number(v); }

  function campaignTable(table) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var typeFilter = document.getElementById("filter-type");
    var accountFilter = document.getElementById("filter-account");
    var shown = document.getElementById("shown");

    function cell(row, col) { return row.querySelector('td[data-col="' + col + '"]'); }

    function totals() {
      var visible = rows.filter(function (r) { return !r.hidden; });
      var foot = table.tFoot.rows[0];
      function put(col, text) { var td = foot.querySelector('td[data-total="' + col + '"]'); if (td) td.textContent = text; }
      heads.forEach(function (th) {
        var col = th.getAttribute("data-col"), kind = th.getAttribute("data-kind");
        if (kind !== "int") return;
        var sum = 0;
        visible.forEach(function (r) { var v = num(cell(r, col)); if (v !== null) sum += v; });
        put(col, fmtInt(sum));
      });
      var ud = 0, uc = 0, udAttr = 0, orders = 0;
      var revenue = {}, assisted = {};
      visible.forEach(function (r) {
        var d = Number(r.getAttribute("data-ud"));
        ud += d; uc += num(cell(r, "unique_clicks")) || 0;
        if (r.getAttribute("data-attr") === "1") {
          udAttr += d; orders += num(cell(r, "direct_orders")) || 0;
          var cur = r.getAttribute("data-cur");
          revenue[cur] = (revenue[cur] || 0) + num(cell(r, "direct_revenue"));
          assisted[cur] = (assisted[cur] || 0) + num(cell(r, "assisted_revenue"));
        }
      });
      put("click_to_delivered_rate", fmtRate(ud ? uc / ud : null));
      put("conversion_rate", fmtRate(udAttr ? orders / udAttr : null));
      [["direct_revenue", revenue], ["assisted_revenue", assisted]].forEach(function (pair) {
        var td = foot.querySelector('td[data-total="' + pair[0] + '"]');
        var currencies = Object.keys(pair[1]).sort();
        td.textContent = "";
        if (!currencies.length) { td.textContent = "—"; return; }
        currencies.forEach(function (cur, i) {
          if (i) td.appendChild(document.createElement("br"));
          td.appendChild(document.createTextNode(fmtCents(pair[1][cur], cur)));
        });
      });
      put("name", "Total (" + visible.length + " campaigns)");
      if (shown) shown.textContent = visible.length + " of " + rows.length + " campaigns";
    }

    function filter() {
      var t = typeFilter ? typeFilter.value : "", a = accountFilter ? accountFilter.value : "";
      rows.forEach(function (r) {
        r.hidden = (t && r.getAttribute("data-type") !== t) || (a && r.getAttribute("data-account") !== a);
      });
      totals();
    }

    function sortBy(th) {
      var col = th.getAttribute("data-col"), kind = th.getAttribute("data-kind");
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      // Numbers start high-to-low on the first click: the biggest campaigns first.
      if (th.getAttribute("aria-sort") === "none" && kind !== "text") dir = "descending";
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      rows.sort(function (x, y) {
        var a = cell(x, col).getAttribute("data-v"), b = cell(y, col).getAttribute("data-v");
        if (a === "" && b === "") return 0;
        if (a === "") return 1;  // empty values last, whatever the direction
        if (b === "") return -1;
        if (kind === "int" || kind === "rate" || kind === "money") return sign * (Number(a) - Number(b));
        return sign * a.localeCompare(b);
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    }

    heads.forEach(function (th) {
      var button = th.querySelector("button");
      if (button) button.addEventListener("click", function () { sortBy(th); });
    });
    if (typeFilter) typeFilter.addEventListener("change", filter);
    if (accountFilter) accountFilter.addEventListener("change", filter);
    filter();
  }

  function tabs() {
    var buttons = Array.prototype.slice.call(document.querySelectorAll('[role="tab"][data-tab]'));
    if (!buttons.length) return;
    function select(name) {
      buttons.forEach(function (b) {
        var on = b.getAttribute("data-tab") === name;
        b.setAttribute("aria-selected", on ? "true" : "false");
        document.getElementById(b.getAttribute("aria-controls")).hidden = !on;
      });
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        select(b.getAttribute("data-tab"));
        history.replaceState(null, "", "#tab-" + b.getAttribute("data-tab"));
      });
    });
    var m = /^#tab-([a-z_]+)$/.exec(location.hash);
    if (m && document.getElementById("tab-" + m[1])) select(m[1]);
  }

  function orientation() {
    var phone = document.getElementById("phone");
    if (!phone) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-orient]"), function (b, _, all) {
      b.addEventListener("click", function () {
        phone.classList.remove("portrait", "landscape");
        phone.classList.add(b.getAttribute("data-orient"));
        Array.prototype.forEach.call(all, function (o) { o.setAttribute("aria-pressed", o === b ? "true" : "false"); });
      });
    });
  }

  var table = document.getElementById("campaigns");
  if (table) campaignTable(table);
  tabs();
  orientation();
})();
