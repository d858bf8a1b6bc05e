// A WeChat Pay APIv3 notify endpoint with NestJS 11 (Express platform), in TypeScript.
//
//   npm run build
//   WECHATPAY_APIV3_KEY=... WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_... \
//   WECHATPAY_PUBLIC_KEY_FILE=pub_key.pem PORT=8000 node dist/app.js
//
// Set notify_url to https://<your host>/notify. The tests (notify.test.js) build the app with
// the testing kit's verifier instead.

import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import {
  Controller,
  type DynamicModule,
  Inject,
  Logger,
  type LoggerService,
  type LogLevel,
  Module,
  Post,
  type RawBodyRequest,
  Req,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { type Notification, type Reply, Verifier, replyFailure, replySuccess } from 'wechatpay-notify';

// Stands for the merchant's database, in memory. WeChat Pay delivers a notification again
// until it gets a 2xx within 5 seconds, so each id must be applied once: in production, insert
// n.id under a UNIQUE key in the same transaction as the notification's effect.
export class NotificationDb {
  readonly seen = new Set<string>();
  readonly payments: { id: string; out_trade_no: string; trade_state: string; total: number }[] = [];
  readonly refunds: { id: string; out_refund_no: string; refund_status: string; refund: number }[] = [];

  // Applies a verified notification unless its id was applied before (then returns false).
  apply(n: Notification): boolean {
    if (this.seen.has(n.id)) return false;
    if (n.kind === 'transaction') {
      const t = n.transaction(); // a malformed resource throws FormatError: 500, retried
      // A shop checks out_trade_no and amount.total against its order before marking it paid.
      this.payments.push({ id: n.id, out_trade_no: t.out_trade_no, trade_state: t.trade_state, total: t.amount.total });
    } else if (n.kind === 'refund') {
      const r = n.refund();
      this.refunds.push({ id: n.id, out_refund_no: r.out_refund_no, refund_status: r.refund_status, refund: r.amount.refund });
    } // other kinds: acknowledged, not processed
    this.seen.add(n.id);
    return true;
  }
}

@Controller()
class NotifyController {
  private readonly log = new Logger('WeChatPayNotify');

  constructor(
    @Inject(Verifier) private readonly verifier: Verifier,
    @Inject(NotificationDb) private readonly db: NotificationDb,
  ) {}

  @Post('notify')
  notify(@Req() req: RawBodyRequest<Request>, @Res() res: Response): void {
    let reply: Reply;
    try {
      // req.rawBody: the Buffer Nest keeps (rawBody: true) before its JSON parser makes req.body
      // an object. That object stringified again is not guaranteed to be the bytes WeChat Pay
      // signed (spacing, escapes, number forms), the most common reason a signature fails.
      // (No application/json body at all: an empty one, refused.)
      const n = this.verifier.parse(req.headers, req.rawBody ?? Buffer.alloc(0));
      if (!this.db.apply(n)) this.log.log(`notification ${n.id} was already processed`);
      reply = replySuccess(); // 204
    } catch (err) {
      this.log.warn(`refused a WeChat Pay callback: ${(err as Error).message}`);
      reply = replyFailure(err); // 401 (not proven authentic) or 500: WeChat Pay retries
    }
    res.status(reply.status).set(reply.headers).send(reply.body);
  }
}

@Module({})
export class AppModule {
  static register(verifier: Verifier, db: NotificationDb): DynamicModule {
    return {
      module: AppModule,
      controllers: [NotifyController],
      providers: [
        { provide: Verifier, useValue: verifier },
        { provide: NotificationDb, useValue: db },
      ],
    };
  }
}

export function createApp(
  verifier: Verifier,
  { db = new NotificationDb(), logger }: { db?: NotificationDb; logger?: LoggerService | LogLevel[] | false } = {},
): Promise<NestExpressApplication> {
  // rawBody: true keeps the raw bytes of JSON bodies in req.rawBody, besides the parsed req.body.
  return NestFactory.create<NestExpressApplication>(AppModule.register(verifier, db), { rawBody: true, logger });
}

if (require.main === module) {
  const verifier = new Verifier({
    apiv3Key: process.env.WECHATPAY_APIV3_KEY!,
    publicKeys: { [process.env.WECHATPAY_PUBLIC_KEY_ID!]: readFileSync(process.env.WECHATPAY_PUBLIC_KEY_FILE!) },
  });
  void createApp(verifier).then((app) => app.listen(Number(process.env.PORT ?? 8000)));
}
