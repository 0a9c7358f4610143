import { useTestApi } from '../support/local-api';

const api = useTestApi();

describe('API reference and OpenAPI servers', () => {
  it('GET /openapi.json names the base URL it was reached at in `servers`', async () => {
    const answer = await api.call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.servers).toEqual([{ url: api.url, description: expect.any(String) }]);
    expect(Object.keys(answer.body).slice(0, 3)).toEqual(['openapi', 'info', 'servers']);
  });

  it('GET /docs is an HTML page that loads only files of this API (no other origin)', async () => {
    const page = await fetch(`${api.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.sort()).toEqual(['docs/init.js', 'docs/swagger-ui-bundle.js', 'docs/swagger-ui.css']);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>[^<]/); // no inline script
  });

  it("the page's files are served with their media types, and the init script reads /openapi.json", async () => {
    for (const [file, type, content] of [
      ['swagger-ui-bundle.js', 'text/javascript', 'SwaggerUIBundle'],
      ['swagger-ui.css', 'text/css', '.swagger-ui'],
      ['init.js', 'text/javascript', "'openapi.json'"],
    ] as const) {
      const answer = await fetch(`${api.url}/docs/${file}`);
      expect({ file, status: answer.status }).toEqual({ file, status: 200 });
      expect(answer.headers.get('content-type')).toMatch(new RegExp(`^${type}`));
      expect(await answer.text()).toContain(content);
    }
  });

  it("an unknown file of the reference is 404 in the contract's error shape", async () => {
    const answer = await api.call('GET', '/docs/secrets.txt');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ message: expect.any(String), code: 'not_found' });
  });
});
