/**
 * Verify, decrypt and explain WeChat Pay callbacks (回调通知): the Java binding of wechatpay-notify.
 *
 * <p>Start with {@link io.github.wechatpaynotify.Verifier} for APIv3 (JSON) callbacks and
 * {@link io.github.wechatpaynotify.V2Verifier} for APIv2 (XML) ones; answer WeChat Pay with a
 * {@link io.github.wechatpaynotify.Reply}. Every refusal is a {@link
 * io.github.wechatpaynotify.NotificationException} whose {@link
 * io.github.wechatpaynotify.ErrorCode} is the same string in every language of the project.
 * The work is done by the native wechatpay-notify library, called through JNA.
 *
 * <p>A verified {@link io.github.wechatpaynotify.Notification} tells its catalog kind ({@link
 * io.github.wechatpaynotify.Notification#kind()}) and gives its resource typed, as a class of
 * {@link io.github.wechatpaynotify.events}, through the kind's accessor ({@link
 * io.github.wechatpaynotify.Notification#transaction()}, ...); docs/events.md lists the kinds.
 *
 * <p>When a callback is refused and the reason is not obvious, {@link
 * io.github.wechatpaynotify.Verifier#diagnose(java.util.Map, byte[])} gives a {@link
 * io.github.wechatpaynotify.Diagnosis}: every check and its outcome, the verdict {@code parse}
 * gives, and the signs of a body re-serialized before it was verified.
 *
 * <p>One verifier can serve many merchants behind one {@code notify_url}: add each as a {@link
 * io.github.wechatpaynotify.Merchant}, and {@link io.github.wechatpaynotify.Notification#mchid()}
 * names the merchant of each callback (docs/merchants.md).
 *
 * <p>The repository's docs are the reference: docs/protocol.md (the APIv3 checks, in order,
 * steps 0-15), docs/errors.md (the codes and their families), docs/events.md (the callback
 * kinds and how they are recognised), docs/replies.md (replies and WeChat Pay's retries),
 * docs/merchants.md (many merchants), docs/apiv2.md (the APIv2 rules) and docs/c-abi.md (the C ABI this binding calls).
 */
package io.github.wechatpaynotify;
