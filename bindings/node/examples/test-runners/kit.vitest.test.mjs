// The testing kit under Vitest (`npx vitest run`), as an ES module: a handler configured with
// kit.verifier() accepts the kit's callbacks once each and refuses each failure with its code.
import { describe, expect, test } from 'vitest';
import { Kit, FAILURES } from 'wechatpay-notify/testing';
import handlerModule from './handler.js';

const { makeHandler } = handlerModule;
const kit = new Kit({ certificate: true });

describe('notify handler (Vitest)', () => {
  test('a refund is answered 204 and recorded once', () => {
    const recorded = new Map();
    const handle = makeHandler(kit.verifier(), recorded);
    const { headers, body } = kit.notification('refund');
    expect(handle(headers, body).status).toBe(204);
    expect(handle(headers, body).status).toBe(204);
    expect([...recorded.values()]).toEqual(['refund']);
  });

  test.each(Object.entries(FAILURES))('failure %s is refused with %s', (failure, code) => {
    const handle = makeHandler(kit.verifier());
    const { headers, body } = kit.notification('transaction', {}, { failure });
    const reply = handle(headers, body);
    expect([401, 500]).toContain(reply.status);
    expect(JSON.parse(reply.body).message.startsWith(`${code}: `)).toBe(true);
  });
});
