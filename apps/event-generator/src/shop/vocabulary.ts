/** The words the shop is made of: names, places, categories, searches. */
export const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Radia',
  'Ken',
  'Margaret',
  'Linus',
];
export const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Perlman',
  'Thompson',
  'Hamilton',
  'Torvalds',
];
export const PLACES = [
  ['DE', 'Berlin'],
  ['DE', 'Hamburg'],
  ['FR', 'Paris'],
  ['NL', 'Amsterdam'],
  ['GB', 'London'],
  ['US', 'Boston'],
  ['ES', 'Madrid'],
  ['IT', 'Milan'],
] as const;
export const CATEGORIES = ['kitchen', 'books', 'garden', 'toys', 'sports', 'office'];
export const SEARCHES = ['tea pot', 'gift', 'running shoes', 'notebook', 'lamp', 'puzzle'];
