// The lake service's dashboard: everything on it comes from GET /analytics/stream (Server-Sent Events).
(function () {
  'use strict';
  const MAX_ROWS = 100;
  const MAX_TRADE_POINTS = 30;
  const windows = new Map();        // topic key -> latest update
  const countsChart = new Chart(document.getElementById('counts-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'events', data: [], backgroundColor: '#3b73b9' }] },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  const tradesChart = new Chart(document.getElementById('trades-chart'), {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  window.lakeDashboard = { windows: windows, countsChart: countsChart, tradesChart: tradesChart, updates: 0 };

  function keyOf(update) { return update.table + '|' + update.window_start + '|' + update.key; }
  function text(id, value) { document.getElementById(id).textContent = value; }
  function time(iso) { return iso ? iso.substring(11, 19) : '–'; }

  function onWindow(update) {
    windows.set(keyOf(update), update);
    window.lakeDashboard.updates++;
    if (windows.size > 5 * MAX_ROWS) {
      const oldest = Array.from(windows.values()).sort(function (a, b) { return a.window_start < b.window_start ? -1 : 1; });
      oldest.slice(0, windows.size - 5 * MAX_ROWS).forEach(function (old) { windows.delete(keyOf(old)); });
    }
    render();
  }

  function render() {
    const all = Array.from(windows.values());
    const counts = all.filter(function (w) { return w.table === 'event_counts'; });
    const latest = counts.reduce(function (max, w) { return w.window_start > max ? w.window_start : max; }, '');
    const bucket = counts.filter(function (w) { return w.window_start === latest; }).sort(function (a, b) { return a.key < b.key ? -1 : 1; });
    text('bucket', latest ? time(latest) + ' UTC' : '');
    countsChart.data.labels = bucket.map(function (w) { return w.key; });
    countsChart.data.datasets[0].data = bucket.map(function (w) { return w.figures.events; });
    countsChart.update();

    const trades = all.filter(function (w) { return w.table === 'trade_windows'; });
    const starts = Array.from(new Set(trades.map(function (w) { return w.window_start; }))).sort().slice(-MAX_TRADE_POINTS);
    const assets = Array.from(new Set(trades.map(function (w) { return w.key; }))).sort();
    tradesChart.data.labels = starts.map(time);
    tradesChart.data.datasets = assets.map(function (asset, index) {
      return {
        label: asset,
        borderColor: 'hsl(' + (index * 67 % 360) + ', 60%, 45%)',
        data: starts.map(function (start) {
          const w = windows.get('trade_windows|' + start + '|' + asset);
          return w ? w.figures.trades : null;
        })
      };
    });
    tradesChart.update();

    const body = document.querySelector('#windows tbody');
    const rows = all.sort(function (a, b) { return a.window_start > b.window_start ? -1 : a.window_start < b.window_start ? 1 : (a.key < b.key ? -1 : 1); })
      .slice(0, MAX_ROWS);
    body.replaceChildren.apply(body, rows.map(function (w) {
      const tr = document.createElement('tr');
      tr.dataset.table = w.table;
      tr.dataset.key = w.key;
      tr.dataset.start = w.window_start;
      tr.className = w.final ? 'final' : 'open';
      [w.table, w.window_start, w.key, figures(w.figures), w.final ? 'final' : 'open'].forEach(function (value) {
        const td = document.createElement('td');
        td.textContent = value;
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  // money (amounts, values, prices) keeps its two decimals, as in the lake
  function figures(values) {
    return Object.keys(values).filter(function (name) { return values[name] !== null; })
      .map(function (name) {
        const money = /amount|value|price/.test(name);
        return name + ' ' + (money ? Number(values[name]).toFixed(2) : values[name]);
      }).join(', ');
  }

  function onPipeline(state) {
    text('phase', state.service ? state.service.phase : '–');
    const queries = state.queries || [];
    const ingest = queries.find(function (q) { return q.name === 'ingest'; });
    const progress = ingest && ingest.last_progress;
    text('rows-per-second', progress ? Math.round(progress.input_rows_per_second) : '–');
    text('lag', progress ? Object.values(progress.kafka_lag || {}).reduce(function (sum, lag) { return sum + lag; }, 0) : '–');
    const windowsState = state.windows || {};
    text('late-rows', windowsState.late_rows === undefined ? '–' : windowsState.late_rows);
    text('watermark', time(windowsState.watermark));
    const body = document.querySelector('#queries tbody');
    body.replaceChildren.apply(body, queries.map(function (q) {
      const tr = document.createElement('tr');
      tr.dataset.query = q.name;
      [q.name, q.state, q.last_committed_batch === null ? '–' : q.last_committed_batch, q.restarts].forEach(function (value, index) {
        const td = document.createElement('td');
        td.textContent = value;
        if (index === 1) { td.className = q.state; }
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  const source = new EventSource('/analytics/stream');
  source.addEventListener('open', function () { text('connection', 'live'); });
  source.addEventListener('error', function () { text('connection', 'reconnecting…'); });
  source.addEventListener('window', function (event) { onWindow(JSON.parse(event.data)); });
  source.addEventListener('pipeline', function (event) { onPipeline(JSON.parse(event.data)); });
})();
