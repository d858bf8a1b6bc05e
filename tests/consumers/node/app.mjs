// The consumer's Express app as an ES module: the same checks through the package's ESM entry
// points (run.sh runs it; it exits non-zero on any failure).
import assert from 'node:assert/strict';
import express from 'express';
import { Verifier, replyFailure, replySuccess, NotificationError, KINDS } from 'wechatpay-notify';
import wechatpayNotify from 'wechatpay-notify';
import { Kit, FAILURES } from 'wechatpay-notify/testing';

assert.equal(Verifier, wechatpayNotify.Verifier);
assert.ok(KINDS.includes('refund') && FAILURES.tampered_body === 'SIGNATURE_MISMATCH');
const kit = new Kit();
const verifier = kit.verifier();
const refunds = [];
const app = express();
app.post('/notify', express.raw({ type: 'application/json' }), async (req, res) => {
  let reply;
  try {
    const n = await verifier.parseAsync(req.headers, req.body);
    refunds.push(n.refund().out_refund_no);
    reply = replySuccess();
  } catch (err) {
    assert.ok(err instanceof NotificationError, `unexpected ${err}`);
    reply = replyFailure(err);
  }
  res.status(reply.status).set(reply.headers).send(reply.body);
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${server.address().port}/notify`;
try {
  const ok = kit.notification('refund', { out_refund_no: 'ESM-1' });
  assert.equal((await fetch(url, { method: 'POST', headers: ok.headers, body: ok.body })).status, 204);
  assert.deepEqual(refunds, ['ESM-1']);
  const bad = kit.notification('refund', {}, { failure: 'tampered_body' });
  assert.equal((await fetch(url, { method: 'POST', headers: bad.headers, body: bad.body })).status, 401);
  assert.deepEqual(refunds, ['ESM-1']);
} finally {
  server.close();
}
console.log('node consumer (ESM, express, parseAsync): 204 and 401 over HTTP');
