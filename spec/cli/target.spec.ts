import { CliError } from '../../src/cli/errors';
import { EXIT } from '../../src/cli/exitCodes';
import { parseTarget, showTarget } from '../../src/cli/options';
import type { Target } from '../../src/transport';
import { runCli } from './helpers';

describe('parseTarget', () => {
  it.each([
    ['unit-7', 'unit-7', 5000],
    ['unit-7.local:5001', 'unit-7.local', 5001],
    ['127.0.80.2', '127.0.80.2', 5000],
    ['127.0.80.2:1', '127.0.80.2', 1],
    ['127.0.80.2:65535', '127.0.80.2', 65535],
    ['  127.0.80.2:5001 ', '127.0.80.2', 5001],
    ['[::1]', '::1', 5000],
    ['[::1]:5001', '::1', 5001],
    ['[fe80::1%eth0]:6000', 'fe80::1%eth0', 6000],
    ['[::ffff:127.0.80.2]:5000', '::ffff:127.0.80.2', 5000],
    ['::1', '::1', 5000],
    ['fe80::1', 'fe80::1', 5000],
    ['2001:db8::7', '2001:db8::7', 5000],
    // several colons and a valid IPv6 address: the whole of it is the address
    ['::1:5001', '::1:5001', 5000],
  ])('reads %j as host %j, port %d', (text, host, port) => {
    expect(parseTarget(text)).toEqual({ host, port });
  });

  it.each([
    ['127.0.80.2:abc', /port "abc" is not a number 1\.\.65535/],
    ['127.0.80.2:', /port "" is not a number/],
    ['127.0.80.2:+5', /port "\+5" is not a number/],
    ['127.0.80.2:5e3', /port "5e3" is not a number/],
    ['127.0.80.2: 5', /port " 5" is not a number/],
    ['127.0.80.2:0', /port out of range 1\.\.65535/],
    ['127.0.80.2:70000', /port out of range 1\.\.65535/],
    ['127.0.80.2:99999999999999999999', /port out of range/],
    [':5000', /not a host name or address/],
    [':0', /not a host name or address/],
    ['', /not a host name or address/],
    ['   ', /not a host name or address/],
    ['unit 7', /not a host name or address/],
    ['127.0.80.2/24', /not a host name or address/],
    ['user@127.0.80.2', /not a host name or address/],
    ['x'.repeat(254), /not a host name or address/],
    ['[::1]:x', /port "x" is not a number/],
    ['[::1]:', /port "" is not a number/],
    ['[::1]:0', /port out of range/],
    ['[::1]:70000', /port out of range/],
    ['[not-v6]', /not an IPv6 address in brackets/],
    ['[not-v6]:5000', /not an IPv6 address in brackets/],
    ['[127.0.80.2]:5000', /not an IPv6 address in brackets/],
    ['[]', /not an IPv6 address in brackets/],
    ['[::1', /not a unit address/],
    ['[::1]5000', /not a unit address/],
    ['fe80::zz', /not an IPv6 address \(with a port, write \[IPv6\]:port\)/],
    ['127.0.80.2:5000:1', /not an IPv6 address/],
  ])('refuses %j with a usage error', (text, message) => {
    let thrown: unknown;
    try {
      parseTarget(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CliError);
    const error = thrown as CliError;
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(JSON.stringify(text));
    expect(error.message).toContain('(expected host, host:port, IPv6 or [IPv6]:port)');
  });

  it.each([
    [{ host: '127.0.80.2', port: 5000 }, '127.0.80.2'],
    [{ host: '127.0.80.2' }, '127.0.80.2'],
    [{ host: '127.0.80.2', port: 5001 }, '127.0.80.2:5001'],
    [{ host: '::1', port: 5000 }, '::1'],
    [{ host: '::1', port: 5001 }, '[::1]:5001'],
    [{ host: 'fe80::1%eth0', port: 6000 }, '[fe80::1%eth0]:6000'],
    ['[::1]:5001', '[::1]:5001'],
  ] as Array<[Target, string]>)('shows %j as %j, which parseTarget reads back', (target, shown) => {
    expect(showTarget(target)).toBe(shown);
    if (typeof target !== 'string')
      expect(parseTarget(shown)).toEqual({ host: target.host, port: target.port ?? 5000 });
  });
});

describe('pycom-rx with a malformed unit', () => {
  it('exits 2 with a usage message for send 127.0.80.2:abc, before binding or sending', async () => {
    const result = await runCli([
      'send',
      '127.0.80.2:abc',
      '--cmd',
      'x',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^pycom-rx: port "abc" is not a number 1\.\.65535 in "127\.0\.80\.2:abc" \(expected host, host:port, IPv6 or \[IPv6\]:port\)$/m,
    );
    expect(result.stderr).not.toMatch(/ENOTFOUND|binding/);
    expect(result.stdout).toBe('');
  });
});
