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
  lineage: null,       // { run, member, data } of the member clicked
  decisions: new Map(),// run → decisions (exploits, breedings, FIRE's sub-populations and evaluators), id order
  decisionIds: new Set(),
  best: null,          // { run, data }: the best member's lineage (api/best)
  stale: new Set(),    // runs with rows newer than the projections fetched for them
  fetched: 0,          // Date.now() of the last projection fetch
  fetching: false,
  explored: { x: null, y: null },
  parallelMode: 'latest',
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
  setInterval(() => { if (state.dirty) { state.dirty = false; render(); } refreshProjections(); }, 200);
}

function selectExperiment(name) {
  if (state.stream) state.stream.close();
  state.experiment = name;
  state.rows = new Map();
  state.ids = new Set();
  state.overlay = new Set();
  state.decisions = new Map();
  state.decisionIds = new Set();
  state.lineage = null;
  state.best = null;
  state.stale = new Set();
  $('lineage-details').hidden = true;
  const e = experimentView();
  state.run = e && e.runs.length > 0 ? (e.runs.find(r => r.status === 'running') || e.runs[0]).name : null;
  if (e) e.runs.forEach(r => state.overlay.add(r.name));
  state.hyperparameter = e && e.hyperparameters.length > 0 ? e.hyperparameters[0] : null;
  state.explored = { x: e && e.hyperparameters.length > 0 ? e.hyperparameters[0] : null, y: e && e.hyperparameters.length > 1 ? e.hyperparameters[1] : null };
  // The stream sends every stored evaluation first, then each new one as it is stored (no polling from the page).
  const stream = new EventSource('api/stream?experiment=' + encodeURIComponent(name));
  stream.addEventListener('evaluations', m => receive(JSON.parse(m.data)));
  stream.addEventListener('decisions', m => receiveDecisions(JSON.parse(m.data)));
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
    state.stale.add(r.run);
  }
  state.dirty = true;
}

function receiveDecisions(decisions) {
  for (const d of decisions) {
    if (state.decisionIds.has(d.id)) continue;
    state.decisionIds.add(d.id);
    if (!state.decisions.has(d.run)) state.decisions.set(d.run, []);
    state.decisions.get(d.run).push(d);
    state.stale.add(d.run);
  }
  state.dirty = true;
}

// The best member's lineage and the open member's lineage are projections the server computes (Core's RunLineage, over
// the rows it already holds): they are asked for again when the stream brought rows for the run, at most once a second.
async function refreshProjections() {
  const run = state.run;
  if (!run || state.fetching || !state.stale.has(run) || Date.now() - state.fetched < 1000) return;
  state.fetching = true;
  state.stale.delete(run);
  state.fetched = Date.now();
  try {
    const q = `experiment=${encodeURIComponent(state.experiment)}&run=${encodeURIComponent(run)}`;
    const best = await fetch('api/best?' + q);
    if (run === state.run) state.best = { run, data: best.ok ? await best.json() : null };
    if (state.lineage && state.lineage.run === run) {
      const open = await fetch(`api/lineage?${q}&member=${state.lineage.member}`);
      if (open.ok && state.lineage && state.lineage.run === run) state.lineage.data = await open.json();
    }
    state.dirty = true;
  } catch (e) {
    state.stale.add(run);
  } finally {
    state.fetching = false;
  }
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
  renderExplored();
  renderParallel();
  renderBestSchedule();
  renderLineageGraph();
  renderLineageDetails();
  renderFire();
  renderGa();
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
        tr.addEventListener('click', () => { state.run = r.name; state.stale.add(r.name); state.fetched = 0; state.dirty = true; });
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
    for (const [id, value] of [['hyperparameter', state.hyperparameter], ['explored-x', state.explored.x], ['explored-y', state.explored.y]]) {
      $(id).replaceChildren(...names.map(n => { const o = el('option', n); o.value = n; return o; }));
      if (value) $(id).value = value;
    }
    select.dataset.names = names.join('\u0000');
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

// ECharts draws labels, axis names and legends on the canvas (text, never markup); its tooltips are HTML, so every
// tooltip here is built by a formatter that escapes each value.
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
  state.lineage = { run, member, data: await response.json() };
  renderLineageDetails();
  renderLineageGraph();
  renderGa();
  renderMembers();
}

function renderLineageDetails() {
  const open = state.lineage && state.lineage.run === state.run ? state.lineage : null;
  $('lineage-details').hidden = !open;
  if (!open) return;
  const { member, data: lineage } = open;
  $('lineage-member').textContent = `${member} of ${open.run}`;
  $('lineage-finished').textContent = lineage.finished ? `Finished: ${lineage.finished}` : 'Training.';
  $('ancestors').textContent = lineage.ancestry.map(s => `member ${s.member} (steps ${s.fromStep}–${s.toStep})`).join(' → ') || 'none yet';
  fill('exploits', lineage.exploits.map(x => [fmt(x.step), fmt(x.donor), x.hash, fmt(x.checkpointStep), hpText(x.before), hpText(x.after)]), 2);
  fill('explores', lineage.explores.map(x => [fmt(x.step), x.operator, hpText(x.before), hpText(x.after)]));
  fill('schedule', lineage.schedule.map(s => [fmt(s.step), hpText(s.hyperparameters)]));
  fill('checkpoints', lineage.checkpoints.map(c => [`member ${c.member}`, `${c.start}–${c.step}`, c.hash]), 2);
}

// ---- lineage graph: members over steps, an arrow for each time weights moved between members -----------------------

const MaxTransfers = 2000;
const weightKinds = new Set(['exploit', 'bred', 'evaluator-started', 'evaluator-succeeded']);
const transferNames = { exploit: 'exploit', bred: 'GA child', 'evaluator-started': 'FIRE evaluator started', 'evaluator-succeeded': 'FIRE evaluator success' };

function renderLineageGraph() {
  const rows = state.rows.get(state.run) || [];
  const transfers = (state.decisions.get(state.run) || []).filter(d => weightKinds.has(d.kind) && d.from !== null);
  const shown = transfers.slice(-MaxTransfers);
  $('transfer-count').textContent = transfers.length > shown.length ? `the last ${shown.length} of ${transfers.length}` : String(transfers.length);
  const nodes = [], index = new Map(), byMember = new Map();
  const node = (member, step, role) => {
    const key = member + '@' + step;
    if (!index.has(key)) {
      index.set(key, nodes.length);
      nodes.push({ value: [step, member], member, step, roles: [] });
      if (!byMember.has(member)) byMember.set(member, []);
      byMember.get(member).push(nodes.length - 1);
    }
    const n = nodes[index.get(key)];
    if (role && !n.roles.includes(role)) n.roles.push(role);
    return index.get(key);
  };
  const extent = new Map(); // member → [first step, furthest step]: its row runs between them
  for (const r of rows) {
    const x = extent.get(r.member);
    extent.set(r.member, x ? [Math.min(x[0], r.start), Math.max(x[1], r.step)] : [r.start, r.step]);
  }
  for (const [m, [first, last]] of extent) { node(m, first); node(m, last); }
  const links = [];
  for (const t of shown) links.push({ source: node(t.from, t.step, 'gave'), target: node(t.member, t.step, 'took'), kind: t.kind, hash: t.hash, from: t.from, member: t.member, step: t.step });
  // Each member's own training between the points where something happened; training whose weights were then
  // replaced (the segment ending where the member took another's) is drawn dashed.
  for (const list of byMember.values()) {
    list.sort((a, b) => nodes[a].step - nodes[b].step);
    for (let i = 1; i < list.length; i++) {
      links.push({ source: list[i - 1], target: list[i], kind: 'trained', member: nodes[list[i]].member, from: nodes[list[i]].member, step: nodes[list[i - 1]].step, to: nodes[list[i]].step, discarded: nodes[list[i]].roles.includes('took') });
    }
  }
  // The clicked member's ancestors: the spans of its final weights' lineage, and the transfers between them.
  const ancestry = state.lineage && state.lineage.run === state.run ? state.lineage.data.ancestry : null;
  const onPath = (m, a, b) => ancestry.some(s => s.member === m && s.fromStep <= a && b <= s.toStep);
  const crossing = l => ancestry.some((s, i) => i > 0 && s.member === l.member && s.fromStep === l.step && ancestry[i - 1].member === l.from);
  for (const l of links) {
    const lit = ancestry && (l.kind === 'trained' ? onPath(l.member, l.step, l.to) : crossing(l));
    const transfer = l.kind !== 'trained';
    l.lineStyle = {
      color: lit ? '#d62728' : transfer ? '#0072B2' : '#999', width: lit ? 3 : transfer ? 1.5 : 1,
      type: l.discarded && !lit ? 'dashed' : 'solid', opacity: ancestry && !lit ? 0.3 : 0.9, curveness: 0,
    };
  }
  for (const n of nodes) {
    const lit = ancestry && onPath(n.member, n.step, n.step);
    n.itemStyle = { color: lit ? '#d62728' : n.roles.includes('took') ? '#0072B2' : '#666', opacity: ancestry && !lit ? 0.35 : 1 };
    n.symbolSize = n.roles.length > 0 ? 7 : 5;
  }
  const c = chart('lineage-graph');
  c.setOption({
    animation: false, grid: { left: 60, right: 20, top: 20, bottom: 50 },
    tooltip: {
      trigger: 'item', confine: true,
      formatter: p => p.dataType === 'edge'
        ? (p.data.kind === 'trained'
          ? `member ${escapeHtml(p.data.member)} trained steps ${escapeHtml(p.data.step)}–${escapeHtml(p.data.to)}${p.data.discarded ? ' (then replaced)' : ''}`
          : `${escapeHtml(transferNames[p.data.kind])} at step ${escapeHtml(p.data.step)}: member ${escapeHtml(p.data.member)} took the weights of member ${escapeHtml(p.data.from)}<br>weights ${escapeHtml(p.data.hash || '')}`)
        : `member ${escapeHtml(p.data.member)} at step ${escapeHtml(p.data.step)}${p.data.roles.length ? ' (' + escapeHtml(p.data.roles.join(', ')) + ')' : ''}<br>click for its lineage`,
    },
    xAxis: { type: 'value', name: 'step' }, yAxis: { type: 'value', name: 'member', minInterval: 1, inverse: true },
    dataZoom: [{ type: 'inside', xAxisIndex: 0 }, { type: 'slider', xAxisIndex: 0, height: 18, bottom: 4 }],
    series: [{ id: 'lineage', type: 'graph', coordinateSystem: 'cartesian2d', data: nodes, links, edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 6, emphasis: { focus: 'adjacency' } }],
  }, { replaceMerge: ['series'] });
  c.getDom().dataset.nodes = String(nodes.length);
  c.getDom().dataset.transfers = String(shown.length);
  if (!c.cohortClick) {
    c.on('click', p => { if (p.dataType === 'node') openLineage(state.run, p.data.member); });
    c.cohortClick = true;
  }
}

// ---- explored against the grid, parallel coordinates, best schedule --------------------------------------------------

const palette = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

// Colour by score: the better end of the range is yellow whatever the objective's direction.
function scoreMap(values, dimension, seriesIndex) {
  const finite = values.filter(v => v !== null && Number.isFinite(v));
  const e = experimentView();
  const min = finite.length ? Math.min(...finite) : 0, max = finite.length ? Math.max(...finite) : 1;
  return {
    type: 'continuous', dimension, seriesIndex, min, max: max > min ? max : min + 1, calculable: true, right: 0, top: 'middle', itemHeight: 120,
    text: [e && e.mode === 'maximize' ? 'better' : 'worse', e && e.mode === 'maximize' ? 'worse' : 'better'],
    inRange: { color: e && e.mode === 'maximize' ? palette : [...palette].reverse() },
  };
}

function axisFor(name, values) {
  const e = experimentView();
  if (values.some(v => typeof v === 'string')) return { type: 'category', name, data: [...new Set(values.map(String))].sort() };
  return { type: e && e.logScale.includes(name) ? 'log' : 'value', name, scale: true };
}

function renderExplored() {
  const e = experimentView();
  const { x, y } = state.explored;
  $('explored-panel').hidden = !e || e.hyperparameters.length < 2;
  if ($('explored-panel').hidden) return;
  const grid = e ? e.runs.find(r => r.method === 'grid') : null;
  const runIsGrid = grid && grid.name === state.run;
  $('explored-run').textContent = runIsGrid ? 'select another run' : (state.run || '—');
  $('explored-grid').textContent = grid ? grid.name : '(none in this experiment)';
  const point = r => [r.hyperparameters[x], r.hyperparameters[y], r.value, r.step, r.member];
  const usable = r => r.value !== null && r.hyperparameters[x] !== undefined && r.hyperparameters[y] !== undefined;
  const explored = runIsGrid ? [] : (state.rows.get(state.run) || []).filter(usable).map(point);
  const cells = [];
  if (grid) for (const [, list] of byMember(state.rows.get(grid.name) || [])) { const last = list.filter(usable).pop(); if (last) cells.push(point(last)); }
  const all = explored.concat(cells);
  const tip = (run, d) => `${escapeHtml(run)} · member ${escapeHtml(d[4])} at step ${escapeHtml(d[3])}<br>${escapeHtml(x)} = ${escapeHtml(fmt(d[0]))}, ${escapeHtml(y)} = ${escapeHtml(fmt(d[1]))}<br>${escapeHtml(e ? e.metric : '')}: <b>${escapeHtml(fmt(d[2]))}</b>`;
  const c = chart('explored');
  c.setOption({
    animation: false, grid: { left: 70, right: 90, top: 40, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'item', confine: true, formatter: p => tip(p.seriesName, p.data) },
    xAxis: axisFor(x || '', all.map(d => d[0])), yAxis: axisFor(y || '', all.map(d => d[1])),
    visualMap: scoreMap(all.map(d => d[2]), 2, [0, 1]),
    series: [
      { id: 'grid', name: grid ? grid.name : 'grid', type: 'scatter', symbol: 'rect', symbolSize: 16, itemStyle: { borderColor: '#222', borderWidth: 1.5 }, data: cells, z: 1 },
      { id: 'explored', name: runIsGrid ? '—' : (state.run || ''), type: 'scatter', symbolSize: 6, data: explored, z: 2 },
    ],
  }, { replaceMerge: ['series', 'xAxis', 'yAxis', 'visualMap'] });
}

function renderParallel() {
  const e = experimentView();
  const names = e ? e.hyperparameters : [];
  const mode = e ? e.mode : 'minimize';
  const lines = [];
  for (const [m, list] of byMember(state.rows.get(state.run) || [])) {
    let pick = null;
    for (const r of list) {
      if (r.value === null) continue;
      if (state.parallelMode === 'latest' || pick === null || better(r.value, pick.value, mode)) pick = r;
    }
    if (pick && names.every(n => pick.hyperparameters[n] !== undefined)) lines.push({ value: [...names.map(n => pick.hyperparameters[n]), pick.value], member: m, step: pick.step });
  }
  const axes = names.map((n, i) => ({ dim: i, ...axisFor(n, lines.map(l => l.value[i])) }));
  axes.push({ dim: names.length, name: e ? e.metric : 'score', type: 'value', scale: true });
  const c = chart('parallel');
  c.setOption({
    animation: false, parallel: { left: 60, right: 110, top: 50, bottom: 30 },
    parallelAxis: axes,
    tooltip: {
      trigger: 'item', confine: true,
      formatter: p => `member ${escapeHtml(p.data.member)} at step ${escapeHtml(p.data.step)}<br>` + axes.map((a, i) => `${escapeHtml(a.name)} = ${escapeHtml(fmt(p.data.value[i]))}`).join('<br>'),
    },
    visualMap: scoreMap(lines.map(l => l.value[names.length]), names.length, 0),
    series: [{ id: 'members', type: 'parallel', lineStyle: { width: 2, opacity: 0.7 }, emphasis: { lineStyle: { width: 4, opacity: 1 } }, data: lines }],
  }, { replaceMerge: ['series', 'parallelAxis', 'visualMap'] });
  c.getDom().dataset.lines = String(lines.length);
}

function renderBestSchedule() {
  const e = experimentView();
  const best = state.best && state.best.run === state.run ? state.best.data : null;
  $('best-title').textContent = best ? `(member ${best.member}: ${e ? e.metric : ''} ${fmt(best.value)})` : '(no score yet)';
  const names = e ? e.hyperparameters.slice(0, 6) : [];
  const end = best && best.checkpoints.length ? best.checkpoints[best.checkpoints.length - 1].step : 0;
  const height = 100;
  const grids = [], xAxes = [], yAxes = [], series = [];
  names.forEach((n, i) => {
    const data = [];
    if (best) {
      for (const s of best.schedule) if (s.hyperparameters[n] !== undefined) data.push([s.step, s.hyperparameters[n]]);
      if (data.length) data.push([Math.max(end, data[data.length - 1][0]), data[data.length - 1][1]]);
    }
    grids.push({ left: 80, right: 20, top: 20 + i * (height + 20), height });
    xAxes.push({ type: 'value', gridIndex: i, name: i === names.length - 1 ? 'step' : '', min: 0, max: Math.max(end, 1) });
    yAxes.push({ gridIndex: i, ...axisFor(n, data.map(d => d[1])), nameLocation: 'middle', nameGap: 55 });
    series.push({ id: 'h:' + n, name: n, type: 'line', step: 'end', xAxisIndex: i, yAxisIndex: i, showSymbol: true, symbolSize: 4, data });
  });
  const dom = $('best-schedule');
  const want = Math.max(140, 40 + names.length * (height + 20)) + 'px';
  const c = chart('best-schedule');
  if (dom.style.height !== want) { dom.style.height = want; c.resize(); }
  c.setOption({
    animation: false, grid: grids, xAxis: xAxes, yAxis: yAxes, series,
    tooltip: { trigger: 'item', confine: true, formatter: p => `${escapeHtml(p.seriesName)} = ${escapeHtml(fmt(p.value[1]))} from step ${escapeHtml(fmt(p.value[0]))}` },
  }, { replaceMerge: ['grid', 'xAxis', 'yAxis', 'series'] });
  dom.dataset.member = best ? String(best.member) : '';
  dom.dataset.run = best ? state.best.run : '';
  dom.dataset.segments = best ? String(best.schedule.length) : '0';
}

// ---- FIRE's evaluators and the GA's family trees ----------------------------------------------------------------------

function renderFire() {
  const decisions = state.decisions.get(state.run) || [];
  const groups = new Map();
  for (const d of decisions) if (d.kind === 'sub-population') groups.set(d.member, d.subPopulation);
  const evaluators = [...groups.entries()].filter(([, g]) => g === 0).map(([m]) => m).sort((a, b) => a - b);
  $('fire-panel').hidden = evaluators.length === 0;
  if (evaluators.length === 0) return;
  const sizes = new Map();
  for (const g of groups.values()) sizes.set(g, (sizes.get(g) || 0) + 1);
  const successes = decisions.filter(d => d.kind === 'evaluator-succeeded');
  $('fire-summary').textContent = [...sizes.entries()].sort((a, b) => (a[0] || 99) - (b[0] || 99))
    .map(([g, n]) => g === 0 ? `${n} evaluators` : `P${g}${g === 1 ? ' (greedy)' : ''}: ${n}`).join(', ')
    + `. Evaluations started: ${decisions.filter(d => d.kind === 'evaluator-started').length}; successes: ${successes.length}.`;
  const rows = byMember((state.rows.get(state.run) || []).filter(r => groups.get(r.member) === 0));
  const series = evaluators.map(m => ({ id: 'e' + m, name: 'evaluator ' + m, type: 'line', showSymbol: false, data: (rows.get(m) || []).filter(r => r.value !== null).map(r => [r.step, r.value]) }));
  // A success is marked on the evaluator's curve at the step its target copied the evaluator's weights.
  const marks = successes.map(d => {
    const list = (rows.get(d.from) || []).filter(r => r.value !== null && r.step <= d.step);
    return { value: [d.step, list.length ? list[list.length - 1].value : null], decision: d };
  }).filter(p => p.value[1] !== null);
  series.push({ id: 'successes', name: 'success', type: 'scatter', symbolSize: 11, itemStyle: { color: '#000' }, data: marks });
  const e = experimentView();
  chart('fire-evaluators').setOption({
    animation: false, grid: { left: 60, right: 20, top: 40, bottom: 50 },
    legend: { type: 'scroll', top: 0 },
    tooltip: {
      trigger: 'item', confine: true,
      formatter: p => p.seriesId === 'successes'
        ? `step ${escapeHtml(p.data.decision.step)}: member ${escapeHtml(p.data.decision.member)} copied evaluator ${escapeHtml(p.data.decision.from)} (parent ${escapeHtml(p.data.decision.parent)})<br>${escapeHtml(p.data.decision.detail || '')}`
        : `${escapeHtml(p.seriesName)}<br>step ${escapeHtml(fmt(p.value[0]))}: <b>${escapeHtml(fmt(p.value[1]))}</b>`,
    },
    xAxis: { type: 'value', name: 'step' }, yAxis: { type: 'value', name: e ? e.metric : '', scale: true },
    dataZoom: zoom, series,
  }, { replaceMerge: ['series'] });
  fill('evaluators', evaluators.map(m => {
    const mine = decisions.filter(d => d.member === m && d.kind.startsWith('evaluator'));
    const started = mine.filter(d => d.kind === 'evaluator-started');
    const current = started[started.length - 1];
    const stops = mine.filter(d => d.kind === 'evaluator-stopped');
    const stopped = current && stops.some(d => d.id > current.id);
    const list = rows.get(m) || [];
    return [`member ${m}`, current && !stopped ? `member ${current.parent}` : '—', current && !stopped ? `member ${current.target}` : '—', current ? fmt(current.step) : '—',
      String(started.length), String(successes.filter(d => d.from === m).length), stops.length ? `${stops[stops.length - 1].detail} (step ${stops[stops.length - 1].step})` : '—',
      list.length ? fmt(list[list.length - 1].value) : '—'];
  }));
}

function renderGa() {
  const decisions = (state.decisions.get(state.run) || []).filter(d => d.kind === 'bred');
  $('ga-panel').hidden = decisions.length === 0;
  if (decisions.length === 0) return;
  fill('breedings', decisions.slice(-50).reverse().map(d => [fmt(d.step), `member ${d.member}`, `${d.parentA}, ${d.parentB}`, d.from === null ? 'none (from scratch)' : String(d.from), d.detail || '']));
  // The tree of the member clicked, else of the best member.
  const open = state.lineage && state.lineage.run === state.run && state.lineage.data.family ? state.lineage.data : null;
  const best = state.best && state.best.run === state.run ? state.best.data : null;
  const lineage = open || (best && best.family ? best : null);
  $('family-member').textContent = lineage ? `${lineage.member}${open ? '' : ' (best)'}` : '—';
  const family = lineage ? lineage.family : { nodes: [], edges: [] };
  const depth = family.nodes.reduce((d, n) => Math.max(d, n.depth), 0);
  const column = new Map();
  const nodes = family.nodes.map(n => {
    const row = column.get(n.depth) || 0;
    column.set(n.depth, row + 1);
    return {
      x: (depth - n.depth) * 140, y: row * 40, member: n.member, step: n.step, founder: n.founder, depth: n.depth,
      symbol: 'roundRect', symbolSize: [84, 22], label: { show: true, formatter: n.founder ? `m${n.member} founder` : `m${n.member} @${n.step}`, color: n.depth === 0 ? '#fff' : '#000' },
      itemStyle: { color: n.depth === 0 ? '#000' : '#fff', borderColor: '#555' },
    };
  });
  const links = family.edges.map(x => ({
    source: x.child, target: x.parent, role: x.role,
    lineStyle: { color: x.role === 'weights' ? '#E69F00' : '#0072B2', type: x.role === 'weights' ? 'dashed' : 'solid', width: 1.5, curveness: x.role === 'a' ? 0.1 : x.role === 'b' ? -0.1 : 0 },
  }));
  const c = chart('family');
  c.setOption({
    animation: false,
    tooltip: {
      trigger: 'item', confine: true,
      formatter: p => p.dataType === 'edge'
        ? `member ${escapeHtml(nodes[p.data.source].member)}'s ${p.data.role === 'weights' ? 'weights' : 'hyperparameter'} parent: member ${escapeHtml(nodes[p.data.target].member)}`
        : `member ${escapeHtml(p.data.member)}, ${p.data.founder ? 'a founder' : 'born at step ' + escapeHtml(p.data.step)}; ${escapeHtml(p.data.depth)} generations back`,
    },
    series: [{ id: 'family', type: 'graph', layout: 'none', roam: true, data: nodes, links, edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 6 }],
  }, { replaceMerge: ['series'] });
  c.getDom().dataset.nodes = String(nodes.length);
  c.getDom().dataset.edges = String(links.length);
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
$('lineage-close').addEventListener('click', () => { state.lineage = null; state.dirty = true; });
$('explored-x').addEventListener('change', ev => { state.explored.x = ev.target.value; renderExplored(); });
$('explored-y').addEventListener('change', ev => { state.explored.y = ev.target.value; renderExplored(); });
$('parallel-mode').addEventListener('change', ev => { state.parallelMode = ev.target.value; renderParallel(); });
start();
