import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { parse, stringify } from 'yaml';

/**
 * Writes the web configuration Prometheus and Alertmanager share (`--web.config.file`, mode
 * 0600): basic auth for one user, the password stored as a bcrypt hash. A hash that still
 * matches the password is kept, so `up` does not rewrite the file each time.
 * https://prometheus.io/docs/prometheus/latest/configuration/https/
 */
export function writeWebConfig(file: string, username: string, password: string): void {
  const current = existsSync(file)
    ? (parse(readFileSync(file, 'utf8')) as { basic_auth_users?: Record<string, string> } | null)
    : null;
  const hash = current?.basic_auth_users?.[username];
  if (hash && bcrypt.compareSync(password, hash)) return;
  const config = { basic_auth_users: { [username]: bcrypt.hashSync(password, 10) } };
  writeFileSync(
    file,
    '# Written by the Data Park local platform: basic auth of Prometheus and Alertmanager.\n' +
      stringify(config),
    { mode: 0o600 },
  );
}
