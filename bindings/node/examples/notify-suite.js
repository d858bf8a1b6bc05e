'use strict';
// The tests every framework example runs (each example's notify.test.js calls notifySuite with
// a function starting its app): callbacks from the testing kit POSTed with fetch over real HTTP
// to the app listening on 127.0.0.1. node:test and node:assert only (Node >= 18).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');

/**
 * @param {string} name the framework
 * @param {object} options
 * @param {typeof import('wechatpay-notify/testing')} options.testing the example's own
 *   `require('wechatpay-notify/testing')`
 * @param {(verifier: import('wechatpay-notify').Verifier) => Promise<{ url: string, db: { payments: object[], refunds: object[] }, close(): Promise<void> }>} options.start
 *   starts the app on port 0; `url` is its POST /notify
 */
function notifySuite(name, { testing, start }) {
  describe(`${name}: POST /notify over HTTP`, () => {
    const { Kit, FAILURES } = testing;
    const kit = new Kit();
    let app;

    before(async () => {
      app = await start(kit.verifier());
    });
    after(() => app.close());

    async function post({ headers, body }) {
      const res = await fetch(app.url, { method: 'POST', headers, body });
      return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
    }

    // The JSON body of a refusal; returns its message ("CODE: fixed text").
    function failMessage(res) {
      assert.match(res.contentType ?? '', /^application\/json/);
      const body = JSON.parse(res.text);
      assert.deepEqual(Object.keys(body).sort(), ['code', 'message']);
      assert.equal(body.code, 'FAIL');
      return body.message;
    }

    const paymentsOf = (outTradeNo) => app.db.payments.filter((p) => p.out_trade_no === outTradeNo);

    it('a payment is acknowledged with 204 and recorded once', async () => {
      const res = await post(kit.notification('transaction', { out_trade_no: 'T-PAID', amount: { total: 100 } }));
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      const payments = paymentsOf('T-PAID');
      assert.equal(payments.length, 1);
      assert.equal(payments[0].total, 100);
      assert.equal(payments[0].trade_state, 'SUCCESS');
    });

    it('the same callback delivered again is acknowledged, not applied twice', async () => {
      const callback = kit.notification('transaction', { out_trade_no: 'T-REPEAT' });
      assert.equal((await post(callback)).status, 204);
      assert.equal((await post(callback)).status, 204);
      assert.equal(paymentsOf('T-REPEAT').length, 1);
    });

    it('a refund is acknowledged with 204 and recorded', async () => {
      const res = await post(kit.notification('refund', { out_refund_no: 'R-1' }));
      assert.equal(res.status, 204);
      assert.equal(app.db.refunds.filter((r) => r.out_refund_no === 'R-1').length, 1);
    });

    it('a tampered body is refused with 401 SIGNATURE_MISMATCH', async () => {
      assert.equal(FAILURES.tampered_body, 'SIGNATURE_MISMATCH');
      const res = await post(kit.notification('transaction', { out_trade_no: 'T-TAMPERED' }, { failure: 'tampered_body' }));
      assert.equal(res.status, 401);
      assert.ok(failMessage(res).startsWith('SIGNATURE_MISMATCH'), res.text);
      assert.equal(paymentsOf('T-TAMPERED').length, 0);
    });

    it('a callback encrypted with another APIv3 key is refused with 500 DECRYPT_FAILED', async () => {
      // Same platform key (the signature verifies), another merchant's APIv3 key: a
      // DecryptionError, not an authenticity failure, so 500.
      const res = await post(kit.sharingKey().notification('transaction', { out_trade_no: 'T-OTHER-KEY' }));
      assert.equal(res.status, 500);
      assert.ok(failMessage(res).startsWith('DECRYPT_FAILED'), res.text);
      assert.equal(paymentsOf('T-OTHER-KEY').length, 0);
    });

    it('a body parsed and re-serialized before verification is refused with 401', async () => {
      // The signed body parsed and written out again, pretty-printed: not the bytes signed. A
      // handler verifying JSON.stringify(parsedBody) instead of the raw body fails here (204):
      // kit bodies are compact JSON, which survives JSON.parse + JSON.stringify unchanged.
      const { headers, body } = kit.notification('transaction', { out_trade_no: 'T-RESERIALIZED' });
      const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2));
      const res = await post({ headers, body: reserialized });
      assert.equal(res.status, 401);
      assert.ok(failMessage(res).startsWith('SIGNATURE_MISMATCH'), res.text);
      assert.equal(paymentsOf('T-RESERIALIZED').length, 0);
    });

    it('an unsigned callback (no Wechatpay-* headers) is refused with 401', async () => {
      const { body } = kit.notification('transaction', { out_trade_no: 'T-UNSIGNED' });
      const res = await post({ headers: { 'Content-Type': 'application/json' }, body });
      assert.equal(res.status, 401);
      assert.ok(failMessage(res).startsWith('MISSING_HEADER'), res.text);
      assert.equal(paymentsOf('T-UNSIGNED').length, 0);
    });
  });
}

module.exports = { notifySuite };
