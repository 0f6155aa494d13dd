import { describe, expect, it } from 'vitest';
import { interfaceByIndex, parseHairpinMode } from './hairpin';

const IP_LINK = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
5: docker0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \\    link/ether 02:42:ac:11:00:01 brd ff:ff:ff:ff:ff:ff
301: veth1bcf0ab@if300: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP mode DEFAULT group default \\    link/ether 8e:1c:3a:00:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 3
3010: vethffff@if3009: <BROADCAST> mtu 1500 master docker0
`;

describe('hairpin', () => {
  it('finds the host interface by the index the sandbox eth0 peers with', () => {
    expect(interfaceByIndex(IP_LINK, 301)).toBe('veth1bcf0ab');
    expect(interfaceByIndex(IP_LINK, 3010)).toBe('vethffff');
    expect(interfaceByIndex(IP_LINK, 5)).toBe('docker0');
    expect(interfaceByIndex(IP_LINK, 300)).toBeUndefined();
  });

  it('accepts upstream mode names we implement, refuses others', () => {
    expect(parseHairpinMode('hairpin-veth')).toBe('hairpin-veth');
    expect(parseHairpinMode('none')).toBe('none');
    expect(() => parseHairpinMode('promiscuous-bridge')).toThrow(
      /--hairpin-mode must be one of hairpin-veth, none/,
    );
  });
});
