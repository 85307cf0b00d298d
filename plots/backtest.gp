# backtest.gp - a back-test chart (sendsim backtest).
#
#   mode 'fan' (one authority): the forecast made as of the start year, its median and P10-P90
#   band, the naive trend (dashed) and the published values (points), by year.
#     data columns: year, p10, p50, p90, published, naive
#   mode 'error' (several authorities): the median absolute % error across authorities by
#   horizon, the model's forecast median against the naive trend.
#     data columns: horizon (years), model, naive
#
#   gnuplot -e "data='results/backtest-855-2019-ehcp_total.dat'; mode='fan'; xkind='cy'; out='x.png'" plots/backtest.gp
#
# Variables: data, mode, ylabel; see style.gp (xkind 'cy').
if (!exists("data") || !exists("mode")) {
    print "usage: gnuplot -e \"data='FILE.dat'; mode='fan'; xkind='cy'; out='FILE.png'\" plots/backtest.gp"
    exit
}
if (!exists("plotdir")) plotdir = 'plots'
xkind = 'cy'
load plotdir . '/style.gp'
if (!exists("ylabel")) ylabel = ''
set ylabel ylabel
if (mode eq 'error') {
    set xlabel 'horizon (years from 1 January of the start year to the end of the period)'
    stats data using 1 nooutput
    set xrange [STATS_min - 0.3 : STATS_max + 0.3]
    set xtics 1
    set yrange [0:*]
    plot data using 1:2 with linespoints lw 2 pt 7 ps 1.2 lc rgb ink title 'model (forecast median)', \
         data using 1:3 with linespoints lw 2 dt 2 pt 5 ps 1.1 lc rgb grey_mid title 'naive trend'
} else {
    stats data using 1 nooutput
    x0 = STATS_min
    x1 = STATS_max
    eval sendsim_years
    plot data using 1:2:4 with filledcurves lc rgb grey_p90 title 'P10-P90', \
         data using 1:3 with linespoints lw 2 pt 7 ps 1.0 lc rgb ink title 'forecast median', \
         data using 1:6 with linespoints lw 1.5 dt 2 pt 5 ps 0.9 lc rgb grey_mid title 'naive trend', \
         data using 1:5 with points pt 9 ps 1.7 lc rgb ink title 'published'
}
