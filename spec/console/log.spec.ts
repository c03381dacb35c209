import { EventLog } from '../../src/console/log';
import { unitIdentity } from '../fixtures';
import { message, output } from '../helpers/events';

const a = unitIdentity({ id: 'aaaaaaaa', ip: '127.46.5.2' });
const b = unitIdentity({ id: 'bbbbbbbb', ip: '127.46.5.3' });

const texts = (log: EventLog, filter: Parameters<EventLog['read']>[0]) => {
  const seen: string[] = [];
  const subscription = log
    .read(filter)
    .subscribe(({ event }) =>
      seen.push(
        event.type_ === 'message' ? event.message : event.type_ === 'output' ? event.output : event.type_,
      ),
    );
  return { seen, subscription };
};

describe("the console's event log", () => {
  it('gives a new reader the recent events that pass its filter, then the live ones', () => {
    let t = 1000;
    const log = new EventLog(3, () => t++);
    log.add(message(a, 'a1'));
    log.add(output(b, 'b1'));
    log.add(message(b, 'b2'));
    log.add(message(a, 'a2'));
    const everything = texts(log, {});
    const messagesOfB = texts(log, { types: ['message'], unit: 'bbbbbbbb' });
    const byAddress = texts(log, { unit: '127.46.5.2' });
    const none = texts(log, { types: [] });
    log.add(message(b, 'b3'));
    log.add(output(a, 'a3'));
    expect(everything.seen).toEqual(['b1', 'b2', 'a2', 'b3', 'a3']); // a1 fell out of the 3 kept
    expect(messagesOfB.seen).toEqual(['b2', 'b3']);
    expect(byAddress.seen).toEqual(['a2', 'a3']);
    expect(none.seen).toEqual([]);
  });

  it('stamps each entry with the time it was added, for late readers too', () => {
    let t = 5000;
    const log = new EventLog(10, () => t);
    log.add(message(a, 'first'));
    t = 6000;
    const times: number[] = [];
    log.read({}).subscribe((entry) => times.push(entry.at));
    log.add(message(a, 'second'));
    expect(times).toEqual([5000, 6000]);
  });

  it('ends every reader on close', () => {
    const log = new EventLog(10, () => 0);
    let completed = false;
    log.read({}).subscribe({ complete: () => (completed = true) });
    log.close();
    expect(completed).toBe(true);
  });
});
