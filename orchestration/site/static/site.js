/* Campaign report site: sorting, filters and totals of the campaign table; tabs, paged contact
   tables and the portrait/landscape switch of a campaign page. No library, no request. */
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

  // Paged contact tables (a campaign's delivery tabs, an account's suppression list): page 1 is in the
  // HTML; every row of a section is in window.mmsreportRows[section id], from the page's data file (a
  // <script src>, so no request and it works from file://). The address holds the tab and page:
  // #tab-delivered, #tab-delivered-p3, #suppressions-p2.
  function pagedSections() {
    var data = window.mmsreportRows || {};
    var sections = {};
    Array.prototype.forEach.call(document.querySelectorAll("section[data-paged]"), function (s) {
      var first = s.querySelector("tbody tr");
      s.cellClasses = first ? Array.prototype.map.call(first.cells, function (td) { return td.className; }) : [];
      sections[s.id] = s;
    });
    var buttons = Array.prototype.slice.call(document.querySelectorAll('[role="tab"][data-tab]'));

    function fragment(id, pageNo) { return "#" + id + (pageNo > 1 ? "-p" + pageNo : ""); }

    function link(cls, text, id, pageNo, on) {
      var el = document.createElement(on ? "a" : "span");
      el.className = on ? cls : cls + " off";
      el.textContent = text;
      if (on) el.setAttribute("href", fragment(id, pageNo));
      return el;
    }

    // Show page pageNo of section s (clamped to its pages; page 1 when its rows are not loaded).
    function showPage(s, pageNo) {
      var nav = s.querySelector(".pager"), tbody = s.querySelector("tbody"), rows = data[s.id];
      var count = Number(s.getAttribute("data-count")), size = Number(nav.getAttribute("data-rows"));
      var pages = Math.max(1, Math.ceil(count / size));
      pageNo = rows && tbody ? Math.min(Math.max(1, pageNo), pages) : 1;
      if (rows && tbody) {
        var body = document.createElement("tbody");
        rows.slice((pageNo - 1) * size, pageNo * size).forEach(function (cells) {
          var tr = body.insertRow();
          cells.forEach(function (text, i) {
            var td = tr.insertCell();
            if (s.cellClasses[i]) td.className = s.cellClasses[i];
            td.textContent = text;
          });
        });
        tbody.parentNode.replaceChild(body, tbody);
      }
      var first = count ? (pageNo - 1) * size + 1 : 0, last = Math.min(pageNo * size, count);
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = "Showing " + fmtInt(first) + "\u2013" + fmtInt(last) + " of " + fmtInt(count) +
        " \u00b7 page " + pageNo + " of " + pages;
      nav.textContent = "";
      nav.appendChild(link("prev", "\u2039 Previous", s.id, pageNo - 1, pageNo > 1));
      nav.appendChild(where);
      nav.appendChild(link("next", "Next \u203a", s.id, pageNo + 1, pageNo < pages));
      nav.setAttribute("data-page", String(pageNo));
      nav.setAttribute("data-pages", String(pages));
    }

    function selectTab(s) {
      buttons.forEach(function (b) {
        var on = b.getAttribute("aria-controls") === s.id;
        b.setAttribute("aria-selected", on ? "true" : "false");
        document.getElementById(b.getAttribute("aria-controls")).hidden = !on;
      });
    }

    // Show what an address fragment names; false when it names no paged section.
    function go(hash) {
      var m = /^#([a-z_-]+?)(?:-p([0-9]+))?$/.exec(hash);
      var s = m && sections[m[1]];
      if (!s) return false;
      if (s.getAttribute("role") === "tabpanel") selectTab(s);
      showPage(s, m[2] ? Number(m[2]) : 1);
      return true;
    }

    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        var s = document.getElementById(b.getAttribute("aria-controls"));
        selectTab(s);
        history.replaceState(null, "", fragment(s.id, Number(s.querySelector(".pager").getAttribute("data-page"))));
      });
    });
    document.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest(".pager a[href^='#']") : null;
      if (a && go(a.getAttribute("href"))) {
        e.preventDefault();
        history.pushState(null, "", a.getAttribute("href"));
      }
    });
    var home = Object.keys(sections)[0];  // what the address without a fragment shows: the first tab, page 1
    window.addEventListener("popstate", function () { if (!go(location.hash) && home) go("#" + home); });
    go(location.hash);
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
  pagedSections();
  orientation();
})();
