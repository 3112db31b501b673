/** Host and port of a `spark://` or `http://` URL from @datapark/config's Spark section. */
export function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url.replace(/^spark:/, 'http:'));
  return { host: parsed.hostname, port: Number(parsed.port) };
}
