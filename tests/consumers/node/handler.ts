// A typed notify handler, type-checked against the installed package's declarations by
// `tsc --noEmit --strict` (run.sh): the API, the error classes and the event models.
import express, { type Request, type Response } from 'express';
import {
  Verifier,
  replyFailure,
  replySuccess,
  SignatureError,
  type Notification,
  type Reply,
  type events,
} from 'wechatpay-notify';
import { Kit, type Callback } from 'wechatpay-notify/testing';

const verifier: Verifier = new Verifier({
  apiv3Key: Buffer.alloc(32, 'k'),
  publicKeys: { PUB_KEY_ID_0000: '-----BEGIN PUBLIC KEY-----...' },
  maxClockSkew: 300,
});

function record(n: Notification): void {
  switch (n.kind) {
    case 'transaction': {
      const t: events.Transaction = n.transaction();
      const total: number = t.amount.total;
      const outTradeNo: string = t.out_trade_no;
      console.log(outTradeNo, total, n.id, n.mchid ?? 'single merchant');
      break;
    }
    case 'refund': {
      const r: events.Refund = n.refund();
      console.log(r.out_refund_no, r.amount.refund);
      break;
    }
    default:
      break;
  }
}

export const app = express();
app.post('/notify', express.raw({ type: 'application/json' }), (req: Request, res: Response) => {
  let reply: Reply;
  try {
    record(verifier.parse(req.headers, req.body as Buffer));
    reply = replySuccess();
  } catch (err: unknown) {
    if (err instanceof SignatureError) console.warn(err.code, err.message);
    reply = replyFailure(err);
  }
  res.status(reply.status).set(reply.headers).send(reply.body);
});

export async function later(headers: Headers, body: Uint8Array): Promise<string> {
  const n: Notification = await verifier.parseAsync(headers, body, { now: new Date() });
  return n.eventType;
}

export const sample: Callback = new Kit().notification('transaction', { amount: { total: 1 } });
