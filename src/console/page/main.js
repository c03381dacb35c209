/* global document, setInterval, FormData */
import { openStream, takeToken } from './api.js';
import { wireActions } from './actions.js';
import { h } from './dom.js';
import { Grid } from './grid.js';
import { JobsView } from './jobs.js';
import { EventLogView } from './log.js';

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

function fatal(message) {
  const box = byId('fatal');
  box.textContent = message;
  box.hidden = false;
}

function setConnection(status) {
  const badge = byId('connection');
  badge.dataset.status = status;
  badge.textContent = status === 'live' ? 'live' : status === 'reconnecting' ? 'reconnecting…' : 'closed';
  if (status === 'refused')
    fatal(
      'The console closed the event stream: the token was refused, or the console stopped. Open the URL that `pycom-rx console` printed.',
    );
}

function showSelection(grid) {
  const count = grid.selected().length;
  byId('selection').textContent = count === 0 ? '(none selected)' : `(${count} selected)`;
}

function showSummary(grid) {
  const counts = { connected: 0, pending: 0, lost: 0 };
  for (const row of grid.all()) counts[row.presence.state] += 1;
  byId('unit-summary').textContent =
    `${counts.connected} connected · ${counts.pending} pending · ${counts.lost} lost`;
}

/** What each of the coordinator's command counters counts, as the page names it. */
const COMMAND_STATS = {
  sent: 'commands sent (sequence steps included)',
  output: 'outputs received (any exit status)',
  failed: 'send or output failed',
  timeout: 'no output in time',
  cancelled: 'cancelled',
  late: 'late outputs',
  unmatched: 'outputs that answered nothing',
};

/** Fills a `<dl>` with [code, name, value] entries: `data-stat` is the code, stable for scripts. */
function fill(list, entries) {
  list.textContent = '';
  for (const [code, name, value] of entries)
    list.append(h('div', { 'data-stat': code }, h('dt', {}, name), h('dd', {}, value)));
  list.hidden = false;
}

/** The coordinator's counters: events in, rejected by reason, commands by what happened on the wire. */
function showStats(stats) {
  if (!stats) return void (byId('stats').hidden = true);
  const rejected = Object.entries(stats.rejected);
  fill(byId('stats'), [
    ['events', 'events in', String(stats.events)],
    ['rejected', 'rejected', rejected.length === 0 ? '0' : rejected.map(([r, n]) => `${n} ${r}`).join(', ')],
    ...Object.entries(COMMAND_STATS).map(([code, name]) => [
      `commands.${code}`,
      name,
      String(stats.commands[code]),
    ]),
  ]);
}

/** The outcomes of the jobs, counted from the same results as their rows (one per unit). */
function showFigures(figures) {
  const { commands: c, sequences: s } = figures;
  fill(byId('figures'), [
    ['commands.ok', 'commands exit 0', String(c.ok)],
    ['commands.failed', 'commands failed (exit ≠ 0 or no output)', String(c.failed)],
    ['commands.running', 'commands running', String(c.running)],
    ['sequences.completed', 'sequences completed', String(s.completed)],
    ['sequences.failed', 'sequences failed', String(s.failed)],
    ['sequences.running', 'sequences running', String(s.running)],
  ]);
}

function unitOptions(select, grid) {
  const current = select.value;
  const wanted = grid.all().map((row) => ({
    value: row.id ?? row.address,
    label: row.id ? `${row.address} (${row.id})` : row.address,
  }));
  const have = [...select.options]
    .slice(1)
    .map((o) => `${o.value}|${o.textContent}`)
    .join(',');
  if (have === wanted.map((w) => `${w.value}|${w.label}`).join(',')) return;
  while (select.options.length > 1) select.remove(1);
  for (const { value, label } of wanted) select.append(h('option', { value }, label));
  select.value = wanted.some((w) => w.value === current) ? current : '';
}

function start() {
  const token = takeToken();
  if (!token) return fatal('No token: open the URL that `pycom-rx console` printed (it ends with ?token=…).');

  const grid = new Grid(/** @type {HTMLTableElement} */ (byId('units')), () => showSelection(grid));
  const jobs = new JobsView(byId('jobs'), byId('no-jobs'));
  const log = new EventLogView(/** @type {HTMLTableElement} */ (byId('log')), () => grid.addressesById());
  const filterForm = /** @type {HTMLFormElement} */ (byId('log-filter'));
  const unitSelect = /** @type {HTMLSelectElement} */ (filterForm.elements.namedItem('unit'));
  wireActions(token, () => grid.selected());

  const handlers = {
    snapshot: (snapshot) => {
      byId('coordinator').textContent =
        `coordinator ${snapshot.coordinator.id}${snapshot.coordinator.listening ? ` · listening on ${snapshot.coordinator.listening}` : ''}`;
      grid.reset(snapshot.units);
      jobs.reset(snapshot.jobs);
      showStats(snapshot.stats);
      showFigures(snapshot.figures);
      log.clear();
      showSummary(grid);
      unitOptions(unitSelect, grid);
    },
    unit: ({ row }) => {
      grid.update(row);
      showSummary(grid);
      unitOptions(unitSelect, grid);
    },
    job: ({ job }) => jobs.update(job),
    stats: ({ stats }) => showStats(stats),
    figures: ({ figures }) => showFigures(figures),
    log: (entry) => log.add(entry),
  };

  let close = () => {};
  const connect = () => {
    close();
    const data = new FormData(filterForm);
    const filter = { types: data.getAll('types').map(String), unit: String(data.get('unit') ?? '') };
    close = openStream(token, filter, handlers, setConnection);
  };
  filterForm.addEventListener('change', connect);
  connect();
  setInterval(() => grid.tick(), 1000);
}

start();
