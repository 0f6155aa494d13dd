// IntOrString fields that count pods (maxSurge, maxUnavailable, minAvailable), resolved against
// a total as apimachinery's intstr.GetScaledValueFromIntOrPercent does: a number is itself,
// '25%' of 10 is 2.5 → 3 rounding up, 2 rounding down. Callers choose the rounding: upstream
// rounds surge and PDB budgets up, unavailability down.

export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number.isFinite(Number(value)) ? Number(value) : 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
