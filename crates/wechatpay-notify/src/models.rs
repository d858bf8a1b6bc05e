//! Typed models of the decrypted resources WeChat Pay sends most: payment and refund results.
//!
//! Field names follow the WeChat Pay APIv3 documentation. Fields WeChat Pay may omit are
//! `Option` or default to empty, and unknown fields are ignored, so new fields never break
//! parsing. Amounts are in fen (分).

use serde::{Deserialize, Serialize};

/// Payment result for a direct merchant (直连商户), `original_type` `transaction`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Transaction {
    /// Application id (appid) the payment was made in.
    pub appid: String,
    /// Merchant id (mchid).
    pub mchid: String,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    pub transaction_id: String,
    /// `JSAPI`, `NATIVE`, `APP`, `MICROPAY`, `MWEB` or `FACEPAY`.
    pub trade_type: String,
    /// `SUCCESS`, `REFUND`, `NOTPAY`, `CLOSED`, `REVOKED`, `USERPAYING` or `PAYERROR`.
    pub trade_state: String,
    /// Human-readable trade state.
    pub trade_state_desc: String,
    /// Paying bank type, e.g. `CMC`.
    pub bank_type: String,
    /// The merchant's `attach` data, returned unchanged.
    pub attach: String,
    /// Time the payment completed (RFC 3339).
    pub success_time: String,
    /// The payer.
    pub payer: Payer,
    /// Amounts.
    pub amount: Amount,
    /// Scene information, if any.
    pub scene_info: Option<SceneInfo>,
    /// Coupons and discounts, if any.
    pub promotion_detail: Option<Vec<Promotion>>,
}

/// Payment result for a service provider (服务商) on behalf of a sub-merchant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerTransaction {
    /// Service provider's application id.
    pub sp_appid: String,
    /// Service provider's merchant id.
    pub sp_mchid: String,
    /// Sub-merchant's application id, if any.
    pub sub_appid: Option<String>,
    /// Sub-merchant's merchant id.
    pub sub_mchid: String,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    pub transaction_id: String,
    /// Trade type, as for [`Transaction::trade_type`].
    pub trade_type: String,
    /// Trade state, as for [`Transaction::trade_state`].
    pub trade_state: String,
    /// Human-readable trade state.
    pub trade_state_desc: String,
    /// Paying bank type.
    pub bank_type: String,
    /// The merchant's `attach` data.
    pub attach: String,
    /// Time the payment completed (RFC 3339).
    pub success_time: String,
    /// The payer, identified under both application ids.
    pub payer: PartnerPayer,
    /// Amounts.
    pub amount: Amount,
    /// Scene information, if any.
    pub scene_info: Option<SceneInfo>,
    /// Coupons and discounts, if any.
    pub promotion_detail: Option<Vec<Promotion>>,
}

/// The payer of a direct-merchant payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Payer {
    /// The payer's openid under `appid`.
    pub openid: String,
}

/// The payer of a partner payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerPayer {
    /// The payer's openid under `sp_appid`.
    pub sp_openid: Option<String>,
    /// The payer's openid under `sub_appid`.
    pub sub_openid: Option<String>,
}

/// Payment amounts, in fen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Amount {
    /// Order total.
    pub total: i64,
    /// What the payer paid (total less discounts).
    pub payer_total: Option<i64>,
    /// Currency, `CNY`.
    pub currency: String,
    /// Payer's currency.
    pub payer_currency: Option<String>,
}

/// Scene information of a payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SceneInfo {
    /// Merchant device id.
    pub device_id: Option<String>,
}

/// One coupon or discount applied to a payment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Promotion {
    /// Coupon id.
    pub coupon_id: String,
    /// Coupon name.
    pub name: Option<String>,
    /// `GLOBAL` or `SINGLE`.
    pub scope: Option<String>,
    /// `CASH` or `NOCASH`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Discount amount in fen.
    pub amount: i64,
    /// Activity id.
    pub stock_id: Option<String>,
}

/// Refund result, `original_type` `refund` (direct and partner).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Refund {
    /// Merchant id (direct merchants).
    pub mchid: Option<String>,
    /// Service provider's merchant id (partners).
    pub sp_mchid: Option<String>,
    /// Sub-merchant's merchant id (partners).
    pub sub_mchid: Option<String>,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    pub transaction_id: String,
    /// The merchant's refund number.
    pub out_refund_no: String,
    /// WeChat Pay's refund number.
    pub refund_id: String,
    /// `SUCCESS`, `CLOSED` or `ABNORMAL`.
    pub refund_status: String,
    /// Time the refund completed (RFC 3339).
    pub success_time: Option<String>,
    /// Where the money went, e.g. `招商银行信用卡0403`.
    pub user_received_account: String,
    /// Amounts.
    pub amount: RefundAmount,
}

/// Refund amounts, in fen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RefundAmount {
    /// Order total.
    pub total: i64,
    /// Refunded amount.
    pub refund: i64,
    /// What the payer paid.
    pub payer_total: i64,
    /// What the payer got back.
    pub payer_refund: i64,
}
