import { UnitDirectory } from '../../src/coordinator/units';

const identity = (id: string, ip: string) => ({
  id,
  ip,
  name: 'u',
  port: 5000,
  version: '1',
  coordinator: false,
});
const from = (address: string) => ({ address, port: 40000 });

describe('UnitDirectory (which unit an event belongs to)', () => {
  it('gives an event to the unit at its source address, whatever its ip field says', () => {
    const units = new UnitDirectory(false);
    const a = units.unit('127.6.0.2', 5000);
    expect(units.route(identity('aaaa0001', '10.9.9.9'), from('127.6.0.2'))).toBe(a);
    expect(units.route(identity('aaaa0001', '127.6.0.2'), from('127.6.0.9'))).toBeUndefined();
    expect(a.id).toBe('aaaa0001');
  });

  it('trusts the ip field only when told to (translated source addresses)', () => {
    const units = new UnitDirectory(true);
    const a = units.unit('192.168.0.23', 5000);
    expect(units.route(identity('aaaa0001', '192.168.0.23'), from('10.0.0.1'))).toBe(a);
  });

  it('tells units that share an address apart by id', () => {
    const units = new UnitDirectory(false);
    const a = units.unit('127.0.0.1', 5001);
    const b = units.unit('127.0.0.1', 5002);
    a.id = 'aaaa0001';
    b.id = 'bbbb0002';
    expect(units.route(identity('bbbb0002', '127.0.0.1'), from('127.0.0.1'))).toBe(b);
    expect(units.route(identity('cccc0003', '127.0.0.1'), from('127.0.0.1'))).toBeUndefined();
  });

  it('keeps nothing for senders it was not asked about: a flood of fresh ids leaves it as it was', () => {
    const units = new UnitDirectory(false);
    units.unit('127.6.0.2', 5000);
    for (let i = 0; i < 10_000; i++)
      units.route(identity(i.toString(16).padStart(8, '0'), '127.6.0.3'), from(`127.6.${i >> 8}.${i & 255}`));
    expect([...units.list()].map((u) => u.key)).toEqual(['127.6.0.2:5000']);
  });
});
