# flows.gp - requests for assessment and new EHC plans per calendar year: medians joined by
# lines with P10-P90 error bars (requests grey, open circles; new plans black, filled
# circles, drawn a little apart), and observed history as triangles.
#
#   gnuplot -e "data='results/baseline-flows.dat'; observed='results/baseline-flows-observed.dat'; out='flows.png'" plots/flows.gp
#
# data columns: year, period, requests p10 p50 p90, new plans p10 p50 p90.
# observed (optional): year, metric (requests or new_plans), value; obs_requests and
# obs_new_plans (0/1) say which metrics it holds. Other variables: see style.gp.
if (!exists("data")) {
    print "usage: gnuplot -e \"data='PREFIX-flows.dat'; out='FILE.png'\" plots/flows.gp"
    exit
}
if (!exists("plotdir")) plotdir = 'plots'
xkind = 'cy'
load plotdir . '/style.gp'
if (!exists("observed")) observed = ''
if (!exists("obs_requests")) obs_requests = (observed ne '') ? 1 : 0
if (!exists("obs_new_plans")) obs_new_plans = (observed ne '') ? 1 : 0
set ylabel 'per calendar year (median, P10-P90 bars)'
set yrange [0:*]
stats data using 1 nooutput
x0 = STATS_min
x1 = STATS_max
if (observed ne '') {
    stats observed using 1 nooutput
    x0 = (STATS_min < x0) ? STATS_min : x0
    x1 = (STATS_max > x1) ? STATS_max : x1
}
eval sendsim_years
set bars 0.6
pick(name) = (strcol(2) eq name) ? column(3) : NaN
obs_req = obs_requests ? ", observed using 1:(pick('requests')) with points pt 8 ps 1.4 lw 1.5 lc rgb grey_mid title 'requests, observed'" : ""
obs_new = obs_new_plans ? ", observed using 1:(pick('new_plans')) with points pt 9 ps 1.4 lc rgb ink title 'new plans, observed'" : ""
plot data using ($1 - 0.1):4:3:5 with yerrorlines pt 6 ps 1.1 lw 1.5 lc rgb grey_mid title 'requests', \
     data using ($1 + 0.1):7:6:8 with yerrorlines pt 7 ps 1.1 lw 1.5 lc rgb ink title 'new plans' \
     @obs_req @obs_new
