import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone';

describe('cloneJson', () => {
  it('copies nested objects and arrays so that changing the copy leaves the original alone', () => {
    const pod = {
      metadata: { name: 'web-0', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] },
    };
    const copy = cloneJson(pod);
    expect(copy).toEqual(pod);
    copy.metadata.labels.app = 'changed';
    copy.spec.containers[0].ports.push({ containerPort: 443 });
    expect(pod.metadata.labels.app).toBe('web');
    expect(pod.spec.containers[0].ports).toHaveLength(1);
  });

  it('returns primitives and null as they are', () => {
    expect(cloneJson(null)).toBeNull();
    expect(cloneJson(undefined)).toBeUndefined();
    expect(cloneJson('x')).toBe('x');
    expect(cloneJson(0)).toBe(0);
    expect(cloneJson(false)).toBe(false);
  });

  it('gives what structuredClone gives for a parsed API object', () => {
    const parsed = JSON.parse(
      '{"kind":"Service","spec":{"ports":[{"port":80,"targetPort":"http"}],"selector":{"a":"b"},"clusterIPs":[]},"status":{"loadBalancer":{}}}',
    );
    expect(cloneJson(parsed)).toStrictEqual(structuredClone(parsed));
  });
});
