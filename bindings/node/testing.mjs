// The ES module entry point of wechatpay-notify/testing (the same objects as testing.js).
import testing from './testing.js';

export const { Kit, FAILURES } = testing;
export default testing;
