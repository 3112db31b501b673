import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART, helm, parseManifests } from './fixtures/render.js';

// `helm template` does not render NOTES.txt and `helm install --dry-run` needs a cluster, so
// the notes are rendered through `tpl` in a copy of the chart, with the same values and helpers.
async function renderNotes(...set: string[]): Promise<string> {
  const copy = join(mkdtempSync(join(tmpdir(), 'datapark-charts-notes-')), 'datapark');
  cpSync(CHART, copy, { recursive: true, dereference: true });
  cpSync(join(CHART, 'templates', 'NOTES.txt'), join(copy, 'notes.txt'));
  writeFileSync(
    join(copy, 'templates', 'zz-notes.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ tpl (.Files.Get "notes.txt") . | toJson }}\n',
  );
  const result = await helm([
    'template',
    'dp',
    copy,
    '--namespace',
    'datapark',
    '--show-only',
    'templates/zz-notes.yaml',
    ...set.flatMap((s) => ['--set', s]),
  ]);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return parseManifests(result.stdout)[0]!.data!.notes!;
}

describe('NOTES.txt', () => {
  it('tells how to reach every UI through port-forward and where each credential is', async () => {
    const notes = await renderNotes();
    for (const line of [
      'svc/dp-spark-master 18080:8080',
      'svc/dp-spark-history 18180:18080',
      'svc/dp-airflow-api-server 18280:8080',
      'svc/dp-jupyter 18888:8888',
      "get secret dp-postgresql -o jsonpath='{.data.analyst-password}'",
      "get secret dp-airflow -o jsonpath='{.data.admin-password}'",
      "get secret dp-jupyter -o jsonpath='{.data.token}'",
      'svc/dp-superset 18088:8088',
      "user datapark: kubectl -n datapark get secret dp-superset -o jsonpath='{.data.admin-password}'",
      "get secret dp-objectstore -o jsonpath='{.data.access-key-id}'",
      'svc/dp-objectstore 17070:7070',
      'http://dp-objectstore:7070 (buckets lake, archive;',
    ])
      expect(notes).toContain(line);
    expect(notes).not.toContain('Ingress');
  });

  it('names the Ingress hosts and the basic-auth secret when the Ingress is on', async () => {
    const notes = await renderNotes(
      'global.ingress.enabled=true',
      'global.ingress.domain=park.test',
      'global.ingress.allowInsecureHttp=true',
    );
    expect(notes).toContain('http://airflow.park.test/');
    expect(notes).toContain('http://jupyter.park.test/');
    expect(notes).toContain('http://spark.park.test/');
    expect(notes).toContain('http://superset.park.test/');
    expect(notes).toContain("get secret dp-ingress-basic-auth -o jsonpath='{.data.password}'");
    // The UIs are at their hosts; the object store has no UI and no Ingress, only its port-forward.
    expect(notes).not.toMatch(/port-forward svc\/dp-(spark|airflow|jupyter)/);
    expect(notes).toContain('port-forward svc/dp-objectstore 17070:7070');
  });

  it("names the user's Secrets when existingSecret values are set, and the Spark REST key's", async () => {
    const notes = await renderNotes(
      'postgresql.auth.existingSecret=my-pg',
      'airflow.postgresql.secretName=my-pg',
      'jupyter.postgresql.secretName=my-pg',
      'superset.postgresql.secretName=my-pg',
      'spark.postgresql.secretName=my-pg',
      'airflow.auth.existingSecret=my-airflow',
      'jupyter.auth.existingSecret=my-jupyter',
      'monitoring.jupyter.secretName=my-jupyter',
      'superset.auth.existingSecret=my-superset',
    );
    expect(notes).toContain("get secret my-pg -o jsonpath='{.data.analyst-password}'");
    expect(notes).toContain("get secret my-airflow -o jsonpath='{.data.admin-password}'");
    expect(notes).toContain("get secret my-jupyter -o jsonpath='{.data.token}'");
    expect(notes).toContain("get secret my-superset -o jsonpath='{.data.admin-password}'");
    expect(notes).toContain("get secret dp-spark -o jsonpath='{.data.rest-secret}'");
    expect(notes).not.toContain('get secret dp-postgresql');
  });

  it("names the in-chart Prometheus and Alertmanager, their password's Secret and the dashboards, where they run", async () => {
    const notes = await renderNotes();
    for (const line of [
      'svc/dp-monitoring-prometheus 19090:9090',
      'svc/dp-monitoring-alertmanager 19095:9093',
      '/consoles/datapark.html',
      "get secret dp-monitoring -o jsonpath='{.data.password}'",
    ])
      expect(notes).toContain(line);
    const without = await renderNotes('global.monitoring.inChartPrometheus=false');
    expect(without).not.toMatch(/dp-monitoring|Prometheus/);
  });

  it('leaves out what is turned off', async () => {
    const notes = await renderNotes(
      'airflow.enabled=false',
      'jupyter.enabled=false',
      'superset.enabled=false',
      'objectstore.enabled=false',
    );
    expect(notes).not.toMatch(
      /dp-airflow|dp-jupyter|dp-superset|dp-objectstore|Airflow {2}|Jupyter {2}|Superset {2}|S3 store/,
    );
    expect(notes).toContain('dp-spark-master');
  });
});
