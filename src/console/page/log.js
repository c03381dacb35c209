import { clock, h } from './dom.js';
import { eventText } from './grid.js';

/** The most rows the log keeps on the page. */
const MAX_ROWS = 500;

/** The live event log: newest first. */
export class EventLogView {
  /** @param {HTMLTableElement} table @param {() => Map<string, string>} addressesById */
  constructor(table, addressesById) {
    this.body = table.tBodies[0];
    this.addressesById = addressesById;
  }

  clear() {
    while (this.body.firstChild) this.body.removeChild(this.body.firstChild);
  }

  /** @param {{ at: number, event: any }} entry */
  add(entry) {
    const { event } = entry;
    const unit = this.addressesById().get(event.id) ?? event.ip;
    const text = eventText(event);
    const tr = h(
      'tr',
      { 'data-type': event.type_, 'data-unit-id': event.id },
      h('td', {}, clock(entry.at)),
      h('td', { title: `id ${event.id}, ip field ${event.ip}` }, unit),
      h('td', {}, h('span', { class: `type type-${event.type_}` }, event.type_)),
      h('td', {}, h('pre', {}, text)),
    );
    this.body.prepend(tr);
    while (this.body.rows.length > MAX_ROWS) this.body.deleteRow(-1);
  }
}
