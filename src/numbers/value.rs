//! A decimal number as it is written (its digits and the place of its last digit) and the rule
//! that says whether a number quoted in prose agrees with a printed one: the quote is the
//! printed number rounded or cut to the quote's own last digit, signs aside.

/// A number's magnitude as written: `digits × 10^exponent`, where the exponent is the place of
/// the last digit written, so `0.150` is 150 × 10⁻³ and keeps its precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    /// The digits, without the decimal point.
    pub(crate) digits: u128,
    /// The power of ten of the last digit.
    pub(crate) exponent: i32,
}

/// Most decimal digits kept of a number; further ones are dropped (cut), which no quote in
/// prose can tell apart.
const MAX_DIGITS: usize = 36;

impl Decimal {
    /// Parses the unsigned number `text`: digits with an optional fraction (`12`, `0.1497`,
    /// `.5`, `3.`) and an optional exponent (`2.4e-7`, `1E+3`). `None` for anything else.
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let power = &text[at + 1..];
                let power = power.strip_prefix('+').unwrap_or(power);
                if power.is_empty() || power.len() > 4 {
                    return None;
                }
                (&text[..at], power.parse::<i32>().ok()?)
            }
            None => (text, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let all: String = whole.chars().chain(fraction.chars()).collect();
        let significant = all.trim_start_matches('0');
        let mut exponent = exponent - fraction.len() as i32;
        let kept = if significant.len() > MAX_DIGITS {
            exponent += (significant.len() - MAX_DIGITS) as i32;
            &significant[..MAX_DIGITS]
        } else {
            significant
        };
        let digits = if kept.is_empty() {
            0
        } else {
            kept.parse().ok()?
        };
        Some(Decimal { digits, exponent })
    }

    /// The same number written with `extra` more places after the point (`94.5` as a share:
    /// `0.945` is `shifted(-2)`).
    pub(crate) fn scaled(self, power: i32) -> Decimal {
        Decimal {
            digits: self.digits,
            exponent: self.exponent + power,
        }
    }

    /// The value, for distances between numbers in messages.
    pub(crate) fn value(self) -> f64 {
        self.digits as f64 * 10f64.powi(self.exponent)
    }

    /// Whether this quote agrees with `printed`: the printed number rounded (half up) or cut to
    /// the quote's last digit gives the quote's digits. A quote more precise than the printed
    /// number agrees only when the extra digits are zeros (`0.250` and `0.25`).
    pub(crate) fn quotes(self, printed: Decimal) -> bool {
        if printed.exponent >= self.exponent {
            let Some(scale) = pow10((printed.exponent - self.exponent) as u32) else {
                return self.digits == 0 && printed.digits == 0;
            };
            return printed.digits.checked_mul(scale) == Some(self.digits);
        }
        let Some(unit) = pow10((self.exponent - printed.exponent) as u32) else {
            // The printed number is below half a unit of the quote's last place.
            return self.digits == 0;
        };
        let cut = printed.digits / unit;
        let rest = printed.digits % unit;
        let rounded = if rest >= unit - rest { cut + 1 } else { cut };
        self.digits == cut || self.digits == rounded
    }

    /// The same number with trailing zeros dropped, so that `0.10` and `0.1` compare equal.
    pub(crate) fn normalized(self) -> Decimal {
        let mut normal = self;
        if normal.digits == 0 {
            return Decimal {
                digits: 0,
                exponent: 0,
            };
        }
        while normal.digits.is_multiple_of(10) {
            normal.digits /= 10;
            normal.exponent += 1;
        }
        normal
    }
}

fn pow10(power: u32) -> Option<u128> {
    10u128.checked_pow(power)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn numbers_keep_the_place_of_their_last_digit() {
        assert_eq!(
            d("0.1497"),
            Decimal {
                digits: 1497,
                exponent: -4
            }
        );
        assert_eq!(
            d("0.150"),
            Decimal {
                digits: 150,
                exponent: -3
            }
        );
        assert_eq!(
            d("2.4e-7"),
            Decimal {
                digits: 24,
                exponent: -8
            }
        );
        assert_eq!(
            d("1E+3"),
            Decimal {
                digits: 1,
                exponent: 3
            }
        );
        assert_eq!(d(".5"), d("0.5"));
        for bad in ["", ".", "1.2.3", "1e", "e5", "1x", "1e-", "1,5", "1e99999"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_quote_is_a_rounding_or_a_cut_of_the_printed_number() {
        let agrees = |quote: &str, printed: &str| d(quote).quotes(d(printed));
        // Exactly as printed, in another notation, or with trailing zeros.
        assert!(agrees("0.1497", "0.1497"));
        assert!(agrees("0.1497", "0.149700"));
        assert!(agrees("0.1497", "1.497e-1"));
        assert!(agrees("2.4e-7", "0.00000024"));
        assert!(agrees("0.250", "0.25"));
        // Rounded or cut to fewer digits.
        assert!(agrees("0.1497", "0.14972"));
        assert!(agrees("0.150", "0.14972"));
        assert!(agrees("0.15", "0.14972"));
        assert!(agrees("0.1497", "0.14978"), "a cut");
        assert!(agrees("0.1498", "0.14978"), "a rounding");
        assert!(agrees("0.25", "0.245"), "half rounds up");
        assert!(agrees("1.9e-6", "1.87e-6"));
        assert!(agrees("6.9107", "6.910718"));
        // Not the same number.
        assert!(!agrees("0.1497", "0.1502"));
        assert!(!agrees("0.1497", "0.1496"));
        assert!(
            !agrees("0.14972", "0.1497"),
            "more precise than what was printed"
        );
        assert!(!agrees("0.2274", "0.23"));
        assert!(!agrees("1.5", "15"));
        assert!(!agrees("0.1", "0.01"));
        // Tiny numbers and zeros.
        assert!(agrees("0.0000", "0.00001"));
        assert!(!agrees("0.0001", "0.00000"));
        assert!(agrees("0.0", "1e-30"));
    }

    #[test]
    fn shares_and_normal_forms() {
        assert!(d("94.5").scaled(-2).quotes(d("0.945")));
        assert!(d("94.5").scaled(-2).quotes(d("0.94512")));
        assert_eq!(d("0.10").normalized(), d("0.1").normalized());
        assert_eq!(d("1e-4").normalized(), d("0.0001").normalized());
        assert_eq!(d("0.000").normalized(), d("0").normalized());
        assert!((d("2.4e-7").value() - 2.4e-7).abs() < 1e-20);
    }
}
