import type { V1Secret } from '@kubernetes/client-node';
import type { EndpointsDocument } from '@datapark/config';
import { LAKE_CATALOG, POSTGRES_ROLES } from '@datapark/config';
import { NAME_LABEL } from './release-workloads.js';

const decode = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');

/** The first of `keys` the Secret has, decoded. */
function pick(secret: V1Secret, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = decode(secret.data?.[key]) ?? secret.stringData?.[key];
    if (value) return value;
  }
  return undefined;
}

/**
 * The credentials in a release's Secrets, in the shape of the endpoints file. Each chart keeps
 * its generated secrets in a Secret labelled with its name (`app.kubernetes.io/name`):
 * postgresql `<role>-password` for every role of @datapark/config, redis `redis-password`,
 * airflow `admin-username`/`admin-password`, jupyter `token`, spark `rest-secret` (the key REST
 * submissions are signed with), superset `admin-username`/`admin-password` (its login; the
 * SECRET_KEY stays in the cluster), objectstore `access-key-id`/`secret-access-key` (the S3
 * store's root keys), postgresql `iceberg-password` (the lake catalog's role), and monitoring
 * `username`/`password` (Prometheus' and Alertmanager's basic auth; the bcrypt web config stays
 * in the cluster). Keys a chart does not have are
 * left out, so the endpoints file keeps what it had.
 */
export function credentialsFromSecrets(secrets: readonly V1Secret[]): EndpointsDocument {
  const postgresRoles: Record<string, { password: string }> = {};
  const doc: Record<string, Record<string, unknown>> = {};
  const put = (section: string, key: string, value: string | undefined) => {
    if (value === undefined) return;
    doc[section] = { ...(doc[section] ?? {}), [key]: value };
  };
  for (const secret of secrets) {
    const chart = secret.metadata?.labels?.[NAME_LABEL];
    if (chart === 'postgresql') {
      for (const role of POSTGRES_ROLES) {
        const password = pick(secret, [`${role}-password`, `${role.replace(/_/g, '-')}-password`]);
        if (password) postgresRoles[role] = { password };
      }
      put('lake', 'catalogPassword', pick(secret, [`${LAKE_CATALOG.role}-password`]));
    } else if (chart === 'redis') {
      put('redis', 'password', pick(secret, ['redis-password', 'password']));
    } else if (chart === 'airflow') {
      put('airflow', 'username', pick(secret, ['admin-username', 'username']));
      put('airflow', 'password', pick(secret, ['admin-password', 'password']));
      put('redis', 'password', pick(secret, ['redis-password']));
    } else if (chart === 'jupyter') {
      put('jupyter', 'token', pick(secret, ['token', 'jupyter-token']));
    } else if (chart === 'superset') {
      put('superset', 'username', pick(secret, ['admin-username']));
      put('superset', 'password', pick(secret, ['admin-password']));
    } else if (chart === 'monitoring') {
      put('monitoring', 'username', pick(secret, ['username']));
      put('monitoring', 'password', pick(secret, ['password']));
    } else if (chart === 'spark') {
      put('spark', 'restSecret', pick(secret, ['rest-secret']));
    } else if (chart === 'objectstore') {
      put('s3', 'accessKeyId', pick(secret, ['access-key-id']));
      put('s3', 'secretAccessKey', pick(secret, ['secret-access-key']));
    }
  }
  if (Object.keys(postgresRoles).length > 0) {
    doc['postgres'] = { ...(doc['postgres'] ?? {}), roles: postgresRoles };
  }
  return doc;
}
