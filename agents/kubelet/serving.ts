// The kubelet's serving flags (upstream's names and defaults) → what its server needs: the TLS
// material read from disk and the auth options of auth.ts. Checked here, at start, so a unit
// with a typo or a missing file fails with one line naming the flag.
//
//   --tls-cert-file=/etc/kubernetes/pki/nodes/minion1-serving.crt --tls-private-key-file=…
//   --client-ca-file=/etc/kubernetes/pki/ca.crt --anonymous-auth=false --authorization-mode=Webhook
//   --authentication-token-webhook

import { readFileSync } from 'node:fs';
import type { Logger } from '../api/log';
import type { ApiClient } from '../client/types';
import type { AuthOptions } from './auth';
import { tokenReviewer, webhookAuthorizer } from './auth-webhook';
import type { KubeletServerOptions } from './server';

export interface ServingFlags {
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  clientCaFile: string;
  anonymousAuth: boolean;
  authenticationTokenWebhook: boolean;
  authorizationMode: string;
}

const MODES = ['AlwaysAllow', 'Webhook'];

export function servingOptions(
  flags: ServingFlags,
  deps: { client: ApiClient; nodeName: string; log: Logger },
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Pick<KubeletServerOptions, 'tls' | 'auth'> {
  if (!MODES.includes(flags.authorizationMode))
    throw new Error(`--authorization-mode: "${flags.authorizationMode}" is not one of ${MODES.join(', ')}`);
  if (!!flags.tlsCertFile !== !!flags.tlsPrivateKeyFile)
    throw new Error('--tls-cert-file and --tls-private-key-file go together');
  if (flags.clientCaFile && !flags.tlsCertFile)
    throw new Error('--client-ca-file needs --tls-cert-file: client certificates only come over TLS');
  const file = (flag: string, path: string) => {
    try {
      return read(path);
    } catch (err) {
      throw new Error(`--${flag}: cannot read "${path}": ${(err as Error).message}`);
    }
  };
  const tls = flags.tlsCertFile
    ? {
        cert: file('tls-cert-file', flags.tlsCertFile),
        key: file('tls-private-key-file', flags.tlsPrivateKeyFile),
        ca: flags.clientCaFile ? file('client-ca-file', flags.clientCaFile) : undefined,
      }
    : undefined;
  const auth: AuthOptions = {
    x509: !!tls?.ca,
    anonymousAuth: flags.anonymousAuth,
    nodeName: deps.nodeName,
    authorize: flags.authorizationMode === 'Webhook' ? webhookAuthorizer({ client: deps.client }) : undefined,
    reviewToken: flags.authenticationTokenWebhook ? tokenReviewer({ client: deps.client }) : undefined,
    log: deps.log,
  };
  return { tls, auth };
}
