// add-node / remove-node edit vagrant_config.yml in place, keeping its comments and layout
// (the Vagrantfile reads the same file, so `vagrant up NAME` then knows the new machine).
import { parseDocument } from 'yaml';
import type { Inventory } from './inventory';

export function addHostToConfig(text: string, name: string, ip: string): string {
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.hasIn(['host_groups', name])) throw new Error(`${name} is already in the inventory`);
  doc.setIn(['host_groups', name], ip);
  return doc.toString({ lineWidth: 0 });
}

/**
 * Removes a host and pins every remaining minion's pod CIDR under `pod_cidrs`, so that the
 * minions after it keep their CIDRs (they are assigned in order otherwise).
 */
export function removeHostFromConfig(text: string, name: string, inv: Inventory): string {
  const doc = parseDocument(text, { version: '1.1' });
  if (!doc.hasIn(['host_groups', name])) throw new Error(`${name} is not in the inventory`);
  doc.deleteIn(['host_groups', name]);
  if (doc.hasIn(['roles', name])) doc.deleteIn(['roles', name]);
  const pins = Object.fromEntries(
    inv.hosts.filter((h) => h.name !== name && h.podCidr).map((h) => [h.name, h.podCidr]),
  );
  // A plain mapping (setIn on a missing key would make a YAML 1.1 !!omap).
  doc.set('pod_cidrs', doc.createNode(pins));
  return doc.toString({ lineWidth: 0 });
}
