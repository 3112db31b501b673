import { randomUUID } from 'node:crypto';
import type { EventOf } from '@datapark/events';
import { buildEvent } from '@datapark/events';
import { EventProducer } from '@datapark/kafka';
import type { LessonContext } from './lesson-context.js';

/**
 * `count` valid clickstream events of every type, a few sessions' worth, marked with
 * `producer` so anyone can tell them from the shop's. Deterministic mix (not random): a
 * session views pages and products, searches, adds to its cart, sometimes checks out.
 */
export function sampleClickstream(count: number, producer: string): EventOf<'clickstream'>[] {
  const events: EventOf<'clickstream'>[] = [];
  let session = randomUUID();
  for (let i = 0; events.length < count; i++) {
    if (i % 12 === 0) session = randomUUID();
    const ref = { session_id: session, customer_id: null };
    const product_id = randomUUID();
    const step = i % 6;
    const envelope = { producer };
    events.push(
      step === 0 || step === 3
        ? buildEvent(
            'clickstream',
            'page_view',
            { ...ref, page: `/p/${i % 40}`, referrer: null },
            envelope,
          )
        : step === 1
          ? buildEvent('clickstream', 'product_view', { ...ref, product_id }, envelope)
          : step === 2
            ? buildEvent(
                'clickstream',
                'search',
                { ...ref, query: `mug ${i % 7}`, results_count: i % 13 },
                envelope,
              )
            : step === 4
              ? buildEvent(
                  'clickstream',
                  'add_to_cart',
                  { ...ref, product_id, quantity: 1 + (i % 3) },
                  envelope,
                )
              : i % 4 === 1
                ? buildEvent(
                    'clickstream',
                    'checkout_started',
                    { ...ref, cart_value: '42.50', items_count: 2 },
                    envelope,
                  )
                : buildEvent(
                    'clickstream',
                    'remove_from_cart',
                    { ...ref, product_id, quantity: 1 },
                    envelope,
                  ),
    );
  }
  return events;
}

/** Produces {@link sampleClickstream} events to the shop's clickstream topic. */
export async function produceClickstream(
  context: LessonContext,
  count: number,
  producer: string,
): Promise<void> {
  const events = await EventProducer.connect(context.kafka);
  try {
    for (let i = 0; i < count; i += 500)
      await events.send('clickstream', sampleClickstream(Math.min(500, count - i), producer));
  } finally {
    await events.disconnect();
  }
}
