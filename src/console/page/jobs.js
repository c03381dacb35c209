import { clock, h, seconds } from './dom.js';

const STEPS = ['uploaded', 'loaded', 'started', 'completed'];

/** The jobs started from the page (any page of this console): newest first. */
export class JobsView {
  /** @param {HTMLElement} container @param {HTMLElement} placeholder */
  constructor(container, placeholder) {
    this.container = container;
    this.placeholder = placeholder;
    /** @type {Map<number, HTMLElement>} */
    this.cards = new Map();
  }

  reset(jobs) {
    for (const card of this.cards.values()) card.remove();
    this.cards.clear();
    for (const job of jobs) this.update(job);
  }

  update(job) {
    const card = this.render(job);
    const old = this.cards.get(job.id);
    if (old) old.replaceWith(card);
    else this.container.prepend(card);
    this.cards.set(job.id, card);
    this.placeholder.hidden = this.cards.size > 0;
  }

  render(job) {
    const status = job.done ? 'done' : 'running';
    const title =
      job.kind === 'command'
        ? `$ ${job.title}`
        : `${job.kind === 'shoot' ? 'Shoot' : 'Sequence'}: ${job.title}`;
    const rows = Object.entries(job.units).map(([address, unit]) =>
      job.kind === 'command'
        ? commandRow(address, unit)
        : job.kind === 'shoot'
          ? shootRow(address, unit)
          : sequenceRow(address, unit),
    );
    return h(
      'article',
      { class: `job job-${job.kind}`, 'data-job': String(job.id), 'data-status': status },
      h(
        'header',
        {},
        h('strong', {}, `#${job.id} `),
        h('code', {}, title),
        h('span', { class: 'muted' }, ` started ${clock(job.startedAt)} · ${status}`),
      ),
      h('table', {}, h('tbody', {}, ...rows)),
      job.kind === 'shoot' ? shotOutcome(job) : undefined,
    );
  }
}

const SHOOT_STATES = ['loading', 'ready', 'fired', 'completed'];

/** A unit of a shot: the states it reached, or why it failed / was not fired. */
function shootRow(address, progress) {
  const reached =
    progress.state === 'failed' || progress.state === 'not-fired' ? -1 : SHOOT_STATES.indexOf(progress.state);
  const states = SHOOT_STATES.map((state, i) =>
    h('span', { class: `step ${i <= reached ? 'reached' : ''}`, 'data-step': state }, state),
  );
  const fired =
    progress.firedMs === undefined
      ? undefined
      : h('span', { class: 'muted', 'data-field': 'fired' }, ` fired +${progress.firedMs.toFixed(1)} ms`);
  const failure =
    progress.state === 'failed'
      ? h('span', { class: 'failure' }, `failed (${progress.reason ?? 'unknown'}): ${progress.message ?? ''}`)
      : progress.state === 'not-fired'
        ? h('span', { class: 'muted' }, `not fired${progress.message ? `: ${progress.message}` : ''}`)
        : undefined;
  return h(
    'tr',
    { 'data-unit': address, 'data-status': progress.state },
    h('td', {}, address),
    timeCell(progress.ms),
    h('td', { class: 'progress' }, ...states, fired, failure),
  );
}

/** The end of a shot: its outcome and the fire spread (first to last runSeq handed over). */
function shotOutcome(job) {
  if (job.outcome === undefined) return undefined;
  const text = {
    completed: 'every unit completed',
    'not-fired': 'a unit failed to load: nothing was fired',
    partial: 'fired, but not every unit completed',
    'dry-run': 'loaded only',
  }[job.outcome];
  const spread =
    job.fireSpreadMs === undefined
      ? ''
      : ` · fire spread ${job.fireSpreadMs.toFixed(1)} ms (first to last runSeq handed over)`;
  return h('p', { class: 'shot', 'data-outcome': job.outcome, 'data-field': 'spread' }, `${text}${spread}`);
}

function sequenceRow(address, progress) {
  const status = progress.failed ? 'failed' : (progress.steps[progress.steps.length - 1] ?? 'started');
  const steps = STEPS.map((step) =>
    h('span', { class: `step ${progress.steps.includes(step) ? 'reached' : ''}`, 'data-step': step }, step),
  );
  const failure = progress.failed
    ? h(
        'span',
        { class: 'failure' },
        `failed at ${progress.failed.failedStep} (${progress.failed.reason}): ${progress.failed.message}`,
      )
    : undefined;
  const message = progress.message
    ? h('span', { class: 'muted', title: 'the last message from the unit' }, ` ${progress.message}`)
    : undefined;
  return h(
    'tr',
    { 'data-unit': address, 'data-status': status },
    h('td', {}, address),
    timeCell(progress.ms),
    h('td', { class: 'progress' }, ...steps, failure, message),
  );
}

function commandRow(address, result) {
  const exit =
    result.exitCode === undefined
      ? undefined
      : h(
          'span',
          {
            class: `badge exit ${result.exitCode === 0 ? 'exit-ok' : 'exit-failed'}`,
            'data-field': 'exit-code',
          },
          `exit ${result.exitCode}`,
        );
  const detail =
    result.status === 'failed'
      ? h('span', { class: 'failure' }, result.error ?? 'failed')
      : result.status === 'running'
        ? h('span', { class: 'muted' }, 'running…')
        : h('pre', { 'data-field': 'output' }, result.output === '' ? '(no output)' : result.output);
  return h(
    'tr',
    { 'data-unit': address, 'data-status': result.status },
    h('td', {}, address),
    timeCell(result.ms),
    h('td', {}, exit),
    h('td', {}, detail),
  );
}

/** How long the unit took from the job's start, once it finished; empty while it runs. */
function timeCell(ms) {
  return h(
    'td',
    { class: 'muted', 'data-field': 'time', title: "from the job's start to this unit's result" },
    ms === undefined ? '' : seconds(ms),
  );
}
