// superset/files/provisioning/: what the local platform's Superset runs at every `up`, for the
// chart's init Job to run the same way: provision.py (migrations, roles and permissions, the admin
// user, the import) and the dashboards as code it imports (assets/, Superset's export format);
// names.json, the roles and databases provision.py and superset_config.py connect with.
import { CONFIG_KEYS } from '@datapark/config';
import {
  SUPERSET_METADATA_DATABASE,
  SUPERSET_METADATA_ROLE,
  SUPERSET_READER_ROLE,
} from '@datapark/db';
import { collectTree, generatorName, mergeTrees } from './files.ts';
import type { Delivery, Tree } from './files.ts';
import { SyncError } from './sync-error.ts';

const SOURCE = 'packages/platform-local/superset';

function names(): Tree {
  const database = CONFIG_KEYS['postgres.database']?.default;
  if (typeof database !== 'string')
    throw new SyncError(
      '@datapark/config: postgres.database has no default name (packages/config/src/keys.ts)',
    );
  return {
    'names.json': {
      content:
        JSON.stringify(
          {
            metadataRole: SUPERSET_METADATA_ROLE,
            metadataDatabase: SUPERSET_METADATA_DATABASE,
            readerRole: SUPERSET_READER_ROLE,
            database,
          },
          null,
          2,
        ) + '\n',
      source: 'packages/db/src/provision/superset-reader.ts',
    },
  };
}

export const supersetProvisioning: Delivery = {
  folder: 'superset/files/provisioning',
  generatedBy: generatorName(import.meta.filename),
  build() {
    const tree = collectTree(SOURCE, (name) => name === 'provision.py' || name.endsWith('.yaml'));
    if (!tree['provision.py'] || !Object.keys(tree).some((p) => p.startsWith('assets/dashboards/')))
      throw new SyncError(
        `${SOURCE}: no provision.py or no dashboards under assets/dashboards (the local platform's Superset files)`,
      );
    return mergeTrees([tree, names()]);
  },
};
