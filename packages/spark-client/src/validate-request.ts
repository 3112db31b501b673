import { SubmissionRejectedError } from './errors.js';

// Spark's own rules (Utils.byteStringAsBytes, SparkSubmitArguments): a size is a number with an
// optional unit; cores are positive whole numbers; every submission needs spark.app.name.
const SIZE = /^\d+(b|k|kb|m|mb|g|gb|t|tb|p|pb)?$/i;
const MEMORY_KEYS = [
  'spark.driver.memory',
  'spark.executor.memory',
  'spark.driver.memoryOverhead',
  'spark.executor.memoryOverhead',
];
const CORE_KEYS = ['spark.driver.cores', 'spark.executor.cores', 'spark.cores.max'];

/** Checks what Spark would refuse later, so the caller hears it at once, with the key. */
export function validateSparkProperties(properties: Readonly<Record<string, string>>): void {
  const problems: string[] = [];
  if (!properties['spark.app.name']?.trim())
    problems.push('spark.app.name is required (name the application)');
  for (const key of MEMORY_KEYS) {
    const value = properties[key];
    if (value !== undefined && !SIZE.test(value.trim()))
      problems.push(`${key}="${value}" is not a size such as 512m or 2g`);
  }
  for (const key of CORE_KEYS) {
    const value = properties[key];
    if (value !== undefined && !/^[1-9]\d*$/.test(value.trim()))
      problems.push(`${key}="${value}" is not a whole number of cores ≥ 1`);
  }
  if (problems.length > 0)
    throw new SubmissionRejectedError(`invalid Spark submission: ${problems.join('; ')}`);
}
