import { describe, expect, it } from 'vitest';
import { ChangeLog } from './change-log';
import type { Change } from './etcd-watch';

const change = (revision: number): Change => ({
  type: 'MODIFIED',
  key: `/registry/pods/default/p${revision}`,
  obj: { metadata: { name: `p${revision}`, resourceVersion: String(revision) } },
  revision,
});
const revisions = (r: Change[] | 'too-old') => (r === 'too-old' ? r : r.map((c) => c.revision));

describe('ChangeLog', () => {
  it('replays the changes after a revision, oldest first, and everything since the list it began at', () => {
    const log = new ChangeLog({ max: 10 }, 100);
    for (const r of [101, 102, 105]) log.add(change(r), 0);
    expect(revisions(log.since(100))).toEqual([101, 102, 105]);
    expect(revisions(log.since(102))).toEqual([105]);
    expect(revisions(log.since(105))).toEqual([]);
    expect(log.since(99)).toBe('too-old');
  });

  it('keeps at most `max` changes however fresh, and says too-old for what it dropped', () => {
    const log = new ChangeLog({ max: 3, min: 1 }, 0);
    for (let r = 1; r <= 5; r++) log.add(change(r), 0);
    expect(log.length).toBe(3);
    expect(revisions(log.since(2))).toEqual([3, 4, 5]);
    expect(log.since(1)).toBe('too-old');
  });

  it('tells of each change as it leaves, by cap or by age, oldest first and once', () => {
    const gone: number[] = [];
    const log = new ChangeLog({ max: 3, min: 1, freshMs: 1000 }, 0, (c) => gone.push(c.revision));
    for (let r = 1; r <= 5; r++) log.add(change(r), r * 100);
    expect(gone).toEqual([1, 2]);
    log.trim(60_000);
    log.trim(60_000);
    expect(gone).toEqual([1, 2, 3, 4]);
  });

  it('drops changes older than the fresh window, but keeps `min` of them whatever their age', () => {
    const log = new ChangeLog({ max: 100, min: 2, freshMs: 1000 }, 0);
    for (let r = 1; r <= 5; r++) log.add(change(r), r * 100); // recorded at 100 … 500 ms
    expect(log.length).toBe(5);
    log.trim(1250); // 1 and 2 are older than 1 s
    expect(revisions(log.since(2))).toEqual([3, 4, 5]);
    expect(log.since(1)).toBe('too-old');
    log.trim(60_000); // all stale: the last two stay
    expect(revisions(log.since(3))).toEqual([4, 5]);
    expect(log.since(2)).toBe('too-old');
  });

  it('stays in order across many compactions', () => {
    const log = new ChangeLog({ max: 7, min: 7 }, 0);
    for (let r = 1; r <= 1000; r++) log.add(change(r), r);
    expect(revisions(log.since(993))).toEqual([994, 995, 996, 997, 998, 999, 1000]);
    expect(log.since(992)).toBe('too-old');
  });
});
