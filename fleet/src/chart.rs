//! The chart: REGISTERs per second at each site, around the loss and
//! around the return, as SVG.

use std::fmt::Write;
use std::ops::Range;

use continuity_core::Millis;

use crate::report::Report;
use crate::text::{clock, thousands};

const WIDTH: f64 = 960.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 108.0;
const ROW: f64 = 170.0;
const ROW_GAP: f64 = 48.0;
const COLUMN_GAP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

/// The lost site's colour and the other site's; the capacity line's.
const COLOURS: [&str; 2] = ["#1f6feb", "#d9730d"];
const CAPACITY: &str = "#b3261e";

/// Seconds shown before and after the traffic of a window.
const MARGIN: usize = 20;

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

/// A round time step, in seconds, for about six ticks over `seconds`.
fn time_step(seconds: f64) -> f64 {
    [
        5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21_600.0,
    ]
    .into_iter()
    .find(|s| seconds / s <= 6.0)
    .unwrap_or(43_200.0)
}

/// One column of the chart: a stretch of the run, in seconds.
struct Window {
    title: String,
    seconds: Range<usize>,
}

/// The stretch of `phase` (seconds) with traffic, with a margin; at least a minute.
fn window(report: &Report, phase: Range<usize>, title: String) -> Window {
    let busy = |second: usize| {
        report
            .sites
            .iter()
            .any(|s| s.registers.per_second.get(second).is_some_and(|&c| c > 0))
    };
    let first = phase.clone().find(|&s| busy(s)).unwrap_or(phase.start);
    let last = phase
        .clone()
        .rev()
        .find(|&s| busy(s))
        .unwrap_or(phase.start);
    let start = first
        .saturating_sub(MARGIN)
        .max(phase.start.saturating_sub(MARGIN));
    let start = start.min(phase.start.saturating_sub(5));
    let end = (last + 1 + MARGIN)
        .max(start + 60)
        .min(phase.end.max(start + 1));
    Window {
        title,
        seconds: start..end,
    }
}

/// The chart of a report: REGISTER requests per second at each site (one
/// row per site, on one scale), around the loss and around the return (one
/// column each), the loss and return marked, and — when the report has a
/// capacity plan — the registrar capacity as a dashed line in every panel.
/// A standalone SVG document, 960 px wide; every mark has a `<title>`.
pub fn svg(report: &Report) -> String {
    let run = report.until_ms.div_ceil(1000) as usize;
    let loss = (report.loss_at_ms / 1000) as usize;
    let back = report
        .return_at_ms
        .map(|at| (at / 1000) as usize)
        .filter(|&at| at < run);
    let lost = escape(&report.sites[0].site);
    let mut windows = vec![window(
        report,
        loss..back.unwrap_or(run),
        format!("around the loss of {lost} at {}", clock(report.loss_at_ms)),
    )];
    if let Some(back) = back {
        windows.push(window(
            report,
            back..run,
            format!("around its return at {}", clock(back as Millis * 1000)),
        ));
    }
    let capacity = report.capacity.as_ref().map(|c| c.registers_per_second);
    let peak = report
        .sites
        .iter()
        .map(|s| s.registers.peak.count)
        .max()
        .unwrap_or(0);
    let top = f64::from(peak.max(capacity.unwrap_or(0)).max(1)) * 1.08;
    let y_step = step(top, 4.0);
    let y_max = (top / y_step).ceil() * y_step;
    let columns = windows.len() as f64;
    let column_w = (WIDTH - LEFT - RIGHT - COLUMN_GAP * (columns - 1.0)) / columns;
    let height = TOP + 2.0 * ROW + ROW_GAP + BOTTOM;

    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13" role="img" aria-labelledby="fleet-chart-title"><rect width="{WIDTH}" height="{height}" fill="#ffffff"/><title id="fleet-chart-title">REGISTERs per second at each site</title>"##
    );
    let back_text = match report.return_at_ms {
        Some(at) => format!(", back at {}", clock(at)),
        None => ", never back".to_owned(),
    };
    let _ = write!(
        out,
        r##"<text x="16" y="26" font-size="17" font-weight="600" fill="#1b1f24">REGISTERs per second at each site</text><text x="16" y="48" fill="#57606a">{} desktops · {lost} lost at {}{back_text} · failover spread {} s · restore spread {} s</text>"##,
        thousands(u64::from(report.desktops)),
        clock(report.loss_at_ms),
        report.failover_spread_ms / 1000,
        report.restore_spread_ms / 1000,
    );
    // The legend, on the title's right.
    if let Some(capacity) = capacity {
        let x = WIDTH - RIGHT - 230.0;
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" x2="{:.1}" y1="40" y2="40" stroke="{CAPACITY}" stroke-width="2" stroke-dasharray="8 4"/><text x="{:.1}" y="44" fill="#1b1f24">registrar capacity {capacity}/s</text>"##,
            x + 26.0,
            x + 32.0
        );
    }
    for (column, win) in windows.iter().enumerate() {
        let left = LEFT + column as f64 * (column_w + COLUMN_GAP);
        let span = (win.seconds.end - win.seconds.start).max(1) as f64;
        let x = |s: f64| left + (s - win.seconds.start as f64) / span * column_w;
        let _ = write!(
            out,
            r##"<text x="{left:.1}" y="{:.1}" font-size="14" font-weight="600" fill="#1b1f24">{}</text>"##,
            TOP - 36.0,
            win.title
        );
        for (row, (site, colour)) in report.sites.iter().zip(COLOURS).enumerate() {
            let top = TOP + row as f64 * (ROW + ROW_GAP);
            let y = |v: f64| top + ROW - v / y_max * ROW;
            let name = escape(&site.site);
            // The site's name above each of its panels.
            let role = if site.lost { " (lost)" } else { "" };
            let in_window = site
                .registers
                .per_second
                .get(win.seconds.clone())
                .and_then(|s| s.iter().max().copied())
                .unwrap_or(0);
            let _ = write!(
                out,
                r##"<text x="{left:.1}" y="{:.1}" fill="{colour}" font-weight="600">{name}{role}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#57606a">peak here {in_window}/s</text>"##,
                top - 9.0,
                left + column_w,
                top - 9.0
            );
            // Grid and value axis (labels on the first column only).
            let mut v = 0.0;
            while v <= y_max + 0.5 {
                let py = y(v);
                let _ = write!(
                    out,
                    r##"<line x1="{left:.1}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}" stroke="#e1e5ea"/>"##,
                    left + column_w
                );
                if column == 0 {
                    let _ = write!(
                        out,
                        r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#57606a">{v}</text>"##,
                        left - 8.0,
                        py + 4.0
                    );
                }
                v += y_step;
            }
            // Loss and return markers.
            for (at, label) in [(Some(loss), "lost"), (back, "back")] {
                let Some(at) = at.filter(|at| win.seconds.contains(at)) else {
                    continue;
                };
                let px = x(at as f64);
                let _ = write!(
                    out,
                    r##"<g><title>{lost} {label} at {}</title><line x1="{px:.1}" x2="{px:.1}" y1="{top:.1}" y2="{:.1}" stroke="#57606a" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}" fill="#57606a" font-size="12">{lost} {label}</text></g>"##,
                    clock(at as Millis * 1000),
                    top + ROW,
                    px + 4.0,
                    top + 14.0
                );
            }
            // The series: a step line with a light fill.
            let mut d = format!("M{:.1} {:.1}", x(win.seconds.start as f64), y(0.0));
            let mut last = 0;
            for second in win.seconds.clone() {
                let count = site.registers.per_second.get(second).copied().unwrap_or(0);
                if count != last {
                    let _ = write!(d, "H{:.1}V{:.1}", x(second as f64), y(f64::from(count)));
                    last = count;
                }
            }
            let _ = write!(d, "H{:.1}V{:.1}", x(win.seconds.end as f64), y(0.0));
            let _ = write!(
                out,
                r##"<path d="{d}Z" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="1.5" stroke-linejoin="round"><title>{name}: REGISTERs per second from {} to {} (peak {in_window}/s)</title></path>"##,
                clock(win.seconds.start as Millis * 1000),
                clock(win.seconds.end as Millis * 1000)
            );
            if let Some(capacity) = capacity {
                let py = y(f64::from(capacity));
                let _ = write!(
                    out,
                    r##"<line x1="{left:.1}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}" stroke="{CAPACITY}" stroke-width="1.5" stroke-dasharray="8 4"><title>registrar capacity: {capacity} REGISTERs/s</title></line>"##,
                    left + column_w
                );
            }
            // The time axis under each panel.
            let axis_y = top + ROW;
            let _ = write!(
                out,
                r##"<line x1="{left:.1}" x2="{:.1}" y1="{axis_y:.1}" y2="{axis_y:.1}" stroke="#8c959f"/>"##,
                left + column_w
            );
            let t_step = time_step(span);
            let mut t = (win.seconds.start as f64 / t_step).ceil() * t_step;
            while t <= win.seconds.end as f64 {
                let px = x(t);
                let _ = write!(
                    out,
                    r##"<line x1="{px:.1}" x2="{px:.1}" y1="{axis_y:.1}" y2="{:.1}" stroke="#8c959f"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" fill="#57606a" font-size="12">{}</text>"##,
                    axis_y + 4.0,
                    axis_y + 17.0,
                    clock(t as Millis * 1000)
                );
                t += t_step;
            }
        }
    }
    let _ = write!(
        out,
        r##"<text transform="translate(22 {:.1}) rotate(-90)" text-anchor="middle" fill="#1b1f24">REGISTERs per second</text><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1b1f24">time since the start (m:ss)</text>"##,
        TOP + ROW + ROW_GAP / 2.0,
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        height - 10.0
    );
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(step(1100.0, 4.0), 500.0);
        assert_eq!(step(7.0, 4.0), 2.0);
        assert_eq!(step(0.5, 4.0), 1.0);
        assert_eq!(time_step(3600.0), 600.0);
        assert_eq!(time_step(120.0), 30.0);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("A<&>\"B"), "A&lt;&amp;&gt;&quot;B");
    }
}
