import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataparkConfig } from '@datapark/config';
import { supersetLogin } from '../src/superset-api.js';

// A server of our own on loopback that drops the connection of the first request to each path
// before answering, as gunicorn closing an idle keep-alive connection does to a request that
// leaves on it: no platform needed.
describe("the lessons' Superset client when a connection drops before the answer", () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const key = `${request.method} ${request.url}`;
      seen.push(key);
      if (seen.filter((s) => s === key).length === 1) {
        request.socket.destroy();
        return;
      }
      response.setHeader('Content-Type', 'application/json');
      if (request.url === '/api/v1/security/login')
        response.end(JSON.stringify({ access_token: 'token' }));
      else if (request.url === '/api/v1/security/csrf_token/')
        response.end(JSON.stringify({ result: 'csrf' }));
      else response.end(JSON.stringify({ count: 0, result: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the login, the CSRF token request and a GET again, and never a POST that creates', async () => {
    const config = {
      superset: { url, username: 'datapark', password: 'secret' },
    } as unknown as DataparkConfig;
    const api = await supersetLogin(config);
    expect(await api.request('GET', '/api/v1/chart/')).toEqual({
      status: 200,
      body: { count: 0, result: [] },
    });
    await expect(api.request('POST', '/api/v1/chart/', { slice_name: 'x' })).rejects.toThrow(
      /fetch failed/,
    );
    expect(seen).toEqual([
      'POST /api/v1/security/login',
      'POST /api/v1/security/login',
      'GET /api/v1/security/csrf_token/',
      'GET /api/v1/security/csrf_token/',
      'GET /api/v1/chart/',
      'GET /api/v1/chart/',
      'POST /api/v1/chart/',
    ]);
  });
});
