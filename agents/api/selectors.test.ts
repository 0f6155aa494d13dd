import { describe, expect, it } from 'vitest';
import { StatusError } from './errors';
import {
  fieldsOf,
  fromLabelSelector,
  labelSelectorToString,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type Requirement,
  requirementsToString,
  validateFieldSelector,
} from './selectors';

const req = (key: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({
  key,
  operator,
  values,
});

describe('parseLabelSelector', () => {
  it.each<[string, Requirement[]]>([
    ['', []],
    ['   ', []],
    ['a=b', [req('a', 'Equals', ['b'])]],
    ['a==b', [req('a', 'Equals', ['b'])]],
    ['a!=b', [req('a', 'NotEquals', ['b'])]],
    ['a=', [req('a', 'Equals', [''])]],
    ['a', [req('a', 'Exists')]],
    ['!a', [req('a', 'DoesNotExist')]],
    [' ! a ', [req('a', 'DoesNotExist')]],
    ['a in (y,x)', [req('a', 'In', ['x', 'y'])]],
    ['a in(x, x ,y)', [req('a', 'In', ['x', 'y'])]],
    ['a in ()', [req('a', 'In', [''])]],
    ['a in (,x)', [req('a', 'In', ['', 'x'])]],
    ['a notin (x)', [req('a', 'NotIn', ['x'])]],
    ['a>3', [req('a', 'Gt', ['3'])]],
    ['a < 10', [req('a', 'Lt', ['10'])]],
    ['in=notin', [req('in', 'Equals', ['notin'])]],
    ['x in (in,notin)', [req('x', 'In', ['in', 'notin'])]],
    [
      'tier in (a,b), app = web ,!canary,track',
      [
        req('app', 'Equals', ['web']),
        req('canary', 'DoesNotExist'),
        req('tier', 'In', ['a', 'b']),
        req('track', 'Exists'),
      ],
    ],
    ['example.com/role=db', [req('example.com/role', 'Equals', ['db'])]],
  ])('%j', (text, want) => {
    expect(parseLabelSelector(text)).toEqual(want);
  });

  it.each<[string, string]>([
    ['a in b', "unable to parse requirement: found 'b', expected: '('"],
    ['a=b,', "unable to parse requirement: found '', expected: identifier after ','"],
    [',a', "unable to parse requirement: found ',', expected: !, identifier, or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "unable to parse requirement: found 'c', expected: ',' or 'end of string'"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['!a=b', "unable to parse requirement: found '=', expected: ',' or 'end of string'"],
    [
      'a>x',
      "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      'Foo_=b',
      "unable to parse requirement: key: Invalid value: \"Foo_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
    [
      'a=-b',
      "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
    [
      'Example.com/a=b',
      "unable to parse requirement: key: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
  ])('%j is rejected', (text, message) => {
    const err = catchError(() => parseLabelSelector(text));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe(message);
  });

  it('round-trips through requirementsToString', () => {
    for (const text of ['a=b', 'a!=b', 'a in (x,y)', 'a notin (x)', 'a', '!a', 'a>3', 'a=']) {
      expect(requirementsToString(parseLabelSelector(text))).toBe(text);
    }
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', n: '5', empty: '' };
  it.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['missing in (web)', false],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['empty=', true],
    ['missing=', false],
    ['n>4', true],
    ['n>5', false],
    ['n<6', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
  ])('%j → %s', (text, want) => {
    expect(matchesLabels(parseLabelSelector(text), labels)).toBe(want);
  });

  it('treats undefined labels as none', () => {
    expect(matchesLabels(parseLabelSelector('!a'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
  });
});

describe('fromLabelSelector', () => {
  it('null matches nothing, undefined and {} match everything', () => {
    expect(matchesLabels(fromLabelSelector(null), {})).toBe(false);
    expect(matchesLabels(fromLabelSelector(null), { a: 'b' })).toBe(false);
    expect(matchesLabels(fromLabelSelector(undefined), { a: 'b' })).toBe(true);
    expect(matchesLabels(fromLabelSelector({}), { a: 'b' })).toBe(true);
    expect(matchesLabels(fromLabelSelector({ matchLabels: {}, matchExpressions: [] }), {})).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'track', operator: 'Exists' },
      ],
    };
    const reqs = fromLabelSelector(sel);
    expect(matchesLabels(reqs, { app: 'web', tier: 'a', track: 'x' })).toBe(true);
    expect(matchesLabels(reqs, { app: 'web', tier: 'a', track: 'x', canary: '1' })).toBe(false);
    expect(matchesLabels(reqs, { app: 'web', tier: 'c', track: 'x' })).toBe(false);
    expect(matchesLabels(reqs, { app: 'web', tier: 'a', track: 'x', env: 'prod' })).toBe(false);
    expect(labelSelectorToString(sel)).toBe('app=web,!canary,env notin (prod),tier in (a,b),track');
  });

  it('renders a query that parses back to the same requirements', () => {
    const sel = {
      matchLabels: { app: 'web', 'example.com/tier': 'front' },
      matchExpressions: [{ key: 'x', operator: 'In', values: ['1', '2'] }],
    };
    expect(parseLabelSelector(labelSelectorToString(sel))).toEqual(fromLabelSelector(sel));
  });

  it('rejects unknown operators and bad values', () => {
    expect(
      catchError(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }))
        .message,
    ).toBe('"Gt" is not a valid label selector operator');
    expect(
      catchError(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }))
        .message,
    ).toBe("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
    expect(catchError(() => fromLabelSelector({ matchLabels: { a: 'b c' } })).code).toBe(400);
  });
});

describe('field selectors', () => {
  it.each<[string, ReturnType<typeof parseFieldSelector>]>([
    ['', []],
    ['spec.nodeName=n1', [{ field: 'spec.nodeName', operator: 'Equals', value: 'n1' }]],
    ['spec.nodeName==n1', [{ field: 'spec.nodeName', operator: 'Equals', value: 'n1' }]],
    ['status.phase!=Running', [{ field: 'status.phase', operator: 'NotEquals', value: 'Running' }]],
    ['involvedObject.namespace=', [{ field: 'involvedObject.namespace', operator: 'Equals', value: '' }]],
    [
      'reason=a\\,b,type=Normal',
      [
        { field: 'reason', operator: 'Equals', value: 'a,b' },
        { field: 'type', operator: 'Equals', value: 'Normal' },
      ],
    ],
    ['a=1,', [{ field: 'a', operator: 'Equals', value: '1' }]],
  ])('parses %j', (text, want) => {
    expect(parseFieldSelector(text)).toEqual(want);
  });

  it.each([
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['=x', "invalid selector: '=x'; can't understand '=x'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ])('rejects %j', (text, message) => {
    const err = catchError(() => parseFieldSelector(text));
    expect([err.code, err.message]).toEqual([400, message]);
  });

  const pod = {
    metadata: { name: 'p1', namespace: 'default' },
    spec: {
      nodeName: 'n1',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
    },
    status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }] },
  };
  it.each<[string, boolean]>([
    ['metadata.name=p1', true],
    ['metadata.namespace=default,spec.nodeName=n1', true],
    ['spec.nodeName=', false],
    ['spec.nodeName!=', true],
    ['status.phase!=Succeeded,status.phase!=Failed', true],
    ['status.podIP=10.0.0.5', true],
    ['status.nominatedNodeName=', true],
  ])('pod %j → %s', (text, want) => {
    const reqs = parseFieldSelector(text);
    validateFieldSelector('pods', reqs);
    expect(matchesFields(reqs, fieldsOf('pods', pod))).toBe(want);
  });

  it('exposes the per-resource fields upstream indexes', () => {
    const ev = {
      metadata: { name: 'e', namespace: 'ns' },
      involvedObject: { kind: 'Pod', name: 'p1', namespace: 'ns', uid: 'u' },
      reason: 'Pulled',
      source: { component: 'kubelet' },
      type: 'Normal',
    };
    expect(fieldsOf('events', ev)).toMatchObject({
      'involvedObject.kind': 'Pod',
      'involvedObject.name': 'p1',
      'involvedObject.uid': 'u',
      'involvedObject.fieldPath': '',
      source: 'kubelet',
      reason: 'Pulled',
      type: 'Normal',
    });
    expect(fieldsOf('nodes', { metadata: { name: 'n' }, spec: {} })).toMatchObject({
      'metadata.name': 'n',
      'spec.unschedulable': 'false',
    });
    expect(fieldsOf('nodes', { spec: { unschedulable: true } })['spec.unschedulable']).toBe('true');
    expect(fieldsOf('secrets', { type: 'Opaque' }).type).toBe('Opaque');
    expect(fieldsOf('namespaces', { status: { phase: 'Active' } })['status.phase']).toBe('Active');
    expect(fieldsOf('replicasets', { status: { replicas: 3 } })['status.replicas']).toBe('3');
    expect(fieldsOf('jobs', { status: { succeeded: 1 } })['status.successful']).toBe('1');
    expect(Object.keys(fieldsOf('configmaps', {}))).toEqual(['metadata.name', 'metadata.namespace']);
  });

  it('rejects fields the resource does not support', () => {
    expect(() => validateFieldSelector('pods', parseFieldSelector('spec.nodeName=x'))).not.toThrow();
    const err = catchError(() => validateFieldSelector('configmaps', parseFieldSelector('spec.nodeName=x')));
    expect([err.code, err.message]).toEqual([400, 'field label not supported: spec.nodeName']);
  });
});

function catchError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('selector properties (seeded random cases)', () => {
  // A tiny LCG so every run checks the same 500 cases.
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const keys = ['app', 'tier', 'example.com/role', 'x'];
  const values = ['a', 'b', 'c', '1', '7'];
  const operators: Requirement['operator'][] = [
    'In',
    'NotIn',
    'Exists',
    'DoesNotExist',
    'Equals',
    'NotEquals',
    'Gt',
    'Lt',
  ];
  const randomRequirement = (): Requirement => {
    const operator = operators[rand(operators.length)];
    const key = keys[rand(keys.length)];
    if (operator === 'Exists' || operator === 'DoesNotExist') return req(key, operator);
    if (operator === 'Gt' || operator === 'Lt') return req(key, operator, [String(rand(10))]);
    if (operator === 'In' || operator === 'NotIn')
      return req(key, operator, [...new Set([values[rand(5)], values[rand(5)]])].sort());
    return req(key, operator, [values[rand(5)]]);
  };
  const randomLabels = () =>
    Object.fromEntries(keys.filter(() => rand(2) === 0).map((k) => [k, values[rand(5)]]));

  it('text round trip preserves meaning, and negations are complements', () => {
    const negation: Partial<Record<Requirement['operator'], Requirement['operator']>> = {
      In: 'NotIn',
      NotIn: 'In',
      Exists: 'DoesNotExist',
      DoesNotExist: 'Exists',
      Equals: 'NotEquals',
      NotEquals: 'Equals',
    };
    for (let i = 0; i < 500; i++) {
      const reqs = [randomRequirement(), randomRequirement()];
      const labels = randomLabels();
      expect(matchesLabels(parseLabelSelector(requirementsToString(reqs)), labels)).toBe(
        matchesLabels(reqs, labels),
      );
      const [r] = reqs;
      const opposite = negation[r.operator];
      if (opposite)
        expect(matchesLabels([{ ...r, operator: opposite }], labels)).toBe(!matchesLabels([r], labels));
    }
  });
});
