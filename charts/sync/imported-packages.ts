import { builtinModules } from 'node:module';

/** The npm package a bare specifier names ('kysely/migration' → kysely), or null (node:, relative). */
export function packageOf(specifier: string): string | null {
  const parts = specifier.split('/');
  if (/^(\.|\/|node:|npm:|jsr:|https?:)/.test(specifier) || builtinModules.includes(parts[0]!))
    return null;
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The npm packages `code` (JavaScript or TypeScript) imports or requires. A pattern, not a
 * parser: it reads `from '…'`, `import '…'`, `import('…')` and `require('…')`.
 */
export function importedPackages(code: string): Set<string> {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const [, specifier] of code.matchAll(pattern)) {
    const name = packageOf(specifier!);
    if (name) found.add(name);
  }
  return found;
}
