import type { ComponentState, ComponentStatus } from '@datapark/platform';

/**
 * The status of a component that is one process: stopped without a pid, running when the
 * health probe passes, degraded when the process is there but does not answer.
 */
export async function singleProcessStatus(
  component: string,
  pid: number | undefined,
  probe: () => Promise<boolean>,
  endpoint: string,
): Promise<ComponentStatus> {
  const healthy = pid ? await probe().catch(() => false) : false;
  const state: ComponentState = pid ? (healthy ? 'running' : 'degraded') : 'stopped';
  return {
    component,
    state,
    endpoint,
    units: [{ name: component, state, ...(pid ? { pid } : {}) }],
    ...(state === 'degraded'
      ? { detail: `pid ${pid} runs but nothing answers at ${endpoint}` }
      : {}),
  };
}
