module github.com/wechatpay-notify/wechatpay-notify/bindings/go/bench

go 1.22

require (
	github.com/wechatpay-apiv3/wechatpay-go v0.2.21
	github.com/wechatpay-notify/wechatpay-notify/bindings/go v0.0.0
)

replace github.com/wechatpay-notify/wechatpay-notify/bindings/go => ../
