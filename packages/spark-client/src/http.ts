import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Retries after the first attempt; only for requests safe to repeat. */
  readonly retries: number;
  readonly signal?: AbortSignal;
  /** The Authorization header, made afresh for every attempt (signed tokens expire). */
  readonly authorization?: () => string;
}

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
}

/** A request that never reached a server (refused, reset, timed out). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** 0.5 s doubling to 8 s, minus up to 25% jitter (the openai-node schedule). */
export function backoffMs(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 8000);
  return base * (1 - Math.random() * 0.25);
}

/** JSON over fetch with a timeout, the caller's AbortSignal, and retries on network errors and 5xx. */
export async function requestJson(url: string, options: HttpOptions): Promise<HttpResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      const signals = [
        AbortSignal.timeout(options.timeoutMs),
        ...(options.signal ? [options.signal] : []),
      ];
      const response = await fetch(url, {
        method: options.method ?? 'GET',
        headers: {
          'Content-Type': 'application/json;charset=UTF-8',
          Accept: 'application/json',
          ...(options.authorization ? { Authorization: options.authorization() } : {}),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.any(signals),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (response.status >= 500 && attempt < options.retries) {
        await sleep(backoffMs(attempt));
        continue;
      }
      return { status: response.status, json, text };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (attempt < options.retries) {
        await sleep(backoffMs(attempt));
        continue;
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new NetworkError(`${options.method ?? 'GET'} ${url}: ${cause}`, { cause: error });
    }
  }
}
