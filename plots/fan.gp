# fan.gp - fan chart of one series over time: P5-P95, P10-P90 and P25-P75 bands (light to
# dark grey), the median as a black line, observed history as black points, and optionally a
# reference line (e.g. the grant) and a zero line. Used for EHC plans (monthly), % within 20
# weeks (calendar years), spend and deficit (financial years) and paired differences.
#
# From a chart data file written by sendsim (columns: x, period, p05 p10 p25 p50 p75 p90 p95,
# and optionally a reference value in column 10):
#   gnuplot -e "data='results/baseline-ehcp-fan.dat'; observed='results/baseline-ehcp-fan-observed.dat'; out='ehcp.png'" plots/fan.gp
# From the summary CSV (monthly metrics only):
#   gnuplot -e "csv='results/baseline-summary.csv'; metric='ehcp_total'; out='ehcp.png'" plots/fan.gp
#
# Variables: data or csv+metric (required); out, fmt, title, footer, width, height (see
# style.gp); xkind ('month', 'cy' or 'fy'; default 'month'); ylabel; observed (file with
# columns x, metric, value; '' for none); ref_title (draw column 10 as a dashed line);
# zero (1: a line at zero); ymin, ymax; keypos (e.g. 'outside bottom right'; default: in
# rows above the graph).
if (!exists("data") && !(exists("csv") && exists("metric"))) {
    print "usage: gnuplot -e \"data='FILE.dat'; out='FILE.png'\" plots/fan.gp"
    print "   or: gnuplot -e \"csv='PREFIX-summary.csv'; metric='NAME'; out='FILE.png'\" plots/fan.gp"
    exit
}
if (!exists("plotdir")) plotdir = 'plots'
if (exists("csv")) {
    xkind = 'month'
    if (!exists("title")) { title = metric }
    if (!exists("ylabel")) { ylabel = metric }
    if (!exists("out")) { out = metric . '.png' }
}
load plotdir . '/style.gp'
if (!exists("ylabel")) ylabel = ''
if (!exists("observed")) observed = ''
has_obs = (observed ne '') ? 1 : 0
has_ref = exists("ref_title") ? 1 : 0
if (!exists("ref_title")) ref_title = ''
if (!exists("zero")) zero = 0
set ylabel ylabel
if (exists("keypos")) { eval 'set key ' . keypos }
if (zero) {
    set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lw 1.5 dt 2 lc rgb ink back
}

if (exists("csv")) {
    # summary CSV: scenario,metric,period,mean,sd,p05,...,p95; keep the metric's monthly rows
    set datafile separator comma
    set timefmt '%Y-%m'
    src = csv
    X = 3
    pick(c) = (strcol(2) eq metric && strlen(strcol(3)) == 7) ? column(c) : NaN
    Q = 6
} else {
    src = data
    X = 1
    pick(c) = column(c)
    Q = 3
    if (xkind ne 'month') {
        stats data using 1 nooutput
        x0 = STATS_min
        x1 = STATS_max
        if (has_obs) {
            stats observed using 1 nooutput
            x0 = (STATS_min < x0) ? STATS_min : x0
            x1 = (STATS_max > x1) ? STATS_max : x1
        }
        eval sendsim_years
    }
}
if (exists("ymin") && exists("ymax")) { set yrange [ymin:ymax] }
if (exists("ymin") && !exists("ymax")) { set yrange [ymin:*] }
pt_median = (xkind eq 'month') ? -1 : 7

# optional elements as macros that name (not quote) the file variables
ref_clause = has_ref ? ", src using X:10 with lines lw 2 dt (8,5) lc rgb grey_mid title ref_title" : ""
obs_clause = has_obs ? ", observed using 1:3 with points pt 9 ps 1.3 lc rgb ink title 'observed'" : ""
plot src using X:(pick(Q)):(pick(Q + 6)) with filledcurves lc rgb grey_p95 title 'P5-P95', \
     src using X:(pick(Q + 1)):(pick(Q + 5)) with filledcurves lc rgb grey_p90 title 'P10-P90', \
     src using X:(pick(Q + 2)):(pick(Q + 4)) with filledcurves lc rgb grey_p75 title 'P25-P75', \
     src using X:(pick(Q + 3)) with linespoints lw 2 pt pt_median ps 0.8 lc rgb ink title 'median' \
     @ref_clause @obs_clause
