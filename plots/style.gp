# style.gp - the look shared by every sendsim chart: terminal, fonts, greys, axes, footer.
#
# Loaded first by each chart template. Variables (all optional):
#   fmt     'png' (pngcairo, default) or 'svg' (self-contained SVG: no scripts, fonts or images)
#   out     the image file (default: the terminal's standard output)
#   width, height   pixels (default 900 x 540)
#   title   the chart title; footer: a provenance line under it (scenario, replications, seed)
#   xkind   'month' (default), 'cy' or 'fy': how column 1 and the x axis read (see below)
#   months  months spanned by a monthly chart; 36 or fewer get month labels on the x axis
# Text is large enough to read at the size the report shows a chart (no smaller than 12 px at
# 900 pixels wide); keys always sit outside the plotting area, so they never hide data.
# Colours are greys only, so charts read the same printed in black and white: bands from
# light (widest) to dark (narrowest), medians and observations in black.
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 900
if (!exists("height")) height = 540
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size width,height font 'sans-serif,14' background '#ffffff' noenhanced rounded
} else {
    set terminal pngcairo size width,height font 'sans,11' background '#ffffff' noenhanced rounded
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
# the key sits right of the graph, so it never hides data
set key outside right top vertical Left reverse noopaque samplen 2.5 spacing 1.15 nobox
set style fill solid 1.0 noborder
set offsets 0, 0, graph 0.04, 0
# title and footer (scenario, replications, seed) as two centred lines at the top
set tmargin 2.6
if (exists("title")) {
    set label 998 title at screen 0.5, screen 1 center offset 0,-1.3 font ',16' front
}
if (exists("footer")) {
    set label 999 footer at screen 0.5, screen 1 center offset 0,-2.9 font ',12' textcolor rgb '#555555' front
    set tmargin 4.8
}

# x axis by period kind: xkind = 'month' (dates in column 1, YYYY-MM-DD), 'cy' or 'fy'
# (the starting year in column 1; financial years are labelled 2019-20).
if (!exists("xkind")) xkind = 'month'
if (xkind eq 'month') {
    # months: how many months the chart spans (optional); short spans get month labels
    short = exists("months") ? (months <= 36) : 0
    xfmt = short ? "%b\n%Y" : '%Y'
    xlab = short ? 'date' : 'date (tics on 1 January)'
    set xdata time
    set timefmt '%Y-%m-%d'
    set format x xfmt
    set xlabel xlab
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
