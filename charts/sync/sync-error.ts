/**
 * A problem in the repository that stops the sync: what is wrong, where, and what to do. The
 * entry point prints its message alone; any other error is a bug and keeps its stack.
 */
export class SyncError extends Error {
  override readonly name = 'SyncError';
}
