import { join } from 'node:path';
import { ESLint } from 'eslint';

// The import rules of shared/DESIGN.md, as the linter enforces them: each case lints a probe
// file at a path inside a project, without writing it.
const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function errors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint boundaries', () => {
  it('lets an app import an SDK (the control case)', async () => {
    expect(
      await errors(
        'apps/etl-driver/src/probe.ts',
        "import { createKafka } from '@datapark/kafka';\nexport const probe = createKafka;\n",
      ),
    ).toEqual([]);
  });

  it.each(['kafkajs', '@platformatic/kafka', 'pg', 'axios'])(
    'refuses %s imported by an app',
    async (name) => {
      // axios is refused twice: etl-driver does not declare it either.
      expect(
        await errors(
          'apps/etl-driver/src/probe.ts',
          `import client from '${name}';\nexport const probe = client;\n`,
        ),
      ).toContainEqual(
        expect.stringMatching(new RegExp(`^no-restricted-imports: '${name}' import is restricted`)),
      );
    },
  );

  it('refuses an SDK importing an app', async () => {
    expect(
      await errors(
        'packages/kafka/src/probe.ts',
        "import { runIngest } from '@datapark/etl-driver';\nexport const probe = runIngest;\n",
      ),
    ).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: /)]);
  });

  it("lets a lab script import the SDKs (the learner's own workspace, an app)", async () => {
    expect(
      await errors(
        'lab/scripts/probe.ts',
        "import { loadConfig } from '@datapark/config';\nimport { createDb } from '@datapark/db';\nexport const probe = [loadConfig, createDb];\n",
      ),
    ).toEqual([]);
  });

  it('refuses an SDK importing from the lab, which has no package name to import it by', async () => {
    expect(
      await errors(
        'packages/kafka/src/probe.ts',
        "import '../../../lab/scripts/first-pipeline.ts';\nexport const probe = 1;\n",
      ),
    ).toEqual([
      expect.stringMatching(
        /^@nx\/enforce-module-boundaries: Projects cannot be imported by a relative or absolute path/,
      ),
    ]);
  });

  it('refuses config importing another package of ours', async () => {
    expect(
      await errors(
        'packages/config/src/probe.ts',
        "import { TOPIC_NAMES } from '@datapark/events';\nexport const probe = TOPIC_NAMES;\n",
      ),
    ).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: /)]);
  });

  it('refuses an npm package the project does not declare', async () => {
    expect(
      await errors(
        'packages/config/src/probe.ts',
        "import { Kafka } from 'kafkajs';\nexport const probe = Kafka;\n",
      ),
    ).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: Only packages defined/)]);
  });
});
