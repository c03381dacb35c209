// A complete pycom-rx pipeline against three simulated units (run: npx tsx examples/pipeline.ts).
import { filter, firstValueFrom, from, lastValueFrom, map, merge, Subject, take, toArray } from 'rxjs';
import {
  awaitOutput,
  createCoordinator,
  fromNode,
  ofType,
  send,
  tagCommand,
  type PendingCommand,
} from 'pycom-rx';
import { preset } from 'pycom-rx/sequence';
import { simulateUnits } from 'pycom-rx/simulator';

async function main(): Promise<void> {
  // Three simulated LA4 units on 127.0.0.12..14, port 5000, as on a real LAN.
  const rig = simulateUnits(3, { base: '127.0.0.12', hardwareReadyDelayMs: 100, rowDurationMs: 20 });
  await rig.ready;
  const units = rig.units.map((u) => u.host);

  // The coordinator listens on 127.0.0.1 (any free port) for the events units send back.
  const coordinator = createCoordinator({ name: 'scan-rig', listen: { host: '127.0.0.1', port: 0 } });

  // 1. Heartbeats and presence; every unit sends its unit_info once.
  const session = merge(...units.map((u) => coordinator.connect(u))).subscribe((p) =>
    console.log(`presence ${p.unit}: ${p.state}`),
  );
  const infos = await lastValueFrom(
    coordinator.events$.pipe(ofType('unit_info'), take(units.length), toArray()),
  );
  for (const info of infos) console.log(`unit_info ${info.ip}: ${info.unit_type} ${info.mac_address}`);

  // 2. The events of one unit: fromNode(address) keeps what came from that address.
  const first = infos[0]!.remote.address;
  session.add(
    coordinator.events$
      .pipe(fromNode(first), ofType('message'))
      .subscribe((m) => console.log(`message from ${first}: ${m.message}`)),
  );

  // 3. awaitOutput pairs each command with its output: by nonce and source address when tagged.
  const request$ = new Subject<PendingCommand & { command: string }>();
  const paired = firstValueFrom(
    coordinator.inbound$.pipe(
      awaitOutput(request$, { timeoutMs: 5000 }),
      filter((r) => r.kind === 'output'),
    ),
  );
  const tag = tagCommand('hostname');
  const hostname = { unit: first, nonce: tag.nonce, command: 'hostname' };
  request$.next(hostname); // register before sending: the output can come back very fast
  const request = { ...coordinator.identity('127.0.0.1'), type_: 'cmd' as const, command: tag.text };
  await lastValueFrom(send(first, request), { defaultValue: undefined });
  const answer = await paired;
  if (answer.kind === 'output')
    console.log(`awaitOutput: ${answer.request.command} -> ${answer.output.output.trim()}`);

  // 4. A multi-unit run: one command at a time per unit, units in parallel, failures as values.
  const jobs = units.flatMap((unit) => [1, 2, 3].map((n) => ({ unit, command: `echo shot-${n}` })));
  const results = await lastValueFrom(coordinator.run(from(jobs)).pipe(toArray()));
  for (const r of results)
    console.log(`${r.unit}: ${r.kind === 'output' ? r.output.output.trim() : r.error.message}`);

  // 5. A lighting sequence on every unit: uploaded, loaded (BOARDIO_READY), completed.
  const sequence = preset({ mode: 'ALL+PALL', camera: 'canon', power: 80, fans: true });
  const progress = merge(...units.map((u) => coordinator.runSequence(u, sequence)));
  await lastValueFrom(
    progress.pipe(
      map((p) => console.log(`sequence ${p.unit}: ${p.step}`)),
      toArray(),
    ),
  );

  session.unsubscribe(); // stops the presence and message logs
  await coordinator.close(); // stops the heartbeats and releases the listener
  await rig.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
