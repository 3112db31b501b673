import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateSecret } from '../secrets.js';

/** The secrets every Airflow process must share, generated once into `secrets.json` (0600). */
export interface AirflowSecrets {
  readonly fernetKey: string;
  readonly jwtSecret: string;
  readonly apiSecretKey: string;
}

/** A Fernet key: 32 random bytes in URL-safe base64 with padding, as `cryptography` wants it. */
function fernetKey(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** 64 random bytes: the api-server signs tokens with HS512, which wants a key that long. */
const jwtSecret = () => randomBytes(64).toString('base64url');

/**
 * The shared secrets, generated on first use. A JWT secret from before it was 64 bytes is
 * replaced when `rotate` says no process runs (they must all share one).
 */
export function loadAirflowSecrets(file: string, rotate: boolean): AirflowSecrets {
  if (existsSync(file)) {
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as AirflowSecrets;
    if (!rotate || Buffer.from(secrets.jwtSecret, 'base64url').length >= 64) return secrets;
    const rotated = { ...secrets, jwtSecret: jwtSecret() };
    writeFileSync(file, JSON.stringify(rotated, null, 2) + '\n', { mode: 0o600 });
    return rotated;
  }
  const secrets: AirflowSecrets = {
    fernetKey: fernetKey(),
    jwtSecret: jwtSecret(),
    apiSecretKey: generateSecret(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}
