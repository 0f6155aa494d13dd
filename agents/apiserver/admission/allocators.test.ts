import { describe, expect, it } from 'vitest';
import { isInvalid } from '../../api/errors';
import { intToIp, ipToInt, parseCidr, parsePortRange, planAllocation } from './allocators';

const ipRange = parseCidr('10.96.0.0/12');
const portRange = parsePortRange('30000-32767');
const empty = () => ({ ips: new Set<number>(), ports: new Set<number>() });
const svc = (name: string, spec: Record<string, unknown>, namespace = 'default') => ({
  metadata: { name, namespace },
  spec,
});

describe('ranges', () => {
  it('parses CIDRs and port ranges', () => {
    expect(ipRange).toMatchObject({ base: ipToInt('10.96.0.0'), size: 1 << 20 });
    expect(intToIp(ipToInt('10.111.255.254'))).toBe('10.111.255.254');
    expect(portRange).toMatchObject({ min: 30000, max: 32767 });
    expect(() => parseCidr('10.96.0.0')).toThrow();
  });
});

describe('planAllocation', () => {
  it('gives the kubernetes Service in default the first address', () => {
    const plan = planAllocation({
      svc: svc('kubernetes', { ports: [{ port: 443 }] }),
      state: empty(),
      ipRange,
      portRange,
    });
    expect(plan.svc.spec).toMatchObject({ clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] });
    expect([...plan.state.ips]).toEqual([1]);
  });

  it('picks a free address and free node ports for a NodePort Service', () => {
    const state = { ips: new Set([1, 2, 3]), ports: new Set([30000]) };
    const plan = planAllocation({
      svc: svc('web', { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }),
      state,
      ipRange,
      portRange,
      rand: () => 0,
    });
    expect((plan.svc.spec as any).clusterIP).toBe('10.96.0.4');
    expect((plan.svc.spec as any).ports.map((p: any) => p.nodePort)).toEqual([30001, 30002]);
    expect(state.ports.size).toBe(1); // the input is not changed
  });

  it('refuses taken or out-of-range values with upstream messages', () => {
    const state = { ips: new Set([10]), ports: new Set([30080]) };
    const catchIt = (spec: Record<string, unknown>) => {
      try {
        planAllocation({ svc: svc('x', spec), state, ipRange, portRange });
      } catch (err) {
        expect(isInvalid(err)).toBe(true);
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(catchIt({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).toBe(
      'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(catchIt({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })).toMatch(
      /provided port is not in the valid range. The range of valid ports is 30000-32767/,
    );
    expect(catchIt({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] })).toMatch(
      /failed to allocate IP 10.96.0.10: provided IP is already allocated/,
    );
    expect(catchIt({ clusterIP: '192.168.0.1', ports: [{ port: 80 }] })).toMatch(
      /provided IP is not in the valid range. The range of valid IPs is 10.96.0.0\/12/,
    );
  });

  it('keeps what an update leaves empty, and frees node ports when the type drops them', () => {
    const old = svc('web', {
      type: 'NodePort',
      clusterIP: '10.96.0.9',
      ports: [{ port: 80, nodePort: 30500 }],
    });
    const state = { ips: new Set([9]), ports: new Set([30500]) };
    const same = planAllocation({
      svc: svc('web', { type: 'NodePort', ports: [{ port: 80 }] }),
      old,
      state,
      ipRange,
      portRange,
    });
    expect(same.svc.spec).toMatchObject({ clusterIP: '10.96.0.9', ports: [{ nodePort: 30500 }] });
    const clusterOnly = planAllocation({
      svc: svc('web', { type: 'ClusterIP', ports: [{ port: 80 }] }),
      old,
      state,
      ipRange,
      portRange,
    });
    expect([...clusterOnly.state.ports]).toEqual([]);
    expect([...clusterOnly.state.ips]).toEqual([9]);
  });

  it('allocates nothing for headless and ExternalName Services', () => {
    const headless = planAllocation({
      svc: svc('h', { clusterIP: 'None', ports: [{ port: 80 }] }),
      state: empty(),
      ipRange,
      portRange,
    });
    expect(headless.svc.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    expect(headless.state.ips.size).toBe(0);
    const ext = planAllocation({
      svc: svc('e', { type: 'ExternalName', externalName: 'example.com' }),
      state: empty(),
      ipRange,
      portRange,
    });
    expect((ext.svc.spec as any).clusterIP).toBeUndefined();
  });
});
