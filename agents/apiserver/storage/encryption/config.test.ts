import { describe, expect, it } from 'vitest';
import { parseEncryptionConfig } from './config';

const KEY32 = Buffer.alloc(32, 1).toString('base64');
const KEY16 = Buffer.alloc(16, 1).toString('base64');

const config = (resources: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
${resources}`;

describe('parseEncryptionConfig', () => {
  it('reads upstream’s example: aescbc first, identity for older values', () => {
    const chains = parseEncryptionConfig(
      config(`  - resources: [secrets, configmaps, deployments.apps]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ${KEY32}
      - identity: {}
`),
    );
    expect([...chains.keys()]).toEqual(['secrets', 'configmaps', 'deployments']);
    expect(chains.get('secrets')).toEqual([
      { type: 'aescbc', keys: [{ name: 'key1', secret: Buffer.alloc(32, 1) }] },
      { type: 'identity' },
    ]);
  });

  it('appends the providers of a resource listed twice, in order', () => {
    const chains = parseEncryptionConfig(
      config(`  - resources: [secrets]
    providers: [{aesgcm: {keys: [{name: new, secret: ${KEY16}}]}}]
  - resources: [secrets]
    providers: [{identity: {}}]
`),
    );
    expect(chains.get('secrets')?.map((p) => p.type)).toEqual(['aesgcm', 'identity']);
  });

  it.each([
    ['not: [valid', /^not valid YAML/],
    [
      'apiVersion: v1\nkind: EncryptionConfiguration\nresources: []',
      /expected apiVersion apiserver.config.k8s.io\/v1/,
    ],
    [
      config('  - resources: [secrets]\n    providers: []'),
      'resources[0].providers: at least one provider is required',
    ],
    [
      config(`  - resources: [secrets]\n    providers: [{secretbox: {keys: [{name: k, secret: ${KEY32}}]}}]`),
      'resources[0].providers[0]: secretbox is not supported; use aescbc or aesgcm',
    ],
    [
      config('  - resources: [secrets]\n    providers: [{kms: {name: vault}}]'),
      'resources[0].providers[0]: kms is not supported; use aescbc or aesgcm',
    ],
    [
      config('  - resources: [secrets]\n    providers: [{aescbc: {keys: []}, identity: {}}]'),
      'resources[0].providers[0]: exactly one of aescbc, aesgcm, identity is required, got aescbc, identity',
    ],
    [
      config('  - resources: [secrets]\n    providers: [{aescbc: {keys: []}}]'),
      'resources[0].providers[0].aescbc.keys: at least one key is required',
    ],
    [
      config(`  - resources: [secrets]\n    providers: [{aescbc: {keys: [{name: k, secret: ${KEY16}}]}}]`),
      'resources[0].providers[0].aescbc.keys[0].secret: secret is not of the expected length, got 16, expected one of [32]',
    ],
    [
      config(
        '  - resources: [secrets]\n    providers: [{aesgcm: {keys: [{name: k, secret: "not base64!"}]}}]',
      ),
      'resources[0].providers[0].aesgcm.keys[0].secret: must be base64 (standard alphabet, padded)',
    ],
    [
      config(`  - resources: [secrets]\n    providers: [{aescbc: {keys: [{secret: ${KEY32}}]}}]`),
      'resources[0].providers[0].aescbc.keys[0].name: Required value',
    ],
    [
      config(
        `  - resources: [secrets]\n    providers: [{aescbc: {keys: [{name: k, secret: ${KEY32}}, {name: k, secret: ${KEY32}}]}}]`,
      ),
      'resources[0].providers[0].aescbc.keys: duplicate key name "k"',
    ],
    [
      config('  - resources: [secret]\n    providers: [{identity: {}}]'),
      'resources[0].resources[0]: "secret" is not a resource this apiserver stores',
    ],
    [
      config('  - resources: ["*.*"]\n    providers: [{identity: {}}]'),
      'resources[0].resources[0]: wildcards are not supported; list each resource',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseEncryptionConfig(text)).toThrow(message);
  });

  it('never prints a secret in an error', () => {
    const secret = Buffer.alloc(20, 5).toString('base64');
    const text = config(
      `  - resources: [secrets]\n    providers: [{aescbc: {keys: [{name: k, secret: ${secret}}]}}]`,
    );
    expect(() => parseEncryptionConfig(text)).toThrow('got 20');
    try {
      parseEncryptionConfig(text);
    } catch (err) {
      expect(String(err)).not.toContain(secret);
    }
  });
});
