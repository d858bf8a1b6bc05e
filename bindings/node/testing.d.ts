// The types of `wechatpay-notify/testing`.
export { Callback, Kit, KitMerchant } from './native';
export type { NotificationOptions } from './types';

/**
 * Every failure the kit builds, by name, with the error code a verifier configured for the kit
 * refuses it with: `{ probe: 'SIGNATURE_PROBE', tampered_body: 'SIGNATURE_MISMATCH', ... }`.
 */
export declare const FAILURES: Readonly<Record<string, string>>;
