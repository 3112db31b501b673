import { diskVerdict } from '../src/doctor/machine-checks.js';

const GiB = 1024 ** 3;

describe("the doctor's disk check", () => {
  it('fails under 1 GiB free and warns under 5 GiB', () => {
    expect(diskVerdict('/s', 0.5 * GiB, 100 * GiB).status).toBe('fail');
    expect(diskVerdict('/s', 3 * GiB, 100 * GiB).status).toBe('warn');
  });

  it('warns, as DiskFilling fires, when under 10% of a big disk is free', () => {
    const check = diskVerdict('/s', 23 * GiB, 252 * GiB);
    expect(check.status).toBe('warn');
    expect(check.finding).toMatch(
      /9\.1% of the disk: under 10% the platform's DiskFilling alert fires/,
    );
  });

  it('is fine with 10% or more free', () => {
    expect(diskVerdict('/s', 30 * GiB, 252 * GiB).status).toBe('ok');
  });
});
