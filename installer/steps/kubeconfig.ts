// A kubeconfig for the real kubectl, pointing at the master's insecure port (as kube-up's
// ubuntu provider did: http on 8080, no credentials). Written only when its text changes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalStep } from '../context';
import { apiUrlOf } from '../inventory';

export function renderKubeconfig(server: string, name = 'nodekube'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${name}-admin`,
    '  user: {}',
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-admin`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

export function writeIfChanged(path: string, text: string): boolean {
  try {
    if (readFileSync(path, 'utf8') === text) return false;
  } catch {
    // not there yet
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
  return true;
}

export const kubeconfig: LocalStep = {
  title: 'Write the kubeconfig',
  local: true,
  async run(ctx) {
    const changed = writeIfChanged(ctx.opts.kubeconfigPath, renderKubeconfig(apiUrlOf(ctx.inv)));
    return `${ctx.opts.kubeconfigPath}${changed ? '' : ' (unchanged)'}`;
  },
};
