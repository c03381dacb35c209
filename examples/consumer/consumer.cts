// A CommonJS consumer of the installed package (scripts/consumer.cjs type-checks and runs it).
import { EMPTY, filter, type Observable } from 'rxjs';
import { createCoordinator, decodeEvent, isRejected, ofType, readTrailer, tagCommand } from 'pycom-rx';
import type { Inbound, Received, UnitInfo } from 'pycom-rx';
import { preset, Sequence } from 'pycom-rx/sequence';

// types: a listener's items narrow with ofType, and keep where they came from
const inbound$: Observable<Inbound> = EMPTY;
const infos$ = inbound$.pipe(ofType('unit_info'));
const typed: Observable<Received<UnitInfo>> = infos$; // ofType narrowed Inbound to Received<UnitInfo>
void typed;
const rejected$ = inbound$.pipe(filter(isRejected));
void infos$;
void rejected$;

const coordinator = createCoordinator({ listen: { host: '127.0.0.1', port: 0 } });
const tagged = tagCommand('echo hi');
const trailer = readTrailer(`hi\n\x1epycom-rx ${tagged.nonce} 0\x1e`);
if (trailer?.exitCode !== 0 || trailer.output !== 'hi\n') throw new Error('trailer');
const decoded = decodeEvent(
  '{"id":"a","name":"n","ip":"127.0.0.2","port":5000,"version":"1","coordinator":false,"type_":"message","message":"x"}',
);
if (decoded._tag !== 'Right') throw new Error('decode');
if (!Sequence.is(preset({ mode: 'ALL', camera: 'canon', power: 10 }))) throw new Error('preset');
void coordinator.close().then(() => console.log('consumer ok (cjs)'));
