//! sRGB colours to and from Oklab (Björn Ottosson's perceptual colour space, whose lightness
//! `L` runs from 0 for black to 1 for white), for moving a colour's lightness while keeping its
//! hue; colours that fall outside sRGB lose chroma until they fit.

/// A colour in Oklab: lightness and two opponent axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Lab {
    pub(super) l: f64,
    pub(super) a: f64,
    pub(super) b: f64,
}

/// An 8-bit sRGB colour in Oklab.
pub(super) fn from_srgb(rgb: [u8; 3]) -> Lab {
    let [r, g, b] = rgb.map(|c| linear(f64::from(c) / 255.0));
    let l = (0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b).cbrt();
    let m = (0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b).cbrt();
    let s = (0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b).cbrt();
    Lab {
        l: 0.210_454_255_3 * l + 0.793_617_785_0 * m - 0.004_072_046_8 * s,
        a: 1.977_998_495_1 * l - 2.428_592_205_0 * m + 0.450_593_709_9 * s,
        b: 0.025_904_037_1 * l + 0.782_771_766_2 * m - 0.808_675_766_0 * s,
    }
}

/// The 8-bit sRGB colour nearest to `lab` with its lightness and hue: when `lab` lies outside
/// sRGB its chroma is reduced (by bisection) until it fits.
pub(super) fn to_srgb(lab: Lab) -> [u8; 3] {
    let fits = |k: f64| {
        let rgb = linear_rgb(lab.l, lab.a * k, lab.b * k);
        rgb.iter().all(|c| (-1e-9..=1.0 + 1e-9).contains(c))
    };
    let k = if fits(1.0) {
        1.0
    } else {
        let (mut low, mut high) = (0.0, 1.0);
        for _ in 0..32 {
            let mid = (low + high) / 2.0;
            if fits(mid) {
                low = mid;
            } else {
                high = mid;
            }
        }
        low
    };
    linear_rgb(lab.l, lab.a * k, lab.b * k)
        .map(|c| (gamma(c.clamp(0.0, 1.0)) * 255.0).round() as u8)
}

fn linear_rgb(l: f64, a: f64, b: f64) -> [f64; 3] {
    let l_ = (l + 0.396_337_777_4 * a + 0.215_803_757_3 * b).powi(3);
    let m_ = (l - 0.105_561_345_8 * a - 0.063_854_172_8 * b).powi(3);
    let s_ = (l - 0.089_484_177_5 * a - 1.291_485_548_0 * b).powi(3);
    [
        4.076_741_662_1 * l_ - 3.307_711_591_3 * m_ + 0.230_969_929_2 * s_,
        -1.268_438_004_6 * l_ + 2.609_757_401_1 * m_ - 0.341_319_396_5 * s_,
        -0.004_196_086_3 * l_ - 0.703_418_614_7 * m_ + 1.707_614_701_0 * s_,
    ]
}

/// sRGB's transfer function, undone.
fn linear(c: f64) -> f64 {
    if c <= 0.040_45 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// sRGB's transfer function.
fn gamma(c: f64) -> f64 {
    if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_and_black_are_the_ends_of_lightness() {
        let white = from_srgb([255, 255, 255]);
        assert!((white.l - 1.0).abs() < 1e-4 && white.a.abs() < 1e-4 && white.b.abs() < 1e-4);
        assert!(from_srgb([0, 0, 0]).l.abs() < 1e-9);
    }

    #[test]
    fn colours_survive_the_round_trip() {
        for rgb in [
            [0x1f, 0x77, 0xb4],
            [0xd6, 0x27, 0x28],
            [0xf4, 0xc2, 0xc2],
            [0, 255, 0],
        ] {
            assert_eq!(to_srgb(from_srgb(rgb)), rgb);
        }
    }

    #[test]
    fn colours_outside_srgb_keep_their_lightness_and_lose_chroma() {
        let mut green = from_srgb([0, 255, 0]);
        green.l = 0.3;
        let fitted = to_srgb(green);
        let back = from_srgb(fitted);
        assert!((back.l - 0.3).abs() < 0.01, "{fitted:?} {back:?}");
        assert!(
            fitted[1] > fitted[0] && fitted[1] > fitted[2],
            "still green: {fitted:?}"
        );
    }
}
