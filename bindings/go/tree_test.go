package wechatpaynotify

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// treeWriter builds value trees (docs/c-abi.md, "Event field trees") for the reader's tests.
type treeWriter struct{ b []byte }

func (w *treeWriter) u32(n int) *treeWriter {
	w.b = binary.LittleEndian.AppendUint32(w.b, uint32(n))
	return w
}
func (w *treeWriter) obj(n int) *treeWriter { w.b = append(w.b, 'o'); return w.u32(n) }
func (w *treeWriter) arr(n int) *treeWriter { w.b = append(w.b, 'a'); return w.u32(n) }
func (w *treeWriter) key(k string) *treeWriter {
	w.u32(len(k))
	w.b = append(w.b, k...)
	return w
}
func (w *treeWriter) str(s string) *treeWriter {
	w.b = append(w.b, 's')
	w.u32(len(s))
	w.b = append(w.b, s...)
	return w
}
func (w *treeWriter) int(v int64) *treeWriter {
	w.b = append(w.b, 'i')
	w.b = binary.LittleEndian.AppendUint64(w.b, uint64(v))
	return w
}
func (w *treeWriter) float(v float64) *treeWriter {
	w.b = append(w.b, 'd')
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
	return w
}
func (w *treeWriter) null() *treeWriter { w.b = append(w.b, 'n'); return w }
func (w *treeWriter) bool(v bool) *treeWriter {
	if v {
		w.b = append(w.b, 't')
	} else {
		w.b = append(w.b, 'f')
	}
	return w
}

// unknownValues writes one member of every tag, none of which a model knows: they must be
// skipped.
func (w *treeWriter) unknownValues() *treeWriter {
	w.key("x_null").null().key("x_true").bool(true).key("x_false").bool(false)
	w.key("x_int").int(-7).key("x_float").float(1.5).key("x_str").str("新字段")
	w.key("x_arr").arr(3).int(1).arr(1).obj(1).key("k").str("v").null()
	w.key("x_obj").obj(2).key("a").arr(0).key("b").obj(1).key("c").bool(true)
	return w
}

const unknownMembers = 8

// transactionTree is the tree of a Transaction with every field, and the unknown members at
// the top level and in nested models.
func transactionTree() []byte {
	w := &treeWriter{}
	w.obj(14 + unknownMembers)
	w.key("appid").str("wxd678efh567hg6787").key("mchid").str("1230000109")
	w.unknownValues()
	w.key("out_trade_no").str("ORDER-1").key("transaction_id").str("4200000001")
	w.key("trade_type").str("JSAPI").key("trade_state").str("SUCCESS")
	w.key("trade_state_desc").str("支付成功").key("bank_type").str("CMC")
	w.key("attach").str("").key("success_time").str("2018-06-08T10:34:56+08:00")
	w.key("payer").obj(1 + unknownMembers).unknownValues().key("openid").str("oUpF8u")
	w.key("amount").obj(4).key("total").int(100).key("payer_total").int(math.MaxInt64)
	w.key("currency").str("CNY").key("payer_currency").str("CNY")
	w.key("scene_info").obj(1).key("device_id").null()
	w.key("promotion_detail").arr(2)
	w.obj(4).key("coupon_id").str("C1").key("amount").int(-1).key("name").null()
	w.key("goods_detail").arr(1).obj(5).key("goods_id").str("G").key("quantity").int(2)
	w.key("unit_price").int(3).key("discount_amount").int(4).key("goods_remark").str("r")
	w.obj(3).key("coupon_id").str("C2").key("amount").int(5).key("other_contribute").int(6)
	return w.b
}

func ptr[T any](v T) *T { return &v }

// TestTreeReader reads a tree holding every shape the models have (strings, integers, optional
// fields present, empty and null, nested models, lists of models within lists) and members of
// every tag that no model knows, which are skipped.
func TestTreeReader(t *testing.T) {
	r := newTreeReader(transactionTree(), EventTransaction)
	var got Transaction
	got.readTree(&r)
	if err := r.end(); err != nil {
		t.Fatal(err)
	}
	want := Transaction{
		AppID: "wxd678efh567hg6787", MchID: "1230000109", OutTradeNo: "ORDER-1",
		TransactionID: "4200000001", TradeType: "JSAPI", TradeState: "SUCCESS",
		TradeStateDesc: "支付成功", BankType: "CMC", Attach: ptr(""),
		SuccessTime: "2018-06-08T10:34:56+08:00", Payer: Payer{OpenID: "oUpF8u"},
		Amount:    TransactionAmount{Total: 100, PayerTotal: math.MaxInt64, Currency: "CNY", PayerCurrency: "CNY"},
		SceneInfo: &SceneInfo{},
		PromotionDetail: []PromotionDetail{
			{CouponID: "C1", Amount: -1, GoodsDetail: []PromotionGoodsDetail{
				{GoodsID: "G", Quantity: 2, UnitPrice: 3, DiscountAmount: 4, GoodsRemark: ptr("r")}}},
			{CouponID: "C2", Amount: 5, OtherContribute: ptr(int64(6))},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read\n%+v\nwant\n%+v", got, want)
	}

	// Null and absent: zero values, nil optional fields and lists; an empty list is empty, not nil.
	w := &treeWriter{}
	w.obj(4).key("appid").null().key("payer").null().key("promotion_detail").arr(0).key("attach").null()
	r = newTreeReader(w.b, EventTransaction)
	got = Transaction{}
	got.readTree(&r)
	if err := r.end(); err != nil || got.AppID != "" || got.Attach != nil || got.SceneInfo != nil ||
		got.PromotionDetail == nil || len(got.PromotionDetail) != 0 {
		t.Fatalf("%+v %v", got, err)
	}

	// Booleans (no model of the catalog has one yet).
	w = &treeWriter{}
	w.obj(0).bool(true).bool(false).null().bool(true)
	r = newTreeReader(w.b, EventTransaction)
	r.off = 5
	if b1, b2, p3, p4 := r.bool(), r.bool(), r.optBool(), r.optBool(); !b1 || b2 || p3 != nil || p4 == nil || !*p4 {
		t.Fatalf("booleans %v %v %v %v", b1, b2, p3, p4)
	}
	if err := r.end(); err != nil {
		t.Fatal(err)
	}
}

// TestTreeReaderMalformed checks that every malformed tree (cut anywhere, a wrong type, bytes
// after the root, a root that is not an object, counts beyond the buffer, unknown tags, deep
// nesting) is a CodePanic *Error naming the kind, never a panic.
func TestTreeReaderMalformed(t *testing.T) {
	good := transactionTree()
	read := func(b []byte) error {
		r := newTreeReader(b, EventTransaction)
		var m Transaction
		m.readTree(&r)
		return r.end()
	}
	expectInternal := func(what string, err error) {
		t.Helper()
		var e *Error
		if !errors.As(err, &e) || e.Code != CodePanic || !errors.Is(err, ErrPanic) ||
			e.Code.Family() != FamilyInternal || !strings.Contains(e.Message, "transaction") {
			t.Fatalf("%s: %v", what, err)
		}
	}
	for i := 0; i < len(good); i++ {
		expectInternal("cut", read(good[:i]))
	}
	expectInternal("trailing byte", read(append(append([]byte(nil), good...), 'n')))

	w := &treeWriter{}
	expectInternal("root array", read(w.arr(0).b))
	w = &treeWriter{}
	expectInternal("root null", read(w.null().b))

	w = &treeWriter{}
	w.obj(1).key("amount").obj(1).key("total").str("100")
	err := read(w.b)
	expectInternal("string for an integer", err)
	if !strings.Contains(err.Error(), `"total"`) || strings.Contains(err.Error(), "100") {
		t.Fatalf("message %q", err)
	}
	w = &treeWriter{}
	w.obj(1).key("amount").obj(1).key("Secret-Value").str("x")
	w.b[len(w.b)-6] = 'z' // a key that does not look like a field name is not shown
	err = read(w.b)
	expectInternal("key not shown", err)
	if strings.Contains(err.Error(), "Secret") {
		t.Fatalf("message %q", err)
	}
	w = &treeWriter{}
	expectInternal("integer for a string", read(w.obj(1).key("appid").int(1).b))
	w = &treeWriter{}
	expectInternal("string for a model", read(w.obj(1).key("payer").str("x").b))
	w = &treeWriter{}
	expectInternal("object for a list", read(w.obj(1).key("promotion_detail").obj(0).b))
	w = &treeWriter{}
	w.obj(1).key("appid")
	w.b = append(w.b, 'z')
	expectInternal("unknown tag", read(w.b))
	w = &treeWriter{}
	w.obj(1).key("x")
	w.b = append(w.b, 'z')
	expectInternal("unknown tag in a skipped member", read(w.b))
	w = &treeWriter{}
	w.obj(1).key("x")
	w.b = append(w.b, 0)
	expectInternal("zero tag", read(w.b))

	w = &treeWriter{}
	expectInternal("huge count", read(w.obj(1).key("promotion_detail").arr(math.MaxUint32).b))
	w = &treeWriter{}
	expectInternal("huge key length", read(w.obj(1).u32(math.MaxUint32).b))
	w = &treeWriter{}
	w.obj(1).key("appid")
	w.b = append(w.b, 's')
	expectInternal("huge string", read(w.u32(math.MaxUint32).b))

	w = &treeWriter{}
	w.obj(1).key("deep")
	for i := 0; i < 1000; i++ {
		w.arr(1)
	}
	w.null()
	expectInternal("deep nesting", read(w.b))
}

// FuzzTreeReader reads arbitrary bytes as a tree of each model that has lists and nested
// models: a malformed tree must be an error, never a panic. Run with -fuzz FuzzTreeReader;
// go test runs the seeds.
func FuzzTreeReader(f *testing.F) {
	f.Add(transactionTree())
	f.Add([]byte{'o', 0, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := newTreeReader(b, EventTransaction)
		var m Transaction
		m.readTree(&r)
		if err := r.end(); err != nil && CodeOf(err) != CodePanic {
			t.Fatal(err)
		}
		r = newTreeReader(b, EventCombineTransaction)
		var c CombineTransaction
		c.readTree(&r)
		if err := r.end(); err != nil && CodeOf(err) != CodePanic {
			t.Fatal(err)
		}
	})
}
