//! The chart: REGISTERs per second at each site over the run, as SVG.

use std::fmt::Write;

use continuity_core::Millis;

use crate::report::Report;
use crate::text::clock;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 56.0;

/// The lost site's colour, the other site's, and the capacity line's.
const COLOURS: [&str; 2] = ["#1f6feb", "#d9730d"];
const CAPACITY: &str = "#b3261e";

/// Text safe inside SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round step for about `target` ticks over `0..max`.
fn step(max: f64, target: f64) -> f64 {
    let raw = (max / target).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// The time axis' step in seconds: whole minutes when the run is long.
fn time_step(seconds: f64) -> f64 {
    [
        10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21_600.0,
        43_200.0, 86_400.0,
    ]
    .into_iter()
    .find(|s| seconds / s <= 12.0)
    .unwrap_or(86_400.0)
}

/// The chart of a report: REGISTER requests per second at each site over
/// the whole run, the loss and the return marked, and — when the report
/// has a capacity plan — the registrar capacity as a line. A standalone
/// SVG document (960 × 440), every mark with a `<title>`.
pub fn svg(report: &Report) -> String {
    let seconds = report.until_ms.div_ceil(1000).max(1) as f64;
    let capacity = report.capacity.as_ref().map(|c| c.registers_per_second);
    let peak = report
        .sites
        .iter()
        .map(|s| s.registers.peak.count)
        .max()
        .unwrap_or(0);
    let top = f64::from(peak.max(capacity.unwrap_or(0)).max(1)) * 1.1;
    let y_step = step(top, 5.0);
    let y_max = (top / y_step).ceil() * y_step;
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |s: f64| LEFT + s / seconds * plot_w;
    let y = |v: f64| TOP + plot_h - v / y_max * plot_h;

    let mut out = String::new();
    let lost = escape(&report.sites[0].site);
    let back = match report.return_at_ms {
        Some(at) => format!(", back at {}", clock(at)),
        None => String::new(),
    };
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13" role="img" aria-labelledby="fleet-chart-title">"#
    );
    let _ = write!(
        out,
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/><title id="fleet-chart-title">REGISTERs per second at each site</title>"##
    );
    let _ = write!(
        out,
        r##"<text x="{LEFT}" y="24" font-size="16" font-weight="600" fill="#1b1f24">REGISTERs per second at each site</text><text x="{LEFT}" y="44" fill="#57606a">{} desktops · {lost} lost at {}{back} · failover spread {} s, restore spread {} s</text>"##,
        report.desktops,
        clock(report.loss_at_ms),
        report.failover_spread_ms / 1000,
        report.restore_spread_ms / 1000,
    );
    // Horizontal grid and the REGISTERs/s axis.
    let mut v = 0.0;
    while v <= y_max + 0.5 {
        let py = y(v);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}" stroke="#d8dee4" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#57606a">{v}</text>"##,
            WIDTH - RIGHT,
            LEFT - 8.0,
            py + 4.0
        );
        v += y_step;
    }
    let _ = write!(
        out,
        r##"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle" fill="#1b1f24">REGISTERs per second</text>"##,
        TOP + plot_h / 2.0
    );
    // The time axis.
    let t_step = time_step(seconds);
    let mut t = 0.0;
    while t <= seconds + 0.5 {
        let px = x(t);
        let _ = write!(
            out,
            r##"<line x1="{px:.1}" x2="{px:.1}" y1="{:.1}" y2="{:.1}" stroke="#8c959f"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" fill="#57606a">{}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 20.0,
            clock(t as Millis * 1000)
        );
        t += t_step;
    }
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#8c959f"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1b1f24">time since the start (m:ss)</text>"##,
        WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h,
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0
    );
    // The loss and the return.
    let mut marker = |at: Millis, label: String| {
        let px = x(at as f64 / 1000.0);
        let _ = write!(
            out,
            r##"<g><title>{label} at {}</title><line x1="{px:.1}" x2="{px:.1}" y1="{TOP}" y2="{:.1}" stroke="#57606a" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}" fill="#57606a">{label}</text></g>"##,
            clock(at),
            TOP + plot_h,
            px + 4.0,
            TOP + 14.0
        );
    };
    marker(report.loss_at_ms, format!("{lost} lost"));
    if let Some(at) = report.return_at_ms.filter(|at| *at < report.until_ms) {
        marker(at, format!("{lost} back"));
    }
    // One step line per site.
    for (site, colour) in report.sites.iter().zip(COLOURS) {
        let mut d = format!("M{:.1} {:.1}", x(0.0), y(0.0));
        let mut last = 0;
        for (second, &count) in site.registers.per_second.iter().enumerate() {
            if count != last {
                let px = x(second as f64);
                let _ = write!(d, "H{px:.1}V{:.1}", y(f64::from(count)));
                last = count;
            }
        }
        let _ = write!(d, "H{:.1}", x(seconds));
        let _ = write!(
            out,
            r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.5" stroke-linejoin="round"><title>{}: peak {} REGISTERs/s at {}</title></path>"#,
            escape(&site.site),
            site.registers.peak.count,
            clock(site.registers.peak.at_ms)
        );
    }
    if let Some(capacity) = capacity {
        let py = y(f64::from(capacity));
        let _ = write!(
            out,
            r#"<g><title>registrar capacity: {capacity} REGISTERs/s</title><line x1="{LEFT}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}" stroke="{CAPACITY}" stroke-width="1.5" stroke-dasharray="8 4"/></g>"#,
            WIDTH - RIGHT
        );
    }
    // The legend, top right.
    let mut entries: Vec<(String, &str, bool)> = report
        .sites
        .iter()
        .zip(COLOURS)
        .map(|(site, colour)| {
            let what = if site.lost { " (lost)" } else { "" };
            (
                format!(
                    "{}{what}, peak {}/s",
                    escape(&site.site),
                    site.registers.peak.count
                ),
                colour,
                false,
            )
        })
        .collect();
    if let Some(capacity) = capacity {
        entries.push((format!("registrar capacity {capacity}/s"), CAPACITY, true));
    }
    let legend_x = WIDTH - RIGHT - 250.0;
    for (i, (label, colour, dashed)) in entries.iter().enumerate() {
        let ly = TOP + 32.0 + i as f64 * 18.0;
        let dash = if *dashed {
            r#" stroke-dasharray="8 4""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r##"<line x1="{legend_x:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2.5"{dash}/><text x="{:.1}" y="{:.1}" fill="#1b1f24">{label}</text>"##,
            legend_x + 22.0,
            legend_x + 28.0,
            ly + 4.0
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(step(1100.0, 5.0), 500.0);
        assert_eq!(step(7.0, 5.0), 2.0);
        assert_eq!(step(0.5, 5.0), 1.0);
        assert_eq!(time_step(3600.0), 300.0);
        assert_eq!(time_step(120.0), 10.0);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("A<&>\"B"), "A&lt;&amp;&gt;&quot;B");
    }
}
