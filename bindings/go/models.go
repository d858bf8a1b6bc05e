package wechatpaynotify

// The typed resources WeChat Pay sends most, mirroring the Rust core's models. Field names
// follow the WeChat Pay APIv3 documentation; fields WeChat Pay may omit are empty (or nil)
// when absent, and unknown fields are ignored, so new fields never break decoding. Amounts are
// in fen (分).

// Transaction is a payment result for a direct merchant (直连商户): the resource of
// TRANSACTION.* notifications, original_type "transaction".
type Transaction struct {
	// AppID is the application id (appid) the payment was made in.
	AppID string `json:"appid"`
	// MchID is the merchant id (mchid).
	MchID string `json:"mchid"`
	// OutTradeNo is the merchant's order number.
	OutTradeNo string `json:"out_trade_no"`
	// TransactionID is WeChat Pay's order number.
	TransactionID string `json:"transaction_id"`
	// TradeType is JSAPI, NATIVE, APP, MICROPAY, MWEB or FACEPAY.
	TradeType string `json:"trade_type"`
	// TradeState is SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING or PAYERROR.
	TradeState string `json:"trade_state"`
	// TradeStateDesc is the human-readable trade state.
	TradeStateDesc string `json:"trade_state_desc"`
	// BankType is the paying bank type, e.g. CMC.
	BankType string `json:"bank_type"`
	// Attach is the merchant's attach data, returned unchanged.
	Attach string `json:"attach"`
	// SuccessTime is the time the payment completed (RFC 3339).
	SuccessTime string `json:"success_time"`
	// Payer is the payer.
	Payer Payer `json:"payer"`
	// Amount holds the amounts.
	Amount Amount `json:"amount"`
	// SceneInfo is the scene information, nil when absent.
	SceneInfo *SceneInfo `json:"scene_info,omitempty"`
	// PromotionDetail lists coupons and discounts, nil when absent.
	PromotionDetail []Promotion `json:"promotion_detail,omitempty"`
}

// PartnerTransaction is a payment result for a service provider (服务商) on behalf of a
// sub-merchant.
type PartnerTransaction struct {
	// SpAppID is the service provider's application id.
	SpAppID string `json:"sp_appid"`
	// SpMchID is the service provider's merchant id.
	SpMchID string `json:"sp_mchid"`
	// SubAppID is the sub-merchant's application id, empty when absent.
	SubAppID string `json:"sub_appid,omitempty"`
	// SubMchID is the sub-merchant's merchant id.
	SubMchID string `json:"sub_mchid"`
	// OutTradeNo is the merchant's order number.
	OutTradeNo string `json:"out_trade_no"`
	// TransactionID is WeChat Pay's order number.
	TransactionID string `json:"transaction_id"`
	// TradeType is the trade type, as for [Transaction].
	TradeType string `json:"trade_type"`
	// TradeState is the trade state, as for [Transaction].
	TradeState string `json:"trade_state"`
	// TradeStateDesc is the human-readable trade state.
	TradeStateDesc string `json:"trade_state_desc"`
	// BankType is the paying bank type.
	BankType string `json:"bank_type"`
	// Attach is the merchant's attach data.
	Attach string `json:"attach"`
	// SuccessTime is the time the payment completed (RFC 3339).
	SuccessTime string `json:"success_time"`
	// Payer is the payer, identified under both application ids.
	Payer PartnerPayer `json:"payer"`
	// Amount holds the amounts.
	Amount Amount `json:"amount"`
	// SceneInfo is the scene information, nil when absent.
	SceneInfo *SceneInfo `json:"scene_info,omitempty"`
	// PromotionDetail lists coupons and discounts, nil when absent.
	PromotionDetail []Promotion `json:"promotion_detail,omitempty"`
}

// Payer is the payer of a direct-merchant payment.
type Payer struct {
	// OpenID is the payer's openid under the payment's appid.
	OpenID string `json:"openid"`
}

// PartnerPayer is the payer of a partner payment.
type PartnerPayer struct {
	// SpOpenID is the payer's openid under sp_appid, empty when absent.
	SpOpenID string `json:"sp_openid,omitempty"`
	// SubOpenID is the payer's openid under sub_appid, empty when absent.
	SubOpenID string `json:"sub_openid,omitempty"`
}

// Amount holds payment amounts, in fen.
type Amount struct {
	// Total is the order total.
	Total int64 `json:"total"`
	// PayerTotal is what the payer paid (total less discounts), nil when absent.
	PayerTotal *int64 `json:"payer_total,omitempty"`
	// Currency is the currency, CNY.
	Currency string `json:"currency"`
	// PayerCurrency is the payer's currency, empty when absent.
	PayerCurrency string `json:"payer_currency,omitempty"`
}

// SceneInfo is the scene information of a payment.
type SceneInfo struct {
	// DeviceID is the merchant's device id, empty when absent.
	DeviceID string `json:"device_id,omitempty"`
}

// Promotion is one coupon or discount applied to a payment.
type Promotion struct {
	// CouponID is the coupon id.
	CouponID string `json:"coupon_id"`
	// Name is the coupon name, empty when absent.
	Name string `json:"name,omitempty"`
	// Scope is GLOBAL or SINGLE, empty when absent.
	Scope string `json:"scope,omitempty"`
	// Type is CASH or NOCASH, empty when absent.
	Type string `json:"type,omitempty"`
	// Amount is the discount amount in fen.
	Amount int64 `json:"amount"`
	// StockID is the activity id, empty when absent.
	StockID string `json:"stock_id,omitempty"`
}

// Refund is a refund result (direct and partner): the resource of REFUND.* notifications,
// original_type "refund".
type Refund struct {
	// MchID is the merchant id (direct merchants), empty when absent.
	MchID string `json:"mchid,omitempty"`
	// SpMchID is the service provider's merchant id (partners), empty when absent.
	SpMchID string `json:"sp_mchid,omitempty"`
	// SubMchID is the sub-merchant's merchant id (partners), empty when absent.
	SubMchID string `json:"sub_mchid,omitempty"`
	// OutTradeNo is the merchant's order number.
	OutTradeNo string `json:"out_trade_no"`
	// TransactionID is WeChat Pay's order number.
	TransactionID string `json:"transaction_id"`
	// OutRefundNo is the merchant's refund number.
	OutRefundNo string `json:"out_refund_no"`
	// RefundID is WeChat Pay's refund number.
	RefundID string `json:"refund_id"`
	// RefundStatus is SUCCESS, CLOSED or ABNORMAL.
	RefundStatus string `json:"refund_status"`
	// SuccessTime is the time the refund completed (RFC 3339), empty when absent.
	SuccessTime string `json:"success_time,omitempty"`
	// UserReceivedAccount is where the money went, e.g. 招商银行信用卡0403.
	UserReceivedAccount string `json:"user_received_account"`
	// Amount holds the amounts.
	Amount RefundAmount `json:"amount"`
}

// RefundAmount holds refund amounts, in fen.
type RefundAmount struct {
	// Total is the order total.
	Total int64 `json:"total"`
	// Refund is the refunded amount.
	Refund int64 `json:"refund"`
	// PayerTotal is what the payer paid.
	PayerTotal int64 `json:"payer_total"`
	// PayerRefund is what the payer got back.
	PayerRefund int64 `json:"payer_refund"`
}
