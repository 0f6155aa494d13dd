// nodekube <command>: the installer CLI. This file only parses arguments, loads the inventory
// and calls the runbook (up.ts) or a command (commands.ts).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../agents/api/flags';
import * as cmd from './commands';
import type { Context, Options } from './context';
import { checkDrillArgs, DrillUsageError, drillList } from './drills/catalog';
import { defaultOutDir, resultOf, saveReport, summaryTable } from './drills/output';
import { PROFILE_NAMES, type ProfileName } from './drills/profiles';
import { progressView } from './drills/progress';
import { runDrill } from './drills/run';
import { apiUrlOf, findHost, type Inventory, parseHostsList, parseVagrantConfig } from './inventory';
import { addHostToConfig, removeHostFromConfig } from './inventory-edit';
import { defaultRoot } from './project-root';
import { consoleReporter, formatSeconds } from './report';
import { runStep, runSteps, StepFailed } from './run';
import { KnownHosts, Sessions } from './ssh';
import { controlPlane } from './steps/control-plane';
import { etcd } from './steps/etcd';
import { nodeAgents } from './steps/node-agents';
import { adminKubeconfig, pki, shipPki } from './steps/pki';
import { ValidationFailed, validate } from './steps/validate';
import { nodeSteps, upSteps } from './up';
import { vagrantDestroy, vagrantInventory, vagrantUp } from './vagrant';

interface GlobalOpts {
  root: string;
  inventory: string;
  hosts?: string;
  sshKey?: string;
  vagrant?: boolean;
  timeout: number;
  forgetHostKeys?: boolean | string;
}

const duration = (v: string) => {
  try {
    return parseDuration(v);
  } catch {
    throw new InvalidArgumentError(`not a duration like 5m or 90s: ${v}`);
  }
};

const program = new Command('nodekube')
  .description('Install, validate and tear down a nodekube cluster over SSH (one master, N minions).')
  .option(
    '--root <dir>',
    'project folder (dist/, Vagrantfile, .nodekube/); default: the one this CLI is in',
    defaultRoot(),
  )
  .option(
    '-i, --inventory <file>',
    "machines, shaped like the seed's vagrant_config.yml (env NODEKUBE_VAGRANT_CONFIG, as the Vagrantfile)",
    process.env.NODEKUBE_VAGRANT_CONFIG ?? 'vagrant_config.yml',
  )
  .option('--hosts <file>', 'a plain hosts list instead ("name user@ip[:port] role" per line)')
  .option('--ssh-key <file>', 'private key for a plain hosts list (default: ssh-agent)')
  .option(
    '--vagrant',
    'read SSH endpoints from `vagrant ssh-config` (default when .vagrant/ has the machines)',
  )
  .option('--no-vagrant', 'SSH straight to the inventory addresses')
  .addOption(
    new Option('--timeout <duration>', 'bound on cluster validation')
      .argParser(duration)
      .default(5 * 60_000, '5m'),
  )
  .option(
    '--forget-host-keys [names]',
    'forget the recorded SSH host keys of these machines (comma-separated; all without a list) first: they were re-created',
  );

const vagrantMachines = (root: string, inv: Inventory, provider?: string) =>
  inv.hosts.some((h) =>
    existsSync(join(root, '.vagrant/machines', h.name, provider ?? '', provider ? 'id' : '')),
  );

async function loadInventory(o: GlobalOpts): Promise<Inventory> {
  if (o.hosts) return parseHostsList(readFileSync(resolve(o.root, o.hosts), 'utf8'), { keyFile: o.sshKey });
  const file = resolve(o.root, o.inventory);
  const inv = parseVagrantConfig(readFileSync(file, 'utf8'), dirname(file));
  const useVagrant = o.vagrant ?? (existsSync(join(o.root, 'Vagrantfile')) && vagrantMachines(o.root, inv));
  return useVagrant ? vagrantInventory(inv, o.root) : inv;
}

async function withContext<T>(fn: (ctx: Context) => Promise<T>, out = consoleReporter()): Promise<T> {
  const o = program.opts<GlobalOpts>();
  const opts: Options = {
    root: o.root,
    kubeconfigPath: join(o.root, '.nodekube/kubeconfig'),
    validateTimeoutMs: o.timeout,
    pollIntervalMs: 2_000,
  };
  const inv = await loadInventory(o);
  const ctx: Context = {
    inv,
    sessions: new Sessions(new KnownHosts(join(o.root, '.nodekube/known_hosts'))),
    out,
    opts,
    facts: new Map(),
  };
  if (o.forgetHostKeys === true) cmd.forgetHostKeys(ctx);
  else if (o.forgetHostKeys)
    cmd.forgetHostKeys(
      ctx,
      o.forgetHostKeys.split(',').map((name) => findHost(inv, name.trim())),
    );
  try {
    return await fn(ctx);
  } finally {
    await ctx.sessions.closeAll();
  }
}

program
  .command('up')
  .description('install or converge the cluster, then validate it like kube-up.sh')
  .addOption(
    new Option(
      '--profile <name>',
      'failure-detection timings written into the controller-manager and apiserver units: default (upstream: NotReady after 40s, eviction 300s later) or fast (20s, 5s) for drills (env NODEKUBE_PROFILE)',
    )
      .choices(PROFILE_NAMES)
      .default(process.env.NODEKUBE_PROFILE ?? 'default'),
  )
  .action((o: { profile: ProfileName }) =>
    withContext(async (ctx) => {
      ctx.opts.profile = o.profile;
      const t0 = Date.now();
      await runSteps(ctx, upSteps);
      ctx.out.line(
        `Kubernetes master is running at ${apiUrlOf(ctx.inv)} (up took ${formatSeconds(Date.now() - t0)})`,
      );
      ctx.out.line(`  export KUBECONFIG=${ctx.opts.kubeconfigPath}\n  kubectl get nodes`);
    }),
  );

program
  .command('validate')
  .description('wait (bounded by --timeout) for every minion Ready and componentstatuses Healthy')
  .action(() => withContext((ctx) => runStep(ctx, validate)));

program
  .command('status')
  .description('per host: are its units active, which versions run')
  .action(() =>
    withContext(async (ctx) => {
      if (!(await cmd.status(ctx))) process.exitCode = 1;
    }),
  );

program
  .command('kubeconfig')
  .description('print the admin kubeconfig (TLS, a system:masters client certificate; keep it secret)')
  .action(() =>
    withContext(async (ctx) => {
      await pki.run(ctx); // creates the PKI if this is the first command run
      process.stdout.write(await adminKubeconfig(ctx));
    }, consoleReporter(process.stderr)),
  );

const certs = program.command('certs').description('the cluster certificates: check expiry, renew');
certs
  .command('check')
  .description(
    'per host: every certificate, its expiry, and whether it is the current one (exit 1 if any needs attention)',
  )
  .action(() =>
    withContext(async (ctx) => {
      if (!(await cmd.certsCheck(ctx))) process.exitCode = 1;
    }),
  );
certs
  .command('renew')
  .description('re-issue every certificate (the CA stays), ship them, restart what reads them, validate')
  .action(() =>
    withContext(async (ctx) => {
      ctx.opts.renewCerts = true;
      await runSteps(ctx, [pki, shipPki, etcd, controlPlane, nodeAgents, validate]);
    }),
  );

program
  .command('dashboard')
  .description(
    'serve the API on 127.0.0.1 through `kubectl proxy` (your kubeconfig’s identity) and print the dashboard URL',
  )
  .option('--port <port>', 'local port for kubectl proxy', '8001')
  .action((o: { port: string }) =>
    withContext(async (ctx) => {
      process.exitCode = await cmd.dashboard(ctx, Number(o.port));
    }),
  );

program
  .command('ssh <node> <command...>')
  .description('run a command on a node: nodekube ssh minion1 -- sudo iptables-save')
  .action((node: string, command: string[]) =>
    withContext(async (ctx) => {
      process.exitCode = await cmd.sshCommand(ctx, node, command.join(' '));
    }),
  );

program
  .command('logs <node> <component>')
  .description(
    "a component's journal on a node (apiserver, controller-manager, scheduler, kubelet, proxy, hostgw, etcd, docker)",
  )
  .option('-n, --lines <n>', 'how many lines', (v) => Number(v), 200)
  .action((node: string, component: string, o: { lines: number }) =>
    withContext(async (ctx) => {
      process.exitCode = await cmd.logs(ctx, node, component, o.lines);
    }),
  );

program
  .command('load-image <image...>')
  .description('copy local Docker images to every minion (docker save | ssh docker load): no registry needed')
  .action((images: string[]) => withContext((ctx) => cmd.loadImage(ctx, images)));

program
  .command('down')
  .description('remove what up installed (SSH keeps working); with the docker provider, destroy the machines')
  .option('--keep-machines', 'with the docker provider: uninstall but keep the node containers')
  .action((o: { keepMachines?: boolean }) => {
    const g = program.opts<GlobalOpts>();
    const inv = parseVagrantConfig(readFileSync(resolve(g.root, g.inventory), 'utf8'));
    if (!g.hosts && vagrantMachines(g.root, inv, 'docker') && !o.keepMachines) {
      // Node containers: destroying them removes everything, including the inner Docker's volume.
      return vagrantDestroy(g.root).then(() => {
        rmSync(join(g.root, '.nodekube/known_hosts'), { force: true });
        rmSync(join(g.root, '.nodekube/kubeconfig'), { force: true });
      });
    }
    return withContext(async (ctx) => {
      await cmd.teardown(ctx);
      cmd.forgetHostKeys(ctx);
      rmSync(ctx.opts.kubeconfigPath, { force: true });
    });
  });

program
  .command('add-node <name> <ip>')
  .description('add a minion: into the inventory, (vagrant up), node steps, wait until Ready')
  .action(async (name: string, ip: string) => {
    const g = program.opts<GlobalOpts>();
    const file = resolve(g.root, g.inventory);
    writeFileSync(file, addHostToConfig(readFileSync(file, 'utf8'), name, ip));
    if (g.vagrant ?? existsSync(join(g.root, '.vagrant'))) await vagrantUp(g.root, [name]);
    await withContext(async (ctx) => {
      const host = findHost(ctx.inv, name);
      for (const step of nodeSteps)
        await runStep(ctx, 'local' in step ? step : { ...step, hosts: () => [host] });
      await runStep(ctx, validate);
    });
  });

program
  .command('remove-node <name>')
  .description('remove a minion: cordon and drain via the API, stop its units, delete the Node')
  .action(async (name: string) => {
    const g = program.opts<GlobalOpts>();
    const file = resolve(g.root, g.inventory);
    await withContext(async (ctx) => {
      const host = findHost(ctx.inv, name);
      await runStep(ctx, {
        title: `Drain ${name} and delete its Node`,
        local: true,
        run: () => cmd.drainAndDelete(ctx, name),
      });
      await cmd
        .teardown(ctx, [host])
        .catch((err) => ctx.out.warn(`(could not clean ${name}: ${(err as Error).message})`));
      cmd.forgetHostKeys(ctx, [host]);
    });
    // The machine goes before its inventory entry: the Vagrantfile reads the same file.
    if (g.vagrant ?? existsSync(join(g.root, '.vagrant/machines', name)))
      await vagrantDestroy(g.root, [name]);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, removeHostFromConfig(text, name, parseVagrantConfig(text)));
  });

program
  .command('drill [name]')
  .description(
    'break something on purpose, measure how the cluster copes, undo it: drill list | drill NAME (restores on Ctrl-C too)',
  )
  .option('--node <node>', 'the minion a node drill breaks (default: the one running most workload pods)')
  .addOption(
    new Option(
      '--profile <name>',
      'require this failure-detection profile in force (set by `up --profile`)',
    ).choices(PROFILE_NAMES),
  )
  .option('--json', 'stdout carries only the result as one JSON object')
  .option('--out <dir>', 'where the timeline picture goes (default .nodekube/drills/<time>-<drill>/)')
  .option('--keep', 'leave the drill namespace and its workload afterwards')
  .action(async (name: string | undefined, o: DrillCliOptions) => {
    if (!name || name === 'list') {
      process.stdout.write(`${drillList()}\n`);
      if (!name) process.exitCode = 2;
      return;
    }
    process.exitCode = await drillCommand(name, o);
  });

interface DrillCliOptions {
  node?: string;
  profile?: string;
  json?: boolean;
  out?: string;
  keep?: boolean;
}

/** Exit codes: 0 pass, 1 fail, 2 bad input (nothing touched), 130/143 interrupted (after restoring). */
async function drillCommand(name: string, o: DrillCliOptions): Promise<number> {
  const g = program.opts<GlobalOpts>();
  const ui = progressView(process.stderr);
  const abort = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(
        `\n✗ second ${sig}: leaving without restoring; check the cluster (nodekube validate)\n`,
      );
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    signalled = sig;
    ui.note(`${sig}: undoing the fault, then leaving (again to leave at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await withContext(async (ctx) => {
      const args = checkDrillArgs(ctx.inv, name, o);
      const report = await runDrill(ctx, args, { keep: Boolean(o.keep), progress: ui, signal: abort.signal });
      ui.stop();
      const dir = o.out ? resolve(g.root, o.out) : defaultOutDir(g.root, name, new Date(report.startedAt));
      const files = saveReport(dir, report);
      const table = `${summaryTable(report)}\npicture: ${files.html}\n`;
      if (o.json) {
        process.stderr.write(table);
        process.stdout.write(`${JSON.stringify(resultOf(report))}\n`);
      } else process.stdout.write(table);
      if (signalled) return signalled === 'SIGINT' ? 130 : 143;
      return report.result === 'pass' ? 0 : 1;
    }, consoleReporter(process.stderr));
  } catch (err) {
    ui.stop();
    if (err instanceof DrillUsageError) {
      process.stderr.write(`✗ ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

program.parseAsync(process.argv).catch((err: unknown) => {
  // Step failures were already printed per host; say once what failed and exit non-zero.
  if (err instanceof StepFailed || err instanceof ValidationFailed)
    process.stderr.write(`✗ ${(err as Error).message}\n`);
  else process.stderr.write(`✗ ${(err as Error)?.message?.trim() || String(err)}\n`);
  if (process.env.NODEKUBE_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  process.exitCode = 1;
});
