/** Waits for `promise` at most `ms`; says so and moves on when it takes longer. Never throws. */
export async function settleWithin(
  promise: Promise<unknown> | undefined,
  ms: number,
  what: string,
  log: (line: string) => void,
): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([
    promise.then(
      () => 'done',
      () => 'done',
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') log(`gave up waiting ${ms / 1000} s for ${what}`);
}
