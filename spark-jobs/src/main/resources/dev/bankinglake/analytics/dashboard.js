// The lake service's dashboard: live figures from GET /analytics/stream (Server-Sent Events); the
// last hour from GET /analytics/history (the ingest batches), /analytics/counts and /analytics/trades.
(function () {
  'use strict';
  const MAX_ROWS = 100;
  const HOUR_MS = 3600 * 1000;
  const windows = new Map();        // topic key -> latest update
  const minutes = new Map();        // bucket start|event type -> events, last hour
  const averages = new Map();       // window start|asset -> average unit price, last hour
  const countsChart = new Chart(document.getElementById('counts-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'events', data: [], backgroundColor: '#3b73b9' }] },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  const tradesChart = new Chart(document.getElementById('trades-chart'), {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: { animation: false, spanGaps: true, scales: { y: { beginAtZero: false } } }
  });
  const historyChart = new Chart(document.getElementById('history-chart'), {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'rows/s', yAxisID: 'y', borderColor: '#3b73b9', data: [] },
      { label: 'Kafka lag (offsets)', yAxisID: 'y', borderColor: '#b42318', data: [] },
      { label: 'batch duration (s)', yAxisID: 'y1', borderColor: '#17803d', data: [] },
      { label: 'accepted to committed, oldest event (s)', yAxisID: 'y1', borderColor: '#8a6d00', data: [] }
    ] },
    options: { animation: false, pointRadius: 0, scales: { y: { beginAtZero: true, position: 'left' },
      y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } } }
  });
  const minutesChart = new Chart(document.getElementById('minutes-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  window.lakeDashboard = { windows: windows, minutes: minutes, averages: averages, history: [], countsChart: countsChart,
    tradesChart: tradesChart, historyChart: historyChart, minutesChart: minutesChart, updates: 0 };
  function color(index) { return 'hsl(' + (index * 67 % 360) + ', 60%, 45%)'; }

  function keyOf(update) { return update.table + '|' + update.window_start + '|' + update.key; }
  function text(id, value) { document.getElementById(id).textContent = value; }
  function time(iso) { return iso ? iso.substring(11, 19) : '–'; }

  // the last hour of both window tables, kept apart from the live table's few hundred windows
  function remember(update) {
    if (update.table === 'event_counts') {
      minutes.set(update.window_start + '|' + update.key, update.figures.events);
    } else if (update.table === 'trade_windows') {
      averages.set(update.window_start + '|' + update.key, update.figures.avg_unit_price === null ? null : Number(update.figures.avg_unit_price));
    }
    const oldest = new Date(Date.now() - HOUR_MS).toISOString();
    [minutes, averages].forEach(function (map) {
      Array.from(map.keys()).forEach(function (key) { if (key.split('|')[0] < oldest) { map.delete(key); } });
    });
  }

  function onWindow(update) {
    remember(update);
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

    renderSeries(tradesChart, averages, 'line');
    renderSeries(minutesChart, minutes, 'bar');

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

  // one dataset per key, one point per window start, from a map of start|key -> value
  function renderSeries(chart, values, type) {
    const keys = Array.from(values.keys());
    const starts = Array.from(new Set(keys.map(function (key) { return key.split('|')[0]; }))).sort();
    const names = Array.from(new Set(keys.map(function (key) { return key.split('|')[1]; }))).sort();
    chart.data.labels = starts.map(time);
    chart.data.datasets = names.map(function (name, index) {
      const data = starts.map(function (start) {
        const value = values.get(start + '|' + name);
        return value === undefined ? null : value;
      });
      return type === 'bar' ? { label: name, backgroundColor: color(index), data: data }
        : { label: name, borderColor: color(index), data: data };
    });
    chart.update();
  }

  function onHistory(answer) {
    const batches = answer.batches || [];
    window.lakeDashboard.history = batches;
    historyChart.data.labels = batches.map(function (b) { return time(b.batch_time); });
    historyChart.data.datasets[0].data = batches.map(function (b) { return b.input_rows_per_second; });
    historyChart.data.datasets[1].data = batches.map(function (b) { return b.kafka_lag; });
    historyChart.data.datasets[2].data = batches.map(function (b) { return b.batch_duration_ms / 1000; });
    historyChart.data.datasets[3].data = batches.map(function (b) { return b.end_to_end_ms === null ? null : b.end_to_end_ms / 1000; });
    historyChart.update();
    window.lakeDashboard.historyLoads = (window.lakeDashboard.historyLoads || 0) + 1;
  }

  function loadHistory() {
    fetch('/analytics/history').then(function (response) { return response.json(); }).then(onHistory)
      .catch(function () { /* the next load tries again */ });
  }

  // the windows of the last hour from the routes (the lake's final ones, the open ones): as updates
  function loadWindows(route, table, keyColumn) {
    return fetch(route).then(function (response) { return response.json(); }).then(function (answer) {
      (answer.windows || []).forEach(function (row) {
        const figures = {};
        Object.keys(row).filter(function (name) { return ['window_start', 'window_end', keyColumn, 'final'].indexOf(name) < 0; })
          .forEach(function (name) { figures[name] = row[name]; });
        remember({ table: table, window_start: row.window_start, key: row[keyColumn], figures: figures, final: row.final });
      });
      render();
    }).catch(function () { /* the live stream still fills the charts */ });
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
    const rate = progress ? progress.input_rows_per_second : null;
    text('rows-per-second', rate === null ? '–' : (rate < 10 ? rate.toFixed(1) : Math.round(rate)));
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

  Promise.all([loadWindows('/analytics/counts', 'event_counts', 'event_type'), loadWindows('/analytics/trades', 'trade_windows', 'asset_name')])
    .then(function () { window.lakeDashboard.windowsLoaded = true; });
  loadHistory();
  setInterval(loadHistory, 5000);

  const source = new EventSource('/analytics/stream');
  source.addEventListener('open', function () { text('connection', 'live'); });
  source.addEventListener('error', function () { text('connection', 'reconnecting…'); });
  source.addEventListener('window', function (event) { onWindow(JSON.parse(event.data)); });
  source.addEventListener('pipeline', function (event) { onPipeline(JSON.parse(event.data)); });
})();
