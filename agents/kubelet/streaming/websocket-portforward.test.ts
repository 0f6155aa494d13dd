import { describe, expect, it } from 'vitest';
import { parseForwardPorts, portPreamble } from './websocket-portforward';

describe('parseForwardPorts', () => {
  it.each([
    ['ports=8080', [8080]],
    ['ports=80,5432', [80, 5432]],
    ['ports=80&ports=443', [80, 443]],
    ['ports=%208080%20', [8080]],
  ])('%s → %j', (query, ports) => {
    expect(parseForwardPorts(new URLSearchParams(query))).toEqual(ports);
  });

  it.each([
    ['', 'query parameter "ports" is required'],
    ['ports=', 'query parameter "ports" is required'],
    ['ports=http', 'unable to parse "http" as a port'],
    ['ports=0', 'unable to parse "0" as a port'],
    ['ports=65536', 'unable to parse "65536" as a port'],
    ['ports=80,-1', 'unable to parse "-1" as a port'],
  ])('%j is refused: %s', (query, error) => {
    expect(parseForwardPorts(new URLSearchParams(query))).toEqual({ error });
  });
});

describe('portPreamble', () => {
  it('is the channel byte, then the port little-endian', () => {
    expect([...portPreamble(0, 8080)]).toEqual([0, 0x90, 0x1f]);
    expect([...portPreamble(3, 443)]).toEqual([3, 0xbb, 0x01]);
  });
});
