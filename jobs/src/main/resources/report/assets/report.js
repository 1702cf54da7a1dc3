/* Xueqing report: draws the charts from the options each page carries, sorts and filters tables.
   Loads nothing: ECharts is in this folder, the data is in the page. */
(function () {
  'use strict';
  var lang = document.documentElement.lang || 'en';
  var percent = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function fmtPercent(v) { return v === null || v === undefined || isNaN(v) ? '–' : percent.format(v); }
  function fmtNumber(v) { return v === null || v === undefined || isNaN(v) ? '–' : number.format(v); }

  function draw(el) {
    var option = JSON.parse(el.getAttribute('data-option'));
    var xq = option.xq || {};
    delete option.xq;
    var fmt = xq.percent ? fmtPercent : fmtNumber;
    [].concat(option.yAxis || []).forEach(function (a) {
      if (a.type === 'value') { a.axisLabel = { formatter: fmt }; }
    });
    [].concat(option.xAxis || []).forEach(function (a) {
      if (a.type === 'value') { a.axisLabel = { formatter: fmt }; }
    });
    option.tooltip = option.tooltip || {};
    option.tooltip.valueFormatter = function (v) { return Array.isArray(v) ? v.map(fmt).join(', ') : fmt(v); };
    if (option.visualMap) {
      option.visualMap.formatter = function (v) { return fmt(v); };
      if (option.series && option.series[0] && option.series[0].type === 'heatmap') {
        option.tooltip.formatter = function (p) {
          return option.yAxis.data[p.value[1]] + ' · ' + option.xAxis.data[p.value[0]] + ': ' + fmt(p.value[2]);
        };
      }
    }
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(option);
    window.addEventListener('resize', function () { chart.resize(); });
    el.setAttribute('data-rendered', 'true');
  }

  function sortBy(table, index, th) {
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var numeric = th.classList.contains('num');
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute('data-sort') || '';
      var y = b.cells[index].getAttribute('data-sort') || '';
      var c;
      if (numeric) {
        var nx = x === '' ? -Infinity : parseFloat(x);
        var ny = y === '' ? -Infinity : parseFloat(y);
        c = nx - ny;
      } else {
        c = x.localeCompare(y, lang);
      }
      return asc ? c : -c;
    });
    rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('.chart-canvas'), draw);
    Array.prototype.forEach.call(document.querySelectorAll('table.data'), function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        var go = function () { sortBy(table, i, th); };
        th.addEventListener('click', go);
        th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { go(); } });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input.filter'), function (input) {
      var table = document.getElementById(input.getAttribute('data-table'));
      input.addEventListener('input', function () {
        var q = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
