import { describe, expect, it } from 'vitest';
import { DRILL_CHAIN, healScript, orphanPods, partitionScript } from './faults';

describe('partition rules', () => {
  it('drops the peer both ways through our own chain, jumped to first from INPUT and OUTPUT', () => {
    expect(partitionScript('192.168.200.100').split(' && ')).toEqual([
      'iptables -w -N NODEKUBE-DRILL 2>/dev/null || iptables -w -F NODEKUBE-DRILL',
      'iptables -w -A NODEKUBE-DRILL -s 192.168.200.100 -j DROP',
      'iptables -w -A NODEKUBE-DRILL -d 192.168.200.100 -j DROP',
      'iptables -w -I INPUT 1 -j NODEKUBE-DRILL',
      'iptables -w -I OUTPUT 1 -j NODEKUBE-DRILL',
    ]);
  });

  it('heals by removing every jump to the chain and the chain itself, and nothing else', () => {
    const heal = healScript();
    expect(heal).toContain(`while iptables -w -D INPUT -j ${DRILL_CHAIN}`);
    expect(heal).toContain(`while iptables -w -D OUTPUT -j ${DRILL_CHAIN}`);
    expect(heal).toContain(`iptables -w -X ${DRILL_CHAIN}`);
    // every iptables command names our chain: no other rule can be touched
    for (const cmd of heal.match(/iptables [^;&|]*/g) ?? []) expect(cmd).toContain(DRILL_CHAIN);
  });
});

describe('pods running on a node the API moved away', () => {
  it('counts pod uids of the namespace whose containers run but are not bound there', () => {
    const names = [
      'k8s_POD_web-a_drill_uid-a_0',
      'k8s_web_web-a_drill_uid-a_0',
      'k8s_POD_web-b_drill_uid-b_0',
      'k8s_web_web-b_drill_uid-b_1',
      'k8s_web_other_default_uid-c_0',
      'nodekube-pause-helper',
    ];
    expect(orphanPods(names, 'drill', new Set(['uid-a']))).toEqual(['uid-b']);
    expect(orphanPods(names, 'drill', new Set(['uid-a', 'uid-b']))).toEqual([]);
  });
});
