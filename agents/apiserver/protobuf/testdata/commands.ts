// The kubectl commands behind the golden files here. Each `<name>.kubectl-1.33.bin` is the body
// kubectl 1.33 POSTed for that command (protobuf; 1.32 sends the same bytes), and each
// `<name>.kubectl-1.31.json` is what kubectl 1.31 POSTed for the same command (JSON): an
// independent statement of what the protobuf body means. Regenerate with
// `UPDATE_GOLDEN=1 npx vitest run --project unit agents/apiserver/protobuf/kubectl-capture`.

export const CAPTURED_COMMANDS: Record<string, string[]> = {
  deployment: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'],
  'deployment-multi': ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox'],
  namespace: ['create', 'namespace', 'team-a'],
  'service-nodeport': ['create', 'service', 'nodeport', 'web', '--tcp=80:8080'],
  'service-clusterip': ['create', 'service', 'clusterip', 'api', '--tcp=443:8443'],
  'service-loadbalancer': ['create', 'service', 'loadbalancer', 'lb', '--tcp=5678:8080'],
  'service-externalname': ['create', 'service', 'externalname', 'ext', '--external-name=example.com'],
  configmap: ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=two'],
  secret: ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cret'],
  'secret-docker': [
    'create',
    'secret',
    'docker-registry',
    'regcred',
    '--docker-server=r.example.com',
    '--docker-username=u',
    '--docker-password=p',
  ],
  job: ['create', 'job', 'pi', '--image=perl:5.34', '--', 'perl', '-Mbignum=bpi', '-wle', 'print bpi(20)'],
  cronjob: ['create', 'cronjob', 'hello', '--image=busybox', '--schedule=*/1 * * * *', '--', 'echo', 'hi'],
  serviceaccount: ['create', 'serviceaccount', 'robot'],
  pdb: ['create', 'poddisruptionbudget', 'web-pdb', '--selector=app=web', '--min-available=50%'],
  // Reads CRONJOB_FIXTURE first, then posts a Job owned by it.
  'job-from-cronjob': ['create', 'job', 'hello-manual', '--from=cronjob/hello'],
};

/** The CronJob the recorder serves for `create job --from=cronjob/hello`. */
export const CRONJOB_FIXTURE = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'hello', namespace: 'default', uid: '6b1f1a52-94a5-4bf5-9d0c-3a6f8e0f2c11' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      metadata: { labels: { app: 'hello' } },
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            containers: [
              {
                name: 'hello',
                image: 'busybox:1.36',
                args: ['sh', '-c', 'date; echo hello'],
                env: [{ name: 'GREETING', value: 'hi' }],
                resources: { requests: { cpu: '100m', memory: '16Mi' }, limits: { memory: '32Mi' } },
              },
            ],
          },
        },
      },
    },
  },
};

/** Commands that stay JSON even on 1.33 (they build objects without the typed clients). */
export const JSON_COMMANDS: Record<string, string[]> = {
  run: ['run', 'nginx', '--image=nginx', '--port=80', '--labels=app=nginx'],
  // Reads DEPLOYMENT_FIXTURE for its selector, then posts a Service.
  expose: ['expose', 'deployment', 'web', '--port=80', '--target-port=8080'],
  scale: ['scale', 'deployment', 'web', '--replicas=3'],
};

/** The Deployment the recorder serves for `expose` and `scale`. */
export const DEPLOYMENT_FIXTURE = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: '0f5b9d2e-1c1d-4a57-8a55-1d2f3c4b5a69' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    },
  },
};
