// npm run bench:table: writes the README's performance table from the committed results in
// bench/results/*.json (never typed by hand). For each bench module the newest file that has it
// wins; each row is one `headline` figure beside the limit measured in the same run, with the
// machine and its load. The table sits between the README's `<!-- bench:start -->` and
// `<!-- bench:end -->` markers. `--check` exits 1 when the README is not what the results give.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'bench', 'results');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort(); // <date>-<host>.json: the last one of a date is the newest

/** module → { file, entry } from the newest file that has the module without an error. */
const latest = new Map();
for (const file of files) {
  const results = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const [module, entry] of Object.entries(results)) {
    if (entry && typeof entry === 'object' && Array.isArray(entry.headline))
      latest.set(module, { file, entry });
  }
}

const num = (x) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toLocaleString('en-US'));
const rows = [];
for (const [module, { file, entry }] of [...latest].sort()) {
  const m = entry.machine ?? {};
  const where = `${m.cores ?? '?'} cores, load ${m.loadBefore ?? '?'}→${m.loadAfter ?? '?'} (${file})`;
  for (const h of entry.headline) {
    rows.push(
      `| ${module} | ${h.what} | ${num(h.measured)} ${h.unit} | ${num(h.limit)} | ${num(h.ratio)} | ${h.goal ?? ''} | ${where} |`,
    );
  }
}
const table = [
  '| bench | what was timed | measured | limit, same run | ratio | goal | machine |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const re = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
if (!re.test(readme)) throw new Error('README.md has no <!-- bench:start --> … <!-- bench:end --> markers');
const next = readme.replace(re, `$1${table}$2`);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    process.stderr.write(
      'README.md performance table is not generated from bench/results (npm run bench:table)\n',
    );
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, next);
  process.stdout.write(`${rows.length} rows from ${latest.size} modules\n`);
}
