/* global document */
import { clock, duration, h, shorten } from './dom.js';

/** The grid of units: one row per unit, updated in place so that the selection stays. */
export class Grid {
  /** @param {HTMLTableElement} table @param {() => void} onSelection */
  constructor(table, onSelection) {
    this.body = table.tBodies[0];
    /** @type {Map<string, { row: any, tr: HTMLTableRowElement }>} */
    this.rows = new Map();
    this.onSelection = onSelection;
    this.selectAll = /** @type {HTMLInputElement} */ (document.getElementById('select-all'));
    this.selectAll.addEventListener('change', () => {
      for (const { tr } of this.rows.values()) this.checkbox(tr).checked = this.selectAll.checked;
      onSelection();
    });
  }

  /** Replaces every row (a new snapshot), keeping the selection of units still there. */
  reset(rows) {
    const selected = new Set(this.selected());
    this.rows.clear();
    while (this.body.firstChild) this.body.removeChild(this.body.firstChild);
    for (const row of rows) this.update(row, selected.has(row.address));
    this.onSelection();
  }

  /** Adds or redraws the row of one unit. */
  update(row, select = false) {
    let entry = this.rows.get(row.address);
    if (entry === undefined) {
      const checkbox = h('input', {
        type: 'checkbox',
        'aria-label': `select ${row.address}`,
        checked: select,
      });
      checkbox.addEventListener('change', () => this.onSelection());
      const tr = /** @type {HTMLTableRowElement} */ (
        h('tr', { 'data-unit': row.address }, h('td', {}, checkbox))
      );
      for (const field of [
        'address',
        'id',
        'state',
        'since',
        'firmware',
        'boardio',
        'mcu',
        'mac',
        'last-event',
        'latency',
      ])
        tr.append(h('td', { 'data-field': field }));
      this.body.append(tr);
      entry = { row, tr };
      this.rows.set(row.address, entry);
    }
    entry.row = row;
    this.draw(entry);
  }

  /** Redraws the relative times ("since"). */
  tick() {
    for (const entry of this.rows.values()) this.drawSince(entry);
  }

  /** @returns {string[]} the addresses of the selected units */
  selected() {
    return [...this.rows.values()]
      .filter(({ tr }) => this.checkbox(tr).checked)
      .map(({ row }) => row.address);
  }

  /** @returns {Map<string, string>} unit id -> address, for the units that spoke */
  addressesById() {
    const map = new Map();
    for (const { row } of this.rows.values()) if (row.id) map.set(row.id, row.address);
    return map;
  }

  /** @returns {any[]} the rows */
  all() {
    return [...this.rows.values()].map(({ row }) => row);
  }

  checkbox(tr) {
    return /** @type {HTMLInputElement} */ (tr.querySelector('input[type=checkbox]'));
  }

  draw(entry) {
    const { row, tr } = entry;
    const cell = (field) => /** @type {HTMLElement} */ (tr.querySelector(`[data-field="${field}"]`));
    const set = (field, text, title) => {
      const td = cell(field);
      td.textContent = text;
      if (title) td.title = title;
      else td.removeAttribute('title');
    };
    set('address', row.address);
    set('id', row.id ?? '—');
    const state = cell('state');
    state.textContent = '';
    state.append(h('span', { class: `badge state-${row.presence.state}` }, row.presence.state));
    // why a unit is lost, in the row itself
    if (row.presence.state === 'lost' && row.presence.message)
      state.append(
        h('span', { class: 'presence-message', 'data-field': 'presence-message' }, row.presence.message),
      );
    state.title = row.presence.message ?? '';
    tr.dataset.state = row.presence.state;
    set('firmware', row.info?.firmware ?? '—', row.info ? `unit type ${row.info.unitType}` : undefined);
    set('boardio', row.info?.boardio ?? '—');
    set('mcu', row.info?.mcu ?? '—');
    set('mac', row.info?.mac ?? '—');
    const last = row.lastEvent;
    set(
      'last-event',
      last ? `${clock(last.at)} ${last.event.type_} ${shorten(eventText(last.event), 40)}` : '—',
      last ? eventText(last.event) : undefined,
    );
    const l = row.latency;
    set(
      'latency',
      l === undefined ? '—' : `${Math.round(l.lastMs)} ms`,
      l === undefined
        ? undefined
        : `last ${Math.round(l.lastMs)} ms, mean ${Math.round(l.meanMs)} ms, max ${Math.round(l.maxMs)} ms over ${l.count} commands`,
    );
    this.drawSince(entry);
  }

  drawSince({ row, tr }) {
    const td = /** @type {HTMLElement} */ (tr.querySelector('[data-field="since"]'));
    td.textContent = `${clock(row.presence.since)} (${duration(Date.now() - row.presence.since)})`;
  }
}

/** @returns {string} the text of an event, as the log and the grid show it */
export function eventText(event) {
  switch (event.type_) {
    case 'output':
      return event.output;
    case 'message':
      return event.message;
    case 'unit_info':
      return `firmware ${event.firmware_version}, boardio ${event.boardio_version}, ${event.mcu_type}, ${event.mac_address}`;
    default:
      return '';
  }
}
