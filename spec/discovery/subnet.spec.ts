import { isSubnetHost, parseSubnet, scanOrder, subnetHosts } from '../../src/discovery';

describe('subnets', () => {
  it('reads CIDR notation, clearing the host bits', () => {
    expect(parseSubnet('192.168.0.23/24')).toEqual({ network: '192.168.0.0', prefix: 24, size: 254 });
    expect(parseSubnet('127.0.5.0/28')).toEqual({ network: '127.0.5.0', prefix: 28, size: 14 });
    expect(parseSubnet('10.0.0.7')).toEqual({ network: '10.0.0.7', prefix: 32, size: 1 });
    expect(parseSubnet('10.1.0.0/16').size).toBe(65534);
  });

  it('rejects anything else, and subnets larger than a /16', () => {
    for (const bad of [
      '',
      'lan',
      '192.168.0.0/',
      '192.168.0.0/33',
      '192.168.0/24',
      '192.168.0.0/24/1',
      '::1/128',
    ])
      expect(() => parseSubnet(bad)).toThrow(/not an IPv4 subnet|out of range/);
    expect(() => parseSubnet('10.0.0.0/8')).toThrow('subnet prefix /8 out of range');
  });

  it('lists the host addresses without network and broadcast, except in a /31 or /32', () => {
    expect(subnetHosts(parseSubnet('10.0.0.0/30'))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(subnetHosts(parseSubnet('10.0.0.0/31'))).toEqual(['10.0.0.0', '10.0.0.1']);
    expect(subnetHosts(parseSubnet('10.0.0.9/32'))).toEqual(['10.0.0.9']);
    const hosts = subnetHosts(parseSubnet('10.0.0.0/23'));
    expect([hosts[0], hosts[254], hosts[255], hosts[hosts.length - 1]]).toEqual([
      '10.0.0.1',
      '10.0.0.255',
      '10.0.1.0',
      '10.0.1.254',
    ]);
  });

  it('tells whether an address is a host of a subnet', () => {
    const lan = parseSubnet('192.168.0.0/24');
    expect(isSubnetHost('192.168.0.23', lan)).toBe(true);
    expect(isSubnetHost('192.168.0.0', lan)).toBe(false);
    expect(isSubnetHost('192.168.0.255', lan)).toBe(false);
    expect(isSubnetHost('192.168.1.23', lan)).toBe(false);
    expect(isSubnetHost('unit.local', lan)).toBe(false);
  });

  it('probes the preferred addresses of the subnet first, once each, and drops the others', () => {
    expect(scanOrder('10.0.0.0/29', ['10.0.0.5', '192.168.0.23', '10.0.0.5', '10.0.0.2'])).toEqual([
      '10.0.0.5',
      '10.0.0.2',
      '10.0.0.1',
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.6',
    ]);
    const lan = scanOrder('192.168.0.0/24', ['192.168.0.23']);
    expect(lan[0]).toBe('192.168.0.23');
    expect(lan).toHaveLength(254);
    expect(new Set(lan).size).toBe(254);
  });
});
