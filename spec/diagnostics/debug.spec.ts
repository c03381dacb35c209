import * as http from 'node:http';
import {
  CHANNEL_NAMES,
  channels,
  debugFromEnvironment,
  debugNamespaces,
  enableDebug,
  formatDiagnostic,
} from '../../src/diagnostics';
import { startRig, type Rig } from '../console/fixture';

const EVERY = Object.values(CHANNEL_NAMES);
const fixedClock = () => new Date('2026-11-25T12:03:04.120Z');

describe('DEBUG namespaces', () => {
  it("picks the library's channels with * patterns and - exclusions, as the debug package does", () => {
    expect(debugNamespaces('pycom-rx:*')).toEqual(EVERY);
    expect(debugNamespaces('*')).toEqual(EVERY);
    expect(debugNamespaces('pycom-rx:*,-pycom-rx:heartbeat')).toEqual(
      EVERY.filter((n) => n !== 'pycom-rx:heartbeat'),
    );
    expect(debugNamespaces('express:* pycom-rx:inbound')).toEqual(['pycom-rx:inbound']);
    expect(debugNamespaces('pycom-rx:in')).toEqual([]);
    expect(debugNamespaces('pycom-rx:(.*)')).toEqual([]);
    expect(debugNamespaces('')).toEqual([]);
  });
});

describe('enableDebug', () => {
  it('writes one line per message of the namespaces asked for, and nothing once stopped', () => {
    const lines: string[] = [];
    const stop = enableDebug('pycom-rx:heartbeat,pycom-rx:presence', (l) => lines.push(l), fixedClock);
    expect(channels.heartbeat.hasSubscribers).toBe(true);
    expect(channels.inbound.hasSubscribers).toBe(false);
    channels.heartbeat.publish({ unit: '127.46.4.9', port: 5000, outcome: 'failed', error: 'ECONNREFUSED' });
    channels.presence.publish({ unit: '127.46.4.9', state: 'lost', at: 0, message: 'refused: ECONNREFUSED' });
    stop();
    channels.heartbeat.publish({ unit: '127.46.4.9', port: 5000, outcome: 'delivered' });
    expect(lines).toEqual([
      '12:03:04.120 pycom-rx:heartbeat to 127.46.4.9:5000 failed: ECONNREFUSED\n',
      '12:03:04.120 pycom-rx:presence 127.46.4.9 lost: refused: ECONNREFUSED\n',
    ]);
    expect(channels.heartbeat.hasSubscribers).toBe(false);
  });

  it('is off unless asked: no channel has a subscriber, so a call site costs one property read', () => {
    if (debugNamespaces(process.env.DEBUG ?? '').length > 0)
      throw new Error('run the tests without DEBUG=pycom-rx:*');
    for (const channel of Object.values(channels)) expect(channel.hasSubscribers).toBe(false);
  });

  it('reads DEBUG from the environment, and ignores namespaces of other libraries', () => {
    expect(debugFromEnvironment({ DEBUG: 'express:*' })).toBeUndefined();
    expect(channels.console.hasSubscribers).toBe(false);
    const stop = debugFromEnvironment({ DEBUG: 'pycom-rx:console' });
    expect(stop).toBeDefined();
    expect(channels.console.hasSubscribers).toBe(true);
    expect(debugFromEnvironment({ DEBUG: 'pycom-rx:console' })).toBeUndefined();
    stop?.();
    expect(channels.console.hasSubscribers).toBe(false);
  });
});

describe('formatDiagnostic', () => {
  const remote = { address: '192.168.0.22', port: 40112 };
  it('says what happened in one line, for each channel', () => {
    const event = { type_: 'output', id: '81639cd4', output: 'line 1\nline 2\n' };
    expect(formatDiagnostic('pycom-rx:inbound', { ...event, remote })).toBe(
      'output from 81639cd4 from 192.168.0.22:40112 "line 1 | line 2"',
    );
    expect(
      formatDiagnostic('pycom-rx:inbound', {
        kind: 'rejected',
        reason: 'json',
        message: 'Unexpected end',
        remote,
      }),
    ).toBe('rejected from 192.168.0.22:40112: json Unexpected end');
    expect(
      formatDiagnostic('pycom-rx:command', {
        unit: '192.168.0.22',
        command: 'uptime',
        phase: 'output',
        ms: 41,
        exitCode: 0,
      }),
    ).toBe('output 192.168.0.22 "uptime" in 41 ms, exit 0');
    expect(
      formatDiagnostic('pycom-rx:presence', { unit: '192.168.0.22', state: 'connected', id: '81639cd4' }),
    ).toBe('192.168.0.22 connected (81639cd4)');
    expect(
      formatDiagnostic('pycom-rx:console', { kind: 'job', id: 3, job: 'command', title: 'uptime', units: 2 }),
    ).toBe('job #3 command "uptime" on 2 unit(s)');
    expect(formatDiagnostic('pycom-rx:heartbeat', 'plain text')).toBe('plain text');
  });
});

describe('the pycom-rx:console channel', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig('127.46.4.2', 1);
  });
  afterAll(async () => rig?.close());

  it('reports refused requests by path, never with the token', async () => {
    const lines: string[] = [];
    const stop = enableDebug('pycom-rx:console', (l) => lines.push(l), fixedClock);
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get(`http://127.0.0.1:${rig.console.address.port}/api/stream?token=not-the-token`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject),
    );
    stop();
    expect(status).toBe(401);
    expect(lines).toEqual([
      '12:03:04.120 pycom-rx:console refused GET /api/stream: 401 missing or wrong token\n',
    ]);
  });
});
