/* global document */
// Small DOM helpers. Text always goes in through textContent: nothing from a unit is parsed as HTML.

/**
 * Creates an element.
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attributes] `class`, `data-*`, any attribute; `false`/`undefined` are left out.
 * @param {...(Node | string | undefined)} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** @param {Node} node */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** @param {number} ms since the epoch @returns {string} HH:MM:SS */
export function clock(ms) {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** @param {number} ms a duration @returns {string} e.g. '5 s', '3 min', '2 h' */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** @param {number} ms a duration @returns {string} e.g. '0.5 s', '12.3 s', as the command line prints it */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** @param {string} text @param {number} max @returns {string} the first line, cut to max characters */
export function shorten(text, max) {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
