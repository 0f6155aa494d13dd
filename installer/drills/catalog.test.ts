import { describe, expect, it } from 'vitest';
import { parseVagrantConfig } from '../inventory';
import { checkDrillArgs, DRILLS, DrillUsageError, drillList } from './catalog';

const inv = parseVagrantConfig(
  'host_groups: {master: 192.168.200.100, minion1: 192.168.200.101, minion2: 192.168.200.102}\n',
);
const bad = (name: string, o: { node?: string; profile?: string } = {}) => {
  try {
    checkDrillArgs(inv, name, o);
  } catch (err) {
    expect(err).toBeInstanceOf(DrillUsageError);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('drill arguments', () => {
  it('lists the five drills, one line each', () => {
    expect(DRILLS.map((d) => d.name)).toEqual([
      'kubelet-stop',
      'node-crash',
      'partition',
      'master-restart',
      'etcd-restart',
    ]);
    expect(drillList().split('\n')).toHaveLength(5);
  });

  it('refuses an unknown drill, naming the known ones', () => {
    expect(bad('reboot')).toBe(
      'unknown drill "reboot"; drills: kubelet-stop, node-crash, partition, master-restart, etcd-restart (nodekube drill list)',
    );
  });

  it('refuses an unknown node and the master for a node drill', () => {
    expect(bad('partition', { node: 'minion9' })).toBe('unknown node "minion9"; minions: minion1, minion2');
    expect(bad('node-crash', { node: 'master' })).toMatch(
      /^master is the master; node-crash breaks a minion/,
    );
  });

  it('refuses an unknown profile', () => {
    expect(bad('etcd-restart', { profile: 'turbo' })).toBe(
      'unknown profile "turbo"; profiles: default, fast',
    );
  });

  it('takes --node for node drills and ignores it for control-plane drills', () => {
    expect(checkDrillArgs(inv, 'kubelet-stop', { node: 'minion2' }).node).toBe('minion2');
    expect(checkDrillArgs(inv, 'kubelet-stop', {}).node).toBeNull();
    expect(checkDrillArgs(inv, 'master-restart', { node: 'master', profile: 'fast' })).toMatchObject({
      node: null,
      profile: 'fast',
    });
  });
});
