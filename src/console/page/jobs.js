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
    const title = job.kind === 'command' ? `$ ${job.title}` : `Sequence: ${job.title}`;
    const rows = Object.entries(job.units).map(([address, unit]) =>
      job.kind === 'command' ? commandRow(address, unit) : sequenceRow(address, unit),
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
    );
  }
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
