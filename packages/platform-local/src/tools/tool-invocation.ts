/**
 * How to run one of the command-line tools the platform ships (psql, Kafka's console tools)
 * against it: the executable, its arguments, its environment, and what to remove afterwards.
 * Credentials travel in the environment or a private file, never in `args` (which any user of
 * the machine can read in `ps`).
 */
export interface ToolInvocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Removes what the invocation wrote for the tool (a password file); idempotent. */
  dispose(): void;
}
