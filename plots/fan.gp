# fan.gp - fan chart of one monthly metric from a sendsim summary CSV.
#
#   gnuplot -e "csv='results/baseline-summary.csv'; metric='ehcp_total'; out='ehcp.png'" plots/fan.gp
#
# Bands: P5-P95, P10-P90, P25-P75 (lighter to darker grey), median as a line. Readable in
# greyscale. Optional: title='...', ylabel='...'.
if (!exists("csv") || !exists("metric")) {
    print "usage: gnuplot -e \"csv='PREFIX-summary.csv'; metric='NAME'; out='FILE.png'\" plots/fan.gp"
    exit
}
if (!exists("out")) out = metric . ".png"
if (!exists("title")) title = metric
if (!exists("ylabel")) ylabel = metric

set terminal pngcairo size 1000,600 font "sans,11"
set output out
set datafile separator comma
set xdata time
set timefmt "%Y-%m"
set format x "%Y"
set xlabel "month"
set ylabel ylabel
set title title
set key top left
set grid ytics lc rgb "#dddddd"
# a row belongs to the chart when its metric column matches and its period is a month
pick(col) = (strcol(2) eq metric && strlen(strcol(3)) == 7) ? column(col) : NaN
plot csv using 3:(pick(6)):(pick(12)) with filledcurves lc rgb "#e6e6e6" title "P5-P95", \
     csv using 3:(pick(7)):(pick(11)) with filledcurves lc rgb "#c8c8c8" title "P10-P90", \
     csv using 3:(pick(8)):(pick(10)) with filledcurves lc rgb "#a0a0a0" title "P25-P75", \
     csv using 3:(pick(9)) with lines lw 2 lc rgb "#000000" title "median"
