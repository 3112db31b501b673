import type { DataparkConfig } from '@datapark/config';
import { LessonError } from './lesson-error.js';

/** One series of an instant query's answer: its labels and its value at the query's time. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** An instant query's answer: its samples (a scalar is one sample with no labels), or the error Prometheus gave. */
export type InstantResult =
  | { readonly ok: true; readonly samples: readonly Sample[] }
  | { readonly ok: false; readonly error: string };

/**
 * Evaluates a PromQL expression at `time` (seconds since the epoch) through the platform's
 * Prometheus HTTP API (`/api/v1/query`, basic auth from the endpoints file). A query Prometheus
 * refuses (bad syntax, wrong types) is an answer, not an exception: the learner wrote it.
 */
export async function instantQuery(
  config: DataparkConfig,
  query: string,
  time: number,
): Promise<InstantResult> {
  const { prometheusUrl, username, password } = config.monitoring;
  const url = new URL('/api/v1/query', prometheusUrl);
  url.searchParams.set('query', query);
  url.searchParams.set('time', String(time));
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new LessonError(`Prometheus at ${prometheusUrl} did not answer: ${String(error)}`, {
      code: 'PROMETHEUS_UNREACHABLE',
      hint: 'is the monitoring component up? `datapark status` shows it; `datapark start monitoring` starts it',
      cause: error,
    });
  }
  const body = (await response.json().catch(() => ({}))) as {
    status?: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (response.status === 401)
    throw new LessonError(`Prometheus at ${prometheusUrl} refused the platform's credentials`, {
      code: 'PROMETHEUS_UNAUTHORIZED',
      hint: 'monitoring.password in .datapark/endpoints.json is the one `up` generated: was the state directory replaced?',
    });
  if (body.status !== 'success' || !body.data)
    return { ok: false, error: body.error ?? `HTTP ${response.status}` };
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const [, v] = result as [number, string];
    return { ok: true, samples: [{ metric: {}, value: Number(v) }] };
  }
  if (resultType === 'vector')
    return {
      ok: true,
      samples: (result as { metric: Record<string, string>; value: [number, string] }[]).map(
        (s) => ({ metric: s.metric, value: Number(s.value[1]) }),
      ),
    };
  return { ok: false, error: `a ${resultType}, not an instant vector or a scalar` };
}
