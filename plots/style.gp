# style.gp - the look shared by every sendsim chart: terminal, fonts, greys, axes, footer.
#
# Loaded first by each chart template. Variables (all optional):
#   fmt     'png' (pngcairo, default) or 'svg' (self-contained SVG: no scripts, fonts or images)
#   out     the image file (default: the terminal's standard output)
#   width, height   pixels (default 900 x 540)
#   title   the chart title; footer: a provenance line at the bottom left
# Colours are greys only, so charts read the same printed in black and white: bands from
# light (widest) to dark (narrowest), medians and observations in black.
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 900
if (!exists("height")) height = 540
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size width,height font 'sans-serif,12' background '#ffffff' noenhanced rounded
} else {
    set terminal pngcairo size width,height font 'sans,10' background '#ffffff' noenhanced rounded
}
if (exists("out")) set output out

grey_p95 = '#e6e6e6'   # P5-P95 band
grey_p90 = '#cccccc'   # P10-P90 band
grey_p75 = '#a6a6a6'   # P25-P75 band
grey_mid = '#666666'   # secondary lines and points
ink      = '#000000'   # medians, observations, reference lines

set border 3 lw 1 lc rgb '#333333'
set tics nomirror out scale 0.6
set grid ytics lt 1 lw 1 lc rgb '#e0e0e0'
set grid noxtics
set key top left Left reverse noopaque samplen 2.5 spacing 1.1 box lc rgb '#ffffff'
set style fill solid 1.0 noborder
if (exists("title")) set title title font ',14' offset 0,0.4
if (exists("footer")) {
    set label 999 footer at screen 0.012, screen 0.022 left font ',9' textcolor rgb '#555555'
    set bmargin 5.5
}

# x axis by period kind: xkind = 'month' (dates in column 1, YYYY-MM-DD), 'cy' or 'fy'
# (the starting year in column 1; financial years are labelled 2019-20).
if (!exists("xkind")) xkind = 'month'
if (xkind eq 'month') {
    set xdata time
    set timefmt '%Y-%m-%d'
    set format x '%Y'
    set xlabel 'date (tics on 1 January)'
    set autoscale xfix
} else {
    set xdata
    set format x '%.0f'
    set xlabel (xkind eq 'fy' ? 'financial year (April to March)' : 'calendar year')
}

# cy/fy charts: after setting x0 and x1 (first and last year shown), `eval sendsim_years` sets
# the x range and one tic per year (every other year when more than 12).
sendsim_ylab(y) = (xkind eq 'fy') ? sprintf('%d-%02d', int(y), int(y + 1) % 100) : sprintf('%d', int(y))
sendsim_tics(y, b, s) = (y > b) ? '' : sprintf('"%s" %d', sendsim_ylab(y), int(y)) . ((y + s <= b) ? ', ' . sendsim_tics(y + s, b, s) : '')
sendsim_years = "set xrange [x0 - 0.6 : x1 + 0.6]; eval 'set xtics (' . sendsim_tics(x0, x1, (x1 - x0 > 12 ? 2 : 1)) . ')'"
