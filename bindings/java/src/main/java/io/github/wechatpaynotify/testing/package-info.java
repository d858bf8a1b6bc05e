/**
 * Test a WeChat Pay callback handler without WeChat Pay: a {@link
 * io.github.wechatpaynotify.testing.Kit} acts as WeChat Pay, with throwaway TEST keys generated
 * for it, and builds callbacks ({@link io.github.wechatpaynotify.testing.TestCallback}: headers
 * and body) signed and encrypted exactly as WeChat Pay builds them, for every kind of the event
 * catalog, with any field changed, or with a {@link io.github.wechatpaynotify.testing.Failure}
 * built in; and APIv2 (XML) callbacks.
 *
 * <p>The kit is the native library's testing kit (docs/testing.md), reached through the same C
 * ABI as the rest of this binding; it ships in the same jar, so tests need no other dependency.
 */
package io.github.wechatpaynotify.testing;
