# sufficiency.gp - places against demand for one provision, in two panels sharing the time
# axis. Above: demand (children placed there plus children waiting for a place there) as a
# fan (P5-P95, P10-P90, P25-P75, median) against the places available (median across
# replications, thick dashed line; build slippage can make it vary). Below: the children
# waiting for a place, as a fan.
#
#   gnuplot -e "data='results/baseline-sufficiency-special.dat'; provision='special school'; out='special.png'" plots/sufficiency.gp
#
# data columns: date, period, demand p05..p95 (3-9), places p10 p50 p90 (10-12), waiting
# p05..p95 (13-19). Variables: provision (its name in the panel titles); see style.gp.
if (!exists("data")) {
    print "usage: gnuplot -e \"data='PREFIX-sufficiency-PROVISION.dat'; out='FILE.png'\" plots/sufficiency.gp"
    exit
}
if (!exists("plotdir")) plotdir = 'plots'
if (!exists("height")) height = 720
xkind = 'month'
load plotdir . '/style.gp'
if (!exists("provision")) provision = 'provision'
set multiplot
set lmargin at screen 0.09
set rmargin at screen 0.76   # the keys go right of the panels

# above: demand against places
set tmargin at screen 0.845
set bmargin at screen 0.45
set format x ''
set xlabel ''
set ylabel 'children / places'
set key outside right top vertical Left reverse noopaque nobox
set title 'demand (placed + waiting) against places' font ',14' offset 0,-0.3
plot data using 1:3:9 with filledcurves lc rgb grey_p95 title 'demand P5-P95', \
     data using 1:4:8 with filledcurves lc rgb grey_p90 title 'P10-P90', \
     data using 1:5:7 with filledcurves lc rgb grey_p75 title 'P25-P75', \
     data using 1:6 with lines lw 2 lc rgb ink title 'demand, median', \
     data using 1:11 with steps lw 3 dt (10,6) lc rgb ink title 'places, median'
unset label 998
unset label 999

# below: waiting list
set tmargin at screen 0.375
set bmargin at screen 0.13
set format x xfmt
set xlabel xlab
set ylabel 'children waiting'
set yrange [0:*]
set key outside right top vertical Left reverse noopaque nobox
set title 'children waiting for a place' font ',14' offset 0,-0.3
plot data using 1:13:19 with filledcurves lc rgb grey_p95 title 'P5-P95', \
     data using 1:14:18 with filledcurves lc rgb grey_p90 title 'P10-P90', \
     data using 1:15:17 with filledcurves lc rgb grey_p75 title 'P25-P75', \
     data using 1:16 with lines lw 2 lc rgb ink title 'median'
unset multiplot
