import { randomBytes } from 'node:crypto';

/**
 * A new random secret: 24 bytes as URL-safe base64 (32 characters), safe in connection URLs,
 * config files and shell variables without quoting.
 */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}
