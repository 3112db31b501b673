import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalComponent } from '@datapark/platform';
import { PlatformError } from '@datapark/platform';
import { activeProfile, PROFILES } from '@datapark/platform-local';
import { requestedProfile, stampedProfile, stampProfile } from '../src/profile.js';
import { activeSparkUnits } from '../src/spark/units.js';
import { scratchPlatform } from './fixtures.js';

/** A component whose state the test sets: the platform's own logic is what is under test. */
function componentIn(state: 'running' | 'stopped'): LocalComponent {
  return {
    name: 'probe',
    description: 'a component that reports what the test says',
    dependsOn: [],
    units: ['probe'],
    checkPrerequisites: async () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
    status: async () => ({ component: 'probe', state, units: [{ name: 'probe', state }] }),
    ports: () => [],
    logFiles: () => [],
  };
}

describe('platform profiles', () => {
  it('reads DATAPARK_PROFILE, and names the variable and the choices for a wrong one', () => {
    expect(requestedProfile({})).toBeUndefined();
    expect(requestedProfile({ DATAPARK_PROFILE: ' Lean ' })).toBe('lean');
    expect(() => requestedProfile({ DATAPARK_PROFILE: 'tiny' })).toThrow(PlatformError);
    expect(() => requestedProfile({ DATAPARK_PROFILE: 'tiny' })).toThrow(
      /DATAPARK_PROFILE = "tiny".*\n.*Fix: set DATAPARK_PROFILE \(or up --profile\) to full/,
    );
  });

  it('keeps the profile the platform was started with until it is stopped', async () => {
    const { platform, stateDir } = scratchPlatform([componentIn('running')], {
      DATAPARK_PROFILE: 'lean',
    });
    stampProfile(stateDir, 'full');
    await expect(platform.up()).rejects.toThrow(
      /runs the full profile, not lean\n.*Fix: stop it first \(datapark down; data is kept\)/,
    );
    expect(stampedProfile(stateDir)).toBe('full');

    const stopped = scratchPlatform([componentIn('stopped')], { DATAPARK_PROFILE: 'lean' });
    stampProfile(stopped.stateDir, 'full');
    await stopped.platform.up();
    expect(activeProfile(stopped.stateDir)).toBe(PROFILES.lean);
  });

  it('a plain up keeps the stamped profile; a fresh state dir gets full', async () => {
    const { platform, stateDir } = scratchPlatform([componentIn('running')], {});
    stampProfile(stateDir, 'lean');
    await platform.up();
    expect(stampedProfile(stateDir)).toBe('lean');
    const fresh = scratchPlatform([componentIn('stopped')], {});
    await fresh.platform.up();
    expect(stampedProfile(fresh.stateDir)).toBe('full');
    expect(stampedProfile(mkdtempSync(join(tmpdir(), 'datapark-none-')))).toBeUndefined();
  });

  it('lean runs the Spark master and one worker; full adds the second worker and the history server', () => {
    expect(activeSparkUnits(PROFILES.lean).map((u) => u.unit)).toEqual([
      'spark-master',
      'spark-worker-1',
    ]);
    expect(activeSparkUnits(PROFILES.full).map((u) => u.unit)).toEqual([
      'spark-master',
      'spark-worker-1',
      'spark-worker-2',
      'spark-history',
    ]);
    // The same four cores to schedule on either way, so the streaming job leaves room.
    for (const p of Object.values(PROFILES)) expect(p.sparkWorkers * p.sparkWorkerCores).toBe(4);
  });

  it.each(Object.values(PROFILES))(
    '$name: the streaming job and a batch job get their drivers and executors at once; a third job waits for cores',
    (profile) => {
      // What the master's /json/ shows for every job submitted through the REST server: a
      // 1-core 1024 MiB driver, then (spark.cores.max 1) one 1-core 512 MiB executor.
      const workers = Array.from({ length: profile.sparkWorkers }, () => ({
        cores: profile.sparkWorkerCores,
        memory: profile.sparkWorkerMemoryMb,
      }));
      // The master's order (Master.schedule): a driver goes to a worker with room for it, and
      // an application's executor is placed after every waiting driver.
      const place = (cores: number, memory: number) => {
        const worker = workers.find((w) => w.cores >= cores && w.memory >= memory);
        if (!worker) return false;
        worker.cores -= cores;
        worker.memory -= memory;
        return true;
      };
      const job = () => place(1, 1024) && place(1, 512);
      expect({ streaming: job(), batch: job() }).toEqual({ streaming: true, batch: true });
      // A learner's job now waits for cores (not for ever: until the batch ends).
      expect(workers.reduce((sum, w) => sum + w.cores, 0)).toBe(0);
    },
  );
});
