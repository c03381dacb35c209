import { filter, firstValueFrom } from 'rxjs';
import { consoleRequest, startRig, type Rig } from './fixture';

const json = (body: unknown) => JSON.stringify(body);

describe('the console over plain HTTP', () => {
  let rig: Rig;
  let bearer: Record<string, string>;
  beforeAll(async () => {
    rig = await startRig('127.46.2.2', 2);
    bearer = { Authorization: `Bearer ${rig.console.token}`, 'Content-Type': 'application/json' };
  });
  afterAll(async () => rig?.close());

  it('prints a URL on 127.0.0.1 that carries an unguessable token', () => {
    const url = new URL(rig.console.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(rig.console.token);
    expect(rig.console.token).toMatch(/^[\w-]{32}$/);
    expect(rig.console.address.address).toBe('127.0.0.1');
  });

  it('refuses every API request without the token, or with a wrong one', async () => {
    for (const path of ['/api/state', '/api/stream', '/api/nothing']) {
      const answer = await consoleRequest(rig.console, path);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.body).not.toContain('127.46.2.2');
    }
    const wrong = `${rig.console.token.slice(0, -1)}${rig.console.token.endsWith('A') ? 'B' : 'A'}`;
    expect(
      (await consoleRequest(rig.console, '/api/state', { headers: { Authorization: `Bearer ${wrong}` } }))
        .status,
    ).toBe(401);
    expect((await consoleRequest(rig.console, `/api/stream?token=${wrong}`)).status).toBe(401);
    expect(
      (
        await consoleRequest(rig.console, '/api/state', {
          headers: { Authorization: `Basic ${rig.console.token}` },
        })
      ).status,
    ).toBe(401);
  });

  it('sends no command to any unit for a request without the token', async () => {
    const unit = rig.group.units[0]!;
    const started = firstValueFrom(unit.events$.pipe(filter((a) => a.kind === 'command-started')));
    const command = json({ units: [unit.host], command: 'echo refused' });
    const noToken = await consoleRequest(rig.console, '/api/command', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: command,
    });
    expect(noToken.status).toBe(401);
    // a POST must carry the token in its header: the query parameter is for the event stream only
    const inQuery = await consoleRequest(rig.console, `/api/command?token=${rig.console.token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: command,
    });
    expect(inQuery.status).toBe(401);
    // the sentinel: the first command the unit runs is the one sent with the token
    const accepted = await consoleRequest(rig.console, '/api/command', {
      method: 'POST',
      headers: bearer,
      body: json({ units: [unit.host], command: 'echo accepted' }),
    });
    expect(accepted.status).toBe(202);
    const first = await started;
    expect(first.kind === 'command-started' && first.command).toContain('echo accepted');
  });

  it('answers with the state and opens the event stream with the token', async () => {
    const state = await consoleRequest(rig.console, '/api/state', {
      headers: { Authorization: `Bearer ${rig.console.token}` },
    });
    expect(state.status).toBe(200);
    expect(state.headers['cache-control']).toBe('no-store');
    const snapshot = JSON.parse(state.body) as {
      units: Array<{ address: string }>;
      coordinator: { id: string };
    };
    expect(snapshot.units.map((u) => u.address)).toEqual(rig.hosts);
    expect(snapshot.coordinator.id).toBe(rig.coordinator.id);

    const stream = await consoleRequest(rig.console, `/api/stream?token=${rig.console.token}&types=message`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.body).toMatch(/^retry: \d+\n\n/);
  });

  it('never allows another origin: no CORS headers, cross-origin POSTs refused', async () => {
    const preflight = await consoleRequest(rig.console, '/api/command', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const crossOrigin = await consoleRequest(rig.console, '/api/command', {
      method: 'POST',
      headers: { ...bearer, Origin: 'http://evil.example' },
      body: json({ units: [rig.hosts[0]], command: 'echo x' }),
    });
    expect(crossOrigin.status).toBe(403);
    const state = await consoleRequest(rig.console, '/api/state', {
      headers: { Authorization: `Bearer ${rig.console.token}` },
    });
    expect(state.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a Host that is not a loopback name (DNS rebinding), even with the token', async () => {
    for (const path of ['/', '/api/state']) {
      const answer = await consoleRequest(rig.console, path, {
        headers: {
          Host: `evil.example:${rig.console.address.port}`,
          Authorization: `Bearer ${rig.console.token}`,
        },
      });
      expect(answer.status).toBe(403);
    }
    const localhost = await consoleRequest(rig.console, '/api/state', {
      headers: {
        Host: `localhost:${rig.console.address.port}`,
        Authorization: `Bearer ${rig.console.token}`,
      },
    });
    expect(localhost.status).toBe(200);
  });

  it('serves the page without the token, with a strict content security policy, and nothing else', async () => {
    const page = await consoleRequest(rig.console, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<script type="module" src="/main.js"></script>');
    expect(page.body).not.toContain(rig.console.token);
    expect((await consoleRequest(rig.console, '/main.js')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/fixture.ts',
      '/page/index.html',
      '/assets.ts',
    ])
      expect((await consoleRequest(rig.console, path)).status).toBe(404);
    expect((await consoleRequest(rig.console, '/', { method: 'POST' })).status).toBe(405);
  });

  it('validates every request body and says what is wrong', async () => {
    const post = (path: string, body: unknown, headers = bearer) =>
      consoleRequest(rig.console, path, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : json(body),
      });
    const issues = async (path: string, body: unknown) => {
      const answer = await post(path, body);
      expect(answer.status).toBe(400);
      return (JSON.parse(answer.body) as { issues: string[] }).issues.join('\n');
    };
    const [unit] = rig.hosts;
    expect(await issues('/api/command', { units: ['10.0.0.1'], command: 'uptime' })).toContain(
      'not units of this console: "10.0.0.1"',
    );
    expect(await issues('/api/command', { units: [], command: 'uptime' })).toContain(
      'select at least one unit',
    );
    expect(await issues('/api/command', { units: [unit], command: '  ' })).toContain('command: empty');
    expect(await issues('/api/command', { units: [unit], command: 'echo \u0000' })).toContain('NUL');
    expect(await issues('/api/command', { units: [unit], command: 'x'.repeat(9000) })).toContain(
      'longer than',
    );
    expect(await issues('/api/command', { units: unit, command: 7 })).toMatch(/units|command/);
    expect(
      await issues('/api/sequence', { units: [unit], preset: { mode: 'ALL', camera: 'nikon', power: 150 } }),
    ).toMatch(/power: 150 is out of range 0\.\.100/);
    expect(
      await issues('/api/sequence', { units: [unit], preset: { mode: 'STROBE', camera: 'nikon' } }),
    ).toContain('mode');
    expect(await issues('/api/sequence', { units: [unit], csv: 'LED_FAN,1\nALL_4_CANON,80,110\n' })).toMatch(
      /csv line 2: .*110 is out of range 0\.\.109/,
    );
    expect(await issues('/api/sequence', { units: [unit], csv: '\n\n' })).toContain('csv: no rows');

    expect((await post('/api/command', '{"units": [', bearer)).status).toBe(400);
    expect(
      (
        await post('/api/command', json({ units: [unit], command: 'uptime' }), {
          ...bearer,
          'Content-Type': 'text/plain',
        })
      ).status,
    ).toBe(415);
    expect((await post('/api/sequence', json({ units: [unit], csv: 'x'.repeat(300_000) }))).status).toBe(413);
    expect(
      (await consoleRequest(rig.console, `/api/stream?token=${rig.console.token}&types=output,bogus`)).status,
    ).toBe(400);
    expect(
      (await consoleRequest(rig.console, `/api/stream?token=${rig.console.token}&unit=<script>`)).status,
    ).toBe(400);
  });

  it('answers a body nested 5,000 levels deep with a 400, and stays up', async () => {
    const [unit] = rig.hosts;
    const deepArray = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const bodies: Array<[string, string, RegExp]> = [
      // the body of the report: ~10 KB, units nested 5,000 levels deep
      [
        '/api/command',
        `{"units":${deepArray},"command":"uptime"}`,
        /^units: an array of 1 item is not valid$/,
      ],
      ['/api/command', `{"units":["${unit}"],"command":${deepObject}}`, /^command: an object is not valid$/],
      ['/api/command', deepArray, /^body: an array of 1 item is not valid$/],
      [
        '/api/sequence',
        `{"units":["${unit}"],"preset":${deepArray}}`,
        /preset: an array of 1 item is not valid/,
      ],
      ['/api/sequence', `{"units":["${unit}"],"csv":${deepObject}}`, /csv: an object is not valid/],
    ];
    for (const [path, body, issue] of bodies) {
      expect(body.length).toBeGreaterThanOrEqual(10_000);
      const answer = await consoleRequest(rig.console, path, { method: 'POST', headers: bearer, body });
      expect(answer.status).toBe(400);
      const { error, issues } = JSON.parse(answer.body) as { error: string; issues: string[] };
      expect(error).toMatch(/^invalid (command|sequence) request$/);
      expect(issues).toContainEqual(expect.stringMatching(issue));
      // the server is still there, and still starts jobs
      const next = await consoleRequest(rig.console, '/api/state', { headers: bearer });
      expect(next.status).toBe(200);
    }
    const accepted = await consoleRequest(rig.console, '/api/command', {
      method: 'POST',
      headers: bearer,
      body: json({ units: [unit], command: 'echo still here' }),
    });
    expect(accepted.status).toBe(202);
  });

  it('shows a long string of a wrong body cut short, never whole', async () => {
    const answer = await consoleRequest(rig.console, '/api/command', {
      method: 'POST',
      headers: bearer,
      body: json({ units: ['u'.repeat(100_000)], command: 'uptime' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.length).toBeLessThan(500);
    const { issues } = JSON.parse(answer.body) as { issues: string[] };
    expect(issues).toEqual([`units: not units of this console: "${'u'.repeat(40)}"… (100000 characters)`]);
  });
});
