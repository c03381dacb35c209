/* global document, FormData */
import { h } from './dom.js';
import { post } from './api.js';

/**
 * Wires the three forms (preset: run or shoot; CSV; shell command) to the API, for the selected units.
 * @param {string} token
 * @param {() => string[]} selected
 */
export function wireActions(token, selected) {
  const errorBox = /** @type {HTMLElement} */ (document.getElementById('action-error'));
  const showError = (message, issues = []) => {
    errorBox.textContent = '';
    errorBox.append(h('strong', {}, message));
    if (issues.length > 0) errorBox.append(h('ul', {}, ...issues.map((issue) => h('li', {}, issue))));
    errorBox.hidden = false;
  };
  const submit = async (path, body) => {
    errorBox.hidden = true;
    const units = selected();
    if (units.length === 0) return showError('Select at least one unit first.');
    try {
      const answer = await post(token, path, { units, ...body });
      if (!answer.ok) showError(answer.body.error ?? `HTTP ${answer.status}`, answer.body.issues ?? []);
    } catch (e) {
      showError(`The console did not answer: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const presetForm = /** @type {HTMLFormElement} */ (document.getElementById('preset-form'));
  const shutter = /** @type {HTMLInputElement} */ (presetForm.elements.namedItem('shutterMs'));
  const camera = /** @type {HTMLSelectElement} */ (presetForm.elements.namedItem('camera'));
  camera.addEventListener('change', () => (shutter.disabled = camera.value !== 'canon'));
  presetForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(presetForm);
    const preset = {
      mode: String(data.get('mode')),
      camera: String(data.get('camera')),
      power: Number(data.get('power')),
      trigger: String(data.get('trigger')),
      fans: data.get('fans') !== null,
    };
    if (preset.camera === 'canon') preset.shutterMs = Number(data.get('shutterMs'));
    // "Shoot selected": all units fire together, or none (coordinator.shoot)
    const shoot = /** @type {SubmitEvent} */ (event).submitter?.id === 'shoot-preset';
    void submit(shoot ? '/api/shoot' : '/api/sequence', { preset });
  });

  const csvForm = /** @type {HTMLFormElement} */ (document.getElementById('csv-form'));
  const csvText = /** @type {HTMLTextAreaElement} */ (csvForm.elements.namedItem('csv'));
  const file = /** @type {HTMLInputElement} */ (csvForm.elements.namedItem('file'));
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) csvText.value = await chosen.text();
  });
  csvForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit('/api/sequence', { csv: csvText.value });
  });

  const commandForm = /** @type {HTMLFormElement} */ (document.getElementById('command-form'));
  commandForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const command = String(new FormData(commandForm).get('command') ?? '');
    void submit('/api/command', { command });
  });
}
