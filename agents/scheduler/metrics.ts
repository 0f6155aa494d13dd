// The scheduler's own metrics, named as kube-scheduler's (pkg/scheduler/metrics/metrics.go).
import type { Registry } from '../api/metrics';

export function schedulerMetrics(registry: Registry, pendingPods: () => number) {
  registry.gaugeFunc(
    'scheduler_pending_pods',
    'Number of pending pods parked as unschedulable.',
    pendingPods,
  );
  return {
    attempts: registry.counter(
      'scheduler_schedule_attempts_total',
      'Number of attempts to schedule pods, by the result.',
      ['result'],
    ),
    attemptSeconds: registry.histogram(
      'scheduler_scheduling_algorithm_duration_seconds',
      'Scheduling algorithm latency in seconds.',
    ),
  };
}

export type SchedulerMetrics = ReturnType<typeof schedulerMetrics>;
