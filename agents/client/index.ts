// The shared client: every agent imports from here (see types.ts for the contract).

export { type Connection, DEFAULT_MASTER, loadConnection } from './connection';
export { type ControllerOptions, decideRetry, type RetryDecision, runController } from './controller';
export { createEventRecorder, type EventRecorderOptions } from './events';
export { createInformer, type InformerOptions } from './informer';
export { createInformerMetrics, type InformerMetrics } from './informer-metrics';
export { KubeconfigError } from './kubeconfig';
export { type LeaderElectionOptions, runLeaderElection } from './leader-election';
export type { Logger } from './logger';
export { createTokenBucket, type RateLimiter } from './rate-limiter';
export { type ClientOptions, createClient } from './rest-client';
export type * from './types';
export { createWorkQueue, type WorkQueueOptions } from './workqueue';
