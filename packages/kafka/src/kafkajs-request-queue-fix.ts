import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (unmaintained; the last release) reschedules its pending-request check even when
 * nothing is pending: `setTimeout(check, throttledUntil - Date.now())` with `throttledUntil` at
 * -1, a negative delay that Node runs after 1 ms, and the check reschedules itself the same way.
 * Once a request has had to wait (an idempotent producer's single in-flight slot), each broker
 * connection keeps a 1 ms timer spinning for the life of the client, and Node 23+ prints
 * `TimeoutNegativeWarning: -1796… is a negative number`. With nothing pending there is nothing
 * to check: `push` schedules a check again when a request has to wait.
 * https://github.com/tulios/kafkajs/blob/v2.2.4/src/network/requestQueue/index.js
 */
interface RequestQueue {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const { prototype } = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: RequestQueue;
};
const schedule = prototype.scheduleCheckPendingRequests;
prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
  if (this.pending.length === 0) return;
  schedule.call(this);
};
