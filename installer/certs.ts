// `nodekube certs check`: every certificate each host holds (files and the ones embedded in its
// kubeconfigs), when it expires, and whether it is the one the workstation's PKI holds now
// (a host left behind by `certs renew` shows "stale"). kubeadm's `certs check-expiration`, per host.
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import type { HostFile, PkiMaterial } from './pki/host-files';
import { formatTable } from './tables';

export const WARN_WITHIN_MS = 30 * 86_400_000;

export interface CertRow {
  host: string;
  /** The file, or `<kubeconfig> (client)` for a certificate inside a kubeconfig. */
  where: string;
  subject: string;
  notAfter: Date;
  /** Same bytes as the workstation's copy. */
  current: boolean;
}

/** The PEM certificates a file holds: a .crt itself, or a kubeconfig's client-certificate-data. */
export function certificatesIn(path: string, text: string): { where: string; pem: string }[] {
  if (text.startsWith('-----BEGIN CERTIFICATE-----')) return [{ where: path, pem: text }];
  if (!path.endsWith('.conf')) return [];
  const doc = parse(text) as { users?: { user?: Record<string, string> }[] };
  return (doc?.users ?? []).flatMap((u) => {
    const data = u.user?.['client-certificate-data'];
    return data ? [{ where: `${path} (client)`, pem: Buffer.from(data, 'base64').toString() }] : [];
  });
}

/** What a host holds against what it should hold: one row per certificate it should have. */
export function certRows(host: string, want: HostFile[], have: Map<string, string>): CertRow[] {
  return want.flatMap((f) =>
    certificatesIn(f.path, f.content).map((w) => {
      const found = certificatesIn(f.path, have.get(f.path) ?? '').find((c) => c.where === w.where);
      const cert = new X509Certificate(found?.pem ?? w.pem);
      return {
        host,
        where: w.where,
        subject: cert.subject.split('\n')[0].replace(/^CN=/, ''),
        notAfter: new Date(found ? cert.validTo : 0),
        current: found?.pem.trim() === w.pem.trim(),
      };
    }),
  );
}

export function residual(ms: number): string {
  if (ms <= 0) return 'expired';
  const days = Math.floor(ms / 86_400_000);
  return days >= 365 ? `${Math.floor(days / 365)}y${days % 365 ? ` ${days % 365}d` : ''}` : `${days}d`;
}

/** A row needs attention: missing, expired or expiring within 30 days, or not the current copy. */
export const needsAttention = (r: CertRow, now: Date) =>
  !r.current || r.notAfter.getTime() - now.getTime() < WARN_WITHIN_MS;

export function certTable(rows: CertRow[], now: Date): string {
  return formatTable([
    ['HOST', 'CERTIFICATE', 'SUBJECT', 'EXPIRES', 'RESIDUAL TIME', 'STATE'],
    ...rows.map((r) => {
      const missing = r.notAfter.getTime() === 0;
      return [
        r.host,
        r.where,
        r.subject,
        missing ? '-' : r.notAfter.toISOString().slice(0, 16).replace('T', ' '),
        missing ? '-' : residual(r.notAfter.getTime() - now.getTime()),
        missing
          ? 'missing'
          : !r.current
            ? 'stale (run certs renew)'
            : needsAttention(r, now)
              ? 'renew soon'
              : 'ok',
      ];
    }),
  ]);
}

/**
 * One shell command printing each file after a marker line, so one round trip reads them all
 * (a newline after each: a PEM written without its last newline must not swallow the next marker).
 */
export const catFilesCommand = (paths: string[]) =>
  `for f in ${paths.join(' ')}; do echo "==> $f"; cat "$f" 2>/dev/null; echo; done`;

export function parseCatFiles(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const chunk of text.split(/^==> /m).slice(1)) {
    const nl = chunk.indexOf('\n');
    out.set(chunk.slice(0, nl), chunk.slice(nl + 1));
  }
  return out;
}

/** The workstation's certificates that expire within 30 days: `status` warns about them. */
export function expiringSoon(pki: PkiMaterial, now: Date): { name: string; notAfter: Date }[] {
  return pki.names
    .map((name) => ({ name, notAfter: new Date(new X509Certificate(pki.pair(name).certPem).validTo) }))
    .filter((c) => c.notAfter.getTime() - now.getTime() < WARN_WITHIN_MS);
}
