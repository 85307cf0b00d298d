# weeks.gp - distribution of weeks from request to final EHC plan, pooled over every
# replication: grey bars for the whole horizon, a black step outline for the final years, and
# a dashed vertical line at the 20-week limit. Bin w counts plans issued after w to w+1 whole
# weeks; the last bin (52) counts a year or more.
#
#   gnuplot -e "data='results/baseline-weeks-to-issue.dat'; out='weeks.png'" plots/weeks.gp
#
# data columns: week, share of all plans (%), share in the final years (%), plans (all),
# plans (final years). Variables: all_title, final_title (key entries; final_title '' hides
# the outline), and see style.gp.
if (!exists("data")) {
    print "usage: gnuplot -e \"data='PREFIX-weeks-to-issue.dat'; out='FILE.png'\" plots/weeks.gp"
    exit
}
if (!exists("plotdir")) plotdir = 'plots'
xkind = 'weeks'
load plotdir . '/style.gp'
if (!exists("all_title")) all_title = 'whole horizon'
if (!exists("final_title")) final_title = 'final years'
set xlabel 'weeks from request to final plan (whole weeks; 52+ = a year or more)'
set ylabel '% of new plans'
set xrange [0:53]
set yrange [0:*]
set xtics 0, 4, 48 nomirror out
set xtics add ('52+' 52.5)
set style fill solid 1.0 border lc rgb '#ffffff'
set boxwidth 1.0 absolute
set arrow 1 from 20, graph 0 to 20, graph 1 nohead lw 2 dt 2 lc rgb ink front
# the key's entries are long: it goes under the graph, outside it like every key
set key below vertical Left reverse noopaque nobox
set label 1 '20 weeks' at 20.4, graph 0.96 left textcolor rgb ink front
final_clause = (final_title ne '') ? ", data using ($1 + 0.5):3 with histeps lw 2 lc rgb ink title final_title" : ""
plot data using ($1 + 0.5):2 with boxes lc rgb grey_p90 title all_title @final_clause
