// The small logging surface the client machinery needs: any api/log Logger fits. Components pass
// their own; the default is a klog-style logger named after the part that logs.

import { createLogger } from '../api/log';

export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

export function defaultLogger(scope: string): Logger {
  return createLogger(scope);
}
