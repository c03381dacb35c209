import * as diagnostics from 'node:diagnostics_channel';
import { NEVER } from 'rxjs';
import type { ConsoleModel } from '../../src/console/model';
import { serveConsole, type ServedConsole } from '../../src/console/server';
import { consoleRequest } from './fixture';

const TOKEN = 'a'.repeat(32);

/** A model whose every action throws: what an unexpected bug in a request handler looks like. */
const brokenModel = {
  unit: () => {
    throw new RangeError('Maximum call stack size exceeded');
  },
  snapshot: () => {
    throw new Error('boom in snapshot');
  },
  changes$: NEVER,
  log: { read: () => NEVER },
} as unknown as ConsoleModel;

/** The guard's token, as every request here sends it. */
const AUTH = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

describe('the console server guard', () => {
  let server: ServedConsole;
  const refused: Array<{ status: number; reason: string }> = [];
  const listener = (message: unknown) => {
    const m = message as { kind: string; status: number; reason: string };
    if (m.kind === 'refused') refused.push(m);
  };
  beforeAll(async () => {
    diagnostics.subscribe('pycom-rx:console', listener);
    server = await serveConsole({
      model: brokenModel,
      assets: new Map(),
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    diagnostics.unsubscribe('pycom-rx:console', listener);
    await server?.close();
  });

  it('answers 500 when a handler throws, or rejects after reading the body, and stays up', async () => {
    const command = JSON.stringify({ units: ['127.3.0.2'], command: 'uptime' });
    for (let round = 0; round < 2; round += 1) {
      // thrown after the body was read (an async handler: a rejection, not a throw)
      const posted = await consoleRequest(server, '/api/command', {
        method: 'POST',
        headers: AUTH,
        body: command,
      });
      expect(posted.status).toBe(500);
      expect(JSON.parse(posted.body)).toEqual({ error: 'internal error' });
      // thrown at once
      const state = await consoleRequest(server, '/api/state', { headers: AUTH });
      expect(state.status).toBe(500);
      expect(JSON.parse(state.body)).toEqual({ error: 'internal error' });
    }
    // the details go to the diagnostics channel, not to the client
    expect(refused).toContainEqual(
      expect.objectContaining({
        status: 500,
        reason: 'internal error: RangeError: Maximum call stack size exceeded',
      }),
    );
    expect(refused).toContainEqual(
      expect.objectContaining({ status: 500, reason: 'internal error: Error: boom in snapshot' }),
    );
    // and the server still answers what does not reach the model
    expect((await consoleRequest(server, '/api/nothing', { headers: AUTH })).status).toBe(404);
    expect(
      (await consoleRequest(server, '/api/command', { method: 'POST', headers: AUTH, body: '{"units": [' }))
        .status,
    ).toBe(400);
  });
});
