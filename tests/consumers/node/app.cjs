'use strict';
// The consumer's Express app, CommonJS: a notify endpoint on the installed package, checked over
// real HTTP with the installed testing kit (run.sh runs it; it exits non-zero on any failure).
const assert = require('node:assert/strict');
const express = require('express');
const { Verifier, replyFailure, replySuccess, SignatureError, BACKEND, version } = require('wechatpay-notify');
const { Kit } = require('wechatpay-notify/testing');

async function main() {
  const kit = new Kit();
  // Configured as a merchant would be: the APIv3 key and the public key under its id.
  const verifier = new Verifier({ apiv3Key: kit.apiv3Key, publicKeys: { [kit.keyId]: kit.publicKeyPem } });
  const paid = new Set();
  const app = express();
  app.post('/notify', express.raw({ type: 'application/json' }), (req, res) => {
    let reply;
    try {
      const n = verifier.parse(req.headers, req.body);
      paid.add(n.transaction().out_trade_no);
      reply = replySuccess();
    } catch (err) {
      assert.ok(err instanceof SignatureError, `unexpected ${err}`);
      reply = replyFailure(err);
    }
    res.status(reply.status).set(reply.headers).send(reply.body);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${server.address().port}/notify`;
  try {
    const ok = kit.notification('transaction', { out_trade_no: 'CJS-1' });
    const accepted = await fetch(url, { method: 'POST', headers: ok.headers, body: ok.body });
    assert.equal(accepted.status, 204);
    assert.ok(paid.has('CJS-1'));
    const bad = kit.notification('transaction', { out_trade_no: 'CJS-2' }, { failure: 'tampered_body' });
    const refused = await fetch(url, { method: 'POST', headers: bad.headers, body: bad.body });
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).message, /^SIGNATURE_MISMATCH: /);
    assert.ok(!paid.has('CJS-2'));
  } finally {
    server.close();
  }
  console.log(`node consumer (CommonJS, express): 204 and 401 over HTTP, ${BACKEND} ${version}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
