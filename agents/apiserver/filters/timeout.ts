// --request-timeout (upstream: server/filters/timeout.go, WithTimeoutForNonLongRunningRequests):
// every request that is not long-running is answered within the timeout — by its handler, or by
// a 504 Timeout Status. As upstream, the handler is not stopped: a create may still land in etcd
// (hence the Status says "did not complete", not "failed"), and its late answer is dropped.
//
// A client still sending its body when time is up is cut off: the 504 goes out with
// `Connection: close` and the socket is then destroyed, so a trickled or withheld body holds
// neither a connection nor an in-flight slot past the timeout. When the handler has already
// started its answer there is nothing left to say, and the connection is closed (upstream
// aborts the handler the same way, with http.ErrAbortHandler).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { timeout } from '../../api/errors';
import { sendError } from '../respond';

/** Upstream's Status message for this timeout (NewTimeoutError prefixes "Timeout: "). */
export const REQUEST_TIMEOUT_MESSAGE = 'Timeout: request did not complete within the allotted timeout';

/** Start the clock for one request; it stops when the response closes. */
export function armRequestTimeout(req: IncomingMessage, res: ServerResponse, timeoutMs: number): void {
  const timer = setTimeout(() => {
    if (res.writableEnded) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.setHeader('Connection', 'close');
    res.once('finish', () => {
      if (!req.complete) req.socket.destroy();
    });
    sendError(res, timeout(REQUEST_TIMEOUT_MESSAGE));
  }, timeoutMs);
  res.once('close', () => clearTimeout(timer));
}
