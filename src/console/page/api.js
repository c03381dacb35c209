/* global window, sessionStorage, fetch, EventSource, URLSearchParams */
// The token and the calls to the console's API.

const KEY = 'pycom-rx-console-token';

/**
 * The token from the URL (then hidden from the address bar, kept for reloads of this tab), or
 * the one kept earlier; undefined when there is none.
 * @returns {string | undefined}
 */
export function takeToken() {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
    return fromUrl;
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

/**
 * POSTs JSON to the API with the token. Resolves with the parsed answer and the status.
 * @param {string} token
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<{ ok: boolean, status: number, body: any }>}
 */
export async function post(token, path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  let parsed;
  try {
    parsed = await response.json();
  } catch {
    parsed = { error: `HTTP ${response.status}` };
  }
  return { ok: response.ok, status: response.status, body: parsed };
}

/**
 * Opens the event stream with the log filter; calls handlers[eventName](data) for each event.
 * @param {string} token
 * @param {{ types: string[], unit: string }} filter
 * @param {Record<string, (data: any) => void>} handlers
 * @param {(status: 'live' | 'reconnecting' | 'refused') => void} onStatus
 * @returns {() => void} closes the stream
 */
export function openStream(token, filter, handlers, onStatus) {
  const query = new URLSearchParams({ token, types: filter.types.join(',') });
  if (filter.unit) query.set('unit', filter.unit);
  const source = new EventSource(`/api/stream?${query}`);
  for (const [name, handle] of Object.entries(handlers))
    source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  source.addEventListener('open', () => onStatus('live'));
  source.addEventListener('error', () => {
    // A refused token (401) closes the source for good; a dropped connection retries.
    if (source.readyState === EventSource.CLOSED) onStatus('refused');
    else onStatus('reconnecting');
  });
  return () => source.close();
}
