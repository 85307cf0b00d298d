# overlay.gp - several series on one chart (the scenarios of a comparison, or the related
# metrics of one run's service): each series' median as a line (its own dash pattern, point
# shape and grey, so they read apart in black and white) over its P10-P90 band (translucent
# grey).
#
#   gnuplot -e "data='results/compare-overlay-ehcp.dat'; k=2; array names[2] = ['baseline', 'ep-capacity']; out='overlay.png'" plots/overlay.gp
#
# data columns: x, period, then per series i (1..k) p10 p50 p90 in columns 3i, 3i+1, 3i+2.
# Variables: k, names (array of k series names), xkind ('month', 'cy' or 'fy'), ylabel, zero
# (1: a line at zero), logy (1: a logarithmic y axis, for series of different sizes), ymin,
# ymax, keypos (e.g. 'below': the key under the graph, for long series names); see style.gp.
if (!exists("data") || !exists("k")) {
    print "usage: gnuplot -e \"data='FILE.dat'; k=2; array names[2] = ['a', 'b']; out='FILE.png'\" plots/overlay.gp"
    exit
}
if (!exists("plotdir")) plotdir = 'plots'
load plotdir . '/style.gp'
if (!exists("ylabel")) ylabel = ''
if (!exists("zero")) zero = 0
if (!exists("logy")) logy = 0
set ylabel ylabel
if (logy) { set logscale y 10 }
if (zero) {
    set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lw 1 lc rgb '#888888' back
}
if (xkind ne 'month') {
    stats data using 1 nooutput
    x0 = STATS_min
    x1 = STATS_max
    eval sendsim_years
}
# after stats: stats would leave out years outside a y range
if (exists("ymin") && exists("ymax")) { set yrange [ymin:ymax] }
if (exists("ymin") && !exists("ymax")) { set yrange [ymin:*] }
array greys[4] = ['#000000', '#4d4d4d', '#7a7a7a', '#262626']
dash(i) = (i - 1) % 5 + 1
shape(i) = word('7 5 9 13 11', (i - 1) % 5 + 1) + 0
grey(i) = greys[(i - 1) % 4 + 1]
everyn = (xkind eq 'month') ? 12 : 1
set style fill transparent solid 0.22 noborder
set key title 'median, P10-P90' left
if (exists("keypos")) { eval 'set key ' . keypos }
plot for [i=1:k] data using 1:(column(3 * i)):(column(3 * i + 2)) with filledcurves lc rgb '#404040' notitle, \
     for [i=1:k] data using 1:(column(3 * i + 1)) with linespoints lw 2 dt dash(i) pt shape(i) ps 1.0 pointinterval everyn lc rgb grey(i) title names[i]
