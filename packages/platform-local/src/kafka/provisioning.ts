import { reconcileTopics } from '@datapark/kafka';
import type { ComponentContext } from '@datapark/platform';
import { NAME } from './nodes.js';

/** Creates the catalog's topics that are missing and reports drift, never deleting anything. */
export async function reconcileCatalogTopics(ctx: ComponentContext): Promise<void> {
  ctx.reporter.step(NAME, 'reconciling topics with the catalog');
  const report = await reconcileTopics({ brokers: [...ctx.config.kafka.bootstrapServers] });
  if (report.created.length) ctx.reporter.step(NAME, `created ${report.created.join(', ')}`);
  for (const drift of report.drift) ctx.reporter.warn(NAME, `topic drift: ${drift}`);
}
