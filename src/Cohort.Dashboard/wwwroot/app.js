// Cohort dashboard page. Every string from the store (experiment, run, hyperparameter and category names) reaches the
// page through textContent, canvas text, or escapeHtml (chart tooltips): never as markup.
'use strict';

const state = {
  experiments: [],     // ExperimentView[] from the stream
  experiment: null,    // selected experiment name
  run: null,           // selected run name
  overlay: new Set(),  // runs drawn on the overlay chart
  rows: new Map(),     // run → evaluations (id order)
  ids: new Set(),      // evaluation ids received (the stream may repeat some on reconnect)
  seen: {},            // evaluation id → Date.now() when it arrived (read by the browser test)
  hyperparameter: null,
  sort: { key: 'member', dir: 1 },
  filter: '',
  lineage: null,       // { run, member }
  stream: null,
  dirty: false,
};
window.cohortDashboard = state;

const escapeHtml = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const $ = id => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const fmt = v => v === null || v === undefined ? '—' : (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(5)) : String(v));
const hpText = h => Object.entries(h).map(([k, v]) => `${k}=${fmt(v)}`).join(', ');
const duration = s => s === null || s === undefined ? '' : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;

const charts = {};
function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

function experimentView() { return state.experiments.find(e => e.name === state.experiment) || null; }
function better(a, b, mode) { return mode === 'maximize' ? a > b : a < b; }

// ---- data in -------------------------------------------------------------------------------------------------------

async function start() {
  try {
    const source = await (await fetch('api/source')).json();
    $('source').textContent = source.source;
    showError(source.error);
  } catch (e) { showError(String(e)); }
  const experiments = await (await fetch('api/experiments')).json();
  state.experiments = experiments;
  if (experiments.length > 0) selectExperiment(experiments[0].name);
  renderExperiments();
  setInterval(() => { if (state.dirty) { state.dirty = false; render(); } }, 200);
}

function selectExperiment(name) {
  if (state.stream) state.stream.close();
  state.experiment = name;
  state.rows = new Map();
  state.ids = new Set();
  state.overlay = new Set();
  state.lineage = null;
  $('lineage-panel').hidden = true;
  const e = experimentView();
  state.run = e && e.runs.length > 0 ? (e.runs.find(r => r.status === 'running') || e.runs[0]).name : null;
  if (e) e.runs.forEach(r => state.overlay.add(r.name));
  state.hyperparameter = e && e.hyperparameters.length > 0 ? e.hyperparameters[0] : null;
  // The stream sends every stored evaluation first, then each new one as it is stored (no polling from the page).
  const stream = new EventSource('api/stream?experiment=' + encodeURIComponent(name));
  stream.addEventListener('evaluations', m => receive(JSON.parse(m.data)));
  stream.addEventListener('experiments', m => { state.experiments = JSON.parse(m.data); renderExperiments(); });
  stream.onopen = () => { $('live').textContent = 'live'; $('live').classList.add('on'); };
  stream.onerror = () => { $('live').textContent = 'reconnecting…'; $('live').classList.remove('on'); };
  state.stream = stream;
  state.dirty = true;
}

function receive(rows) {
  const now = Date.now();
  for (const r of rows) {
    if (state.ids.has(r.id)) continue;
    state.ids.add(r.id);
    state.seen[r.id] = now;
    if (!state.rows.has(r.run)) state.rows.set(r.run, []);
    state.rows.get(r.run).push(r);
  }
  state.dirty = true;
}

function showError(message) {
  $('error').hidden = !message;
  $('error').textContent = message || '';
}

// ---- views ---------------------------------------------------------------------------------------------------------

function render() {
  renderExperiments();
  renderCurves();
  renderOverlay();
  renderHyperparameters();
  renderMembers();
}

function renderExperiments() {
  const root = $('experiments');
  root.replaceChildren();
  for (const e of state.experiments) {
    const box = el('div', undefined, 'experiment');
    const title = el('h3');
    const link = el('a', e.title);
    link.className = 'experiment-title';
    link.href = '#';
    link.addEventListener('click', ev => { ev.preventDefault(); selectExperiment(e.name); });
    title.append(link, el('span', ` · ${e.metric} (${e.mode}), ${e.steps} steps per member`, 'muted'));
    box.append(title);
    if (e.name === state.experiment) {
      const table = el('table', undefined, 'runs');
      const head = el('tr');
      ['', 'run', 'method', 'status', 'progress', 'ETA', 'best', 'evals'].forEach(h => head.append(el('th', h)));
      table.append(el('thead')); table.tHead.append(head);
      const body = el('tbody');
      for (const r of e.runs) {
        const tr = el('tr');
        if (r.name === state.run) tr.classList.add('selected');
        const check = el('input'); check.type = 'checkbox'; check.checked = state.overlay.has(r.name); check.title = 'overlay';
        check.addEventListener('click', ev => { ev.stopPropagation(); check.checked ? state.overlay.add(r.name) : state.overlay.delete(r.name); state.dirty = true; });
        const td0 = el('td'); td0.append(check); tr.append(td0);
        tr.append(el('td', r.name), el('td', r.method), el('td', r.status + (r.message ? ': ' + r.message : '')));
        const bar = el('progress'); bar.max = Math.max(1, r.stepsTotal); bar.value = r.stepsDone;
        const td = el('td'); td.append(bar, el('span', ` ${r.stepsTotal > 0 ? Math.floor(100 * r.stepsDone / r.stepsTotal) : 0}%`)); tr.append(td);
        tr.append(el('td', duration(r.etaSeconds)), el('td', r.best === null ? '—' : `${fmt(r.best)} (m${r.bestMember})`), el('td', String(r.evaluations)));
        tr.addEventListener('click', () => { state.run = r.name; state.dirty = true; });
        body.append(tr);
      }
      table.append(body);
      box.append(table);
    }
    root.append(box);
  }
  const select = $('hyperparameter');
  const e = experimentView();
  const names = e ? e.hyperparameters : [];
  if (select.dataset.names !== names.join('\u0000')) {
    select.replaceChildren(...names.map(n => { const o = el('option', n); o.value = n; return o; }));
    select.dataset.names = names.join('\u0000');
    if (state.hyperparameter) select.value = state.hyperparameter;
  }
}

function byMember(rows) {
  const members = new Map();
  for (const r of rows) {
    if (!members.has(r.member)) members.set(r.member, []);
    members.get(r.member).push(r);
  }
  return new Map([...members.entries()].sort((a, b) => a[0] - b[0]));
}

const zoom = [{ type: 'inside', xAxisIndex: 0 }, { type: 'slider', xAxisIndex: 0, height: 18, bottom: 4 }];

function tooltip(title) {
  return {
    trigger: 'item', confine: true,
    formatter: p => `${escapeHtml(title(p))}<br>step ${escapeHtml(fmt(p.value[0]))}: <b>${escapeHtml(fmt(p.value[1]))}</b>`,
  };
}

function renderCurves() {
  const e = experimentView();
  const rows = state.rows.get(state.run) || [];
  $('run-title').textContent = state.run || '—';
  $('evaluation-count').textContent = `(${rows.length} evaluations)`;
  $('curves').dataset.evaluations = String(rows.length);
  const series = [...byMember(rows)].map(([m, list]) => ({
    id: 'm' + m, name: 'member ' + m, type: 'line', showSymbol: list.length < 60, symbolSize: 4, emphasis: { focus: 'series' },
    data: list.filter(r => r.value !== null).map(r => [r.step, r.value, r.id]),
  }));
  const c = chart('curves');
  c.setOption({
    animation: false, grid: { left: 60, right: 20, top: 40, bottom: 50 },
    legend: { type: 'scroll', top: 0 },
    tooltip: tooltip(p => p.seriesName),
    xAxis: { type: 'value', name: 'step', nameLocation: 'end' },
    yAxis: { type: 'value', name: e ? e.metric : '', scale: true },
    dataZoom: zoom, series,
  }, { replaceMerge: ['series'] });
  if (!c.cohortClick) {
    c.on('click', p => { if (p.seriesId && p.seriesId.startsWith('m')) openLineage(state.run, Number(p.seriesId.slice(1))); });
    c.cohortClick = true;
  }
}

function renderOverlay() {
  const e = experimentView();
  const mode = e ? e.mode : 'minimize';
  const series = [];
  for (const run of state.overlay) {
    const best = new Map();
    for (const r of state.rows.get(run) || []) {
      if (r.value === null) continue;
      if (!best.has(r.step) || better(r.value, best.get(r.step), mode)) best.set(r.step, r.value);
    }
    series.push({ id: 'run:' + run, name: run, type: 'line', showSymbol: false, data: [...best.entries()].sort((a, b) => a[0] - b[0]) });
  }
  chart('overlay').setOption({
    animation: false, grid: { left: 60, right: 20, top: 40, bottom: 50 },
    legend: { type: 'scroll', top: 0 }, tooltip: tooltip(p => p.seriesName),
    xAxis: { type: 'value', name: 'step' }, yAxis: { type: 'value', name: e ? `best ${e.metric}` : '', scale: true },
    dataZoom: zoom, series,
  }, { replaceMerge: ['series'] });
}

function renderHyperparameters() {
  const e = experimentView();
  const name = state.hyperparameter;
  const rows = state.rows.get(state.run) || [];
  const categorical = rows.some(r => typeof r.hyperparameters[name] === 'string');
  const categories = categorical ? [...new Set(rows.map(r => String(r.hyperparameters[name])))].sort() : undefined;
  const log = e && e.logScale.includes(name) && !categorical;
  const series = [...byMember(rows)].map(([m, list]) => {
    const data = [];
    for (const r of list) {
      const v = r.hyperparameters[name];
      if (v === undefined) continue;
      data.push([r.start, v], [r.step, v]);
    }
    return { id: 'm' + m, name: 'member ' + m, type: 'line', showSymbol: false, data };
  });
  chart('hyperparameters').setOption({
    animation: false, grid: { left: 60, right: 20, top: 40, bottom: 50 },
    legend: { type: 'scroll', top: 0 }, tooltip: tooltip(p => `${p.seriesName} · ${name}`),
    xAxis: { type: 'value', name: 'step' },
    yAxis: categorical ? { type: 'category', data: categories, name } : { type: log ? 'log' : 'value', name, scale: true },
    dataZoom: zoom, series,
  }, { replaceMerge: ['series', 'yAxis'] });
}

function renderMembers() {
  const e = experimentView();
  const names = e ? e.hyperparameters : [];
  const mode = e ? e.mode : 'minimize';
  const members = [];
  for (const [m, list] of byMember(state.rows.get(state.run) || [])) {
    const last = list[list.length - 1];
    let best = null;
    for (const r of list) if (r.value !== null && (best === null || better(r.value, best, mode))) best = r.value;
    const row = { member: m, step: last.step, last: last.value, best, outcome: last.outcome, evaluations: list.length };
    for (const n of names) row['hp:' + n] = last.hyperparameters[n];
    members.push(row);
  }
  const columns = [['member', 'member'], ['step', 'step'], ['last', 'last'], ['best', 'best'], ['outcome', 'outcome'], ['evaluations', 'evals'],
    ...names.map(n => ['hp:' + n, n])];
  const head = $('members').tHead;
  const headRow = el('tr');
  for (const [key, label] of columns) {
    const th = el('th', label);
    if (state.sort.key === key) th.classList.add(state.sort.dir > 0 ? 'sorted-asc' : 'sorted-desc');
    th.addEventListener('click', () => { state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 }; renderMembers(); });
    headRow.append(th);
  }
  head.replaceChildren(headRow);
  const filter = state.filter.trim().toLowerCase();
  const shown = members
    .filter(r => !filter || columns.some(([key]) => fmt(r[key]).toLowerCase().includes(filter)))
    .sort((a, b) => {
      const x = a[state.sort.key], y = b[state.sort.key];
      if (x === y) return a.member - b.member;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * state.sort.dir;
    });
  const body = el('tbody');
  for (const r of shown) {
    const tr = el('tr');
    if (state.lineage && state.lineage.member === r.member && state.lineage.run === state.run) tr.classList.add('selected');
    for (const [key] of columns) tr.append(el('td', fmt(r[key])));
    tr.addEventListener('click', () => openLineage(state.run, r.member));
    body.append(tr);
  }
  $('members').tBodies[0].replaceWith(body);
}

async function openLineage(run, member) {
  const url = `api/lineage?experiment=${encodeURIComponent(state.experiment)}&run=${encodeURIComponent(run)}&member=${member}`;
  const response = await fetch(url);
  if (!response.ok) { showError((await response.json()).error); return; }
  const lineage = await response.json();
  state.lineage = { run, member };
  $('lineage-panel').hidden = false;
  $('lineage-member').textContent = `${member} of ${run}`;
  $('lineage-finished').textContent = lineage.finished ? `Finished: ${lineage.finished}` : 'Training.';
  // The weights' path: which member trained them over which steps; an exploit is a jump to the donor's line.
  const path = [];
  for (const s of lineage.ancestry) path.push([s.fromStep, s.member], [s.toStep, s.member]);
  const exploits = lineage.exploits.map(x => ({ value: [x.step, x.donor], hash: x.hash }));
  chart('lineage').setOption({
    animation: false, grid: { left: 60, right: 20, top: 30, bottom: 30 },
    tooltip: {
      trigger: 'item', confine: true,
      formatter: p => p.seriesName === 'exploits'
        ? `exploit at step ${escapeHtml(fmt(p.value[0]))} from member ${escapeHtml(fmt(p.value[1]))}<br>weights ${escapeHtml(p.data.hash.slice(0, 16))}…`
        : `member ${escapeHtml(fmt(p.value[1]))} trained these weights at step ${escapeHtml(fmt(p.value[0]))}`,
    },
    legend: { top: 0 },
    xAxis: { type: 'value', name: 'step' }, yAxis: { type: 'value', name: 'member', minInterval: 1 },
    series: [
      { name: 'weights trained by', type: 'line', data: path, symbolSize: 5 },
      { name: 'exploits', type: 'scatter', data: exploits, symbolSize: 10 },
    ],
  }, { replaceMerge: ['series'] });
  chart('lineage').resize();
  fill('exploits', lineage.exploits.map(x => [fmt(x.step), fmt(x.donor), x.hash, fmt(x.checkpointStep), hpText(x.before), hpText(x.after)]), 2);
  fill('explores', lineage.explores.map(x => [fmt(x.step), x.operator, hpText(x.before), hpText(x.after)]));
  fill('schedule', lineage.schedule.map(s => [fmt(s.step), hpText(s.hyperparameters)]));
  renderMembers();
}

function fill(id, rows, hashColumn) {
  const body = el('tbody');
  for (const cells of rows) {
    const tr = el('tr');
    cells.forEach((c, i) => tr.append(el('td', c, i === hashColumn ? 'hash' : undefined)));
    body.append(tr);
  }
  if (rows.length === 0) { const tr = el('tr'); tr.append(el('td', 'none', 'muted')); body.append(tr); }
  $(id).tBodies[0].replaceWith(body);
}

$('filter').addEventListener('input', ev => { state.filter = ev.target.value; renderMembers(); });
$('hyperparameter').addEventListener('change', ev => { state.hyperparameter = ev.target.value; renderHyperparameters(); });
$('lineage-close').addEventListener('click', () => { $('lineage-panel').hidden = true; state.lineage = null; renderMembers(); });
start();
