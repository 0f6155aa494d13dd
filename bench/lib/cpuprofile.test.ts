import { describe, expect, it } from 'vitest';
import { type CpuProfile, summarize } from './cpuprofile';

const ROOT = '/repo';
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

// (root) → serve (agents/apiserver/handlers.ts) → create (agents/apiserver/registry/rest.ts)
//                                               → makeUnaryRequest (grpc)
//        → (garbage collector)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
    { id: 2, callFrame: frame('serve', `file://${ROOT}/agents/apiserver/handlers.ts`, 9), children: [3, 4] },
    { id: 3, callFrame: frame('create', `file://${ROOT}/agents/apiserver/registry/rest.ts`, 83) },
    { id: 4, callFrame: frame('makeUnaryRequest', `${ROOT}/node_modules/@grpc/grpc-js/build/src/client.js`) },
    { id: 5, callFrame: frame('(garbage collector)', '') },
  ],
  samples: [3, 3, 4, 4, 4, 4, 2, 5, 5, 5],
};

describe('summarize', () => {
  const s = summarize(profile, ROOT);

  it('gives each function its own samples, named by file and 1-based line', () => {
    expect(s.samples).toBe(10);
    expect(s.self).toEqual([
      { what: 'makeUnaryRequest @grpc/grpc-js/build/src/client.js', percent: 40 },
      { what: '(garbage collector)', percent: 30 },
      { what: 'create agents/apiserver/registry/rest.ts:84', percent: 20 },
      { what: 'serve agents/apiserver/handlers.ts:10', percent: 10 },
    ]);
  });

  it('counts a caller for every sample under it', () => {
    expect(s.inclusive.find((x) => x.what.startsWith('serve'))?.percent).toBe(70);
    expect(s.inclusive.find((x) => x.what.startsWith('(root)'))?.percent).toBe(100);
  });

  it('puts each sample in the area of its innermost known frame', () => {
    expect(s.areas).toEqual([
      { what: 'etcd client (etcd3, grpc-js)', percent: 40 },
      { what: 'garbage collector', percent: 30 },
      { what: 'agents/apiserver/registry/rest.ts', percent: 20 },
      { what: 'agents/apiserver/handlers.ts', percent: 10 },
    ]);
  });
});
