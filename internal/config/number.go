package config

import (
	"strconv"
	"strings"
)

// maxUintDigits is the number of decimal digits of the largest uint64.
const maxUintDigits = 20

// uint64Value reads a JSON number literal as a non-negative integer.
// Falco's YAML conversion turns integers beyond int32 into doubles, which
// nlohmann prints as 3600000.0 or 1e+20, so any literal whose exact value
// is a whole number is accepted: 7, 7.0, 3.6e6, 2.7183e4. Fractions
// (1.5, but also 0.99999999999999999999, which a float64 would round to
// 1), negatives and values of 2^64 or more are refused. The literal is
// read as an exact decimal, never through float64.
func uint64Value(lit string) (uint64, bool) {
	v, r := decimalUint(lit)
	return v, r == intOK
}

// tooLarge reports whether the literal is a whole number of 2^64 or
// more, such as 1e20 or 1e400.
func tooLarge(lit string) bool {
	_, r := decimalUint(lit)
	return r == intTooLarge
}

// intResult classifies a number literal for decimalUint.
type intResult uint8

const (
	intOK       intResult = iota // a whole number in [0, 2^64)
	intTooLarge                  // a whole number of 2^64 or more
	intInvalid                   // negative, fractional, or not a number
)

// decimalUint reads a JSON number literal exactly. It works on the digits:
// the literal is 0.DDD × 10^point, and it is whole when point covers every
// significant digit.
func decimalUint(lit string) (uint64, intResult) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")

	mant, exp, err := splitExponent(lit)
	if err != nil {
		return 0, intInvalid
	}
	whole, frac, dot := strings.Cut(mant, ".")
	if !isDigits(whole) || (dot && !isDigits(frac)) {
		return 0, intInvalid
	}

	digits := whole + frac
	point := int64(len(whole)) + exp
	trimmed := strings.TrimLeft(digits, "0")
	point -= int64(len(digits) - len(trimmed))
	digits = strings.TrimRight(trimmed, "0")

	switch {
	case digits == "":
		return 0, intOK // zero, including -0 and 0.0e9
	case neg || point < int64(len(digits)):
		return 0, intInvalid
	case point > maxUintDigits:
		return 0, intTooLarge
	}

	v, err := strconv.ParseUint(digits+strings.Repeat("0", int(point)-len(digits)), 10, 64)
	if err != nil {
		return 0, intTooLarge
	}
	return v, intOK
}

// maxExponent bounds the exponents decimalUint handles; beyond it a
// number is certainly fractional (or zero) or certainly too large, and
// clamping keeps the arithmetic far from overflow.
const maxExponent = 1 << 40

// splitExponent splits "12.5e-3" into "12.5" and -3. A huge exponent is
// clamped to ±maxExponent.
func splitExponent(lit string) (string, int64, error) {
	i := strings.IndexAny(lit, "eE")
	if i < 0 {
		return lit, 0, nil
	}

	es := strings.TrimPrefix(lit[i+1:], "+")
	exp, err := strconv.ParseInt(es, 10, 64)
	if err != nil {
		ne, ok := err.(*strconv.NumError)
		if !ok || ne.Err != strconv.ErrRange {
			return "", 0, err
		}
		exp = maxExponent // ParseInt saturates: keep its sign
		if strings.HasPrefix(es, "-") {
			exp = -maxExponent
		}
	}
	return lit[:i], max(-maxExponent, min(exp, maxExponent)), nil
}
