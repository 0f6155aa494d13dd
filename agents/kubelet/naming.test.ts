import { describe, expect, it } from 'vitest';
import { buildContainerName, buildSandboxName, parseContainerName } from './naming';

describe('container names', () => {
  const cases = [
    {
      container: 'nginx',
      pod: 'web-5d8f7c9b4-x2k4p',
      namespace: 'default',
      uid: '7f0c0a1e-3b5d-4c1e-9a7b-1d2e3f4a5b6c',
      attempt: 0,
    },
    { container: 'POD', pod: 'kube-dns.v1', namespace: 'kube-system', uid: 'abc', attempt: 12 },
  ];
  it.each(cases)('round-trips $container/$pod', (p) => {
    const name = buildContainerName(p);
    expect(name).toBe(`k8s_${p.container}_${p.pod}_${p.namespace}_${p.uid}_${p.attempt}`);
    expect(parseContainerName(name)).toEqual(p);
    expect(parseContainerName(`/${name}`)).toEqual(p);
  });

  it('names the sandbox k8s_POD_…', () => {
    expect(buildSandboxName({ pod: 'p', namespace: 'ns', uid: 'u', attempt: 1 })).toBe('k8s_POD_p_ns_u_1');
  });

  it.each(['nginx', 'k8s_a_b_c_d', 'k8s_a_b_c_d_e_f', 'k8s_a_b_c_d_x', 'k9s_a_b_c_d_1', 'k8s_a_b_c_d_-1'])(
    'rejects %s',
    (n) => {
      expect(parseContainerName(n)).toBeUndefined();
    },
  );
});
