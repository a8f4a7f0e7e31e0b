//! Charts drawn on the server as SVG: no chart library, no JavaScript, a few hundred bytes each, readable at
//! 360 px and on paper. Colours come from the stylesheet (`.c-a`, `.c-b`), so dark mode and print work.
//! Every chart is an image with a title and a one-line description; the table next to it carries the data.

use crate::html::Html;
use crate::text::escape_html as esc;

const W: f64 = 320.0;

/// Horizontal bars of percentages (0–100), one per labelled line: label above, bar, value at the end.
pub fn percent_bars(id: &str, title: &str, desc: &str, lines: &[(String, f64)]) -> Html {
    let id = esc(id);
    let row = 34.0;
    let h = (lines.len() as f64 * row).max(row);
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
    for (i, (label, pct)) in lines.iter().enumerate() {
        let y = i as f64 * row;
        let pct = pct.clamp(0.0, 100.0);
        let bar = (W - 48.0) * pct / 100.0;
        let label: String = label.chars().take(48).collect();
        out.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\" class=\"c-label\">{}</text>\
             <rect x=\"0\" y=\"{:.0}\" width=\"{:.1}\" height=\"12\" class=\"c-track\"/>\
             <rect x=\"0\" y=\"{:.0}\" width=\"{:.1}\" height=\"12\" class=\"c-a\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\" class=\"c-value\">{:.0}%</text>",
            y + 12.0,
            esc(&label),
            y + 17.0,
            W - 48.0,
            y + 17.0,
            bar,
            W - 44.0,
            y + 27.0,
            pct
        ));
    }
    out.push_str("</svg>");
    Html::from_chart(out)
}

/// Two series per month (enrolments and completions) as paired columns, with the largest value marked on
/// the axis and every few months labelled `MM/YY`.
pub fn monthly_columns(id: &str, title: &str, desc: &str, months: &[(String, i64, i64)]) -> Html {
    let id = esc(id);
    let (h, top, base) = (170.0, 14.0, 146.0);
    let max = months.iter().map(|m| m.1.max(m.2)).max().unwrap_or(0).max(1);
    let n = months.len().max(1) as f64;
    let left = 34.0;
    let slot = (W - left) / n;
    let bar = (slot * 0.4).max(1.0);
    let every = (months.len() / 6).max(1);
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>\
         <text x=\"0\" y=\"{top}\" class=\"c-axis\">{max}</text><text x=\"0\" y=\"{base}\" class=\"c-axis\">0</text>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{W}\" y2=\"{base}\" class=\"c-rule\"/>",
        esc(title),
        esc(desc)
    );
    for (i, (month, a, b)) in months.iter().enumerate() {
        let x = left + i as f64 * slot;
        let ha = (base - top) * (*a as f64) / max as f64;
        let hb = (base - top) * (*b as f64) / max as f64;
        out.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{ha:.1}\" class=\"c-a\"/>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{hb:.1}\" class=\"c-b\"/>",
            x,
            base - ha,
            x + bar,
            base - hb
        ));
        if i % every == 0 {
            let label = esc(&month.get(5..7).zip(month.get(2..4)).map(|(m, y)| format!("{m}/{y}")).unwrap_or_default());
            out.push_str(&format!("<text x=\"{:.1}\" y=\"{}\" class=\"c-axis\">{label}</text>", x, base + 16.0));
        }
    }
    out.push_str("</svg>");
    Html::from_chart(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_percentage_and_escape_labels() {
        let svg = percent_bars("x", "Tỉ lệ", "mô tả", &[("A <b>".into(), 50.0), ("B".into(), 100.0)]).into_inner_html();
        assert!(svg.contains("A &lt;b&gt;"), "{svg}");
        assert!(svg.contains("width=\"136.0\" height=\"12\" class=\"c-a\""), "{svg}");
        assert!(svg.contains("width=\"272.0\" height=\"12\" class=\"c-a\""), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(">50%<") && svg.contains(">100%<"));
    }

    #[test]
    fn columns_are_as_tall_as_their_share_of_the_largest_month() {
        let svg = monthly_columns("m", "t", "d", &[("2026-01".into(), 10, 5), ("2026-02".into(), 0, 0)]).into_inner_html();
        assert!(svg.contains("height=\"132.0\" class=\"c-a\""), "{svg}");
        assert!(svg.contains("height=\"66.0\" class=\"c-b\""), "{svg}");
        assert!(svg.contains(">01/26<"));
        assert!(svg.contains(">10<"), "axis marks the largest value");
    }
}
