import { copyFields } from '../../src/protocol/copyFields';
import { receive } from '../../src/protocol/inbound';
import { taggedOutput, untagOutput } from '../../src/protocol/tagged';
import type { Output } from '../../src/protocol';

const remote = { address: '127.0.0.1', port: 40312 };

describe('copyFields (the hot paths’ copy of an event)', () => {
  it('copies own fields in order, as spread does, into a new plain object', () => {
    const source = JSON.parse('{"type_":"output","b":1,"a":[2],"output":"x"}') as object;
    const copy = copyFields(source);
    expect(copy).not.toBe(source);
    expect(Object.keys(copy)).toEqual(['type_', 'b', 'a', 'output']);
    expect(copy).toEqual({ ...source });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('keeps a `__proto__` field from a payload as an own field and never as the prototype', () => {
    const source = JSON.parse('{"type_":"output","__proto__":{"polluted":true},"output":"x"}') as object;
    const copy = copyFields(source) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy['polluted']).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['type_', '__proto__', 'output']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('receive() still leaves the event it is given alone', () => {
    const event = JSON.parse('{"type_":"message","id":"0badc0de","message":"hi"}') as Output;
    const item = receive(event, remote, 7);
    expect(item).toMatchObject({ type_: 'message', message: 'hi', remote, receivedAt: 7 });
    expect(event).not.toHaveProperty('remote');
  });

  it('untagOutput() copies a tagged output without touching the original, `__proto__` field included', () => {
    const output = JSON.stringify(taggedOutput('0123456789abcdef0123456789abcdef', 'ok\n', 3));
    const original = JSON.parse(`{"type_":"output","__proto__":{"x":1},"output":${output}}`) as Output;
    const untagged = untagOutput(original);
    expect(untagged).not.toBe(original);
    expect(original.output).toContain('\u001e');
    expect(untagged).toMatchObject({ output: 'ok\n', exitCode: 3 });
    expect(Object.getPrototypeOf(untagged)).toBe(Object.prototype);
    expect(Object.keys(untagged)).toEqual(['type_', '__proto__', 'output', 'exitCode']);
  });
});
