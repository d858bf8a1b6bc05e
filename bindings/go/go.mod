module github.com/wechatpay-notify/wechatpay-notify/bindings/go

go 1.22
