import { closestNames, editDistance } from '@datapark/config';

describe('closestNames', () => {
  const topics = ['order-events', 'clickstream', 'user-events', 'inventory-updates'];

  it('names the one that holds the wanted name, then those a few edits away, closest first', () => {
    expect(closestNames('order', topics)).toEqual(['order-events']);
    expect(closestNames('clikstream', topics)).toEqual(['clickstream']);
    expect(closestNames('user-event', ['user-events', 'user-event5', 'users'])).toEqual([
      'user-event5',
      'user-events',
    ]);
  });

  it('names no stranger and ignores case', () => {
    expect(closestNames('payments', topics)).toEqual([]);
    expect(closestNames('ORDER-EVENTZ', topics)[0]).toBe('order-events');
    // Two letters hold too little to count as a part of a name.
    expect(closestNames('or', ['order-events', 'ab'])).toEqual(['ab']);
  });

  it('stops at max', () => {
    expect(closestNames('dag_a', ['dag_b', 'dag_c', 'dag_d', 'dag_e'], 2)).toEqual([
      'dag_b',
      'dag_c',
    ]);
  });

  it('counts edits as Levenshtein does', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
