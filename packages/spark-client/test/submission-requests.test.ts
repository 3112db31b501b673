import { DRIVER_JAVA_OPTIONS, DRIVER_MEMORY } from '@datapark/spark-client';
import { pythonRequest } from '../src/submission-requests.js';

const cluster = { masterUrl: 'spark://127.0.0.1:7077', clientSparkVersion: '4.1.1' };

describe('pythonRequest', () => {
  it('starts every driver JVM with C1 only (issue 16: ~half the start-up on a busy machine)', () => {
    const request = pythonRequest({ file: '/abs/job.py', name: 'job' }, cluster);
    expect(DRIVER_JAVA_OPTIONS).toBe('-XX:TieredStopAtLevel=1');
    expect(request.sparkProperties['spark.driver.extraJavaOptions']).toBe(DRIVER_JAVA_OPTIONS);
  });

  it("lets a job's conf replace the driver's JVM options", () => {
    const request = pythonRequest(
      { file: '/abs/job.py', name: 'job', conf: { 'spark.driver.extraJavaOptions': '-Xss4m' } },
      cluster,
    );
    expect(request.sparkProperties['spark.driver.extraJavaOptions']).toBe('-Xss4m');
  });

  it("sizes every driver at 512m, the cluster's default, which the REST server reads from the request only", () => {
    const request = pythonRequest({ file: '/abs/job.py', name: 'job' }, cluster);
    expect(DRIVER_MEMORY).toBe('512m');
    expect(request.sparkProperties['spark.driver.memory']).toBe(DRIVER_MEMORY);
    const bigger = pythonRequest(
      { file: '/abs/job.py', name: 'job', conf: { 'spark.driver.memory': '1g' } },
      cluster,
    );
    expect(bigger.sparkProperties['spark.driver.memory']).toBe('1g');
  });
});
