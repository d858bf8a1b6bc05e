// The testing kit under Jest (`npx jest`): a handler configured with kit.verifier() accepts the
// kit's callbacks once each and refuses each failure with its code.
const { Kit, FAILURES } = require('wechatpay-notify/testing');
const { makeHandler } = require('./handler');

const kit = new Kit();

describe('notify handler (Jest)', () => {
  test('a payment is answered 204 and recorded once', () => {
    const recorded = new Map();
    const handle = makeHandler(kit.verifier(), recorded);
    const { headers, body } = kit.notification('transaction', { out_trade_no: 'JEST-1' });
    expect(handle(headers, body).status).toBe(204);
    expect(handle(headers, body).status).toBe(204);
    expect([...recorded.values()]).toEqual(['JEST-1']);
  });

  test.each(Object.entries(FAILURES))('failure %s is refused with %s', (failure, code) => {
    const handle = makeHandler(kit.verifier());
    const { headers, body } = kit.notification('transaction', {}, { failure });
    const reply = handle(headers, body);
    expect([401, 500]).toContain(reply.status);
    expect(JSON.parse(reply.body).message.startsWith(`${code}: `)).toBe(true);
  });
});
