import { TestScheduler } from 'rxjs/testing';
import { ofType } from '../../src/operators';
import {
  identityOf,
  memoryUnitId,
  messageEvent,
  outputEvent,
  receivedEvent,
  unitInfoEvent,
} from '../../src/testing';
import { VENDOR_UNIT } from '../fixtures';

describe('pycom-rx/testing event helpers', () => {
  it('feed an operator as marbles, without a network', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable }) => {
      const unit = { host: '192.168.0.23' };
      const events$ = cold('a-b', {
        a: outputEvent(unit, 'ok\n'),
        b: messageEvent(unit, 'Sequence complete'),
      });
      expectObservable(events$.pipe(ofType('message'))).toBe('--m', {
        m: messageEvent(unit, 'Sequence complete'),
      });
    });
  });

  it('give the identity a memory unit with those options carries, with an id derived from the host', () => {
    expect(identityOf({ host: '10.0.0.7', name: 'la4-left' })).toEqual({
      id: memoryUnitId('10.0.0.7'),
      name: 'la4-left',
      ip: '10.0.0.7',
      port: 5000,
      version: '0.14.0',
      coordinator: false,
    });
    expect(memoryUnitId('10.0.0.7')).toMatch(/^[0-9a-f]{8}$/);
    expect(memoryUnitId('10.0.0.7')).not.toBe(memoryUnitId('10.0.0.8'));
    expect(identityOf(VENDOR_UNIT)).toBe(VENDOR_UNIT);
  });

  it('build unit_info with the default hardware fields, and wrap an event as listen() emits it', () => {
    expect(unitInfoEvent(VENDOR_UNIT, { firmware_version: '2.0.0' })).toMatchObject({
      ...VENDOR_UNIT,
      type_: 'unit_info',
      firmware_version: '2.0.0',
      mac_address: 'dc:a6:32:63:9c:d4',
    });
    expect(receivedEvent(outputEvent(VENDOR_UNIT, 'x'), { at: 5 })).toEqual({
      ...VENDOR_UNIT,
      type_: 'output',
      output: 'x',
      remote: { address: '192.168.0.22', port: 40_000 },
      receivedAt: 5,
    });
  });
});
