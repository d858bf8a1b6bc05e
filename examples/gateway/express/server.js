'use strict';
// A receiver of the events that `wechatpay-notify serve` forwards (docs/gateway.md), with
// Express and the official Standard Webhooks library (npm `standardwebhooks`).
//
// serve has already verified WeChat Pay's signature and decrypted the resource. What arrives
// here is a Standard Webhooks message signed with the shared forward secret, so this receiver:
//   1. verifies webhook-id, webhook-timestamp and webhook-signature over the raw body bytes
//      (express.raw, never a re-serialized JSON object) with `new Webhook(secret).verify`;
//   2. records webhook-id once, so a redelivery (serve delivers at least once) is
//      acknowledged again without being applied twice;
//   3. dispatches on the event's kind (docs/events.md);
//   4. answers 204 when the event is recorded; 400 for a request without the three headers,
//      401 for a signature or timestamp that does not verify, 500 when it could not record
//      the event. Anything but 2xx makes serve retry later.
//
// Environment: WEBHOOK_SECRET (whsec_..., the content of serve's forward_secret_file),
// PORT (default 9000; 0 picks a free port), HOST (default 127.0.0.1),
// WEBHOOK_PATH (default /wechatpay/events), DATA_DIR (default ./data).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const { Webhook, WebhookVerificationError } = require('standardwebhooks');

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('WEBHOOK_SECRET is not set (whsec_..., the content of forward_secret_file)');
  process.exit(2);
}
const webhook = new Webhook(secret.trim()); // strips "whsec_", decodes the base64
const port = Number(process.env.PORT ?? 9000);
const host = process.env.HOST ?? '127.0.0.1';
const webhookPath = process.env.WEBHOOK_PATH ?? '/wechatpay/events';
const dataDir = process.env.DATA_DIR ?? path.join(process.cwd(), 'data');

function log(fields) {
  // One JSON object per line. Never the secret, never the body.
  console.log(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}

// Idempotency on webhook-id. A file per id, created with O_EXCL ('wx'): the check and the
// record are one step, across processes too. This keeps the example free of native modules;
// an application records the id under a unique key in its database, in the same transaction
// as the event's effect (as examples/gateway/php does with SQLite).
class EventStore {
  constructor(dir) {
    this.dir = dir;
    fs.mkdirSync(path.join(dir, 'events'), { recursive: true });
  }

  file(id) {
    // Hashed: webhook-id is chosen by the sender, a file name must not be.
    return path.join(this.dir, 'events', crypto.createHash('sha256').update(id).digest('hex') + '.json');
  }

  // true the first time an id is recorded, false for a redelivery.
  recordOnce(id, event) {
    let fd;
    try {
      fd = fs.openSync(this.file(id), 'wx');
    } catch (err) {
      if (err.code === 'EEXIST') return false;
      throw err;
    }
    try {
      const record = { webhook_id: id, kind: event.kind, event_type: event.event_type, mchid: event.mchid ?? null };
      fs.writeSync(fd, JSON.stringify({ ...record, received_at: Date.now() }));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }

  forget(id) {
    fs.rmSync(this.file(id), { force: true });
  }

  append(name, record) {
    fs.appendFileSync(path.join(this.dir, name), JSON.stringify(record) + '\n');
  }
}

const store = new EventStore(dataDir);

function dispatch(id, event) {
  const r = event.resource && typeof event.resource === 'object' ? event.resource : {};
  switch (event.kind) {
    case 'transaction':
    case 'partner_transaction':
      // An application checks out_trade_no and amount.total against its order here, then
      // marks the order paid (when trade_state is SUCCESS).
      store.append('payments.jsonl', {
        webhook_id: id, out_trade_no: r.out_trade_no, transaction_id: r.transaction_id,
        trade_state: r.trade_state, amount_total: r.amount?.total,
      });
      break;
    case 'refund':
    case 'partner_refund':
      store.append('refunds.jsonl', {
        webhook_id: id, out_refund_no: r.out_refund_no, refund_id: r.refund_id,
        refund_status: r.refund_status, amount_refund: r.amount?.refund,
      });
      break;
    default:
      // Other kinds (combine_transaction, profit_sharing, transfer_bill, complaint, unknown):
      // recorded and acknowledged.
      break;
  }
}

const app = express();

// express.raw: the body as the Buffer that was signed. A JSON parser before verification
// would verify a re-serialized object and fail.
app.post(webhookPath, express.raw({ type: 'application/json', limit: '2mb' }), (req, res) => {
  const id = req.get('webhook-id');
  if (!id || !req.get('webhook-timestamp') || !req.get('webhook-signature') || !Buffer.isBuffer(req.body)) {
    log({ message: 'refused', status: 400, reason: 'missing webhook-* headers or not application/json' });
    return res.status(400).json({ error: 'missing webhook-id, webhook-timestamp or webhook-signature' });
  }

  let event;
  try {
    // Checks the timestamp (5 minutes either way) and every "v1,..." signature given.
    event = webhook.verify(req.body, req.headers);
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    log({ message: 'refused', status: 401, reason: err.message });
    return res.status(401).json({ error: err.message });
  }
  if (!event || typeof event.kind !== 'string') {
    return res.status(400).json({ error: 'body is not an event' });
  }

  try {
    if (store.recordOnce(id, event)) {
      try {
        dispatch(id, event);
      } catch (err) {
        store.forget(id); // not applied: let the redelivery apply it
        throw err;
      }
      log({ message: 'handled', webhook_id: id, kind: event.kind });
    } else {
      log({ message: 'duplicate', webhook_id: id, kind: event.kind });
    }
  } catch (err) {
    // Not recorded: 500, so serve delivers the event again later.
    log({ message: 'failed', webhook_id: id, error: String(err) });
    return res.status(500).json({ error: 'internal error' });
  }
  return res.status(204).end();
});

const server = app.listen(port, host, (err) => {
  if (err) {
    console.error(String(err));
    process.exit(1);
  }
  const { port: bound } = server.address();
  log({ message: 'listening', url: `http://${host}:${bound}${webhookPath}`, port: bound });
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
